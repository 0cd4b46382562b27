"""Related commentaries on a commentary page, and the home page."""

from wagtail.models import PageViewRestriction

import pytest

from .conftest import make_user, sign_in
from .factories.experts import ExpertPageFactory
from .factories.publications import CommentaryPageFactory, commentary_maker
from .factories.taxonomy import CompetenceFactory, RegionFactory
from .helpers import soup


def related(client, page):
    return [a.get_text() for a in soup(client.get(page.url)).select(".related .card-title a")]


@pytest.fixture
def web(site_tree):
    """A commentary and neighbours that share more or less with it."""
    index, experts = site_tree["publications"], site_tree["experts"]
    anna, boris, chen = (ExpertPageFactory(parent=experts) for _ in range(3))
    japan, china = RegionFactory(name="Japan"), RegionFactory(name="China")
    energy = CompetenceFactory(name="Energy")

    make = commentary_maker(index)

    return {
        "subject": make("Subject", "2024-01-01", [anna, boris], [japan, china], [energy]),
        "both_experts": make("Both experts, old", "2010-01-01", [anna, boris]),
        "one_expert_tags": make("One expert, two tags", "2011-01-01", [anna], [japan], [energy]),
        "one_expert_new": make("One expert, newer, no tags", "2023-01-01", [boris]),
        "one_expert_old": make("One expert, older, no tags", "2012-01-01", [boris]),
        "three_tags": make("Three tags only", "2024-06-01", [chen], [japan, china], [energy]),
        "unrelated": make("Unrelated", "2024-12-01", [chen]),
        "draft": make(
            "Draft sharing all", "2024-03-01", [anna, boris], [japan], [energy], live=False
        ),
        "anna": anna,
    }


def test_related_ranks_shared_experts_then_shared_tags_then_recency(web, client):
    assert related(client, web["subject"]) == [
        "Both experts, old",
        "One expert, two tags",
        "One expert, newer, no tags",
    ]


def test_related_never_shows_the_page_itself_or_unrelated_pages(web, client):
    shown = related(client, web["three_tags"])
    assert "Three tags only" not in shown
    assert "Unrelated" not in related(client, web["subject"])
    assert len(shown) == 3


def test_related_never_shows_drafts_private_or_scheduled_pages(corpus, client):
    shown = related(client, corpus["japan_security"])
    assert shown == ["Old Japan security", "Joint Japan energy"]


def test_related_is_empty_for_a_commentary_sharing_nothing(site_tree, client):
    alone = CommentaryPageFactory(parent=site_tree["publications"])
    CommentaryPageFactory(parent=site_tree["publications"])
    assert soup(client.get(alone.url)).select(".related") == []


def test_related_skips_a_private_neighbour(web, client):
    PageViewRestriction.objects.create(
        page=web["both_experts"], restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert related(client, web["subject"])[0] == "One expert, two tags"


# The home page


def featured_title(client):
    return soup(client.get("/")).select_one(".featured .card-title a").get_text()


def latest_titles(client):
    return [a.get_text() for a in soup(client.get("/")).select(".latest .card-title a")]


def test_home_features_the_latest_commentary_by_default(corpus, client):
    assert featured_title(client) == "Japan security"
    assert latest_titles(client) == ["China energy", "Joint Japan energy", "Old Japan security"]


def test_home_features_the_commentary_editors_chose(corpus, client):
    home = corpus["index"].get_parent().specific
    home.featured_commentary = corpus["old"]
    home.save_revision().publish()
    assert featured_title(client) == "Old Japan security"
    assert latest_titles(client) == ["Japan security", "China energy", "Joint Japan energy"]


@pytest.mark.parametrize("hidden", ["draft", "private", "scheduled"])
def test_a_featured_commentary_that_is_not_visible_falls_back_to_the_latest(corpus, client, hidden):
    home = corpus["index"].get_parent().specific
    home.featured_commentary = corpus[hidden]
    home.save()
    assert featured_title(client) == "Japan security"


def test_home_shows_the_most_active_hubs_and_recent_experts(corpus, client):
    page = soup(client.get("/"))
    regions = [a.get_text() for a in page.select("#hubs-region ~ .hub-list a")]
    assert regions == ["Japan", "China"]  # 3 and 2 visible commentaries; Korea has none
    assert [a["href"] for a in page.select("#hubs-competence ~ .hub-list a")] == [
        "/competences/energy/",
        "/competences/security/",
    ]
    experts = [a.get_text() for a in page.select(".home-experts .expert-list a")]
    assert experts == ["Anna Petrova", "Boris Adamov"]


def test_featured_commentary_is_chosen_with_a_page_chooser(site_tree, client):
    home = site_tree["home"]
    sign_in(client, make_user("root", is_superuser=True, is_staff=True))
    response = client.get(f"/admin/pages/{home.pk}/edit/")
    assert response.status_code == 200
    assert b'name="featured_commentary"' in response.content
