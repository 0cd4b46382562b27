"""Page weight budgets, measured on the built pages: a commentary's HTML and the stylesheets it
links at most 60 KB uncompressed, the JavaScript of any page at most 20 KB, no web fonts.

`pytest tests/test_page_weight.py -s` prints the figures (docs/reading-experience.md)."""

from django.conf import settings
from django.contrib.staticfiles import finders

from bs4 import BeautifulSoup

from .conftest import SEED_COMMENTARY_URL

HTML_CSS_BUDGET = 60 * 1024
JS_BUDGET = 20 * 1024


def static_bytes(url):
    path = finders.find(url.removeprefix(settings.STATIC_URL))
    assert path, url
    with open(path, "rb") as file:
        return len(file.read())


def weigh(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    page = BeautifulSoup(response.content, "html.parser")
    css = [link["href"] for link in page.select('link[rel="stylesheet"]')]
    js = [script["src"] for script in page.select("script[src]")]
    assert not page.select('link[rel="preload"][as="font"]')
    return {
        "html": len(response.content),
        "css": sum(static_bytes(href) for href in css),
        "js": sum(static_bytes(src) for src in js),
        "files": css + js,
    }


def test_commentary_html_and_css_within_60_kb(seeded, client):
    weight = weigh(client, SEED_COMMENTARY_URL)
    total = weight["html"] + weight["css"]
    print(
        f"\ncommentary: HTML {weight['html']:,} B + CSS {weight['css']:,} B "
        f"= {total:,} B (budget {HTML_CSS_BUDGET:,}); JS {weight['js']:,} B"
    )
    assert weight["css"] > 0 and total <= HTML_CSS_BUDGET
    assert weight["js"] <= JS_BUDGET


def test_javascript_within_20_kb_on_every_kind_of_page(corpus, client):
    for url in ["/", "/publications/", "/experts/", "/experts/anna-petrova/", "/regions/japan/"]:
        weight = weigh(client, url)
        print(f"\n{url}: HTML {weight['html']:,} B, CSS {weight['css']:,} B, JS {weight['js']:,} B")
        assert weight["js"] <= JS_BUDGET, url


def test_no_web_fonts_in_the_stylesheets():
    for name in ("css/site.css", "css/print.css"):
        with open(finders.find(name), encoding="utf-8") as file:
            css = file.read()
        assert "@font-face" not in css and "@import" not in css, name
