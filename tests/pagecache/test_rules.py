"""What the caching proxy may keep (pagecache/middleware.py): anonymous GETs of public pages
with only the query parameters they recognise, with their cache tags; everything else is
private, and signed-in readers, previews and review links are private and no-store."""

from django.test import Client
from django.urls import reverse

from wagtail.models import PageViewRestriction

import pytest

from planning.models import ReviewLink, ReviewSnapshot
from planning.tokens import new_token

from ..conftest import make_user, sign_in

PUBLIC = [
    "/",
    "/publications/",
    "/publications/?region=japan&competence=security",
    "/publications/japan-security/",
    "/experts/",
    "/experts/anna-petrova/",
    "/regions/japan/",
    "/competences/",
    "/publications/feed/",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/search/?q=japan",
]


def shared(response):
    return "public" in response["Cache-Control"] and "s-maxage=" in response["Cache-Control"]


def private(response):
    cache_control = response.get("Cache-Control", "")
    return (
        "private" in cache_control
        and "s-maxage" not in cache_control
        and ("X-Cache-Tags" not in response)
    )


def test_public_pages_are_marked_for_the_proxy(newsroom, edge):
    for url in PUBLIC:
        response = Client().get(url)
        assert response.status_code == 200, url
        assert shared(response), (url, response["Cache-Control"])
        assert "max-age=30" in response["Cache-Control"], url  # browsers: a short while
        assert "site" in response["X-Cache-Tags"].split(), url
        assert "cookie" not in response.get("Vary", "").lower(), url


def test_the_commentary_names_its_dependencies(newsroom, edge):
    n = newsroom
    tags = set(Client().get("/publications/japan-security/")["X-Cache-Tags"].split())
    anna, boris = n["anna"].pk, n["boris"].pk
    assert {
        f"page:{n['japan_security'].pk}",
        f"page:{anna}",
        f"expert-list:{anna}",
        f"page:{n['joint'].pk}",  # the related card
        f"page:{boris}",  # named on that card
    } <= tags
    assert "content" not in tags


def test_signed_in_readers_are_private_and_never_stored(newsroom, edge):
    editor = Client()
    sign_in(editor, make_user("reader", is_staff=True))
    for url in PUBLIC:
        response = editor.get(url)
        assert private(response) and "no-store" in response["Cache-Control"], url


def test_private_pages_are_never_shared(newsroom, edge):
    page = newsroom["japan_security"]
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = Client().get(page.url)
    assert response.status_code == 302 and private(response)
    PageViewRestriction.objects.all().delete()
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    response = Client().get(page.url)
    assert response.status_code == 200 and b"password" in response.content.lower()
    assert private(response) and "no-store" in response["Cache-Control"]


def test_previews_are_private(newsroom, edge):
    page = newsroom["japan_security"]
    page.title = "Unpublished draft title"
    page.save_revision()
    admin = Client()
    sign_in(admin, make_user("admin", is_superuser=True, is_staff=True))
    response = admin.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert b"Unpublished draft title" in response.content
    assert private(response) and "no-store" in response["Cache-Control"]


def test_review_links_are_private(newsroom, edge):
    page = newsroom["japan_security"]
    page.title = "Draft under review"
    revision = page.save_revision()
    token, token_hash = new_token()
    ReviewLink.objects.create(
        page=page,
        reviewer_name="Jane Doe",
        reviewer_email="jane@example.net",
        revision=revision,
        snapshot=ReviewSnapshot.of(revision),
        pinned=True,
        token_hash=token_hash,
    )
    response = Client().get(f"/review/{token}/")
    assert b"Draft under review" in response.content
    assert not shared(response) and "X-Cache-Tags" not in response


def test_only_gets_are_shared(newsroom, edge):
    assert not shared(Client().post("/publications/"))


def test_errors_and_redirects_are_not_shared(newsroom, edge):
    for url in ("/publications/no-such-page/", "/publications"):
        response = Client().get(url)
        assert response.status_code in (301, 404)
        assert private(response), url


@pytest.mark.urls("tests.pagecache.urls")
@pytest.mark.parametrize("url", ["/test-sets-cookie/", "/test-varies-on-cookie/"])
def test_responses_that_set_or_vary_on_cookies_are_not_shared(newsroom, edge, url):
    response = Client().get(url)
    assert response.status_code == 200
    assert private(response)


# Attack: 200 requests with a random `utm_x=` (or any unknown parameter) each made one more
# copy of the page to keep for an hour. Only parameters the page recognises make a shared copy.
RECOGNISED = [
    "/publications/?region=japan&competence=security&page=1",
    "/publications/?expert=anna-petrova&year=2024",
    "/experts/?letter=P&competence=security",
    "/search/?q=japan&region=japan",
    "/publications/feed/?region=japan",
    "/api/v2/pages/?type=publications.CommentaryPage&region=japan&limit=5",
    # Tracking parameters never change the page (and the proxy strips them).
    "/publications/?utm_source=newsletter&utm_x=123&fbclid=abc&gclid=def",
]
UNRECOGNISED = [
    "/?x=1",
    "/publications/?x=1",
    "/publications/?region=japan&cachebuster=7",
    "/publications/japan-security/?page=2",
    "/experts/?q=anna",
    "/publications/feed/?x=1",
    "/sitemap.xml?x=1",
    "/sitemap-pages.xml?x=1",
    "/regions/japan/?x=1",
]


@pytest.mark.parametrize("url", RECOGNISED)
def test_recognised_query_parameters_are_shared(newsroom, edge, url):
    response = Client().get(url)
    assert response.status_code == 200, url
    assert shared(response), (url, response["Cache-Control"])


@pytest.mark.parametrize("url", UNRECOGNISED)
def test_unknown_query_parameters_are_served_but_never_shared(newsroom, edge, url):
    response = Client().get(url)
    assert response.status_code == 200, url
    assert private(response), (url, response.get("Cache-Control"))


def test_random_parameters_make_no_shared_copies(newsroom, edge):
    responses = [Client().get(f"/publications/?x{i}={i}") for i in range(200)]
    assert all(r.status_code == 200 and private(r) for r in responses)


# API: anonymous GETs varied on the cookie (the session was opened to authenticate), so no
# proxy kept them. Now they are shared and tagged "content", which every publish purges.
API = [
    "/api/v2/pages/",
    "/api/v2/pages/?type=publications.CommentaryPage&fields=lead",
    "/api/v2/images/",
    "/api/v2/documents/",
]


@pytest.mark.parametrize("url", API)
def test_anonymous_api_responses_are_shared_and_tagged(newsroom, edge, url):
    response = Client().get(url)
    assert response.status_code == 200, url
    assert shared(response), (url, response["Cache-Control"])
    assert "cookie" not in response.get("Vary", "").lower()
    assert {"content", "site"} <= set(response["X-Cache-Tags"].split())


def test_an_api_detail_is_shared_and_a_signed_in_one_is_not(newsroom, edge):
    url = f"/api/v2/pages/{newsroom['japan_security'].pk}/"
    assert shared(Client().get(url))
    editor = Client()
    sign_in(editor, make_user("reader", is_staff=True))
    assert private(editor.get(url))
