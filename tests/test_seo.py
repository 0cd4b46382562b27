"""Sitemap, robots.txt, canonical URLs, descriptions and sharing tags."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from discovery.seo import PageSitemap

from .helpers import sitemap_files, soup

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_entries(client):
    """{loc: lastmod} of every URL in every file the index names (each URL once)."""
    entries = {}
    for path, response in sitemap_files(client):
        root = ET.fromstring(response.content)  # noqa: S314  (our own test response)
        assert root.tag == f"{SM}urlset", path
        for url in root:
            loc = url.findtext(f"{SM}loc")
            assert loc not in entries, f"{loc} listed twice"
            entries[loc] = url.findtext(f"{SM}lastmod")
    return entries


def test_sitemap_lists_live_public_pages_with_lastmod(corpus, client):
    corpus["japan_security"].save_revision().publish()
    entries = sitemap_entries(client)
    paths = {urlsplit(loc).path for loc in entries}
    assert "/publications/japan-security/" in paths
    assert "/experts/anna-petrova/" in paths
    assert "/regions/japan/" in paths and "/competences/energy/" in paths
    assert not any("hidden" in path for path in paths)
    assert "/regions/korea/" not in paths  # only hidden pages carry it
    japan_security = next(loc for loc in entries if loc.endswith("/japan-security/"))
    published = corpus["japan_security"].specific_class.objects.get(slug="japan-security")
    assert entries[japan_security] == published.last_published_at.date().isoformat()


def test_a_section_longer_than_a_file_is_split_and_each_page_listed_once(
    corpus, client, monkeypatch
):
    """A file lists at most `limit` pages (the protocol allows 50,000; Django's view served only
    the first file of a section, so at 100,000 commentaries half the site was missing)."""
    everything = set(sitemap_entries(client))
    monkeypatch.setattr(PageSitemap, "limit", 2)
    files = [path for path, _ in sitemap_files(client)]
    assert "/sitemap-pages.xml?p=2" in files and "/sitemap-hubs.xml" in files
    assert set(sitemap_entries(client)) == everything


@pytest.mark.parametrize(
    "path", ["/sitemap-nothing.xml", "/sitemap-pages.xml?p=99", "/sitemap-pages.xml?p=x"]
)
def test_a_sitemap_file_that_does_not_exist_is_a_404(site_tree, client, path):
    assert client.get(path).status_code == 404


def test_robots_txt_points_to_the_sitemap(client, site_tree):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def canonical(client, url):
    return soup(client.get(url)).select_one("head link[rel=canonical]")["href"]


def test_listing_is_canonical_to_itself_unfiltered(corpus, client):
    assert canonical(client, "/publications/").endswith("/publications/")
    assert canonical(client, "/publications/?page=2").endswith("/publications/")


def test_filtered_listing_is_canonical_to_the_unfiltered_one(corpus, client):
    assert canonical(client, "/publications/?region=japan&competence=energy").endswith(
        "/publications/"
    )
    assert canonical(client, "/publications/?year=2024").endswith("/publications/")
    assert canonical(client, "/publications/?expert=anna-petrova&expert=boris-adamov").endswith(
        "/publications/"
    )


def test_single_expert_or_tag_listing_is_canonical_to_itself(corpus, client):
    assert canonical(client, "/publications/?expert=anna-petrova").endswith(
        "/publications/?expert=anna-petrova"
    )
    assert canonical(client, "/publications/?region=japan&region=atlantis").endswith(
        "/publications/?region=japan"
    )


def test_hub_canonical_drops_the_query(corpus, client):
    assert canonical(client, "/regions/japan/?utm_source=x") == "http://testserver/regions/japan/"


def meta(page, attr, name):
    tag = page.select_one(f'head meta[{attr}="{name}"]')
    return tag["content"] if tag else None


def test_commentary_description_falls_back_to_the_lead(corpus, client):
    page = soup(client.get(corpus["japan_security"].url))
    assert meta(page, "name", "description") == "A short lead."
    assert meta(page, "property", "og:type") == "article"
    assert meta(page, "property", "og:title") == "Japan security"
    assert meta(page, "property", "og:description") == "A short lead."
    assert meta(page, "property", "og:url").endswith("/publications/japan-security/")
    assert meta(page, "name", "twitter:card") == "summary"


def test_promote_fields_win_over_defaults(corpus, client):
    commentary = corpus["japan_security"]
    commentary.seo_title = "Tokyo's security turn"
    commentary.search_description = "Why Japan is rearming."
    commentary.save_revision().publish()
    page = soup(client.get(commentary.url))
    assert page.title.get_text() == "Tokyo's security turn · Agora"
    assert meta(page, "name", "description") == "Why Japan is rearming."
    assert meta(page, "property", "og:title") == "Tokyo's security turn"
    assert meta(page, "name", "twitter:description") == "Why Japan is rearming."


def test_expert_page_has_profile_sharing_tags(corpus, client):
    anna = corpus["anna"]
    page = soup(client.get(anna.url))
    assert meta(page, "property", "og:type") == "profile"
    assert meta(page, "property", "og:title") == "Anna Petrova"
    assert meta(page, "name", "description").startswith("Anna Petrova")
