import io

from django.core.management import call_command

from wagtail.models import Page, Revision, Site

from core.models import HomePage
from experts.models import ExpertIndexPage, ExpertPage
from publications.models import CommentaryPage, PublicationIndexPage


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


def test_load_seed_after_an_editor_edits_the_lead_keeps_the_editors_lead(db, client):
    load_seed()
    page = CommentaryPage.objects.get()
    draft = page.get_latest_revision_as_object()
    draft.lead = "The editors' corrected lead."
    draft.save_revision().publish()
    load_seed()
    page.refresh_from_db()
    assert page.lead == "The editors' corrected lead."
    assert page.get_latest_revision_as_object().lead == "The editors' corrected lead."
    assert "The editors' corrected lead." in client.get(page.url).content.decode()


def test_load_seed_after_an_editor_unpublishes_keeps_it_unpublished(db, client):
    load_seed()
    page = CommentaryPage.objects.get()
    url = page.url
    # A correction, then the commentary is withdrawn: the seed file now differs from it.
    draft = page.get_latest_revision_as_object()
    draft.lead = "Corrected before it was withdrawn."
    draft.save_revision().publish()
    page.refresh_from_db()
    page.unpublish()
    assert client.get(url).status_code == 404
    load_seed()
    page.refresh_from_db()
    assert not page.live
    assert client.get(url).status_code == 404


def test_load_seed_never_recreates_a_seed_commentary_an_editor_deleted(db):
    load_seed()
    CommentaryPage.objects.get().delete()
    load_seed()
    assert not CommentaryPage.objects.exists()
