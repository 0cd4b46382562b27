"""After each publishing event a reader never gets a stale page from the cache: every page that
shows the changed commentary or expert is purged (it matches a fresh render and did change),
and the pages that do not show it stay cached.

Purges run when the transaction commits; `committed` runs those callbacks as a real commit
would (the test itself stays in one transaction)."""

from django.test import Client

from wagtail.actions.move_page import MovePageAction

import pytest

from .conftest import cached, fresh, normalised

UNRELATED = ["/publications/trade-notes/", "/experts/carl-lund/"]


def commentary_pages(n):
    """Every page showing "Japan security" (by Anna; Japan; Security)."""
    return [
        "/publications/japan-security/",
        "/publications/japan-energy/",  # its related card (shares Anna and Japan)
        "/experts/anna-petrova/",
        "/",
        "/publications/",
        "/publications/?region=japan&competence=security",
        "/publications/?expert=anna-petrova&page=1",
        "/regions/japan/",
        "/competences/security/",
        "/regions/",
        "/publications/feed/",
        "/experts/anna-petrova/feed/",
        "/sitemap.xml",
        "/search/?q=japan",
    ]


def warm(urls):
    return {url: normalised(cached(url).content) for url in urls}


def assert_purged(before, still_cached=UNRELATED, gone=(), unchanged=()):
    """Each page in `before` is rendered afresh and shows the change (unless `unchanged`: it
    counts or lists the pages without showing what changed); `still_cached` are still hits."""
    for url, old in before.items():
        response = Client().get(url)
        if url in gone:
            assert response.status_code in (301, 404), url
            continue
        assert response["X-Page-Cache"] == "miss", url
        now = normalised(response.content)
        assert now == normalised(fresh(url).content), url
        if url not in unchanged:
            assert now != old, f"{url} does not show the change: the test proves nothing"
    for url in still_cached:
        assert Client().get(url)["X-Page-Cache"] == "hit", f"{url} was purged needlessly"


@pytest.fixture
def watched(newsroom, page_cache):
    urls = commentary_pages(newsroom)
    warm(UNRELATED)
    return urls


def test_editing_and_publishing_a_commentary(newsroom, watched, django_capture_on_commit_callbacks):
    before = warm(watched)
    page = newsroom["japan_security"]
    page.title = "Japan security, revised"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert_purged(before, unchanged=["/regions/"])
    assert b"Japan security, revised" in Client().get("/publications/").content


def test_saving_a_draft_purges_nothing(newsroom, watched, django_capture_on_commit_callbacks):
    warm(watched)
    page = newsroom["japan_security"]
    page.title = "Not published yet"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision()
    for url in watched + UNRELATED:
        assert Client().get(url)["X-Page-Cache"] == "hit", url


def test_unpublishing_a_commentary(newsroom, watched, django_capture_on_commit_callbacks):
    before = warm(watched)
    with django_capture_on_commit_callbacks(execute=True):
        newsroom["japan_security"].unpublish()
    assert_purged(before, gone=["/publications/japan-security/"])


def test_deleting_a_commentary(newsroom, watched, django_capture_on_commit_callbacks):
    before = warm(watched)
    with django_capture_on_commit_callbacks(execute=True):
        newsroom["japan_security"].delete()
    assert_purged(before, gone=["/publications/japan-security/"])


def test_publishing_a_new_commentary(newsroom, watched, django_capture_on_commit_callbacks):
    n = newsroom
    draft = n["commentary"](
        "Japan security again", "2024-02-01", [n["anna"]], [n["japan"]], [n["security"]], live=False
    )
    before = warm(watched)
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision().publish()
    # It is on every page that shows its author or tags, and related to "Japan security".
    assert_purged(before)


def test_changing_a_commentarys_slug(newsroom, watched, django_capture_on_commit_callbacks):
    before = warm(watched)
    page = newsroom["japan_security"]
    page.slug = "japan-security-2024"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert_purged(before, gone=["/publications/japan-security/"], unchanged=["/regions/"])
    assert Client().get("/publications/japan-security-2024/").status_code == 200
    # Wagtail made a redirect from the old URL, which the cache did not hide.
    old = Client().get("/publications/japan-security/")
    assert old.status_code == 301 and old["Location"].endswith("/publications/japan-security-2024/")


def test_moving_a_commentary(newsroom, watched, django_capture_on_commit_callbacks):
    warm(watched)
    page = newsroom["japan_security"]
    with django_capture_on_commit_callbacks(execute=True):
        MovePageAction(page, newsroom["trade_notes"], pos="right").execute()
    assert Client().get(page.url)["X-Page-Cache"] == "miss"
    for url in UNRELATED:
        assert Client().get(url)["X-Page-Cache"] == "hit"


def test_editing_and_publishing_an_expert(newsroom, page_cache, django_capture_on_commit_callbacks):
    shows_anna = [
        "/experts/anna-petrova/",
        "/publications/japan-security/",
        "/publications/japan-energy/",
        "/publications/china-energy/",  # its related card, "Japan energy", names Anna
        "/experts/",
        "/publications/",
        "/",
        "/publications/feed/",
    ]
    before = warm(shows_anna)
    warm(UNRELATED)
    anna = newsroom["anna"]
    anna.title = "Anna Petrova-Smith"
    with django_capture_on_commit_callbacks(execute=True):
        anna.save_revision().publish()
    assert_purged(before)


def test_unpublishing_an_expert(newsroom, page_cache, django_capture_on_commit_callbacks):
    shows_boris = ["/experts/boris-adamov/", "/publications/china-energy/", "/experts/", "/"]
    before = warm(shows_boris)
    warm(UNRELATED)
    with django_capture_on_commit_callbacks(execute=True):
        newsroom["boris"].unpublish()
    # His commentary still names him (as it did before): purged all the same.
    assert_purged(
        before, gone=["/experts/boris-adamov/"], unchanged=["/publications/china-energy/"]
    )


def test_renaming_a_region_purges_everything(
    newsroom, page_cache, django_capture_on_commit_callbacks
):
    before = warm(["/regions/japan/", "/publications/japan-security/", "/publications/"])
    japan = newsroom["japan"]
    japan.name = "Nippon"
    with django_capture_on_commit_callbacks(execute=True):
        japan.save()
    assert_purged(before, still_cached=[])


def test_purges_wait_for_the_commit(newsroom, watched, django_capture_on_commit_callbacks):
    warm(watched)
    page = newsroom["japan_security"]
    page.title = "Japan security, revised"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
        # Not committed yet: readers may still get the published page as it was.
        assert Client().get(page.url)["X-Page-Cache"] == "hit"
    assert b"Japan security, revised" in Client().get(page.url).content


def test_a_process_that_does_not_serve_from_the_cache_still_purges_it(
    newsroom, watched, django_capture_on_commit_callbacks, settings
):
    """The scheduler or a management command may run without the page cache; the web
    processes serving from the same store must still see the change."""
    before = warm(["/publications/japan-security/", "/publications/"])
    page = newsroom["japan_security"]
    page.title = "Japan security, revised"
    settings.PAGE_CACHE_ENABLED = False
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    settings.PAGE_CACHE_ENABLED = True
    assert_purged(before)
