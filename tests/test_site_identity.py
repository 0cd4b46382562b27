"""Site identity settings: what editors choose shows in the header, footer, titles, sharing tags
and the JSON-LD publisher; unset, the site is "Agora"; reading it costs one query per page and
never writes."""

import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site
from wagtail.test.utils.form_data import nested_form_data, streamfield

import pytest

from sitesettings.models import SiteIdentity

from .conftest import SEED_COMMENTARY_URL, make_user, sign_in
from .helpers import soup


def publisher(page):
    return json.loads(page.select_one('script[type="application/ld+json"]').string)["publisher"]


@pytest.fixture
def identity(seeded):
    logo = Image.objects.create(
        title="Logo", file=get_test_image_file("logo.png", colour="navy", size=(400, 160))
    )
    return SiteIdentity.objects.create(
        site=Site.objects.get(is_default_site=True),
        site_name="Institute for Eastern Studies",
        tagline="Analysis you can cite",
        footer_text="Registered charity no. 123.",
        publisher_logo=logo,
        social_links=[
            ("link", {"label": "Mastodon", "url": "https://social.example/@ies"}),
            ("link", {"label": "LinkedIn", "url": "https://linkedin.example/ies"}),
        ],
    )


def test_unset_the_site_is_agora_and_reading_writes_nothing(seeded, client):
    page = soup(client.get(SEED_COMMENTARY_URL))
    assert page.select_one(".site-header .site-name").get_text() == "Agora"
    assert page.title.get_text().endswith("· Agora")
    assert page.select_one('meta[property="og:site_name"]')["content"] == "Agora"
    assert publisher(page) == {"@type": "Organization", "name": "Agora", "url": "http://localhost/"}
    assert "Analytical commentaries by our experts." in page.select_one(".site-footer").get_text()
    assert not page.select(".site-header img, .footer-social")
    assert not SiteIdentity.objects.exists()  # a GET never creates the settings row


def test_chosen_identity_shows_everywhere(identity, client):
    page = soup(client.get(SEED_COMMENTARY_URL))
    name = page.select_one(".site-header .site-name")
    assert name.get_text() == "Institute for Eastern Studies"
    logo = name.select_one("img")
    assert logo["alt"] == "" and logo["height"] == "96" and logo["width"] == "240"
    assert page.select_one(".site-header .tagline").get_text() == "Analysis you can cite"
    assert page.title.get_text().endswith("· Institute for Eastern Studies")
    meta = page.select_one('meta[property="og:site_name"]')
    assert meta["content"] == "Institute for Eastern Studies"
    footer = page.select_one(".site-footer")
    assert "Registered charity no. 123." in footer.get_text()
    assert [(a.get_text(), a["href"]) for a in footer.select(".footer-social a")] == [
        ("Mastodon", "https://social.example/@ies"),
        ("LinkedIn", "https://linkedin.example/ies"),
    ]
    data = publisher(page)
    assert data["name"] == "Institute for Eastern Studies"
    assert data["logo"]["@type"] == "ImageObject"
    assert data["logo"]["url"].startswith("http://localhost/media/images/")
    assert (data["logo"]["width"], data["logo"]["height"]) == (240, 96)


def test_expert_profile_names_the_chosen_employer(identity, client):
    data = json.loads(
        soup(client.get("/experts/andrey-sushentsov/"))
        .select_one('script[type="application/ld+json"]')
        .string
    )
    assert data["mainEntity"]["worksFor"]["name"] == "Institute for Eastern Studies"


@pytest.mark.parametrize("url", [SEED_COMMENTARY_URL, "/publications/", "/regions/japan/"])
def test_the_settings_cost_no_query_once_cached(identity, client, url):
    table = SiteIdentity._meta.db_table
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    assert sum(table in query["sql"] for query in first.captured_queries) <= 1
    assert sum(table in query["sql"] for query in warm.captured_queries) == 0


def test_a_saved_change_shows_on_the_next_page(identity, client):
    client.get(SEED_COMMENTARY_URL)  # cached now
    identity.site_name = "Institute for Northern Studies"
    identity.save()
    page = soup(client.get(SEED_COMMENTARY_URL))
    assert "Institute for Northern Studies" in page.select_one("title").get_text()


def test_editors_edit_the_identity_in_the_admin(seeded, client):
    admin = make_user("root", is_superuser=True, is_staff=True)
    sign_in(client, admin)
    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/sitesettings/siteidentity/{site.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("site_name", "tagline", "footer_text", "publisher_logo", "social_links"):
        assert re.search(rf'id="(id_)?{field}', html), field
    form = {"site_name": "Renamed", "tagline": "", "footer_text": "", "publisher_logo": ""}
    response = client.post(url, nested_form_data({**form, "social_links": streamfield([])}))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert soup(client.get("/")).select_one(".site-name").get_text() == "Renamed"


def test_feeds_and_citations_name_the_chosen_institution(identity, client):
    feed = client.get("/publications/feed/").content.decode()
    assert "<title>Institute for Eastern Studies: " in feed
    bib = client.get(f"{SEED_COMMENTARY_URL}cite.bib").content.decode()
    assert "organization = {Institute for Eastern Studies}" in bib
    page = soup(client.get(SEED_COMMENTARY_URL))
    assert "Institute for Eastern Studies" in page.select_one(".citation").get_text()
