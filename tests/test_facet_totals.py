"""The listing's stored facet totals (publications/totals.py) equal a count from scratch after
every kind of change that can alter one, whether the refresh after the commit ran or was lost;
the unfiltered listing reads them instead of grouping commentaries, and shows the counts the
facet engine computes."""

import datetime
import io

from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from wagtail.actions.create_alias import CreatePageAliasAction
from wagtail.actions.move_page import MovePageAction
from wagtail.models import PageViewRestriction

import pytest

from intake.sample import load_sample
from publications import totals
from publications.filters import PublicationFilters
from publications.models import Byline, FacetTotal, ListedCommentary, StaleFacetTotal

from .factories.experts import ExpertPageFactory
from .factories.publications import CommentaryPageFactory
from .factories.taxonomy import RegionFactory
from .helpers import facet_options, soup, titles
from .pagecache.conftest import build_newsroom


@pytest.fixture
def newsroom(site_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        built = build_newsroom(site_tree)
    totals.refresh()
    return built


def stored(listing):
    rows = FacetTotal.objects.filter(listing=listing).values_list("facet", "value", "count")
    found = {}
    for facet, value, n in rows:
        found.setdefault(facet, {})[value] = n
    return found


def listed(listing):
    return set(ListedCommentary.objects.filter(listing=listing).values_list("pk", flat=True))


def fresh(listing):
    """The counts over the visibility rule itself (not over the listing's rows)."""
    rule = totals.visible_commentaries(listing)
    found = {
        facet: totals.counts(listing, facet, commentaries=rule)
        for facet in (*totals.FACETS, totals.ALL)
    }
    return {
        facet: {v: n for v, n in values.items() if n}
        for facet, values in found.items()
        if any(values.values())
    }


def publish(page):
    page.save_revision().publish()


def new_commentary(n):
    draft = n["commentary"](
        "Korea energy", "2021-06-01", [n["carl"]], [n["korea"]], [n["energy"]], live=False
    )
    publish(draft)


def change_region(n):
    page = n["china_energy"]
    page.regions.set([n["korea"]])
    publish(page)


def change_author(n):
    page = n["trade_notes"]
    page.bylines.all().delete()
    Byline.objects.create(commentary=page, expert=n["anna"], position="", sort_order=0)
    page.refresh_from_db()
    publish(page)


def change_year(n):
    page = n["trade_notes"]
    page.date = datetime.date(2019, 5, 1)
    publish(page)


def make_private(n):
    PageViewRestriction.objects.create(page=n["japan_security"], restriction_type="login")


def make_public_again(n):
    restriction = PageViewRestriction.objects.create(page=n["joint"], restriction_type="login")
    totals.refresh()
    restriction.delete()
    n["joint"].unpublish()  # and then a change that is counted too


def restrict_section(n):
    PageViewRestriction.objects.create(page=n["publications"], restriction_type="login")


def move_out(n):
    MovePageAction(n["china_energy"], n["home"], pos="last-child").execute()


def alias_in_listing(n):
    CreatePageAliasAction(
        n["trade_notes"], parent=n["publications"], update_slug="trade-alias"
    ).execute()


def unpublish_expert(n):
    n["boris"].unpublish()


def restrict_expert(n):
    PageViewRestriction.objects.create(page=n["anna"], restriction_type="login")


def delete_region(n):
    n["china"].delete()


def sample_load(n):
    RegionFactory(name="Russia")
    load_sample(3, io.StringIO())


EVENTS = {
    "a new commentary published": new_commentary,
    "a region replaced and published": change_region,
    "an author replaced and published": change_author,
    "a date moved to another year": change_year,
    "a commentary unpublished": lambda n: n["japan_security"].unpublish(),
    "a commentary deleted": lambda n: n["joint"].delete(),
    "a commentary made private": make_private,
    "a commentary made private, public again, then unpublished": make_public_again,
    "the listing made private": restrict_section,
    "a commentary moved out of the listing": move_out,
    "an alias created in the listing": alias_in_listing,
    "an expert unpublished": unpublish_expert,
    "an expert made private": restrict_expert,
    "a region deleted": delete_region,
    "sample data loaded in bulk": sample_load,
}


@pytest.mark.parametrize("event", EVENTS)
def test_totals_equal_a_count_from_scratch_after_the_commit(
    newsroom, django_capture_on_commit_callbacks, event
):
    listing = newsroom["publications"]
    before = stored(listing)
    assert before == fresh(listing)
    with django_capture_on_commit_callbacks(execute=True):
        EVENTS[event](newsroom)
    assert not StaleFacetTotal.objects.exists(), "the refresh after the commit left some stale"
    assert listed(listing) == set(totals.visible_commentaries(listing).values_list("pk", flat=True))
    assert stored(listing) == fresh(listing)
    assert stored(listing) != before, "the event changed no count: the test proves nothing"


@pytest.mark.parametrize("event", EVENTS)
def test_a_lost_refresh_is_done_by_the_next_reader(newsroom, event):
    """The change committed but its refresh never ran (a crash after the commit)."""
    listing = newsroom["publications"]
    EVENTS[event](newsroom)  # on-commit callbacks are not run in this test's transaction
    assert StaleFacetTotal.objects.exists()
    totals.ListingTotals(listing).total()
    assert not StaleFacetTotal.objects.exists()
    assert listed(listing) == set(totals.visible_commentaries(listing).values_list("pk", flat=True))
    assert stored(listing) == fresh(listing)


def test_the_listing_page_counts_what_is_stale_before_showing_counts(newsroom, client):
    new_commentary(newsroom)
    assert StaleFacetTotal.objects.exists()
    page = soup(client.get("/publications/"))
    assert not StaleFacetTotal.objects.exists()
    assert facet_options(page, "region")["korea"][1] == 2


def test_a_draft_saved_marks_nothing(newsroom):
    page = newsroom["japan_security"]
    page.title = "A draft title"
    page.save_revision()
    assert not StaleFacetTotal.objects.exists()


def test_unfiltered_listing_shows_the_counts_the_facet_engine_computes(newsroom, client):
    listing = newsroom["publications"]
    engine = PublicationFilters(QueryDict(), totals.visible_commentaries(listing))
    engine.count_options(engine.results.count())
    expected = {
        bound.key: {option.label: option.count for option in bound.options}
        for bound in engine.facet_list
    }
    page = soup(client.get("/publications/"))
    for key, options in expected.items():
        shown = {label: count for label, count, _ in facet_options(page, key).values()}
        assert shown == options, key


def test_unfiltered_listing_groups_no_commentaries(newsroom, client):
    client.get("/publications/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/publications/")
    assert not [q["sql"] for q in queries if "GROUP BY" in q["sql"]]
    # A filtered one still counts within its filters.
    with CaptureQueriesContext(connection) as queries:
        client.get("/publications/?region=japan")
    assert [q["sql"] for q in queries if "GROUP BY" in q["sql"]]


def test_a_row_made_stale_behind_wagtails_back_shows_no_hidden_page(newsroom, client):
    """`live` written by a queryset update marks nothing: the rows still list the page, but the
    cards shown are checked against the rule once more."""
    page = newsroom["japan_security"]
    type(page).objects.filter(pk=page.pk).update(live=False)
    assert not StaleFacetTotal.objects.exists()
    assert page.pk in listed(newsroom["publications"])
    assert "Japan security" not in titles(client.get("/publications/"))


@pytest.fixture
def crowded_authors(site_tree):
    """63 experts: 60 with two commentaries each, three (the "Rare" ones) with one."""
    common = [
        ExpertPageFactory(parent=site_tree["experts"], title=f"Common {n:02d}") for n in range(60)
    ]
    rare = [ExpertPageFactory(parent=site_tree["experts"], title=f"Rare {n}") for n in range(3)]
    for authors in (common + rare, common):
        CommentaryPageFactory(parent=site_tree["publications"], authors=authors)
    return site_tree


def test_only_listable_experts_are_named_and_the_rest_counted(crowded_authors, client):
    page = soup(client.get("/publications/"))
    options = facet_options(page, "expert")
    assert len(options) == 60
    assert {label for label, _, _ in options.values()} == {f"Common {n:02d}" for n in range(60)}
    assert all(count == 2 for _, count, _ in options.values())
    assert "3 more" in page.select_one("#facet-expert .facet-unlisted").get_text()


def test_a_chosen_expert_is_named_with_their_count_however_few(crowded_authors, client):
    page = soup(client.get("/publications/?expert=rare-1"))
    assert facet_options(page, "expert")["rare-1"] == ("Rare 1", 1, True)
    assert len(facet_options(page, "expert")) == 60
