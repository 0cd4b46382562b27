"""Remembered Wagtail sites (config/routing.py): with the memo on, the Site for a host is looked
up once, and again after any Site is saved or deleted (a new publish generation); with the memo
off, every time."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail.models import Site

import pytest

from config import routing


@pytest.fixture
def memo_on(memo_store, settings, newsroom, committed):
    settings.MEMO_ENABLED = True
    settings.ALLOWED_HOSTS = ["*"]
    routing._sites.clear()
    yield
    routing._sites.clear()


def site_queries(url, host="localhost"):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url, HTTP_HOST=host)
    assert response.status_code in (200, 404), response.status_code
    return response, [q for q in queries if "wagtailcore_site" in q["sql"]]


def test_the_site_is_looked_up_once_per_host(memo_on, newsroom):
    url = newsroom["joint"].url
    assert site_queries(url)[1], "the first request looks the site up"
    response, queries = site_queries(url)
    assert response.status_code == 200
    assert not queries


def test_a_new_site_for_a_host_takes_over_at_once(memo_on, newsroom, committed):
    """A Site saved for a host name (here: rooted at the experts section) answers that host's
    next request, though the default site had answered it before."""
    assert b"Japan energy" in site_queries("/", host="experts.example")[0].content
    with committed():
        Site.objects.create(hostname="experts.example", root_page=newsroom["experts"])
    response, queries = site_queries("/", host="experts.example")
    assert queries, "the remembered site was used after a Site was saved"
    assert b"Anna Petrova" in response.content
    assert b"Japan energy" not in response.content


def test_a_deleted_site_stops_answering(memo_on, newsroom, committed):
    with committed():
        site = Site.objects.create(hostname="experts.example", root_page=newsroom["experts"])
    assert b"Anna Petrova" in site_queries("/", host="experts.example")[0].content
    with committed():
        site.delete()
    assert b"Japan energy" in site_queries("/", host="experts.example")[0].content


def test_without_the_memo_every_request_looks_the_site_up(newsroom, settings):
    settings.MEMO_ENABLED = False
    url = newsroom["joint"].url
    site_queries(url)
    assert site_queries(url)[1]


def test_the_remembered_site_does_not_depend_on_the_memo_store(newsroom, unreachable_store):
    """The site is remembered by the database's publish generation, not by the store."""
    routing._sites.clear()
    url = newsroom["joint"].url
    assert site_queries(url)[1]
    response, queries = site_queries(url)
    assert response.status_code == 200 and not queries


@pytest.mark.parametrize("stale", ["gone", "not a page", "Wagtail's generic page"])
def test_a_remembered_route_to_a_type_that_changed_falls_back_to_wagtail(newsroom, stale):
    """After a database reset or a migration, a remembered content type may be gone or name
    another model: the path is routed by Wagtail as if never seen."""
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Page

    page = newsroom["joint"]
    assert Client().get(page.url).status_code == 200
    key = next(key for key in routing._routes if key[1] == page.url.lstrip("/"))
    content_type = {
        "gone": 999_999,
        "not a page": ContentType.objects.get_for_model(User).pk,
        "Wagtail's generic page": ContentType.objects.get_for_model(Page).pk,
    }[stale]
    routing._routes[key] = (content_type, page.pk)
    response = Client().get(page.url)
    assert response.status_code == 200
    assert b"Japan energy" in response.content
