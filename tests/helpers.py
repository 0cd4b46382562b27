"""Reading rendered pages the way a reader sees them."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urlsplit

from bs4 import BeautifulSoup


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def titles(response):
    return [a.get_text() for a in soup(response).select(".card-title a")]


def result_count(page):
    return int(re.match(r"\d+", page.select_one(".result-count").get_text()).group())


def facet_options(page, key):
    """{value: (label, count, checked)} for the checkboxes of one facet."""
    options = {}
    for box in page.select(f'form.filters input[type=checkbox][name="{key}"]'):
        label = box.find_parent("label")
        count = int(label.select_one(".facet-count").get_text())
        options[box["value"]] = (
            label.select_one(".facet-label").get_text(),
            count,
            box.has_attr("checked"),
        )
    return options


def form_query(page, toggle=None):
    """The query string the filter form submits, after ticking or unticking (key, value)."""
    pairs = [
        (field["name"], field["value"])
        for field in page.select("form.filters input")
        if field.get("type") == "hidden" or field.has_attr("checked")
    ]
    if toggle in pairs:
        pairs.remove(toggle)
    elif toggle:
        pairs.append(toggle)
    return urlencode(pairs)


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_files(client):
    """The files the sitemap index (/sitemap.xml) names, each fetched: [(path, response)]."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    root = ET.fromstring(index.content)  # noqa: S314 - our own test response
    assert root.tag == f"{SITEMAP}sitemapindex"
    files = []
    for entry in root:
        loc = urlsplit(entry.findtext(f"{SITEMAP}loc"))
        path = f"{loc.path}?{loc.query}" if loc.query else loc.path
        response = client.get(path)
        assert response.status_code == 200, path
        files.append((path, response))
    assert files, "the sitemap index names no file"
    return files


def sitemap_text(client):
    """Everything the sitemap lists, all its files together."""
    return "".join(response.content.decode() for _, response in sitemap_files(client))
