"""Withdrawn and private experts on live bylines: a commentary keeps the name and the frozen
position (Byline.position) of every author, but shows the profile (location, competences,
photo, expertise texts) and links to it (profile URL, JSON-LD url, API id and URLs) only for
experts visible to readers: live and outside every private section. One rule decides
(`editorial.visibility.visible_to_readers`), on every surface, and a page's cache tags name
no hidden profile."""

import json
import re

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

import pytest

from publications.models import Byline

from ..factories.experts import ExpertPageFactory
from ..factories.publications import CommentaryPageFactory
from ..factories.taxonomy import CompetenceFactory

# Profile data that must not leave a hidden profile (each also a search word).
SECRETS = {
    "withdrawn": ("Withdrawnville", "Withdrawncompetence", "Withdrawnexpertise", "Withdrawnwork"),
    "private": ("Privateville", "Privatecompetence", "Privateexpertise", "Privatework"),
}


def hidden_expert(site_tree, kind, **extra):
    city, competence, expertise, work = SECRETS[kind]
    image = Image.objects.create(title=f"{kind} portrait", file=get_test_image_file())
    return ExpertPageFactory(
        parent=site_tree["experts"],
        title=f"{kind.title()} Author",
        slug=f"{kind}-author",
        position="Profile position",
        location=city,
        photo=image,
        field_of_expertise=f"<p>{expertise}</p>",
        work_experience=f"<p>{work}</p>",
        competences=[CompetenceFactory(name=competence)],
        **extra,
    )


@pytest.fixture
def withdrawn(site_tree):
    """A live, public commentary by a visible expert, a withdrawn (unpublished) expert and a
    private (login-restricted) one."""
    visible = ExpertPageFactory(parent=site_tree["experts"], title="Visible Author")
    gone = hidden_expert(site_tree, "withdrawn")
    private = hidden_expert(site_tree, "private")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    page = CommentaryPageFactory(
        parent=site_tree["publications"], title="Shared commentary", slug="shared-commentary"
    )
    for order, (expert, position) in enumerate(
        [(visible, "Chair"), (gone, "Frozen withdrawn"), (private, "Frozen private")]
    ):
        Byline.objects.create(commentary=page, expert=expert, position=position, sort_order=order)
    page.save_revision().publish()
    gone.unpublish()
    return {"page": page, "visible": visible, "gone": gone, "private": private}


def photo_urls(expert):
    return [rendition.url for rendition in expert.photo.renditions.all()]


def assert_no_profile(body, data, kinds=("withdrawn", "private")):
    for kind in kinds:
        for secret in SECRETS[kind]:
            assert secret not in body, (kind, secret)
        expert = data["gone" if kind == "withdrawn" else "private"]
        assert f"/experts/{expert.slug}/" not in body, kind
        for url in photo_urls(expert):
            assert url not in body, kind


def json_ld(body):
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', body, re.S)
    return [json.loads(block) for block in blocks]


def test_withdrawn_expert_location_not_on_commentary_page(withdrawn, client):
    body = client.get("/publications/shared-commentary/").content.decode()
    # The names and frozen positions stay: they are part of the published text.
    for text in ("Withdrawn Author", "Frozen withdrawn", "Private Author", "Frozen private"):
        assert text in body
    assert_no_profile(body, withdrawn)
    assert "/experts/visible-author/" in body and "Berlin, Germany" in body  # not blind


def test_withdrawn_expert_photo_not_on_commentary_page(withdrawn, client):
    body = client.get("/publications/shared-commentary/").content.decode()
    assert body.count('class="portrait"') == 0  # the visible author has no photo
    visible = withdrawn["visible"]
    visible.photo = Image.objects.create(title="Visible", file=get_test_image_file())
    visible.save_revision().publish()
    body = client.get("/publications/shared-commentary/").content.decode()
    assert body.count('class="portrait"') == 2  # the byline line and the author block


@pytest.mark.parametrize(
    "url",
    [
        "/publications/",
        "/",
        "/experts/visible-author/",
        "/search/?q=Shared",
    ],
)
def test_hidden_expert_profile_not_on_cards(withdrawn, client, url):
    body = client.get(url).content.decode()
    assert "Shared commentary" in body, url  # the card is there, with both names
    assert "Withdrawn Author" in body and "Private Author" in body, url
    assert_no_profile(body, withdrawn)


def test_hidden_expert_not_linked_in_json_ld(withdrawn, client):
    body = client.get("/publications/shared-commentary/").content.decode()
    (article,) = [data for data in json_ld(body) if data.get("@type") == "Article"]
    authors = {author["name"]: author for author in article["author"]}
    assert "url" in authors["Visible Author"]
    for name, position in (
        ("Withdrawn Author", "Frozen withdrawn"),
        ("Private Author", "Frozen private"),
    ):
        assert authors[name] == {"@type": "Person", "name": name, "jobTitle": position}


def test_private_expert_has_no_id_or_url_in_api_byline(withdrawn, client):
    page = withdrawn["page"]
    response = client.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200
    bylines = {b["expert"]["title"]: b for b in response.json()["bylines"]}
    assert "id" in bylines["Visible Author"]["expert"]
    for name in ("Withdrawn Author", "Private Author"):
        assert bylines[name]["expert"] == {"title": name}
    assert_no_profile(response.content.decode(), withdrawn)


def test_hidden_expert_not_in_commentary_cache_tags(withdrawn, client):
    page, visible = withdrawn["page"], withdrawn["visible"]
    response = client.get("/publications/shared-commentary/")
    context = response.context
    tags = page.specific.page_cache_tags(context)
    assert f"page:{visible.pk}" in tags
    for expert in (withdrawn["gone"], withdrawn["private"]):
        assert f"page:{expert.pk}" not in tags
        assert f"expert-list:{expert.pk}" not in tags


def test_hidden_co_author_not_in_expert_page_cache_tags(withdrawn, client):
    visible = withdrawn["visible"]
    response = client.get("/experts/visible-author/")
    tags = visible.page_cache_tags(response.context)
    for expert in (withdrawn["gone"], withdrawn["private"]):
        assert f"page:{expert.pk}" not in tags


def test_expert_under_a_private_section_is_not_linked(withdrawn, client, site_tree):
    """A view restriction on an ancestor hides the profile as one on the expert does."""
    PageViewRestriction.objects.create(
        page=site_tree["experts"], restriction_type=PageViewRestriction.LOGIN
    )
    body = client.get("/publications/shared-commentary/").content.decode()
    assert "Visible Author" in body and "Chair" in body
    assert "/experts/visible-author/" not in body
    assert "Berlin, Germany" not in body
