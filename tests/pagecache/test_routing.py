"""Pages are served by Wagtail's own routing (config/urls.py includes wagtail.urls), with
nothing remembered between requests: a page type that routes its own sub-paths
(RoutablePageMixin) is served like any other, and a page moved, unpublished or given to a
new Site answers from the very next request, in this process as in any other."""

from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import Client

from wagtail.actions.move_page import MovePageAction
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page, Site

import pytest

from publications.models import CommentaryPage


class RoutableCommentary(RoutablePageMixin, CommentaryPage):
    """A commentary with a sub-path of its own; a proxy, so it needs no table."""

    is_creatable = False
    template = "publications/commentary_page.html"

    class Meta:
        proxy = True
        app_label = "publications"

    @path("annex/")
    def annex(self, request):
        return HttpResponse(f"<p>Annex to {self.title}</p>")


@pytest.fixture
def served_twice(newsroom):
    """Each commentary served twice first, so anything remembered would have been."""
    client = Client()
    for name in ("japan_security", "joint"):
        for _ in range(2):
            assert client.get(newsroom[name].url).status_code == 200
    return newsroom


def get(url, host="localhost"):
    return Client().get(url, HTTP_HOST=host)


def test_a_routable_page_serves_its_own_sub_paths_and_itself(newsroom, settings):
    page = newsroom["joint"]
    Page.objects.filter(pk=page.pk).update(
        content_type=ContentType.objects.get_for_model(RoutableCommentary, for_concrete_model=False)
    )
    assert type(Page.objects.get(pk=page.pk).specific) is RoutableCommentary
    for memo in (False, True):
        settings.MEMO_ENABLED = memo
        annex = get(page.url + "annex/")
        assert annex.status_code == 200
        assert b"Annex to Japan energy" in annex.content
        itself = get(page.url)
        assert itself.status_code == 200 and b"Japan energy" in itself.content
        assert get(page.url + "appendix/").status_code == 404


def moved_to(response):
    """Where the old URL sends the reader: Wagtail's automatic redirect, not the page."""
    assert response.status_code == 301, response.status_code
    return response["Location"]


def test_a_moved_page_answers_at_its_new_url_only(served_twice, committed):
    page = served_twice["japan_security"]
    old_url = page.url
    with committed():
        MovePageAction(page, served_twice["home"], pos="last-child").execute()
    assert moved_to(get(old_url)) == "/japan-security/"
    response = get("/japan-security/")
    assert response.status_code == 200 and b"Japan security" in response.content


def test_an_unpublished_page_is_not_served(served_twice, committed):
    page = served_twice["joint"]
    with committed():
        page.unpublish()
    assert get(page.url).status_code == 404


def test_a_renamed_slug_answers_at_the_new_url_only(served_twice, committed):
    page = CommentaryPage.objects.get(pk=served_twice["joint"].pk)
    old_url = page.url
    page.slug = "japan-energy-revised"
    with committed():
        page.save_revision().publish()
    assert moved_to(get(old_url)) == "/publications/japan-energy-revised/"
    assert get("/publications/japan-energy-revised/").status_code == 200


def test_a_new_site_for_a_host_takes_over_at_once(served_twice, committed, settings):
    """A Site saved for a host name (here: rooted at the experts section) answers that host's
    next request, though the default site had answered it before."""
    settings.ALLOWED_HOSTS = ["*"]
    assert b"Japan energy" in get("/", host="experts.example").content
    with committed():
        Site.objects.create(hostname="experts.example", root_page=served_twice["experts"])
    response = get("/", host="experts.example")
    assert b"Anna Petrova" in response.content
    assert b"Japan energy" not in response.content


def test_a_deleted_site_stops_answering(served_twice, committed, settings):
    settings.ALLOWED_HOSTS = ["*"]
    with committed():
        site = Site.objects.create(hostname="experts.example", root_page=served_twice["experts"])
    assert b"Anna Petrova" in get("/", host="experts.example").content
    with committed():
        site.delete()
    assert b"Japan energy" in get("/", host="experts.example").content
