"""A commentary from draft to live through both review steps, in the real admin."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from editorial.roles import AUTHORS, EDITOR_IN_CHIEF, EDITORS
from publications.models import CommentaryPage, PublicationIndexPage

from .conftest import screenshot

PASSWORD = "correct horse battery staple"


def make_user(username, group):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device:  # the editor-in-chief's second factor, as their authenticator app would give it
        page.wait_for_url("**/two-factor/verify/**")
        page.fill(
            "#id_token", f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
        )
        page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/admin/")


def act(page, label):
    """Choose an action from the page editor's footer menu and wait for its result."""
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


def test_author_to_editor_to_chief_to_reader(page, browser, live_site):
    make_user("author", AUTHORS)
    make_user("editor", EDITORS)
    chief = make_user("chief", EDITOR_IN_CHIEF)
    TOTPDevice.objects.create(user=chief, name="phone", confirmed=True)
    index = PublicationIndexPage.objects.get()

    log_in(page, "author")
    page.goto(f"/admin/pages/add/publications/commentarypage/{index.pk}/")
    page.fill("#id_title", "Sanctions and the Yen")
    page.fill("#id_lead", "What the sanctions mean for Japan's currency.")
    # MultipleChooserPanel(min_num=1) opens with one empty author row: choose into it.
    page.get_by_role("button", name="Choose a page (Expert)").first.click()
    page.get_by_role("link", name="Andrey Sushentsov").click()
    # The vocabulary widget offers existing tags only: type, then pick the suggestion.
    tag_input = page.locator(".tagit-new input").first
    tag_input.click()
    tag_input.press_sequentially("Jap", delay=150)
    page.locator(".ui-autocomplete .ui-menu-item", has_text="Japan").click()
    screenshot(page, "admin-author-draft")
    act(page, "Submit to Editorial review")
    commentary = CommentaryPage.objects.get(title="Sanctions and the Yen")
    assert commentary.current_workflow_task.name == "Review by editors"
    assert [b.expert.title for b in commentary.bylines.all()] == ["Andrey Sushentsov"]
    assert [t.name for t in commentary.get_latest_revision_as_object().regions.all()] == ["Japan"]

    for reviewer, next_step in (("editor", "Approval by the editor-in-chief"), ("chief", None)):
        log_in(page, reviewer)
        screenshot(page, f"admin-dashboard-{reviewer}")
        page.get_by_role("link", name="Sanctions and the Yen").first.click()
        act(page, "Approve")
        commentary = CommentaryPage.objects.get(pk=commentary.pk)  # no cached workflow state
        task = commentary.current_workflow_task
        assert (task.name if task else None) == next_step
    assert commentary.live

    reader = browser.new_context(base_url=live_site.url).new_page()
    reader.goto(commentary.url)
    assert reader.locator("h1").inner_text() == "Sanctions and the Yen"
    assert "Andrey Sushentsov" in reader.locator("article header .bylines").first.inner_text()
    reader.context.close()
