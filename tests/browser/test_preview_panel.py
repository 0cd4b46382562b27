"""The preview panel in the page editor, with Wagtail's defaults on (autosave, preview panel,
comments): it shows the unsaved draft, and its Checks panel reports the draft's real issues.
The public page the draft becomes still refuses to be framed."""

import re

from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from playwright.sync_api import expect

from editorial.roles import EDITORS
from experts.models import ExpertPage
from publications.models import PublicationIndexPage

from ..factories.publications import CommentaryPageFactory
from .conftest import screenshot
from .test_editorial_workflow import log_in, make_user

# Wagtail's checker flags alt text that looks like a file name (its "alt-text-quality" rule).
FILE_NAME_ALT = "chart_2024.png"


# Wagtail's unsaved-changes controller takes the form as loaded ("w-unsaved:watch-edits") 2 s
# after it connects, and may take it again a moment later; an edit made before the last of
# those is the starting point, and neither previews nor autosaves. A person types later than
# that; the test waits until the baseline has been still for a second.
BASELINE_SCRIPT = """
document.addEventListener("w-unsaved:watch-edits", () => {
    window.agoraBaselineAt = performance.now();
});
"""


def wait_for_editor(page):
    page.wait_for_function(
        "() => window.agoraBaselineAt !== undefined"
        " && performance.now() - window.agoraBaselineAt > 1000"
    )


def open_preview_panel(page):
    page.locator('[data-side-panel-toggle="preview"]').click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.locator("h1").first).to_be_visible()
    return preview


def test_preview_panel_shows_the_unsaved_title_in_a_frame(page, live_site):
    make_user("editor", EDITORS)
    commentary = CommentaryPageFactory(
        parent=PublicationIndexPage.objects.get(),
        title="Framed in the editor",
        authors=[ExpertPage.objects.first()],
    )
    commentary.save_revision()

    log_in(page, "editor")
    page.add_init_script(BASELINE_SCRIPT)
    page.goto(f"/admin/pages/{commentary.pk}/edit/")
    preview = open_preview_panel(page)
    expect(preview.locator("h1").first).to_have_text("Framed in the editor")

    wait_for_editor(page)
    page.fill("#id_title", "Retitled but not saved")
    expect(preview.locator("h1").first).to_have_text("Retitled but not saved")
    screenshot(page, "admin-preview-panel")

    public = page.context.new_page().goto(commentary.url)
    assert public.status == 200
    assert "frame-ancestors 'none'" in public.headers["content-security-policy"]
    assert public.headers["x-frame-options"] == "DENY"
    # And the browser keeps it out of a frame, even one on the admin's own origin.
    assert frame_on_admin_page(page, commentary.url).startswith("chrome-error://")


def frame_on_admin_page(page, url):
    """The URL the browser ends up showing in an iframe of `url` added to the current page."""
    page.evaluate(
        """(url) => new Promise((resolve) => {
            const frame = document.createElement("iframe");
            frame.id = "agora-test-frame";
            frame.addEventListener("load", resolve, {once: true});
            frame.src = url;
            document.body.append(frame);
        })""",
        url,
    )
    return page.locator("#agora-test-frame").element_handle().content_frame().url


def test_checks_panel_counts_the_issues_found_in_the_preview(page, live_site):
    make_user("editor", EDITORS)
    image = get_image_model().objects.create(title="Chart", file=get_test_image_file())
    body = [
        ("paragraph", "<p>Grain exports fell by a third.</p>"),
        ("image", {"image": image, "alt_text": FILE_NAME_ALT, "caption": ""}),
    ]
    commentary = CommentaryPageFactory(
        parent=PublicationIndexPage.objects.get(),
        title="A chart without a description",
        authors=[ExpertPage.objects.first()],
        body=body,
    )
    commentary.save_revision()

    log_in(page, "editor")
    page.goto(f"/admin/pages/{commentary.pk}/edit/")
    open_preview_panel(page)
    page.locator('[data-side-panel-toggle="checks"]').click()
    checks = page.locator('[data-side-panel="checks"]')
    # The checker's rows come from axe run inside the preview's frame; one image, one issue.
    expect(checks.locator("[data-content-checker-row]")).to_have_count(1)
    expect(checks.locator("[data-content-checker-count]")).to_have_text("1")
    expect(checks.locator("[data-content-checker-name]")).to_have_text(
        re.compile("alt text", re.IGNORECASE)
    )
    screenshot(page, "admin-checks-panel")
