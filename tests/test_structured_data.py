"""JSON-LD: Article, ProfilePage and ItemList, valid JSON with the fields search engines read,
in a script block the Content-Security-Policy lets through."""

import json
import re

from .factories.publications import CommentaryPageFactory
from .helpers import soup


def json_ld(client, url):
    response = client.get(url)
    page = soup(response)
    (script,) = page.select('script[type="application/ld+json"]')
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert script["nonce"] == nonce
    return json.loads(script.string)


def test_commentary_is_an_article(corpus, client):
    commentary = corpus["joint"]
    commentary.save_revision().publish()
    data = json_ld(client, "/publications/joint-japan-energy/")
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    assert data["headline"] == "Joint Japan energy"
    assert data["datePublished"] == "2024-01-01"
    assert data["dateModified"].startswith(
        str(commentary.__class__.objects.get(pk=commentary.pk).last_published_at.date())
    )
    assert [(a["@type"], a["name"]) for a in data["author"]] == [
        ("Person", "Anna Petrova"),
        ("Person", "Boris Adamov"),
    ]
    assert data["author"][0]["url"] == "http://localhost/experts/anna-petrova/"
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Agora",
        "url": "http://localhost/",
    }
    assert sorted(data["keywords"]) == ["China", "Energy", "Japan"]
    assert data["description"] == "A short lead."


def test_article_job_title_comes_from_the_byline(corpus, client):
    byline = corpus["japan_security"].bylines.get()
    byline.position = "Programme Director"
    byline.save()
    data = json_ld(client, "/publications/japan-security/")
    assert data["author"][0]["jobTitle"] == "Programme Director"


def test_script_breaking_text_is_escaped(corpus, client):
    CommentaryPageFactory(
        parent=corpus["index"],
        slug="xss",
        title="</script><script>alert(1)</script>",
        authors=[corpus["anna"]],
    )
    response = client.get("/publications/xss/")
    assert b"</script><script>alert(1)" not in response.content
    assert json_ld(client, "/publications/xss/")["headline"].startswith("</script>")


def test_expert_is_a_profile_page_about_a_person(corpus, client):
    anna = corpus["anna"]
    anna.position = "Senior Fellow"
    anna.location = "Tokyo, Japan"
    anna.field_of_expertise = "<p>Maritime <b>security</b> in East Asia.</p>"
    anna.save_revision().publish()
    data = json_ld(client, "/experts/anna-petrova/")
    assert data["@type"] == "ProfilePage"
    person = data["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Anna Petrova"
    assert person["jobTitle"] == "Senior Fellow"
    assert person["workLocation"] == {"@type": "Place", "name": "Tokyo, Japan"}
    assert person["knowsAbout"] == ["Security"]
    assert person["description"] == "Maritime security in East Asia."


def test_listing_is_an_item_list_of_the_current_page(corpus, client):
    data = json_ld(client, "/publications/?region=japan")
    assert data["@type"] == "ItemList"
    assert data["numberOfItems"] == 3
    assert [(i["position"], i["name"]) for i in data["itemListElement"]] == [
        (1, "Japan security"),
        (2, "Joint Japan energy"),
        (3, "Old Japan security"),
    ]
    assert data["itemListElement"][0]["url"] == "http://localhost/publications/japan-security/"
    assert "Hidden" not in json.dumps(data)


def test_other_pages_have_no_json_ld(corpus, client):
    assert not soup(client.get("/regions/japan/")).select('script[type="application/ld+json"]')
