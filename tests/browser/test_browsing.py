"""A reader browses in a real Chromium: filters the listing, follows a result, its expert, a hub."""

import re

from django.db import connections

import pytest

from .conftest import screenshot

# Harness workaround; it belongs in tests/browser/conftest.py. Once Playwright's sync API has
# started, its event loop counts as running in this thread, so Django's connection handler
# (asgiref Local, thread_critical) switches to per-context storage and hands out fresh
# connection objects. Those lack the serialized copy of the migrated data that
# django_db_serialized_rollback reloads before each transactional test: every browser test
# after the first would start on an empty database. Keep the objects the test database was
# set up with; these are taken at import, before any browser starts.
STARTUP_CONNECTIONS = {alias: connections[alias] for alias in connections}


@pytest.fixture(autouse=True)
def _connections_survive_playwright():
    for alias, original in STARTUP_CONNECTIONS.items():
        current = connections[alias]
        if hasattr(original, "_test_serialized_contents") and not hasattr(
            current, "_test_serialized_contents"
        ):
            connections[alias] = original


def result_count(page):
    return int(re.match(r"\d+", page.locator(".result-count").inner_text()).group())


def facet_count(page, key, label):
    option = page.locator(f"#facet-{key} label").filter(has_text=label)
    return int(option.locator(".facet-count").inner_text())


def test_reader_filters_the_listing_then_follows_result_expert_and_hub(page, corpus):
    page.goto("/publications/")
    assert result_count(page) == 5  # the seed and the four visible commentaries of the corpus
    assert facet_count(page, "region", "China") == 2
    screenshot(page, "listing")

    page.get_by_role("checkbox", name=re.compile("Anna Petrova")).check()
    page.wait_for_url("**/publications/?expert=anna-petrova")
    assert result_count(page) == 3
    assert facet_count(page, "region", "China") == 1  # the counts follow the results
    assert page.locator(".active-filters").get_by_text("Anna Petrova").is_visible()

    page.get_by_role("checkbox", name=re.compile("China")).check()
    page.wait_for_url("**/publications/?expert=anna-petrova&region=china")
    assert result_count(page) == 1
    screenshot(page, "listing-filtered")

    page.locator(".results").get_by_role("link", name="Joint Japan energy").click()
    page.wait_for_url("**/publications/joint-japan-energy/")
    page.locator("header .bylines").get_by_role("link", name="Boris Adamov").click()
    page.wait_for_url("**/experts/boris-adamov/")
    assert page.locator("h1").inner_text() == "Boris Adamov"

    page.locator(".profile").get_by_role("link", name="China").click()
    page.wait_for_url("**/regions/china/")
    assert page.locator("h1").inner_text() == "China"
    screenshot(page, "hub")
    page.get_by_role("link", name="All 2 commentaries on China").click()
    page.wait_for_url("**/publications/?region=china")
    assert result_count(page) == 2


@pytest.fixture
def page_without_js(browser, live_site):
    context = browser.new_context(base_url=live_site.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_filters_work_without_javascript(page_without_js, corpus):
    page = page_without_js
    page.goto("/publications/")
    page.get_by_role("checkbox", name=re.compile("Boris Adamov")).check()
    page.get_by_role("checkbox", name=re.compile("2019")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/publications/?expert=boris-adamov&year=2019")
    assert result_count(page) == 0
    page.get_by_role("link", name="Remove year filter 2019").click()
    page.wait_for_url("**/publications/?expert=boris-adamov")
    assert result_count(page) == 2
    page.get_by_role("link", name="Clear all").click()
    page.wait_for_url(re.compile(r"/publications/$"))
    assert result_count(page) == 5
