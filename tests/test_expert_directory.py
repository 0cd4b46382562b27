"""The expert directory (/experts/) and the expert page."""

import pytest

from .factories.experts import ExpertPageFactory
from .factories.publications import CommentaryPageFactory
from .helpers import facet_options, form_query, result_count, soup


def names(page):
    return [a.get_text() for a in page.select(".expert-list .expert-card > a")]


@pytest.fixture
def directory(corpus):
    experts = corpus["experts_index"]
    ExpertPageFactory(
        parent=experts,
        title="Chen Wei",
        surname="Chen",
        competences=[corpus["energy"]],
        regions=[corpus["china"]],
    )
    ExpertPageFactory(
        parent=experts, title="Pavel Popov", competences=[corpus["security"]], regions=[]
    )
    ExpertPageFactory(parent=experts, title="Draft Person", live=False)
    return corpus


def test_directory_is_alphabetical_by_surname(directory, client):
    page = soup(client.get("/experts/"))
    assert names(page) == ["Boris Adamov", "Chen Wei", "Anna Petrova", "Pavel Popov"]
    assert result_count(page) == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("competence=security", ["Boris Adamov", "Anna Petrova", "Pavel Popov"]),
        ("competence=energy", ["Boris Adamov", "Chen Wei"]),
        ("region=china", ["Boris Adamov", "Chen Wei"]),
        ("letter=P", ["Anna Petrova", "Pavel Popov"]),
        ("letter=p", ["Anna Petrova", "Pavel Popov"]),
        (
            "competence=energy&competence=security",
            ["Boris Adamov", "Chen Wei", "Anna Petrova", "Pavel Popov"],
        ),
        ("competence=security&region=japan", ["Anna Petrova"]),
        ("competence=energy&letter=C", ["Chen Wei"]),
        ("region=china&region=japan&letter=A", ["Boris Adamov"]),
        ("letter=Z", []),
    ],
)
def test_directory_filters(directory, client, query, expected):
    assert names(soup(client.get(f"/experts/?{query}"))) == expected


@pytest.mark.parametrize("state", ["", "competence=security", "region=china&letter=A", "letter=P"])
def test_directory_counts_are_the_results_after_clicking(directory, client, state):
    page = soup(client.get(f"/experts/?{state}"))
    for key in ("competence", "region"):
        for value, (_label, count, checked) in facet_options(page, key).items():
            if not checked:
                after = soup(client.get(f"/experts/?{form_query(page, (key, value))}"))
                assert result_count(after) == count, (state, key, value)
    for link in page.select(".letters a"):
        count = int(link.select_one(".facet-count").get_text())
        after = soup(client.get(link["href"]))
        if not link.has_attr("aria-current"):
            assert result_count(after) == count, (state, link["href"])


def test_the_letter_bar_shows_only_letters_in_use(directory, client):
    page = soup(client.get("/experts/"))
    letters = [a.contents[0] for a in page.select(".letters a")]
    assert letters == ["A", "C", "P"]
    narrowed = soup(client.get("/experts/?competence=energy"))
    assert [a.contents[0] for a in narrowed.select(".letters a")] == ["A", "C"]


def test_the_letter_link_keeps_the_other_filters_and_the_form_keeps_the_letter(directory, client):
    page = soup(client.get("/experts/?competence=security"))
    hrefs = [a["href"] for a in page.select(".letters a")]
    assert "/experts/?competence=security&letter=P" in hrefs
    chosen = soup(client.get("/experts/?competence=security&letter=P"))
    assert chosen.select_one('form.filters input[type=hidden][name="letter"]')["value"] == "P"
    assert chosen.select_one(".letters a[aria-current]")["href"] == "/experts/?competence=security"


@pytest.mark.parametrize(
    "query",
    [
        "competence=atlantis",
        "letter=%E2%9C%93",
        "letter=AB",
        "letter=" + "z" * 5000,
        "region=%00",
        "page=abc",
        "page=0",
        "page=999999",
        "letter=1",
        "foo=bar",
    ],
)
def test_bad_directory_input_never_breaks_it(directory, client, query):
    assert client.get(f"/experts/?{query}").status_code == 200


def test_unknown_directory_values_are_named(directory, client):
    page = soup(client.get("/experts/?competence=atlantis&competence=energy"))
    assert "Competence “atlantis”" in page.select_one(".notice").get_text()
    assert names(page) == ["Boris Adamov", "Chen Wei"]


def test_directory_shows_each_experts_visible_commentary_count(directory, client):
    page = soup(client.get("/experts/"))
    cards = {c.select_one("a").get_text(): c for c in page.select(".expert-card")}
    assert "3 commentaries" in cards["Anna Petrova"].get_text()  # not the 3 hidden ones
    assert "2 commentaries" in cards["Boris Adamov"].get_text()
    assert "0 commentaries" in cards["Chen Wei"].get_text()


def test_directory_tag_links_go_to_hubs(directory, client):
    page = soup(client.get("/experts/?letter=P"))
    hrefs = {a["href"] for a in page.select(".expert-card .tags a")}
    assert hrefs == {"/competences/security/", "/regions/japan/"}


# The expert page


def test_expert_page_lists_commentaries_newest_first_with_co_authors(corpus, client):
    page = soup(client.get("/experts/anna-petrova/"))
    cards = page.select(".card")
    assert [c.select_one(".card-title").get_text() for c in cards] == [
        "Japan security",
        "Joint Japan energy",
        "Old Japan security",
    ]
    joint = [a.get_text() for a in cards[1].select(".bylines a")]
    assert joint == ["Anna Petrova", "Boris Adamov"]


def test_expert_page_paginates_commentaries(corpus, client):
    for n in range(12):
        CommentaryPageFactory(
            parent=corpus["index"], title=f"Extra {n}", date="2025-01-01", authors=[corpus["boris"]]
        )
    first = soup(client.get("/experts/boris-adamov/"))
    assert len(first.select(".card")) == 10
    assert first.select_one('.pagination a[rel="next"]')["href"] == "?page=2"
    second = soup(client.get("/experts/boris-adamov/?page=2"))
    assert [c.get_text() for c in second.select(".card-title")][-2:] == [
        "China energy",
        "Joint Japan energy",
    ]
    assert len(second.select(".card")) == 4
    assert client.get("/experts/boris-adamov/?page=abc").status_code == 200


def test_expert_page_shows_experts_in_the_same_fields(directory, client):
    page = soup(client.get("/experts/boris-adamov/"))
    peers = [a.get_text() for a in page.select(".peers a")]
    # Boris: energy and security. Chen shares energy, Anna and Pavel security; all share one.
    assert sorted(peers) == ["Anna Petrova", "Chen Wei", "Pavel Popov"]
    assert "Boris Adamov" not in peers
    anna = soup(client.get("/experts/anna-petrova/"))
    assert [a.get_text() for a in anna.select(".peers a")] == ["Boris Adamov", "Pavel Popov"]


def test_peers_sharing_more_competences_come_first(directory, client):
    ExpertPageFactory(
        parent=directory["experts_index"],
        title="Zara Zed",
        competences=[directory["energy"], directory["security"]],
    )
    page = soup(client.get("/experts/boris-adamov/"))
    assert page.select(".peers a")[0].get_text() == "Zara Zed"


def test_expert_page_links_to_the_prefiltered_listing_and_to_hubs(corpus, client):
    page = soup(client.get("/experts/anna-petrova/"))
    link = page.select_one("a.expert-listing-link")["href"]
    assert link == "/publications/?expert=anna-petrova"
    assert {a["href"] for a in page.select(".profile .tags a")} == {
        "/competences/security/",
        "/regions/japan/",
    }
    listing = soup(client.get(link))
    assert result_count(listing) == 3
