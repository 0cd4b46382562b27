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
