"""Region and competence hubs, and the indexes of tags in use."""

import pytest

from .factories.taxonomy import CompetenceFactory, RegionFactory
from .helpers import result_count, soup


def hub_counts(page):
    return {
        li.select_one("a").get_text(): li.select_one(".hub-counts").get_text()
        for li in page.select(".hub-list li")
    }


def test_region_index_lists_tags_in_use_with_counts(corpus, client):
    RegionFactory(name="Antarctica")  # in no page: not listed
    page = soup(client.get("/regions/"))
    assert hub_counts(page) == {
        "China": "2 commentaries, 1 expert",
        "Japan": "3 commentaries, 1 expert",
    }
    assert page.select_one(".hub-list a")["href"] == "/regions/china/"


def test_competence_index_lists_tags_in_use_with_counts(corpus, client):
    page = soup(client.get("/competences/"))
    assert hub_counts(page) == {
        "Energy": "2 commentaries, 1 expert",
        "Security": "2 commentaries, 2 experts",
    }


def test_a_tag_only_experts_carry_is_in_use(corpus, client):
    arctic = RegionFactory(name="Arctic")
    corpus["anna"].regions.add(arctic)
    corpus["anna"].save()
    assert hub_counts(soup(client.get("/regions/")))["Arctic"] == "0 commentaries, 1 expert"


def test_hub_shows_name_intro_latest_commentaries_and_experts(corpus, client):
    japan = corpus["japan"]
    japan.intro = "<p>Our work on <b>Japan</b>.</p>"
    japan.save()
    page = soup(client.get("/regions/japan/"))
    assert page.find("h1").get_text() == "Japan"
    assert page.select_one(".intro b").get_text() == "Japan"
    assert [a.get_text() for a in page.select(".card-title a")] == [
        "Japan security",
        "Joint Japan energy",
        "Old Japan security",
    ]
    assert [a.get_text() for a in page.select(".expert-list a")] == ["Anna Petrova"]


def test_hub_links_to_the_filtered_listing(corpus, client):
    page = soup(client.get("/competences/energy/"))
    link = page.select_one("a.hub-listing-link")
    assert link["href"] == "/publications/?competence=energy"
    assert "All 2 commentaries" in link.get_text()
    assert result_count(soup(client.get(link["href"]))) == 2


def test_a_tag_with_no_visible_pages_has_an_empty_hub(corpus, client):
    page = soup(client.get("/regions/korea/"))  # only a draft, a private and a scheduled page
    assert page.find("h1").get_text() == "Korea"
    assert not page.select(".card")
    assert "No commentaries yet." in page.get_text()


@pytest.mark.parametrize(
    "path",
    [
        "/regions/atlantis/",
        "/competences/atlantis/",
        "/regions/%E6%97%A5%E6%9C%AC/",
        "/regions/a%00b/",
        "/regions/" + "x" * 5000 + "/",
        "/competences/japan/",  # a region is not a competence
    ],
)
def test_unknown_hub_is_a_404(corpus, client, path):
    assert client.get(path).status_code == 404


def test_unicode_slugs_have_hubs(db, site_tree, client):
    tag = CompetenceFactory(name="Économie", slug="économie")
    assert client.get(f"/competences/{tag.slug}/").status_code == 200


def test_every_tag_link_on_a_commentary_goes_to_its_hub(corpus, client):
    page = soup(client.get(corpus["joint"].url))
    links = {a.get_text(): a["href"] for a in page.select("a[rel=tag]")}
    assert links == {
        "Japan": "/regions/japan/",
        "China": "/regions/china/",
        "Energy": "/competences/energy/",
        "Security": "/competences/security/",  # Boris's competences, in the author box
    }
    for href in links.values():
        assert client.get(href).status_code == 200


def test_the_main_navigation_reaches_the_hub_indexes(corpus, client):
    nav = {a.get_text(): a["href"] for a in soup(client.get("/")).select(".site-header nav a")}
    assert nav["Regions"] == "/regions/" and nav["Competences"] == "/competences/"
