"""Data migrations, run forward over rows as an older release left them."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

from publications.models import Byline

from .factories.experts import ExpertPageFactory
from .factories.publications import CommentaryPageFactory

BEFORE = [("publications", "0005_search_indexes")]
AFTER = [("publications", "0006_number_unordered_bylines")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


pytestmark = pytest.mark.usefixtures("latest_schema_after")


@pytest.mark.django_db(transaction=True)
def test_unnumbered_bylines_are_numbered_in_the_order_they_were_made(site_tree):
    experts = [ExpertPageFactory(parent=site_tree["experts"]) for _ in range(3)]
    page = CommentaryPageFactory(parent=site_tree["publications"], authors=experts)
    other = CommentaryPageFactory(parent=site_tree["publications"], authors=experts[:2])
    migrate(BEFORE)
    Byline.objects.filter(commentary=page).update(sort_order=None)  # as the old importer left them
    migrate(AFTER)
    numbered = Byline.objects.filter(commentary=page).order_by("pk")
    assert [(b.sort_order, b.expert_id) for b in numbered] == [
        (index, expert.pk) for index, expert in enumerate(experts)
    ]
    assert [b.sort_order for b in Byline.objects.filter(commentary=other)] == [0, 1]
