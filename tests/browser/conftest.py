"""Browser tests: Playwright driving Debian's chromium against Django's live server.

Without /usr/bin/chromium these tests skip with a message; with CI set, a missing browser fails.
"""

import io
import os
from pathlib import Path

from django.core.management import call_command

import pytest

from ..conftest import ensure_wagtail_base

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make are
# ordinary blocking calls, so Django's async-safety guard does not apply to them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"no Chromium at {CHROMIUM}: apt-get install -y chromium"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_site(live_server, transactional_db):
    """The live server with the seed loaded (and Wagtail's root rows, which a flush removes)."""
    ensure_wagtail_base()
    call_command("load_seed", stdout=io.StringIO())
    return live_server


@pytest.fixture
def page(browser, live_site):
    context = browser.new_context(base_url=live_site.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
