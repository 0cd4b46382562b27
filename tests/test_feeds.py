"""RSS 2.0 and Atom feeds: structure, filters, and hidden pages left out."""

import xml.etree.ElementTree as ET

from .helpers import soup

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


def rss(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314  (our own test response)
    assert root.tag == "rss" and root.get("version") == "2.0"
    (channel,) = root.findall("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required)
    return channel


def atom(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314  (our own test response)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{required}")
    return root


def rss_titles(channel):
    return [item.findtext("title") for item in channel.findall("item")]


def test_rss_item_carries_authors_date_lead_and_tags(corpus, client):
    channel = rss(client, "/publications/feed/")
    items = {item.findtext("title"): item for item in channel.findall("item")}
    joint = items["Joint Japan energy"]
    assert joint.findtext("link") == "http://testserver/publications/joint-japan-energy/"
    assert joint.findtext("guid") == joint.findtext("link")
    assert joint.findtext("description") == "A short lead."
    assert joint.findtext("pubDate").startswith("Mon, 01 Jan 2024")
    assert joint.findtext(f"{DC}creator") == "Anna Petrova, Boris Adamov"
    assert sorted(c.text for c in joint.findall("category")) == ["China", "Energy", "Japan"]


def test_listing_feed_is_newest_first_without_hidden_pages(corpus, client):
    titles = rss_titles(rss(client, "/publications/feed/"))
    assert titles == ["Japan security", "China energy", "Joint Japan energy", "Old Japan security"]


def test_listing_feed_applies_the_listing_filters(corpus, client):
    channel = rss(client, "/publications/feed/?expert=anna-petrova&region=japan&year=2024")
    assert rss_titles(channel) == ["Japan security", "Joint Japan energy"]
    assert "Anna Petrova" in channel.findtext("title")
    assert channel.findtext("link").endswith(
        "/publications/?expert=anna-petrova&region=japan&year=2024"
    )


def test_listing_feed_ignores_unknown_filter_values(corpus, client):
    assert len(rss_titles(rss(client, "/publications/feed/?region=atlantis&year=abc"))) == 4


def test_hidden_tag_feed_shows_nothing_hidden(corpus, client):
    channel = rss(client, "/regions/korea/feed/")
    assert rss_titles(channel) == []
    assert b"Hidden" not in client.get("/experts/anna-petrova/feed/").content


def test_expert_feed_lists_their_visible_commentaries(corpus, client):
    titles = rss_titles(rss(client, "/experts/boris-adamov/feed/"))
    assert titles == ["China energy", "Joint Japan energy"]


def test_hub_feeds_list_tagged_commentaries(corpus, client):
    assert rss_titles(rss(client, "/competences/energy/feed/")) == [
        "China energy",
        "Joint Japan energy",
    ]
    assert rss_titles(rss(client, "/regions/china/feed/")) == ["China energy", "Joint Japan energy"]


def test_atom_entries_have_id_title_updated_author_and_categories(corpus, client):
    root = atom(client, "/regions/japan/feed/atom/")
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Japan security",
        "Joint Japan energy",
        "Old Japan security",
    ]
    for entry in entries:
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name")
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/publications/")
        assert entry.findtext(f"{ATOM}summary") == "A short lead."
    assert [c.get("term") for c in entries[0].findall(f"{ATOM}category")] == ["Japan", "Security"]
    assert (
        root.find(f"{ATOM}link[@rel='self']").get("href")
        == "http://testserver/regions/japan/feed/atom/"
    )


def test_unknown_expert_or_tag_feed_is_404(corpus, client):
    assert client.get("/experts/nobody/feed/").status_code == 404
    assert client.get("/regions/atlantis/feed/atom/").status_code == 404


def test_draft_expert_has_no_feed(corpus, client):
    corpus["boris"].unpublish()
    assert client.get("/experts/boris-adamov/feed/").status_code == 404


def test_pages_link_their_feeds(corpus, client):
    def alternates(url):
        page = soup(client.get(url))
        return [(link["type"], link["href"]) for link in page.select("head link[rel=alternate]")]

    assert alternates("/publications/?region=japan") == [
        ("application/rss+xml", "/publications/feed/?region=japan"),
        ("application/atom+xml", "/publications/feed/atom/?region=japan"),
    ]
    assert ("application/rss+xml", "/experts/anna-petrova/feed/") in alternates(
        "/experts/anna-petrova/"
    )
    assert ("application/atom+xml", "/competences/energy/feed/atom/") in alternates(
        "/competences/energy/"
    )


def test_feed_query_count_does_not_grow_with_items(corpus, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories.publications import CommentaryPageFactory

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/publications/feed/?competence=energy").status_code == 200
        return len(captured)

    queries()  # the site's root paths are cached after the first request
    few = queries()
    for n in range(10):
        CommentaryPageFactory(
            parent=corpus["index"],
            title=f"More energy {n}",
            authors=[corpus["anna"], corpus["boris"]],
            competences=[corpus["energy"]],
            regions=[corpus["japan"]],
        )
    assert queries() == few
