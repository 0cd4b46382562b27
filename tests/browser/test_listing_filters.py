"""The listing's filters on a phone (360 px): folded behind "Show filters" so the first result
is on the first screen, unfolded with or without JavaScript, and after ticking a filter the
focus is back on that filter; on a wide screen they stand beside the results, unfolded."""

import io
import re

from django.core.management import call_command

import pytest
from playwright.sync_api import expect

from .conftest import screenshot
from .test_browsing import _connections_survive_playwright  # noqa: F401

PHONE = {"width": 360, "height": 780}
# An expression for page.evaluate only: wait_for_function would evaluate it with eval(), which
# the public site's script-src (no 'unsafe-eval') refuses.
FOCUSED_BOX = "[document.activeElement.name, document.activeElement.value]"


@pytest.fixture
def busy_listing(live_site):
    """The seed and 40 sample commentaries: dozens of experts, regions and competences."""
    call_command("load_seed", sample=40, stdout=io.StringIO())
    return live_site


def open_page(browser, site, javascript=True, viewport=PHONE):
    context = browser.new_context(
        base_url=site.url, viewport=viewport, java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    # A listing of 40 commentaries while the other worker runs its tests: seconds, at worst.
    page.set_default_navigation_timeout(30_000)
    return context, page


def first_result_top(page):
    return page.locator(".results .card").first.bounding_box()["y"]


def test_at_360_px_the_first_result_is_on_the_first_screen(browser, busy_listing):
    context, page = open_page(browser, busy_listing)
    try:
        page.goto("/publications/")
        boxes = page.locator("form.filters .facet input[type=checkbox]")
        assert boxes.count() > 40
        assert not boxes.first.is_visible()
        folded = first_result_top(page)
        assert folded < PHONE["height"], folded  # the whole card starts on the first screen
        screenshot(page, "listing-360-folded")
        page.get_by_text("Show filters").click()
        assert boxes.first.is_visible()
        unfolded = first_result_top(page)
        # What the fold saves: the filters are several screens long when open.
        assert unfolded > folded + 2 * PHONE["height"], (folded, unfolded)
    finally:
        context.close()


def test_the_fold_opens_and_filters_apply_without_javascript(browser, busy_listing):
    context, page = open_page(browser, busy_listing, javascript=False)
    try:
        page.goto("/publications/")
        year = page.locator("#facet-year input[type=checkbox]").first
        assert not year.is_visible()
        page.locator(".filters-disclosure > summary").click()
        assert year.is_visible()
        value = year.get_attribute("value")
        year.check()
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(f"**/publications/?year={value}")
        assert page.locator(".filters-disclosure > summary").inner_text() == (
            "Show filters (1 chosen)"
        )
        assert page.locator(".active-filters").get_by_text(value).count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("how", ["click", "keyboard"])
def test_after_ticking_a_filter_the_focus_is_on_that_filter(browser, busy_listing, how):
    context, page = open_page(browser, busy_listing)
    try:
        page.goto("/publications/")
        page.locator(".filters-disclosure > summary").click()
        region = page.locator("#facet-region input[type=checkbox]").nth(2)
        value = region.get_attribute("value")
        if how == "click":
            region.check()
        else:
            region.focus()
            page.keyboard.press("Space")
        page.wait_for_url(f"**/publications/?region={value}")
        expect(page.locator(f'#facet-region input[value="{value}"]')).to_be_focused()
        assert page.evaluate(FOCUSED_BOX) == ["region", value]
        assert page.locator(".filters-disclosure").get_attribute("open") is not None
        assert page.locator(f'#facet-region input[value="{value}"]').is_checked()
        screenshot(page, f"listing-360-refocused-{how}")

        # Unticking it again: the same box, now unticked, has the focus.
        page.keyboard.press("Space")
        page.wait_for_url(re.compile(r"/publications/\??$"))
        expect(page.locator(f'#facet-region input[value="{value}"]')).to_be_focused()
        assert not page.locator(f'#facet-region input[value="{value}"]').is_checked()
    finally:
        context.close()


def test_a_filter_folded_under_more_is_unfolded_and_focused_after_ticking(browser, busy_listing):
    context, page = open_page(browser, busy_listing)
    try:
        page.goto("/publications/")
        page.locator(".filters-disclosure > summary").click()
        more = page.locator(".facet details").first
        more.locator("summary").click()
        option = more.locator("input[type=checkbox]").last
        key, value = option.get_attribute("name"), option.get_attribute("value")
        option.check()
        page.wait_for_url(f"**/publications/?{key}={value}")
        expect(page.locator(f'input[name="{key}"][value="{value}"]')).to_be_focused()
        assert page.locator(f'input[name="{key}"][value="{value}"]').is_visible()
    finally:
        context.close()


def test_on_a_wide_screen_the_filters_stand_beside_the_results_unfolded(browser, busy_listing):
    context, page = open_page(browser, busy_listing, viewport={"width": 1280, "height": 800})
    try:
        page.goto("/publications/")
        assert not page.locator(".filters-disclosure > summary").is_visible()
        box = page.locator("#facet-year input[type=checkbox]").first
        assert box.is_visible()
        filters = page.locator("form.filters").bounding_box()
        results = page.locator(".results").bounding_box()
        assert filters["x"] + filters["width"] <= results["x"]  # beside, not above
        assert first_result_top(page) < 800
        box.check()
        page.wait_for_url("**/publications/?year=*")
        expect(page.locator("input[name=year]:focus")).to_have_count(1)
        assert page.locator(".facet-count-meaning").is_visible()
    finally:
        context.close()
