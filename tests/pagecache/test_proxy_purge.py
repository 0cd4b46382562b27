"""The PURGE requests the caching proxy receives for each publishing event, through Wagtail's
frontend cache (our tag-banning HTTP backend)
to a real HTTP server: the URLs of the pages that show the changed
page, and its tags (`/.cache-tags/<tag>`, banned by tag in deploy/varnish/default.vcl)."""

import contextlib
import socket

from django.db import transaction
from django.test import Client

import pytest

from editorial.scheduler import run_once
from pagecache.memo import read_generation
from pagecache.models import PendingPurge

from ..conftest import make_user, sign_in
from ..factories.publications import CommentaryPageFactory

LISTINGS = {
    "/",
    "/publications/",
    "/experts/",
    "/regions/",
    "/competences/",
    "/publications/feed/",
    "/publications/feed/atom/",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-hubs.xml",
    "/search/",
    "/api/v2/pages/",
}


def paths(received):
    assert {host for host, _path in received} == {"localhost"}
    return {path for _host, path in received}


def commentary_urls(n, page):
    return LISTINGS | {
        page.url,
        f"{page.url}cite.bib",
        f"{page.url}cite.ris",
        f"{page.url}cite.json",
        "/experts/anna-petrova/",
        "/experts/anna-petrova/feed/",
        "/experts/anna-petrova/feed/atom/",
        "/regions/japan/",
        "/regions/japan/feed/",
        "/competences/security/",
        "/competences/security/feed/atom/",
        f"/api/v2/pages/{page.pk}/",
        f"/.cache-tags/page:{page.pk}",
        f"/.cache-tags/expert-list:{n['anna'].pk}",
        f"/.cache-tags/region-list:{n['japan'].pk}",
        f"/.cache-tags/competence-list:{n['security'].pk}",
        "/.cache-tags/content",
    }


NOT_AFFECTED = {"/experts/carl-lund/", "/publications/trade-notes/", "/.cache-tags/site"}


def publish_edit(page):
    page.title = "Japan security, revised"
    page.save_revision().publish()


@pytest.mark.parametrize(
    "event", [publish_edit, lambda page: page.unpublish(), lambda page: page.delete()]
)
def test_commentary_events(newsroom, proxy, django_capture_on_commit_callbacks, event):
    page = newsroom["japan_security"]
    expected = commentary_urls(newsroom, page)
    with django_capture_on_commit_callbacks(execute=True):
        event(page)
        assert proxy == []  # nothing before the commit
    sent = paths(proxy)
    assert expected <= sent, expected - sent
    assert not sent & NOT_AFFECTED


def test_publishing_a_new_commentary(newsroom, proxy, django_capture_on_commit_callbacks):
    n = newsroom
    draft = CommentaryPageFactory(
        parent=n["publications"],
        title="New piece",
        authors=[n["anna"], n["boris"]],
        regions=[n["china"]],
        live=False,
    )
    proxy.clear()
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision().publish()
    sent = paths(proxy)
    assert {
        "/publications/new-piece/",
        "/experts/anna-petrova/",
        "/experts/boris-adamov/",
        "/regions/china/",
        f"/.cache-tags/expert-list:{n['boris'].pk}",
        f"/.cache-tags/region-list:{n['china'].pk}",
    } | LISTINGS <= sent
    assert not sent & NOT_AFFECTED


def test_a_new_slug_purges_the_old_url_and_the_new(
    newsroom, proxy, django_capture_on_commit_callbacks
):
    page = newsroom["japan_security"]
    page.slug = "japan-security-2024"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    sent = paths(proxy)
    assert {"/publications/japan-security/", "/publications/japan-security-2024/"} <= sent


def test_expert_events(newsroom, proxy, django_capture_on_commit_callbacks):
    anna = newsroom["anna"]
    anna.title = "Anna Petrova-Smith"
    with django_capture_on_commit_callbacks(execute=True):
        anna.save_revision().publish()
    sent = paths(proxy)
    assert (
        LISTINGS
        | {
            "/experts/anna-petrova/",
            "/experts/anna-petrova/feed/",
            "/regions/japan/",
            "/competences/security/",
            f"/.cache-tags/page:{anna.pk}",
            f"/.cache-tags/expert-competence:{newsroom['security'].pk}",
            "/.cache-tags/content",
        }
        <= sent
    )
    assert not sent & NOT_AFFECTED


def test_a_change_to_the_site_tree_bans_everything(
    newsroom, proxy, django_capture_on_commit_callbacks
):
    index = newsroom["publications"]
    index.title = "Publications and papers"
    with django_capture_on_commit_callbacks(execute=True):
        index.save_revision().publish()
    assert {"/publications/", "/.cache-tags/site"} <= paths(proxy)


@pytest.mark.django_db(transaction=True)
def test_an_unpublish_in_the_admin_is_purged_before_the_response(newsroom, edge, proxy):
    """A real commit: the proxy acknowledged the purge when the admin's response comes back,
    and nothing is left pending."""
    page = newsroom["japan_security"]
    proxy.clear()
    admin = Client()
    sign_in(admin, make_user("chief", is_superuser=True, is_staff=True))
    response = admin.post(f"/admin/pages/{page.pk}/unpublish/")
    assert response.status_code == 302
    assert f"/.cache-tags/page:{page.pk}" in paths(proxy)
    assert not PendingPurge.objects.exists()
    assert Client().get(page.url).status_code == 404
    assert b"Japan security" not in Client().get("/publications/").content


# Attack: a purge sent while the proxy is down (restarting, unreachable) was logged and lost,
# so the proxy kept serving the old page for its whole lifetime. Now it is recorded with the
# change and deleted only once the proxy answered 2xx; the scheduler worker sends it again.


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("outage", ["refused", "error status"])
def test_a_purge_while_the_proxy_is_down_is_sent_when_it_is_back(
    newsroom, proxy, proxy_server, settings, outage
):
    page = newsroom["japan_security"]
    proxy.clear()
    if outage == "refused":
        live = settings.WAGTAILFRONTENDCACHE["varnish"]["LOCATION"]
        settings.WAGTAILFRONTENDCACHE = {
            "varnish": {**settings.WAGTAILFRONTENDCACHE["varnish"], "LOCATION": closed_port()}
        }
    else:
        proxy_server.status = 503
    page.unpublish()  # committed: sent at once, and not acknowledged
    pending = list(PendingPurge.objects.all())
    assert pending and any(f"page:{page.pk}" in item.tags for item in pending)
    assert run_once() == {"expired": 0, "published": 0}  # the worker tries: still down
    assert PendingPurge.objects.count() == len(pending)

    if outage == "refused":
        settings.WAGTAILFRONTENDCACHE = {
            "varnish": {**settings.WAGTAILFRONTENDCACHE["varnish"], "LOCATION": live}
        }
    else:
        proxy_server.status = 200
    proxy.clear()
    run_once()  # the scheduler worker's next round
    assert f"/.cache-tags/page:{page.pk}" in paths(proxy)
    assert page.url in paths(proxy)
    assert not PendingPurge.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_purge_and_no_new_generation(newsroom, proxy):
    before = read_generation()
    with contextlib.suppress(RuntimeError), transaction.atomic():
        newsroom["japan_security"].unpublish()
        raise RuntimeError("rolled back")
    assert not PendingPurge.objects.exists()
    assert read_generation() == before


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"
