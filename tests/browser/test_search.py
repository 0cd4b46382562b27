"""A reader searches from the header and opens a result, in a real Chromium."""

from .conftest import screenshot
from .test_browsing import _connections_survive_playwright  # noqa: F401  (same harness fix)


def test_reader_searches_from_the_header_and_opens_a_result(page, corpus):
    page.goto("/publications/")
    header_search = page.locator("header").get_by_role("searchbox", name="Search")
    header_search.fill("Adamov")
    header_search.press("Enter")
    page.wait_for_url("**/search/?q=Adamov")
    results = page.locator(".search-result")
    assert results.count() == 3
    expert = results.filter(has_text="Boris Adamov").filter(has_text="Expert")
    assert expert.count() == 1
    assert page.get_by_role("searchbox", name="Search commentaries and experts").input_value() == (
        "Adamov"
    )
    screenshot(page, "search-results")

    results.get_by_role("link", name="China energy").click()
    page.wait_for_url("**/publications/china-energy/")
    assert page.get_by_role("heading", level=1).inner_text() == "China energy"
    assert page.locator(".how-to-cite").is_visible()
