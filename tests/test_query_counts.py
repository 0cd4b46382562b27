"""Queries per public page, second request (Wagtail's per-site caches warm): the commentary page
stays within 13 whatever its authors, their photos and its tags; every page
type has a fixed budget that a change must not silently exceed."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

import pytest

from .factories.experts import ExpertPageFactory
from .factories.publications import CommentaryPageFactory
from .factories.taxonomy import CompetenceFactory, RegionFactory

# Of which 6 are Wagtail's routing as it ships (the site, then each level of the tree and its
# specific page): no route map of our own (issue 18).
COMMENTARY_BUDGET = 13


def queries_for(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.fixture
def shelf(site_tree):
    photo = get_image_model().objects.create(title="Portrait", file=get_test_image_file())
    regions = [RegionFactory(name=f"Region {n}") for n in range(6)]
    competences = [CompetenceFactory(name=f"Competence {n}") for n in range(6)]
    experts = [
        ExpertPageFactory(
            parent=site_tree["experts"],
            photo=photo if n % 2 else None,
            competences=competences[: n + 1],
            regions=regions[:1],
        )
        for n in range(3)
    ]
    for n in range(12):  # candidates for the related cards
        CommentaryPageFactory(
            parent=site_tree["publications"],
            authors=experts[: 1 + n % 3],
            regions=regions[: 1 + n % 6],
            competences=competences[:1],
        )
    return {**site_tree, "experts": experts, "regions": regions, "competences": competences}


@pytest.mark.parametrize("authors", [1, 2, 3])
@pytest.mark.parametrize("tags", [1, 6])
def test_a_commentary_page_takes_at_most_thirteen_queries(shelf, client, authors, tags):
    page = CommentaryPageFactory(
        parent=shelf["publications"],
        authors=shelf["experts"][-authors:],
        regions=shelf["regions"][:tags],
        competences=shelf["competences"][:tags],
    )
    assert queries_for(client, page.url) <= COMMENTARY_BUDGET


def test_the_commentary_query_count_is_the_same_for_one_author_and_three(shelf, client):
    counts = {
        queries_for(
            client,
            CommentaryPageFactory(
                parent=shelf["publications"],
                authors=shelf["experts"][:n],
                regions=shelf["regions"][:n],
            ).url,
        )
        for n in (1, 3)
    }
    assert len(counts) == 1, counts


# (URL for the fixture, queries): today's counts, each fixed whatever the content
# (tests/test_listings.py grows the content and checks that), with nothing kept between
# requests (MEMO_ENABLED off, as in every test that does not turn it on).
PAGES = {
    # Pages that read the listing's rows or totals ask first whether any is stale (one query);
    # the listing checks its page of cards against the rule once more (one more).
    "home": (lambda shelf: "/", 18),
    "listing": (lambda shelf: "/publications/", 17),
    "listing, filtered": (
        lambda shelf: "/publications/?region=region-0&competence=competence-0",
        21,
    ),
    "listing, page 2": (lambda shelf: "/publications/?page=2", 17),
    "expert directory": (lambda shelf: "/experts/", 13),
    "expert": (lambda shelf: shelf["experts"][0].url, 16),
    "regions": (lambda shelf: "/regions/", 7),
    "region hub": (lambda shelf: "/regions/region-0/", 12),
    "competence hub": (lambda shelf: "/competences/competence-0/", 12),
    "search": (lambda shelf: "/search/?q=commentary", 11),
    "feed": (lambda shelf: "/publications/feed/", 8),
    "expert feed": (lambda shelf: f"{shelf['experts'][0].url}feed/", 8),
    "sitemap": (lambda shelf: "/sitemap.xml", 19),
    "api listing": (lambda shelf: "/api/v2/pages/?type=publications.CommentaryPage", 6),
}


@pytest.mark.parametrize("name", PAGES)
def test_every_public_page_type_keeps_to_its_budget(shelf, client, name):
    url, budget = PAGES[name]
    assert queries_for(client, url(shelf)) <= budget


# With the figures, page ids and cards kept until the next publish (pagecache.memo), the second
# request of a listing, a hub or the home page reads nothing of its content but Wagtail's routing,
# the page's view restrictions and the filters, plus one primary-key read of the publish
# generation the kept values are keyed by (no per-process token memory, so a frozen or restarted
# Redis can never serve a stale value). A commentary reads its relations on every request (its
# cache tags name them) and keeps only its rendered article (tests/pagecache/test_fragments.py).
KEPT = {
    "home": ("/", 5),
    "listing": ("/publications/", 6),
    "listing, filtered": ("/publications/?region=region-0&competence=competence-0", 8),
    "region hub": ("/regions/region-0/", 4),
}


@pytest.mark.parametrize("name", KEPT)
def test_kept_figures_and_cards_leave_a_few_queries(shelf, client, settings, name):
    settings.MEMO_ENABLED = True
    url, budget = KEPT[name]
    assert queries_for(client, url) <= budget
