"""Stored payloads on the discovery surfaces: search results, feeds, JSON-LD, the API and the
citation downloads. Feeds and the API are read by other programs that render parts of them as
HTML, so those parts must carry no executable markup either."""

import json
import xml.etree.ElementTree as ET

import pytest

from .xss import PAYLOADS, executable_parts

ATOM = "{http://www.w3.org/2005/Atom}"
# Elements a feed reader renders as HTML: RSS descriptions, Atom summaries (type="html").
# Atom titles and subtitles are typed text and are not rendered as markup.
HTML_ELEMENTS = {"description", f"{ATOM}summary", f"{ATOM}content"}


def feed_urls(site):
    return [
        "/publications/feed/",
        "/publications/feed/atom/",
        f"/publications/feed/?region={site['region'].slug}",
        f"{site['expert'].url}feed/",
        f"/regions/{site['region'].slug}/feed/",
        f"/competences/{site['competence'].slug}/feed/atom/",
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_results_never_execute_stored_payloads(poisoned, client, payload):
    poisoned(payload)
    for query in ("Title", "Expert", "Lead"):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        html = response.content.decode()
        assert "poisoned-" in html, query  # the poisoned pages are among the results
        assert executable_parts(html) == [], query


@pytest.mark.parametrize("payload", PAYLOADS)
def test_feeds_stay_well_formed_and_render_nothing_executable(poisoned, client, payload):
    site = poisoned(payload)
    for url in feed_urls(site):
        response = client.get(url)
        assert response.status_code == 200, url
        root = ET.fromstring(response.content)  # noqa: S314  (our own response)
        rendered = [el.text or "" for el in root.iter() if el.tag in HTML_ELEMENTS]
        assert rendered, url
        for text in rendered:
            assert executable_parts(text) == [], (url, text)
        # The payload is kept as text (escaped), not dropped.
        assert any(payload[:8] in (el.text or "") for el in root.iter()), url


@pytest.mark.parametrize("payload", PAYLOADS)
def test_json_ld_stays_valid_json_holding_the_payload_as_data(poisoned, client, payload):
    site = poisoned(payload)
    for url in (site["page"].url, site["expert"].url, "/publications/"):
        html = client.get(url).content.decode()
        assert executable_parts(html) == [], url
        blocks = html.split('<script type="application/ld+json"')[1:]
        assert blocks, url
        for block in blocks:
            body = block.split(">", 1)[1].split("</script>", 1)[0]
            json.loads(body)


def rich_text_values(data):
    body = [block["value"] for block in data.get("body", []) if block["type"] == "paragraph"]
    return body + [data.get(key, "") for key in ("field_of_expertise", "work_experience")]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_api_rich_text_is_sanitised_and_plain_text_is_data(poisoned, client, payload):
    site = poisoned(payload)
    for page in (site["page"], site["expert"]):
        response = client.get(f"/api/v2/pages/{page.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
        data = response.json()
        assert data["title"].endswith(payload)  # plain text travels unchanged, as JSON data
        for html in rich_text_values(data):
            assert executable_parts(html) == [], html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_citation_downloads_are_never_served_as_html(poisoned, client, payload):
    site = poisoned(payload)
    for extension in ("bib", "ris", "json"):
        response = client.get(f"{site['page'].url}cite.{extension}")
        assert response.status_code == 200, extension
        assert "html" not in response["Content-Type"], extension
        assert response["X-Content-Type-Options"] == "nosniff"
