"""What the page cache stores and serves: anonymous GETs of public pages, nothing else; a hit
is the same page with the request's own CSP nonce in both the header and the JSON-LD."""

import re

from django.test import Client
from django.urls import reverse

from wagtail.models import PageViewRestriction

import pytest

from planning.models import ReviewLink
from planning.tokens import new_token

from ..conftest import make_user, sign_in
from .conftest import cached, fresh, normalised

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
    "/search/?q=japan",
]


def nonces(response):
    header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    in_page = re.findall(rb'<script type="application/ld\+json" nonce="([^"]+)"', response.content)
    return header, [n.decode() for n in in_page]


def test_public_pages_are_served_from_the_cache_unchanged(newsroom, page_cache):
    for url in PUBLIC:
        hit = cached(url)
        assert hit.status_code == 200, url
        assert normalised(hit.content) == normalised(fresh(url).content), url
        assert "s-maxage=" in hit["Cache-Control"] and "max-age=0" in hit["Cache-Control"]
        assert "site" in hit["X-Cache-Tags"].split()


def test_a_hit_carries_a_fresh_nonce_matching_its_header(newsroom, page_cache):
    url = "/publications/japan-security/"
    first, second = cached(url), Client().get(url)
    assert second["X-Page-Cache"] == "hit"
    header, in_page = nonces(second)
    assert in_page == [header]  # the JSON-LD script is allowed by this response's policy
    assert nonces(first)[0] != header  # not the nonce the page was stored with


def test_the_commentary_names_its_dependencies(newsroom, page_cache):
    n = newsroom
    tags = set(cached("/publications/japan-security/")["X-Cache-Tags"].split())
    anna, boris = n["anna"].pk, n["boris"].pk
    assert {
        f"commentary:{n['japan_security'].pk}",
        f"expert:{anna}",
        f"expert-list:{anna}",
        f"commentary:{n['joint'].pk}",  # the related card
        f"expert:{boris}",  # named on that card
    } <= tags
    assert "content" not in tags


def test_signed_in_readers_are_never_served_or_stored(newsroom, page_cache):
    url = "/publications/japan-security/"
    editor = Client()
    sign_in(editor, make_user("reader", is_staff=True))
    for _ in range(2):
        response = editor.get(url)
        assert response["X-Page-Cache"] == "bypass"
        assert "private" in response["Cache-Control"]
    assert Client().get(url)["X-Page-Cache"] == "miss"  # nothing was stored for anyone


def test_a_stored_page_is_not_served_to_a_signed_in_reader(newsroom, page_cache):
    url = "/publications/japan-security/"
    cached(url)
    editor = Client()
    sign_in(editor, make_user("reader", is_staff=True))
    assert editor.get(url)["X-Page-Cache"] == "bypass"


def test_private_pages_are_never_stored(newsroom, page_cache):
    page = newsroom["japan_security"]
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    for _ in range(2):
        response = Client().get(page.url)
        assert response.status_code == 302
        assert response.get("X-Page-Cache") != "hit"
    PageViewRestriction.objects.all().delete()
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    for _ in range(2):
        response = Client().get(page.url)
        assert response.status_code == 200 and b"password" in response.content.lower()
        assert response.get("X-Page-Cache") != "hit"
        assert "no-store" in response["Cache-Control"]


def test_previews_are_never_stored(newsroom, page_cache):
    page = newsroom["japan_security"]
    page.title = "Unpublished draft title"
    page.save_revision()
    admin = Client()
    sign_in(admin, make_user("admin", is_superuser=True, is_staff=True))
    preview = reverse("wagtailadmin_pages:view_draft", args=[page.pk])
    for _ in range(2):
        response = admin.get(preview)
        assert b"Unpublished draft title" in response.content
        assert response["X-Page-Cache"] == "bypass"
    assert b"Unpublished draft title" not in cached(page.url).content


def test_review_links_are_never_stored(newsroom, page_cache):
    page = newsroom["japan_security"]
    page.title = "Draft under review"
    revision = page.save_revision()
    token, token_hash = new_token()
    ReviewLink.objects.create(
        page=page,
        reviewer_name="Jane Doe",
        reviewer_email="jane@example.net",
        revision=revision,
        pinned=True,
        token_hash=token_hash,
    )
    for _ in range(2):
        response = Client().get(f"/review/{token}/")
        assert b"Draft under review" in response.content
        assert response["X-Page-Cache"] == "bypass"
    assert b"Draft under review" not in cached(page.url).content


def test_only_gets_are_cached(newsroom, page_cache):
    url = "/search/?q=japan"
    cached(url)
    assert Client().head(url).get("X-Page-Cache") == "bypass"
    assert Client().post(url).get("X-Page-Cache") == "bypass"


def test_errors_and_redirects_are_not_stored(newsroom, page_cache):
    for url in ("/publications/no-such-page/", "/publications"):
        for _ in range(2):
            response = Client().get(url)
            assert response.status_code in (301, 404)
            assert response.get("X-Page-Cache") != "hit"


def test_the_cache_key_keeps_hosts_and_queries_apart(newsroom, page_cache):
    cached("/publications/?region=japan")
    assert Client().get("/publications/?region=china")["X-Page-Cache"] == "miss"
    assert Client().get("/publications/?region=japan", HTTP_HOST="localhost")["X-Page-Cache"] == (
        "miss"
    )


@pytest.mark.urls("tests.pagecache.urls")
@pytest.mark.parametrize("url", ["/test-sets-cookie/", "/test-varies-on-cookie/", "/api/v2/pages/"])
def test_responses_that_set_or_vary_on_cookies_are_not_stored(newsroom, page_cache, url):
    for _ in range(2):
        response = Client().get(url)
        assert response.status_code == 200
        assert response.get("X-Page-Cache") != "hit"
