"""The outside reviewer's page on a phone (360 px wide) in Chromium: nothing scrolls sideways, the
review form comes before the site's footer, and after sending the thank-you is in sight."""

import datetime

from django.utils import timezone

from playwright.sync_api import expect

from editorial.roles import EDITORS
from planning.views.review_links import create_link
from publications.models import CommentaryPage

from ..workflow.conftest import make_user
from .conftest import screenshot

PHONE = {"width": 360, "height": 740}


def shared_draft(version="pinned"):
    """A seeded commentary with a saved draft, shared through a real review link."""
    page = CommentaryPage.objects.live().order_by("pk").first().specific
    page.lead = "A draft lead for the outside reviewer."
    page.save_revision()
    editor = make_user("editor", EDITORS)
    data = {"reviewer_name": "Jane Doe", "reviewer_email": "jane@example.net", "version": version}
    expires = timezone.now() + datetime.timedelta(days=7)
    _link, token = create_link(page, editor, data, expires)
    return f"/review/{token}/"


def horizontal_overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def document_top(page, selector):
    return page.eval_on_selector(selector, "el => el.getBoundingClientRect().top + window.scrollY")


def test_the_review_page_fits_a_phone_and_keeps_the_form_before_the_footer(browser, live_site):
    context = browser.new_context(base_url=live_site.url, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(shared_draft())
        assert page.inner_text(".lead") == "A draft lead for the outside reviewer."
        assert horizontal_overflow(page) == 0
        form_bottom = page.eval_on_selector(
            "#review", "el => el.getBoundingClientRect().bottom + window.scrollY"
        )
        assert form_bottom <= document_top(page, ".site-footer")
        assert page.evaluate(
            "!!(document.querySelector('#review').compareDocumentPosition("
            "document.querySelector('.site-footer')) & Node.DOCUMENT_POSITION_FOLLOWING)"
        )
        screenshot(page, "review-page-phone")
    finally:
        context.close()


def test_after_sending_the_thank_you_is_in_view_below_the_banner(browser, live_site):
    context = browser.new_context(base_url=live_site.url, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(shared_draft())
        page.fill("#id_comment", "Paragraph two overstates the tonnage.")
        page.get_by_role("button", name="Request changes").click()
        page.wait_for_url("**?sent=request_changes#review-sent")
        thanks = page.locator("#review-sent")
        expect(thanks).to_contain_text("your request for changes was sent")
        expect(thanks).to_be_in_viewport()
        # Not hidden behind the sticky draft banner either.
        banner_bottom = page.eval_on_selector(
            ".review-banner", "el => el.getBoundingClientRect().bottom"
        )
        assert thanks.bounding_box()["y"] >= banner_bottom
        assert horizontal_overflow(page) == 0
        screenshot(page, "review-page-phone-sent")
    finally:
        context.close()


def test_an_invalid_answer_shows_its_error_in_view(browser, live_site):
    context = browser.new_context(base_url=live_site.url, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(shared_draft(version="latest"))
        page.get_by_role("button", name="Request changes").click()
        error = page.locator("#review [role=alert]")
        expect(error).to_contain_text("Please write your comment")
        expect(page.locator("#id_comment")).to_be_in_viewport()
    finally:
        context.close()
