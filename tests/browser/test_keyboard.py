"""Keyboard only: the skip link, the filters and the pagination of the listing, reached with Tab
and operated with Enter (and Space for a checkbox, as a keyboard user ticks one), with a visible
focus indicator on everything reached."""

import io
import re

from django.core.management import call_command

import pytest

from .test_browsing import _connections_survive_playwright, result_count  # noqa: F401

FOCUSED = "document.activeElement"


@pytest.fixture
def two_pages(live_site):
    call_command("load_seed", sample=30, stdout=io.StringIO())  # 31 commentaries, 20 a page
    return live_site


def tab_to(page, selector, limit=250):
    """Press Tab until the focused element matches the selector; check its focus is visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            style, width = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
            )
            assert style != "none" and width >= 2, (selector, style, width)
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_filters_and_pagination_work_from_the_keyboard_alone(page, two_pages):
    page.goto("/publications/")
    total = result_count(page)
    assert total == 31

    page.keyboard.press("Tab")
    assert page.evaluate(f"{FOCUSED}.textContent") == "Skip to content"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown once focused
    page.keyboard.press("Enter")
    assert page.evaluate(f"{FOCUSED}.id") == "main"

    # A facet's further options open from their summary.
    tab_to(page, ".facet details summary")
    page.keyboard.press("Enter")
    assert page.locator(".facet details[open]").count() == 1

    # Tick a year (Space on a checkbox); the form applies it.
    page.goto("/publications/")
    tab_to(page, "#facet-year input[type=checkbox]")
    year = page.evaluate(f"{FOCUSED}.value")
    expected = int(
        page.evaluate(f"{FOCUSED}.closest('label').querySelector('.facet-count').textContent")
    )
    page.keyboard.press("Space")
    page.wait_for_url(f"**/publications/?year={year}")
    assert result_count(page) == expected < total

    # Remove it again with its "Remove" link.
    tab_to(page, "a.remove-filter")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/publications/$"))
    assert result_count(page) == total

    # The next page, then back, from the pagination.
    tab_to(page, ".pagination a[rel=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/publications/?page=2")
    current = page.locator(".pagination [aria-current=page]")
    assert current.inner_text().strip().endswith("2")
    assert page.locator(".card").count() == total - 20
    tab_to(page, ".pagination a[rel=prev]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/publications/?page=1")
    assert page.locator(".card").count() == 20


def test_filters_apply_from_the_keyboard_without_javascript(browser, two_pages):
    context = browser.new_context(base_url=two_pages.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/publications/")
        tab_to(page, "#facet-year input[type=checkbox]")
        year = page.evaluate(f"{FOCUSED}.value")
        page.keyboard.press("Space")
        tab_to(page, "button.apply-filters")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/publications/?year={year}")
        assert page.locator(".active-filters").get_by_text(year).count() == 1
    finally:
        context.close()
