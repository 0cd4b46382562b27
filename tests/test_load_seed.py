import io

from django.core.management import call_command

from wagtail.models import Page, Revision, Site

from experts.models import ExpertIndexPage, ExpertPage
from publications.models import CommentaryPage, HomePage, PublicationIndexPage


def load_seed():
    call_command("load_seed", stdout=io.StringIO())


def snapshot():
    return (Page.objects.count(), Revision.objects.count(), ExpertPage.objects.count())


def test_load_seed_builds_the_site_tree_and_loads_the_seed(db):
    load_seed()
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert PublicationIndexPage.objects.child_of(home).get().url == "/publications/"
    assert ExpertIndexPage.objects.child_of(home).get().url == "/experts/"
    page = CommentaryPage.objects.get()
    assert page.live
    assert sorted(t.name for t in page.regions.all()) == ["East Asia", "Japan", "Russia"]
    assert sorted(t.name for t in page.competences.all()) == ["Global Trends", "United States"]
    # Wagtail's placeholder welcome page is gone.
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()


def test_load_seed_twice_changes_nothing(db):
    load_seed()
    before = snapshot()
    load_seed()
    assert snapshot() == before
