"""The reading experience in rendered HTML: error pages, alt text enforced in the admin, the
accessibility checker for editors, navigation and pagination state."""

from django.test import RequestFactory

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest
from bs4 import BeautifulSoup

from config.resilience import server_error
from publications.models import CommentaryPage

from .conftest import SEED_COMMENTARY_URL, make_user, sign_in
from .factories.publications import CommentaryPageFactory
from .helpers import soup


def render_500():
    try:
        raise ValueError("boom")
    except ValueError:
        return server_error(RequestFactory().get("/publications/"))


def assert_designed_error_page(page):
    assert page.html["lang"] == "en"
    assert len(page.select("h1")) == 1
    assert page.select_one(".skip-link")["href"] == "#main" and page.select_one("main#main")
    nav = [a.get_text() for a in page.select(".site-header nav[aria-label=Main] a")]
    assert nav == ["Publications", "Experts", "Regions", "Competences", "Search"]
    form = page.select_one("main form[role=search]")
    assert form["action"] == "/search/" and form.select_one("input[name=q]")
    assert page.select_one('link[rel=stylesheet][href$="css/site.css"]')
    assert "style=" not in str(page) and "<script" not in str(page)


def test_500_is_designed_and_never_touches_the_database():
    """No `db` fixture: any query here would raise (pytest-django blocks database access)."""
    response = render_500()
    assert response.status_code == 500
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "Something went wrong"
    assert page.title.get_text() == "Server error · Agora"
    assert_designed_error_page(page)


def test_500_renders_with_zero_queries(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert render_500().status_code == 500


def test_404_is_designed(seeded, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "Page not found"
    assert_designed_error_page(page)
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/publications/", ("Publications", "page")),
        (SEED_COMMENTARY_URL, ("Publications", "true")),
        ("/experts/", ("Experts", "page")),
        ("/regions/japan/", ("Regions", "true")),
        ("/competences/", ("Competences", "page")),
        ("/search/?q=Japan", ("Search", "page")),
    ],
)
def test_main_navigation_marks_where_the_reader_is(seeded, client, url, current):
    page = soup(client.get(url))
    marked = [
        (a.get_text(), a["aria-current"])
        for a in page.select(".main-nav a")
        if a.has_attr("aria-current")
    ]
    assert marked == [current]


def test_pagination_marks_the_current_page_and_names_its_links(site_tree, client):
    for n in range(45):
        CommentaryPageFactory(parent=site_tree["publications"], title=f"Item {n}")
    page = soup(client.get("/publications/?page=2"))
    nav = page.select_one("nav.pagination[aria-label=Pages]")
    assert "Page 2 of 3" in nav.get_text()
    (current,) = nav.select("[aria-current=page]")
    assert current.get_text() == "Page 2" and current["href"] == "?page=2"
    assert [a.get_text() for a in nav.select("a")] == [
        "Previous page",
        "Page 1",
        "Page 2",
        "Page 3",
        "Next page",
    ]


def test_facet_counts_read_as_results(corpus, client):
    page = soup(client.get("/publications/"))
    box = page.select_one('input[name=expert][value="anna-petrova"]')
    assert " ".join(box.find_parent("label").get_text().split()) == "Anna Petrova, 3 results"


@pytest.fixture
def signed_in_admin(site_tree, client):
    admin = make_user("root", is_superuser=True, is_staff=True)
    sign_in(client, admin)
    return client


def commentary_form(publications, expert, image_block):
    return nested_form_data(
        {
            "title": "With a Map",
            "slug": "with-a-map",
            "date": "2024-03-01",
            "lead": "Lead.",
            "body": streamfield([("paragraph", rich_text("Body.")), ("image", image_block)]),
            "source": "",
            "regions": "",
            "competences": "",
            "bylines": inline_formset([{"expert": expert.pk, "position": ""}], min=1),
        }
    )


@pytest.mark.parametrize("alt_text", ["", "   "])
def test_an_image_without_alt_text_cannot_be_published(
    signed_in_admin, site_tree, corpus, alt_text
):
    image = Image.objects.create(title="Map", file=get_test_image_file())
    form = commentary_form(
        site_tree["publications"],
        corpus["anna"],
        {"image": image.pk, "alt_text": alt_text, "caption": ""},
    )
    form["action-publish"] = "publish"  # drafts may wait (Wagtail defers); publishing may not
    url = f"/admin/pages/add/publications/commentarypage/{site_tree['publications'].pk}/"
    response = signed_in_admin.post(url, form)
    assert response.status_code == 200  # the form again, with its error
    assert "This field is required." in response.content.decode()
    assert not CommentaryPage.objects.filter(slug="with-a-map").exists()

    form["body-1-value-alt_text"] = "Map of the Kuril Islands"
    assert signed_in_admin.post(url, form).status_code == 302
    page = CommentaryPage.objects.get(slug="with-a-map")
    assert page.live
    img = soup(signed_in_admin.get(page.url)).select_one(".body figure img")
    assert img["alt"] == "Map of the Kuril Islands" and img["loading"] == "lazy"
    assert img["width"] and img["height"] and img["srcset"]


def test_editors_get_the_accessibility_checker_and_readers_do_not(seeded, client):
    assert "wagtail-userbar" not in client.get(SEED_COMMENTARY_URL).content.decode()
    sign_in(client, make_user("root", is_superuser=True, is_staff=True))
    html = client.get(SEED_COMMENTARY_URL).content.decode()
    assert "<wagtail-userbar>" in html
    assert 'id="checker-axe-configuration"' in html  # the userbar's "Checks" item


def test_commentary_portraits_are_renditions_with_size_and_lazy_loading(seeded, client):
    from experts.models import ExpertPage

    expert = ExpertPage.objects.get(slug="andrey-sushentsov")
    expert.photo = Image.objects.create(title="Portrait", file=get_test_image_file())
    expert.save_revision().publish()
    page = soup(client.get(SEED_COMMENTARY_URL))
    for img in page.select(".commentary-header .bylines img, .authors img"):
        assert img["src"].startswith("/media/images/") and ".fill-160x160" in img["src"]
        assert (img["width"], img["height"], img["loading"], img["alt"]) == (
            "160",
            "160",
            "lazy",
            "",
        )
