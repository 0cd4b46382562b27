from ..conftest import SEED_COMMENTARY_URL
from .conftest import screenshot


def test_reader_goes_from_listing_to_commentary_to_expert(page):
    page.goto("/publications/")
    page.get_by_role("link", name="Why Is It So Difficult for Russia and Japan").click()
    page.wait_for_url(f"**{SEED_COMMENTARY_URL}")
    assert page.locator("h1").inner_text() == (
        "Why Is It So Difficult for Russia and Japan to Come to Agreement?"
    )
    screenshot(page, "commentary")
    page.locator(".bylines").get_by_role("link", name="Andrey Sushentsov").click()
    page.wait_for_url("**/experts/andrey-sushentsov/")
    assert "Valdai Discussion Club" in page.locator("main").inner_text()
