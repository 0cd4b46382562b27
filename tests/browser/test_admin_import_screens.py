"""The admin import in real Chromium: an editor opens Import from the menu, uploads a new export
and a bad one, reads the preview (nothing written yet), confirms, and reads what happened."""

import os
import shutil
from pathlib import Path

from playwright.sync_api import expect

from editorial.roles import EDITORS
from publications.models import CommentaryPage

from .conftest import ARTIFACTS, screenshot
from .test_editorial_workflow import log_in, make_user

ROOT = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
SEED = ROOT / "intake" / "seed" / "000_4feec85b87209d59.txt"
TWO_AUTHORS = ROOT / "tests" / "data" / "two_authors.txt"
NEW_TITLE = "NATO and the US"


def shoot(page, name, doc_name):
    """Always into test-artifacts/; into docs/screenshots/ only when asked
    (UPDATE_DOC_SCREENSHOTS=1), so a test run never rewrites the docs by itself."""
    screenshot(page, name)
    if os.environ.get("UPDATE_DOC_SCREENSHOTS") == "1":
        shutil.copyfile(ARTIFACTS / f"{name}.png", DOCS_SCREENSHOTS / f"{doc_name}.png")


def export(name, text):
    return {"name": name, "mimeType": "text/plain", "buffer": text.encode("utf-8")}


def test_editor_previews_a_new_and_a_bad_file_then_imports_the_new_one(browser, live_site):
    make_user("editor", EDITORS)
    context = browser.new_context(base_url=live_site.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.set_default_navigation_timeout(30_000)
    commentaries = CommentaryPage.objects.count()

    log_in(page, "editor")
    page.get_by_role("link", name="Import", exact=True).click()
    page.wait_for_url("**/admin/import/")
    bad_date = SEED.read_text(encoding="utf-8").replace("07.02.19", "31.02.19")
    new_file = export("nato.txt", TWO_AUTHORS.read_text(encoding="utf-8"))
    page.get_by_label("Export files").set_input_files([new_file, export("bad-date.txt", bad_date)])
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()

    # The preview: what the good file would create, the bad file's error, nothing written yet.
    expect(page.locator("main")).to_contain_text("Nothing has been written yet.")
    new = page.locator("section.intake-file[data-file='nato.txt']")
    expect(new).to_contain_text("will be created as a draft and submitted for review")
    expect(new).to_contain_text("Maria Ivanova")
    expect(new).to_contain_text("John Smith")
    bad = page.locator("section.intake-file[data-file='bad-date.txt']")
    expect(bad).to_contain_text("This file cannot be imported:")
    expect(bad).to_contain_text("not a real date")
    confirm = page.get_by_role("button", name="Confirm: import 1 file")
    expect(confirm).to_be_visible()
    assert CommentaryPage.objects.count() == commentaries
    shoot(page, "admin-import-preview", "import-preview")

    with page.expect_navigation():
        confirm.click()
    main = page.locator("main")
    expect(main).to_contain_text("1 of 2 files imported.")
    expect(page.locator("section.intake-file[data-file='bad-date.txt']")).to_contain_text(
        "Not imported; nothing of it was written:"
    )
    done = page.locator("section.intake-file[data-file='nato.txt']")
    expect(done).to_contain_text("Commentary created:")
    expect(done.get_by_role("link", name=NEW_TITLE)).to_be_visible()
    shoot(page, "admin-import-done", "import-done")

    imported = CommentaryPage.objects.get(title__startswith=NEW_TITLE)
    assert not imported.live
    assert imported.current_workflow_task.name == "Review by editors"
    assert CommentaryPage.objects.count() == commentaries + 1
    context.close()
