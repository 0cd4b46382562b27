import io

from django.core.management import call_command

import pytest

from experts.models import ExpertIndexPage
from publications.management.commands.load_seed import ensure_site_tree
from publications.models import PublicationIndexPage

SEED_COMMENTARY_URL = (
    "/publications/why-is-it-so-difficult-for-russia-and-japan-to-come-to-agreement/"
)
SEED_EXPERT_URL = "/experts/andrey-sushentsov/"


# Once a browser test has started Playwright, its sync API keeps an asyncio loop running in the
# main thread for the rest of the session. Django's thread-critical connection storage then
# switches to a context variable, so later tests get new connection objects that lack the database
# contents serialized_rollback restores: they started from an empty database (no root page), or
# failed restoring content types. Setting the contents on the backend class makes every
# connection object of the (single) test database see them.
@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    from django.db import connections

    patched = []
    for conn in connections.all(initialized_only=True):
        if "_test_serialized_contents" in vars(conn):
            type(conn)._test_serialized_contents = conn._test_serialized_contents
            patched.append(type(conn))
    yield
    for backend in patched:
        del backend._test_serialized_contents


@pytest.fixture
def site_tree(db):
    """Home, publications and experts, as every fresh install has them."""
    home = ensure_site_tree()
    return {
        "home": home,
        "publications": PublicationIndexPage.objects.get(),
        "experts": ExpertIndexPage.objects.get(),
    }


@pytest.fixture
def seeded(site_tree):
    call_command("load_seed", stdout=io.StringIO())
    return site_tree
