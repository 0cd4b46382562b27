"""The memo (pagecache/memo.py) never shows a reader anything a render without it would not.

On a real Redis (the application keeps no whole pages; the memo is the layer that remains):
the home page, the publications listing (plain and filtered), the expert directory, a
commentary's related cards and a region hub, rendered with the memo once it is warm, equal the
same pages rendered without it; they still do after each publishing event (publish, edit,
unpublish, move, delete of a commentary, unpublishing an expert, making a commentary private
and public again, renaming a region), and each event did change them, so the test can fail. A
draft purges nothing and changes nothing. A store that cannot be reached only costs the work
the memo would have saved; and a warm memo does save queries.
"""

import logging

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.actions.move_page import MovePageAction
from wagtail.models import PageViewRestriction

from pagecache import memo
from publications.models import CommentaryPage

from .conftest import normalised, render, unmemoised

URLS = [
    "/",
    "/publications/",
    "/publications/?region=japan&competence=security",
    "/experts/",
    "/publications/japan-energy/",  # "Japan security" among its related cards
    "/regions/japan/",
]
HOME, LISTING, FILTERED, DIRECTORY, RELATED, HUB = URLS


def warm():
    """Each page rendered twice with the memo: the second render is served from it."""
    for url in URLS:
        render(url)
    return {url: render(url) for url in URLS}


def memo_keys(cache):
    return cache.keys("pagecache:memo:*")


def assert_memo_shows_the_change(before, unchanged=()):
    for url, old in before.items():
        now = render(url)
        assert now == unmemoised(url), f"{url}: the memo shows something stale"
        if url not in unchanged:
            assert now != old, f"{url} does not show the change: the test proves nothing"
        else:
            assert now == old, f"{url} was expected not to change"


def test_warm_memo_renders_the_same_pages_as_no_memo(newsroom, memo_on):
    warmed = warm()
    kinds = {key.split(":")[2] for key in memo_keys(memo_on)}
    expected = {"home", "card", "total", "facets-html", "facet-region", "hub", "sections"}
    assert expected <= kinds, kinds
    assert memo_on.keys("template.cache.commentary.*"), "the commentary's article was not kept"
    for url in URLS:
        assert warmed[url] == unmemoised(url), url


def test_publishing_a_new_commentary_shows_in_memoised_pages(newsroom, memo_on, committed):
    n = newsroom
    draft = n["commentary"](
        "Japan security again", "2024-02-01", [n["anna"]], [n["japan"]], [n["security"]], live=False
    )
    before = warm()
    with committed():
        draft.save_revision().publish()
    assert_memo_shows_the_change(before)
    assert b"Japan security again" in render(HOME)
    assert b"Japan security again" in render(FILTERED)


def test_editing_and_publishing_a_commentary_renews_its_card(newsroom, memo_on, committed):
    before = warm()
    page = newsroom["japan_security"]
    page.title = "Japan security, revised"
    with committed():
        page.save_revision().publish()
    assert_memo_shows_the_change(before, unchanged=[DIRECTORY])
    for url in (HOME, LISTING, FILTERED):
        assert b"Japan security, revised" in render(url), url


def test_unpublishing_a_commentary_removes_it_from_memoised_pages(newsroom, memo_on, committed):
    before = warm()
    with committed():
        newsroom["japan_security"].unpublish()
    assert_memo_shows_the_change(before)
    assert b"Japan security<" not in render(LISTING)


def test_deleting_a_commentary_removes_it_from_memoised_pages(newsroom, memo_on, committed):
    before = warm()
    with committed():
        newsroom["japan_security"].delete()
    assert_memo_shows_the_change(before)


def test_moving_a_commentary_out_of_the_listing_renews_memoised_pages(newsroom, memo_on, committed):
    """Moved under the home page: off the listing, and its card on the home page links to its
    new URL (the directory's counts include it wherever it lives)."""
    before = warm()
    page = newsroom["japan_security"]
    with committed():
        MovePageAction(page, newsroom["home"], pos="last-child").execute()
    assert_memo_shows_the_change(before, unchanged=[DIRECTORY])
    assert b'href="/japan-security/"' in render(HOME)


def test_unpublishing_an_expert_unlinks_their_bylines_and_drops_their_facet(
    newsroom, memo_on, committed
):
    """Boris wrote "Japan energy" and "China energy", neither among the filtered results."""
    before = warm()
    assert b'href="/experts/boris-adamov/"' in before[LISTING]
    with committed():
        newsroom["boris"].unpublish()
    assert_memo_shows_the_change(before, unchanged=[FILTERED])
    listing = render(LISTING)
    assert b"Boris Adamov" in listing  # still named on his commentaries' cards
    assert b'href="/experts/boris-adamov/"' not in listing
    assert b"expert=boris-adamov" not in listing  # no longer an expert option


def test_publishing_an_expert_profile_renews_their_author_box(newsroom, memo_on, committed):
    """A commentary's author box (in its kept article) shows the profile as published."""
    before = warm()
    anna = newsroom["anna"]
    anna.location = "Kyoto, Japan"
    with committed():
        anna.save_revision().publish()
    for url in URLS:
        assert render(url) == unmemoised(url), url
    assert render(RELATED) != before[RELATED]
    assert b"Kyoto, Japan" in render(RELATED)


def test_a_preview_neither_shows_nor_leaves_a_kept_article(newsroom, memo_on):
    """Japan energy with its regions changed in the editor, not saved: its preview, the first
    render since the last publish, shows the new region; the published page, rendered next,
    does not (nothing of the draft was kept for it)."""
    page = CommentaryPage.objects.get(pk=newsroom["joint"].pk)
    page.regions.set([newsroom["korea"]])
    preview = normalised(page.make_preview_request().content)
    assert b'href="/regions/korea/"' in preview
    assert not memo_on.keys("template.cache.*"), "a preview kept a fragment"
    published = render(RELATED)
    assert published == unmemoised(RELATED)
    assert b'href="/regions/korea/"' not in published


def test_making_a_commentary_private_and_public_again_renews_memoised_pages(
    newsroom, memo_on, committed
):
    before = warm()
    with committed():
        restriction = PageViewRestriction.objects.create(
            page=newsroom["japan_security"], restriction_type=PageViewRestriction.LOGIN
        )
    assert_memo_shows_the_change(before)  # the directory counts Anna's visible commentaries
    assert b"Japan security<" not in render(LISTING)
    with committed():
        restriction.delete()
    for url in URLS:
        assert render(url) == before[url], url


def test_renaming_a_region_renews_every_memoised_page(newsroom, memo_on, committed):
    before = warm()
    japan = newsroom["japan"]
    japan.name = "Nippon"
    with committed():
        japan.save()
    assert_memo_shows_the_change(before)
    for url in URLS:
        assert b"Nippon" in render(url), url


def test_saving_a_draft_purges_and_changes_nothing_the_memo_shows(newsroom, memo_on, committed):
    before = warm()
    tokens = memo.read_generation()
    page = newsroom["japan_security"]
    page.title = "Not published yet"
    with committed():
        page.save_revision()
    assert memo.read_generation() == tokens, "a draft purged the memo"
    for url in URLS:
        assert render(url) == before[url] == unmemoised(url), url


def test_unreachable_store_still_serves_the_same_pages(newsroom, unreachable_store, caplog):
    for url in (HOME, LISTING):
        memo._store["down_until"] = 0.0  # after a failure the store is left alone a while
        with caplog.at_level(logging.WARNING, logger="pagecache.memo"):
            memoised = render(url)
        assert "Memo store unavailable" in caplog.text, "the memo was not even tried"
        caplog.clear()
        assert memoised == unmemoised(url), url


def test_warm_memo_saves_queries_on_the_listing(newsroom, memo_on):
    unmemoised(LISTING)  # warms what is cached elsewhere (sites, settings)
    with CaptureQueriesContext(connection) as first:
        render(LISTING)
    with CaptureQueriesContext(connection) as second:
        render(LISTING)
    assert len(second) < len(first), (len(first), len(second))
