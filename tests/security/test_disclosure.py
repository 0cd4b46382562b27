"""Disclosure sweep: one pass over every public surface (pages, listings, counts, search, feeds,
sitemap, API, related blocks, citation downloads) with drafts, private and scheduled pages, a
draft and a private expert, and images and documents in a private collection in place. Nothing
of theirs may show: not a title, a name, a slug or a count."""

from django.core.files.base import ContentFile

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction

import pytest

from ..helpers import sitemap_text
from ..test_visibility import URLS

HIDDEN_SLUGS = ["hidden-draft", "hidden-private", "hidden-scheduled", "hidden-private-expert"]

SURFACES = [
    *URLS,
    "/search/?q=hidden",  # lower case: the echoed query is not a leak
    "/search/?q=Korea",
    "/search/?q=Petrova",
    "/publications/feed/",
    "/publications/feed/atom/",
    "/publications/feed/?competence=security",
    "/experts/anna-petrova/feed/",
    "/regions/japan/feed/",
    "/competences/security/feed/atom/",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-hubs.xml",
    "/api/v2/pages/?limit=50",
    "/api/v2/pages/?type=publications.CommentaryPage&limit=50&fields=*",
    "/api/v2/pages/?type=experts.ExpertPage&limit=50&fields=*",
    "/api/v2/pages/?type=publications.CommentaryPage&competence=security&fields=bylines",
    "/api/v2/images/?limit=50",
    "/api/v2/documents/?limit=50",
    "/publications/japan-security/cite.bib",
    "/publications/joint-japan-energy/cite.ris",
    "/publications/joint-japan-energy/cite.json",
]


@pytest.fixture
def hidden_everything(hidden_experts):
    root = Collection.get_first_root_node()
    board = root.add_child(name="Board")
    CollectionViewRestriction.objects.create(
        collection=board, restriction_type=CollectionViewRestriction.LOGIN
    )
    Image.objects.create(title="Hidden image", collection=board, file=get_test_image_file())
    Document.objects.create(
        title="Hidden minutes", collection=board, file=ContentFile(b"x", name="minutes.txt")
    )
    Image.objects.create(title="Public image", collection=root, file=get_test_image_file())
    # An alias of the private commentary, made before it went private (Wagtail copies a
    # restriction only at the alias's creation): it must be as hidden as its source.
    from wagtail.models import PageViewRestriction

    private = hidden_experts["private"]
    private.view_restrictions.all().delete()
    private.create_alias(parent=hidden_experts["index"], update_slug="hidden-private-alias")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    return hidden_experts


@pytest.mark.parametrize("url", SURFACES)
def test_nothing_hidden_shows_on_any_public_surface(hidden_everything, client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    body = response.content.decode()
    assert "Hidden" not in body, url
    for slug in HIDDEN_SLUGS:
        assert slug not in body, (url, slug)


def test_the_sweep_can_see_what_is_public(hidden_everything, client):
    """The sweep is not blind: the public counterparts do show on the same surfaces."""
    assert "Japan security" in client.get("/search/?q=Japan").content.decode()
    assert "Public image" in client.get("/api/v2/images/?limit=50").content.decode()
    assert "anna-petrova" in sitemap_text(client)


@pytest.mark.parametrize("key", ["draft", "private", "scheduled"])
@pytest.mark.parametrize("suffix", ["", "cite.bib", "cite.ris", "cite.json", "feed/"])
def test_hidden_pages_own_addresses_give_nothing_away(hidden_everything, client, key, suffix):
    page = hidden_everything[key]
    response = client.get(f"/publications/{page.slug}/{suffix}")
    assert response.status_code in (401, 404) or b"password" in response.content.lower()
    assert b"Hidden" not in response.content


@pytest.mark.parametrize("suffix", ["", "cite.bib", "cite.ris", "cite.json"])
def test_private_commentary_alias_address_gives_nothing_away(hidden_everything, client, suffix):
    response = client.get(f"/publications/hidden-private-alias/{suffix}")
    assert response.status_code in (401, 404) or b"password" in response.content.lower()
    assert b"Hidden private" not in response.content


def test_private_commentary_alias_has_no_api_detail(hidden_everything, client):
    from wagtail.models import Page

    alias = Page.objects.get(slug="hidden-private-alias")
    response = client.get(f"/api/v2/pages/{alias.pk}/")
    assert response.status_code == 404
    assert b"Hidden" not in response.content
