"""The read-only API: what it exposes, the listing filters, caps, errors, and what it hides."""

from django.core.files.base import ContentFile

from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction

import pytest

PAGES = "/api/v2/pages/"
COMMENTARIES = PAGES + "?type=publications.CommentaryPage"


def titles(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["items"])


def error(client, url):
    response = client.get(url)
    assert response.status_code == 400, response.status_code
    return response.json()["message"]


VISIBLE = ["China energy", "Japan security", "Joint Japan energy", "Old Japan security"]


def test_commentaries_listed_without_drafts_private_or_scheduled(corpus, client):
    assert titles(client, COMMENTARIES) == VISIBLE
    assert "Hidden" not in client.get(PAGES + "?limit=50").content.decode()


@pytest.mark.parametrize("key", ["draft", "private", "scheduled"])
def test_hidden_commentary_detail_is_404(corpus, client, key):
    assert client.get(f"{PAGES}{corpus[key].pk}/").status_code == 404


def test_commentary_detail_has_fields_bylines_and_tags(corpus, client):
    data = client.get(f"{PAGES}{corpus['joint'].pk}/").json()
    assert data["meta"]["type"] == "publications.CommentaryPage"
    assert data["date"] == "2024-01-01"
    assert data["lead"] == "A short lead."
    assert [b["expert"]["title"] for b in data["bylines"]] == ["Anna Petrova", "Boris Adamov"]
    assert sorted(data["regions"]) == ["China", "Japan"]
    assert data["competences"] == ["Energy"]


def test_expert_detail_has_profile_fields(corpus, client):
    data = client.get(f"{PAGES}{corpus['anna'].pk}/").json()
    assert data["meta"]["type"] == "experts.ExpertPage"
    assert data["surname"] == "Petrova"
    assert data["competences"] == ["Security"]


def test_listing_filters_work_as_api_filters(corpus, client):
    url = COMMENTARIES + "&expert=boris-adamov&region=japan"
    assert titles(client, url) == ["Joint Japan energy"]
    assert titles(client, COMMENTARIES + "&year=2019") == ["Old Japan security"]
    assert titles(client, COMMENTARIES + "&competence=energy&competence=security") == VISIBLE
    experts = PAGES + "?type=experts.ExpertPage&competence=energy"
    assert titles(client, experts) == ["Boris Adamov"]


def test_a_filter_on_a_hidden_only_tag_finds_nothing(corpus, client):
    assert titles(client, COMMENTARIES + "&region=korea") == []


@pytest.mark.parametrize(
    "query, message",
    [
        ("&expert=nobody", "no such value: expert=nobody"),
        ("&year=abc", "no such value: year=abc"),
        ("&region=%3Cscript%3E", "no such value: region=<script>"),
        ("&colour=red", "query parameter is not an operation or a recognised field: colour"),
    ],
)
def test_bad_filter_values_are_400(corpus, client, query, message):
    assert error(client, COMMENTARIES + query) == message


def test_listing_filters_need_a_type_that_has_them(corpus, client):
    assert "need type=publications.CommentaryPage" in error(client, PAGES + "?region=japan")
    assert "not a filter for this type: expert" in error(
        client, PAGES + "?type=experts.ExpertPage&expert=anna-petrova"
    )
    assert error(client, PAGES + "?type=nope.Nope") == "type doesn't exist"


def test_limit_is_capped(corpus, client):
    assert client.get(COMMENTARIES + "&limit=50").status_code == 200
    assert error(client, COMMENTARIES + "&limit=51") == "limit cannot be higher than 50"
    assert error(client, COMMENTARIES + "&limit=-1") == "limit must be a positive integer"
    assert len(client.get(COMMENTARIES + "&limit=2").json()["items"]) == 2


def test_api_is_read_only(corpus, client):
    for method in (client.post, client.put, client.patch, client.delete):
        assert method(PAGES, {}).status_code == 405
        assert method(f"{PAGES}{corpus['joint'].pk}/", {}).status_code == 405


def test_search_is_off_in_the_api(corpus, client):
    assert error(client, PAGES + "?search=japan") == "search is disabled"


def test_documents_in_private_collections_are_hidden(site_tree, client):
    root = Collection.get_first_root_node()
    private = root.add_child(name="Board papers")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    inner = private.add_child(name="Minutes")
    for title, collection in [("Annual report", root), ("Budget", private), ("Minutes", inner)]:
        Document.objects.create(
            title=title, collection=collection, file=ContentFile(b"text", name=f"{title}.txt")
        )
    assert titles(client, "/api/v2/documents/") == ["Annual report"]
    hidden = Document.objects.get(title="Budget")
    assert client.get(f"/api/v2/documents/{hidden.pk}/").status_code == 404
