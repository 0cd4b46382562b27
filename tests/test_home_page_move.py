"""The home page's move from publications to core (publications 0008, core 0001), run forward
over a database at the state before it: nothing of the home page is lost."""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from wagtail.models import Page, Revision

import pytest

from core.models import HomePage

from .factories.publications import CommentaryPageFactory
from .helpers import soup

BEFORE = [("publications", "0007_byline_order_tie_breaker")]


def migrate(targets=None):
    """Migrate to `targets`, or to the latest migration of every app; the state's apps."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_home(site_tree):
    """A home page with its revisions, and the database taken back to the previous state, where
    the page's intro and featured commentary are then written (in publications' table)."""
    home = site_tree["home"]
    featured = CommentaryPageFactory(parent=site_tree["publications"], title="Chosen one")
    home.intro = "<p>Draft intro</p>"
    home.save_revision().publish()
    revisions = set(Revision.objects.for_instance(home).values_list("pk", flat=True))
    content_type = home.content_type_id
    try:
        old = migrate(BEFORE)
        old.get_model("publications", "HomePage").objects.filter(pk=home.pk).update(
            intro="<p>Welcome to Agora</p>", featured_commentary_id=featured.pk
        )
        yield {
            "pk": home.pk,
            "featured": featured,
            "revisions": revisions,
            "content_type": content_type,
            "old": old,
        }
    finally:
        migrate()
        ContentType.objects.clear_cache()


def publications_home_row(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT intro, featured_commentary_id FROM publications_homepage"
            " WHERE page_ptr_id = %s",
            [pk],
        )
        return cursor.fetchone()


def app_label_of(content_type_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_label FROM django_content_type WHERE id = %s", [content_type_id])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_previous_state_holds_the_home_page_in_publications(old_home):
    assert publications_home_row(old_home["pk"]) == (
        "<p>Welcome to Agora</p>",
        old_home["featured"].pk,
    )
    assert app_label_of(old_home["content_type"]) == "publications"


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_the_page_its_fields_content_type_and_revisions(old_home, client):
    migrate()
    ContentType.objects.clear_cache()
    home = HomePage.objects.get(pk=old_home["pk"])
    assert home.intro == "<p>Welcome to Agora</p>"
    assert home.featured_commentary_id == old_home["featured"].pk
    assert home.content_type_id == old_home["content_type"]
    assert ContentType.objects.get_for_model(HomePage).pk == old_home["content_type"]
    assert Page.objects.get(pk=home.pk).specific_class is HomePage
    revisions = Revision.objects.for_instance(home)
    assert set(revisions.values_list("pk", flat=True)) == old_home["revisions"]
    assert {revision.content_type_id for revision in revisions} == {old_home["content_type"]}
    assert revisions.latest("created_at").as_object().intro == "<p>Draft intro</p>"
    assert not ContentType.objects.filter(app_label="publications", model="homepage").exists()
    page = soup(client.get("/"))
    assert page.select_one(".intro").get_text() == "Welcome to Agora"
    assert page.select_one(".featured .card-title a").get_text() == "Chosen one"


@pytest.mark.django_db(transaction=True)
def test_a_content_type_made_before_the_move_takes_over_the_old_ones_rows(old_home):
    """A process of the new code may ask for core's content type before the migration runs."""
    stale = old_home["old"].get_model("contenttypes", "ContentType")
    early = stale.objects.create(app_label="core", model="homepage").pk
    migrate()
    ContentType.objects.clear_cache()
    home = HomePage.objects.get(pk=old_home["pk"])
    assert home.content_type_id == early
    revisions = Revision.objects.for_instance(home)
    assert set(revisions.values_list("pk", flat=True)) == old_home["revisions"]
    assert {revision.content["content_type"] for revision in revisions} == {early}
    assert {revision.content_type_id for revision in revisions} == {early}
    assert not ContentType.objects.filter(pk=old_home["content_type"]).exists()
    assert home.intro == "<p>Welcome to Agora</p>"
