"""An alias of a private or unpublished commentary: Wagtail gives an alias its source's view
restrictions, so every surface that lists, searches or serves pages must too. Visibility
follows the source (`editorial.visibility.visible_to_readers`): not the alias's page, not the
API, not its citation downloads, not the listing, home, hubs, search, feeds, sitemap or the
related cards of another commentary."""

from wagtail.models import PageViewRestriction

import pytest

from ..factories.experts import ExpertPageFactory
from ..factories.publications import CommentaryPageFactory
from ..factories.taxonomy import CompetenceFactory, RegionFactory
from ..helpers import sitemap_text

SECRET_LEAD = "Secretlead of the private commentary."


@pytest.fixture
def private_with_alias(site_tree):
    """A commentary with an alias in the same listing, then made private (login)."""
    region, competence = RegionFactory(name="Aliasland"), CompetenceFactory(name="Aliascraft")
    expert = ExpertPageFactory(parent=site_tree["experts"], title="Alias Author")
    source = CommentaryPageFactory(
        parent=site_tree["publications"],
        title="Secrettitle commentary",
        slug="secret-source",
        lead=SECRET_LEAD,
        body=[("paragraph", "<p>Secretbody words.</p>")],
        authors=[expert],
        regions=[region],
        competences=[competence],
    )
    source.save_revision().publish()
    # Another public commentary by the same author: its related cards could show the alias.
    other = CommentaryPageFactory(
        parent=site_tree["publications"],
        title="Public neighbour",
        slug="public-neighbour",
        authors=[expert],
        regions=[region],
        competences=[competence],
    )
    other.save_revision().publish()
    alias = source.create_alias(parent=site_tree["publications"], update_slug="secret-alias")
    PageViewRestriction.objects.create(page=source, restriction_type=PageViewRestriction.LOGIN)
    return {"source": source, "alias": alias, "other": other, "expert": expert}


def assert_secret_absent(body):
    for secret in ("Secrettitle", "Secretlead", "Secretbody", "secret-alias", "secret-source"):
        assert secret not in body, secret


def test_private_commentary_not_readable_through_alias_api(private_with_alias, client):
    alias = private_with_alias["alias"]
    response = client.get(f"/api/v2/pages/{alias.pk}/")
    assert response.status_code == 404
    assert_secret_absent(response.content.decode())
    # Nor with its fields in the listing.
    listing = client.get("/api/v2/pages/?type=publications.CommentaryPage&fields=lead,body")
    assert listing.status_code == 200
    assert "Public neighbour" in listing.content.decode()
    assert_secret_absent(listing.content.decode())


@pytest.mark.parametrize("extension", ["bib", "ris", "json"])
def test_private_commentary_not_citable_through_alias(private_with_alias, client, extension):
    response = client.get(f"/publications/secret-alias/cite.{extension}")
    assert response.status_code == 404
    assert client.get(f"/publications/public-neighbour/cite.{extension}").status_code == 200


def test_private_commentary_not_readable_at_alias_address(private_with_alias, client):
    response = client.get("/publications/secret-alias/")
    assert SECRET_LEAD not in response.content.decode()
    assert response.status_code in (302, 401, 403)


@pytest.mark.parametrize(
    "url",
    [
        "/publications/",
        "/",
        "/regions/aliasland/",
        "/competences/aliascraft/",
        "/experts/alias-author/",
        "/search/?q=secrettitle",  # lower case: the echoed query is not a leak
        "/search/?q=secretlead",
        "/publications/feed/",
        "/publications/feed/atom/",
        "/regions/aliasland/feed/",
        "/experts/alias-author/feed/",
        "/sitemap.xml",
        "/sitemap-pages.xml",
        "/sitemap-hubs.xml",
        "/publications/public-neighbour/",  # its related cards
    ],
)
def test_private_commentary_alias_not_listed(private_with_alias, client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert_secret_absent(response.content.decode())


def test_alias_hub_counts_leave_out_private_source(private_with_alias, client):
    body = client.get("/regions/").content.decode()
    assert "Aliasland" in body
    assert "1 commentary" in body  # the neighbour only, not the alias


def test_alias_of_unpublished_commentary_is_hidden(private_with_alias, client):
    """The source unpublished while the alias stays live (Wagtail unpublishes aliases with their
    source; a direct write of `live` does not): the alias is hidden as well."""
    source, alias = private_with_alias["source"], private_with_alias["alias"]
    PageViewRestriction.objects.filter(page=source).delete()
    type(source).objects.filter(pk=source.pk).update(live=False)
    assert type(alias).objects.get(pk=alias.pk).live
    assert client.get(f"/api/v2/pages/{alias.pk}/").status_code == 404
    assert_secret_absent(client.get("/publications/").content.decode())
    assert_secret_absent(client.get("/search/?q=secrettitle").content.decode())


def test_alias_of_a_public_commentary_stays_visible(private_with_alias, client):
    """Not blind: once the source is public again its alias shows like any page."""
    PageViewRestriction.objects.filter(page=private_with_alias["source"]).delete()
    alias = private_with_alias["alias"]
    assert client.get(f"/api/v2/pages/{alias.pk}/").status_code == 200
    assert client.get("/publications/secret-alias/cite.bib").status_code == 200
    assert "secret-alias" in sitemap_text(client)
    assert "/publications/secret-alias/" in client.get("/search/?q=secrettitle").content.decode()
