"""Drafts, private pages and scheduled pages never show in a listing, count, hub or related block.

The corpus has three hidden commentaries (titles starting "Hidden"), the only pages on Korea, all
signed by Anna Petrova and Boris Adamov; here a private and a draft expert are added too."""

import json

import pytest

from .helpers import facet_options, result_count, soup

URLS = [
    "/",
    "/publications/",
    "/publications/?region=korea",
    "/publications/?expert=anna-petrova&expert=boris-adamov&competence=security",
    "/publications/?year=2024",
    "/experts/",
    "/experts/?competence=security",
    "/experts/anna-petrova/",
    "/experts/boris-adamov/",
    "/regions/",
    "/regions/japan/",
    "/regions/korea/",
    "/competences/",
    "/competences/security/",
    "/publications/japan-security/",
    "/publications/joint-japan-energy/",
]


@pytest.mark.parametrize("url", URLS)
def test_hidden_pages_appear_nowhere(hidden_experts, client, url):
    text = soup(client.get(url)).get_text()
    assert "Hidden" not in text
    assert "Korea" not in text or "korea" in url  # named only where the reader asked for it


def test_hidden_pages_are_not_counted(hidden_experts, client):
    listing = soup(client.get("/publications/"))
    assert result_count(listing) == 4
    assert facet_options(listing, "expert")["anna-petrova"][1] == 3
    assert facet_options(listing, "competence")["security"][1] == 2
    assert "korea" not in facet_options(listing, "region")
    assert result_count(soup(client.get("/publications/?region=korea"))) == 0
    directory = soup(client.get("/experts/?competence=security"))
    assert result_count(directory) == 2
    hub = soup(client.get("/competences/security/"))
    assert "All 2 commentaries" in hub.select_one("a.hub-listing-link").get_text()


def test_a_hidden_expert_is_not_a_filter(hidden_experts, client):
    page = soup(client.get("/publications/?expert=hidden-private-expert"))
    assert "Expert “hidden-private-expert”" in page.select_one(".notice").get_text()
    assert result_count(page) == 4


@pytest.fixture
def withdrawn_author(corpus):
    """A live commentary whose author's profile has since been unpublished."""
    corpus["boris"].unpublish()
    return corpus


def test_withdrawn_profile_keeps_its_name_but_loses_its_links(withdrawn_author, client):
    page = soup(client.get(withdrawn_author["joint"].url))
    assert "Boris Adamov" in page.select_one(".bylines").get_text()
    assert not page.select('a[href="/experts/boris-adamov/"]')
    assert page.select('a[href="/experts/anna-petrova/"]')


def test_withdrawn_profile_has_no_url_in_json_ld(withdrawn_author, client):
    page = soup(client.get(withdrawn_author["joint"].url))
    article = json.loads(page.select_one('script[type="application/ld+json"]').string)
    people = {person["name"]: person for person in article["author"]}
    assert "url" not in people["Boris Adamov"]
    assert people["Anna Petrova"]["url"].endswith("/experts/anna-petrova/")


def test_withdrawn_profile_has_no_id_or_url_in_the_api(withdrawn_author, client):
    data = client.get(f"/api/v2/pages/{withdrawn_author['joint'].pk}/").json()
    experts = {b["expert"]["title"]: b["expert"] for b in data["bylines"]}
    assert experts["Boris Adamov"] == {"title": "Boris Adamov"}
    assert experts["Anna Petrova"]["id"] == withdrawn_author["anna"].pk
    assert experts["Anna Petrova"]["meta"]["html_url"].endswith("/experts/anna-petrova/")
