"""Page type rules, admin creation, and every seed field on the rendered pages."""

from django.contrib.auth import get_user_model

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest
from bs4 import BeautifulSoup

from core.models import HomePage
from experts.models import ExpertIndexPage, ExpertPage
from publications.models import CommentaryPage, PublicationIndexPage

from .conftest import SEED_COMMENTARY_URL, SEED_EXPERT_URL, sign_in


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


class PageTreeRulesTest(WagtailPageTestCase):
    def test_home_only_under_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_home_holds_the_two_sections(self):
        self.assertAllowedSubpageTypes(HomePage, {PublicationIndexPage, ExpertIndexPage})

    def test_commentaries_only_in_the_publications_section(self):
        self.assertAllowedParentPageTypes(CommentaryPage, {PublicationIndexPage})
        self.assertAllowedSubpageTypes(CommentaryPage, set())
        self.assertCanNotCreateAt(ExpertIndexPage, CommentaryPage)

    def test_experts_only_in_the_expert_directory(self):
        self.assertAllowedParentPageTypes(ExpertPage, {ExpertIndexPage})
        self.assertAllowedSubpageTypes(ExpertPage, set())
        self.assertCanNotCreateAt(PublicationIndexPage, ExpertPage)


class AdminCreationTest(WagtailPageTestCase):
    def setUp(self):
        from intake.management.commands.load_seed import ensure_site_tree

        from .conftest import ensure_wagtail_base

        # A transactional test on the same worker may have flushed Wagtail's root page: unittest
        # classes get no pytest fixture before setUp, so the rows are ensured here.
        ensure_wagtail_base()
        ensure_site_tree()
        self.publications = PublicationIndexPage.objects.get()
        self.experts = ExpertIndexPage.objects.get()
        user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
        sign_in(self.client, user)

    def test_editor_creates_an_expert_through_the_admin_form(self):
        self.assertCanCreate(
            self.experts,
            ExpertPage,
            nested_form_data(
                {
                    "title": "Anna Petrova",
                    "slug": "anna-petrova",
                    "surname": "",
                    "position": "Research Director",
                    "location": "Vienna, Austria",
                    "competences": "",
                    "regions": "",
                    "field_of_expertise": rich_text("Arms control."),
                    "work_experience": rich_text("OSCE."),
                }
            ),
        )
        expert = ExpertPage.objects.get(slug="anna-petrova")
        assert expert.surname == "Petrova"

    def test_editor_creates_a_commentary_with_a_byline_through_the_admin_form(self):
        expert = self.experts.add_child(
            instance=ExpertPage(title="Anna Petrova", position="Fellow")
        )
        self.assertCanCreate(
            self.publications,
            CommentaryPage,
            nested_form_data(
                {
                    "title": "Arms Control After the Treaties",
                    "slug": "arms-control-after-the-treaties",
                    "date": "2024-03-01",
                    "lead": "What is left of arms control.",
                    "body": streamfield([("paragraph", rich_text("Body."))]),
                    "source": "",
                    "regions": "",
                    "competences": "",
                    "bylines": inline_formset([{"expert": expert.pk, "position": ""}], min=1),
                }
            ),
        )
        page = CommentaryPage.objects.get(slug="arms-control-after-the-treaties")
        # An empty byline position is filled from the profile at the time of writing.
        assert page.bylines.get().position == "Fellow"

    def test_publishing_a_commentary_without_authors_is_refused(self):
        """Drafts may wait for their authors (Wagtail defers it); publishing may not."""
        response = self.client.post(
            f"/admin/pages/add/publications/commentarypage/{self.publications.pk}/",
            nested_form_data(
                {
                    "title": "No Author",
                    "slug": "no-author",
                    "date": "2024-03-01",
                    "lead": "Lead.",
                    "body": streamfield([]),
                    "source": "",
                    "regions": "",
                    "competences": "",
                    "bylines": inline_formset([], min=1),
                    "action-publish": "publish",
                }
            ),
        )
        assert response.status_code == 200  # the form again, with its error
        assert not CommentaryPage.objects.filter(slug="no-author").exists()


@pytest.mark.parametrize(
    "url", ["/", "/publications/", "/experts/", SEED_COMMENTARY_URL, SEED_EXPERT_URL]
)
def test_every_public_page_renders(seeded, client, url):
    assert client.get(url).status_code == 200


def test_commentary_page_shows_every_seed_field(seeded, client):
    page = soup(client.get(SEED_COMMENTARY_URL))
    assert page.find("time")["datetime"] == "2019-02-07"
    assert page.find("time").get_text() == "7 February 2019"
    assert page.find("h1").get_text() == (
        "Why Is It So Difficult for Russia and Japan to Come to Agreement?"
    )
    assert page.select_one(".lead").get_text().startswith("Experts had many expectations")
    body = page.select_one(".body").get_text()
    assert "Moreover, both parties provided grounds" in body
    assert "The current configuration of relations leaves no room for a breakthrough." in body
    assert "WHY IS IT SO DIFFICULT" not in page.get_text()
    assert len(page.select(".body p")) == 8
    assert "Why Is It So Difficult" in page.select_one(".source").get_text()
    byline = page.select_one(".bylines a")
    assert byline["href"] == SEED_EXPERT_URL and byline.get_text() == "Andrey Sushentsov"
    assert "President" in page.select_one(".bylines").get_text()
    tag_links = {a.get_text(): a["href"] for a in page.select(".tags a")}
    assert tag_links["Japan"] == "/regions/japan/"
    assert tag_links["Global Trends"] == "/competences/global-trends/"
    assert set(tag_links) == {"Russia", "Japan", "East Asia", "Global Trends", "United States"}
    author = page.select_one(".author").get_text()
    for text in [
        "Andrey Sushentsov",
        "President",
        "Moscow, Russia",
        "Global Trends, United States",
        "leading Russian international relations scholar",
        "International Threats",
        "Laboratory of International Trends Analysis",
        "Future of Russian-American",
    ]:
        assert text in author


def test_expert_page_shows_every_field_and_the_commentaries(seeded, client):
    page = soup(client.get(SEED_EXPERT_URL))
    assert page.find("h1").get_text() == "Andrey Sushentsov"
    text = page.get_text()
    for value in [
        "President",
        "Moscow, Russia",
        "United States",
        "Global Trends",
        "Russia",
        "America's Small Wars",
        "Middlebury Institute for International Studies",
    ]:
        assert value in text
    titles = [a.get_text() for a in page.select(".card-title a")]
    assert titles == ["Why Is It So Difficult for Russia and Japan to Come to Agreement?"]
    assert page.find("a", href="/publications/?expert=andrey-sushentsov")


def test_expert_lists_commentaries_newest_first_and_only_live(seeded, client):
    from .factories.publications import CommentaryPageFactory

    expert = ExpertPage.objects.get()
    index = PublicationIndexPage.objects.get()
    CommentaryPageFactory(parent=index, title="Newer", date="2024-01-01", authors=[expert])
    CommentaryPageFactory(parent=index, title="Draft", live=False, authors=[expert])
    titles = [a.get_text() for a in soup(client.get(SEED_EXPERT_URL)).select(".card-title a")]
    assert titles == ["Newer", "Why Is It So Difficult for Russia and Japan to Come to Agreement?"]


def test_home_lists_the_latest_commentaries(seeded, client):
    page = soup(client.get("/"))
    assert "Why Is It So Difficult" in page.select_one(".card-title").get_text()
