"""An editor commissions a commentary and shares it; an outside expert approves it in Chromium."""

from playwright.sync_api import expect

from editorial.roles import EDITORS

from ..workflow.conftest import make_user
from .conftest import screenshot


def sign_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


def test_editor_commissions_shares_and_sees_the_outside_approval(page, browser, live_site):
    make_user("editor", EDITORS)
    sign_in(page, "editor")

    page.get_by_role("link", name="Open the editorial calendar").click()
    page.get_by_role("link", name="Commission a commentary").first.click()
    page.fill("#id_title", "Tokyo and Moscow After the Treaty Talks")
    # Wagtail's own widgets: the page chooser for the expert, the admin date picker.
    page.locator("#id_expert_1-chooser .unchosen button").click()
    modal = page.locator(".modal")
    modal.locator("input[name=q]").fill("Sushentsov")
    modal.get_by_role("link", name="Andrey Sushentsov").click()
    expect(page.locator("#id_expert_1-chooser .chooser__title")).to_have_text("Andrey Sushentsov")
    assert page.get_attribute("#id_due_on", "type") == "text"  # not the browser's mm/dd/yyyy
    page.fill("#id_due_on", "2026-12-07")
    page.fill("#id_publish_on", "2026-12-14")
    page.locator("#id_title").click()  # a click outside closes the date picker
    page.fill("#id_notes", "About 1,200 words.")
    page.get_by_role("button", name="Commission").click()
    page.wait_for_url("**/admin/pages/*/edit/")
    page_id = page.url.rstrip("/").split("/")[-2]
    assert "Commissioned “Tokyo and Moscow After the Treaty Talks”" in page.inner_text(".messages")

    page.locator(".messages").get_by_role("link", name="Review links").click()
    page.fill("#id_reviewer_name", "Jane Doe")
    page.fill("#id_reviewer_email", "jane@example.net")
    page.get_by_role("button", name="Create review link").click()
    review_url = page.get_attribute("#new-review-url", "href")
    assert "/review/" in review_url

    outsider = browser.new_context(base_url=live_site.url)  # no session, no account
    try:
        reviewer = outsider.new_page()
        reviewer.goto(review_url)
        assert reviewer.locator("h1").inner_text() == "Tokyo and Moscow After the Treaty Talks"
        assert "Draft for review: not published." in reviewer.inner_text(".review-banner")
        screenshot(reviewer, "planning-review-link")
        reviewer.fill("#id_comment", "Accurate on the 1956 declaration. Approved.")
        reviewer.get_by_role("button", name="Approve").click()
        reviewer.wait_for_url("**?sent=approve#review-sent")
        assert "your approval was sent" in reviewer.inner_text("#review")
    finally:
        outsider.close()

    page.reload()
    events = page.inner_text("main")
    assert "Approval" in events and "Accurate on the 1956 declaration. Approved." in events
    page.goto(f"/admin/pages/{page_id}/history/")
    history = page.inner_text("main")
    assert "Approved by Jane Doe (outside reviewer, through a review link)" in history
    screenshot(page, "planning-history")

    page.goto("/admin/planning/calendar/list/")
    row = page.locator("tr", has_text="Tokyo and Moscow After the Treaty Talks")
    assert row.get_attribute("data-state") == "commissioned"
    assert "editor" in row.inner_text()
    screenshot(page, "planning-calendar")
