"""The publications listing and expert directory: filters, bad input, fixed query counts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from bs4 import BeautifulSoup

from .factories.experts import ExpertPageFactory
from .factories.publications import CommentaryPageFactory
from .factories.taxonomy import CompetenceFactory, RegionFactory


def titles(response):
    assert response.status_code == 200
    return [
        a.get_text() for a in BeautifulSoup(response.content, "html.parser").select(".card-title a")
    ]


@pytest.fixture
def corpus(site_tree):
    japan, china = RegionFactory(name="Japan"), RegionFactory(name="China")
    security, energy = CompetenceFactory(name="Security"), CompetenceFactory(name="Energy")
    anna = ExpertPageFactory(parent=site_tree["experts"], title="Anna Petrova")
    boris = ExpertPageFactory(parent=site_tree["experts"], title="Boris Adamov")
    index = site_tree["publications"]
    CommentaryPageFactory(
        parent=index,
        title="Japan security",
        date="2024-01-03",
        authors=[anna],
        regions=[japan],
        competences=[security],
    )
    CommentaryPageFactory(
        parent=index,
        title="China energy",
        date="2024-01-02",
        authors=[boris],
        regions=[china],
        competences=[energy],
    )
    CommentaryPageFactory(
        parent=index,
        title="Joint Japan energy",
        date="2024-01-01",
        authors=[anna, boris],
        regions=[japan, china],
        competences=[energy],
    )
    CommentaryPageFactory(
        parent=index, title="Unpublished", live=False, authors=[anna], regions=[japan]
    )
    return index


def test_listing_is_newest_first_and_live_only(corpus, client):
    assert titles(client.get("/publications/")) == [
        "Japan security",
        "China energy",
        "Joint Japan energy",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("expert=anna-petrova", ["Japan security", "Joint Japan energy"]),
        ("region=china", ["China energy", "Joint Japan energy"]),
        ("competence=energy", ["China energy", "Joint Japan energy"]),
        ("region=japan&competence=energy", ["Joint Japan energy"]),
        ("expert=boris-adamov&expert=anna-petrova&competence=security", ["Japan security"]),
        ("region=japan&region=china", ["Japan security", "China energy", "Joint Japan energy"]),
    ],
)
def test_filters(corpus, client, query, expected):
    assert titles(client.get(f"/publications/?{query}")) == expected


@pytest.mark.parametrize(
    "query",
    [
        "region=atlantis",
        "expert=" + "x" * 5000,
        "region=%E6%97%A5%E6%9C%AC",
        "page=abc",
        "page=0",
        "page=999999",
        "region=japan&region=japan",
        "unknown=1",
        "region=' OR 1=1 --",
        "expert=../../admin",
    ],
)
def test_bad_input_never_breaks_the_listing(corpus, client, query):
    response = client.get(f"/publications/?{query}")
    assert response.status_code == 200
    assert titles(response)


def test_unknown_filter_values_are_named_back_to_the_reader(corpus, client):
    response = client.get("/publications/?region=atlantis&region=japan")
    page = BeautifulSoup(response.content, "html.parser")
    assert "atlantis" in page.select_one(".notice").get_text()
    assert titles(response) == ["Japan security", "Joint Japan energy"]


def queries_for(client, url):
    client.get(url)  # warm Wagtail's per-site caches; the second request is the steady state
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


LISTINGS = ["/publications/", "/publications/?region=japan&expert=anna-petrova", "/", "/experts/"]


def test_listing_query_counts_do_not_grow_with_content(site_tree, client):
    japan, security = RegionFactory(name="Japan"), CompetenceFactory(name="Security")
    experts = [
        ExpertPageFactory(
            parent=site_tree["experts"],
            title=f"Anna Petrova {i}",
            slug="anna-petrova" if i == 0 else f"anna-{i}",
            regions=[japan],
            competences=[security],
        )
        for i in range(3)
    ]
    counts, created = {url: [] for url in LISTINGS}, 0
    for total in (1, 20, 200):
        while created < total:
            CommentaryPageFactory(
                parent=site_tree["publications"],
                authors=experts,
                regions=[japan],
                competences=[security],
            )
            created += 1
        for url in LISTINGS:
            counts[url].append(queries_for(client, url))
    for url, found in counts.items():
        assert found[0] == found[1] == found[2], (url, found)
    print("queries per listing:", {url: found[0] for url, found in counts.items()})
