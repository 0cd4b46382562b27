import datetime
import io

from django.core.management import call_command
from django.utils import timezone

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


@pytest.fixture
def corpus(site_tree):
    """Known data for browsing: four visible commentaries by two experts over 2019 and 2024, and
    three invisible ones (a draft, a private page, a scheduled one), the only pages on Korea."""
    from wagtail.models import PageViewRestriction

    from .factories.experts import ExpertPageFactory
    from .factories.publications import CommentaryPageFactory
    from .factories.taxonomy import CompetenceFactory, RegionFactory

    japan, china = RegionFactory(name="Japan"), RegionFactory(name="China")
    korea = RegionFactory(name="Korea")
    security, energy = CompetenceFactory(name="Security"), CompetenceFactory(name="Energy")
    experts = site_tree["experts"]
    anna = ExpertPageFactory(
        parent=experts, title="Anna Petrova", competences=[security], regions=[japan]
    )
    boris = ExpertPageFactory(
        parent=experts, title="Boris Adamov", competences=[energy, security], regions=[china]
    )
    index = site_tree["publications"]

    def commentary(title, date, authors, regions, competences, **kwargs):
        return CommentaryPageFactory(
            parent=index,
            title=title,
            date=date,
            authors=authors,
            regions=regions,
            competences=competences,
            **kwargs,
        )

    pages = {
        "japan_security": commentary("Japan security", "2024-01-03", [anna], [japan], [security]),
        "china_energy": commentary("China energy", "2024-01-02", [boris], [china], [energy]),
        "joint": commentary(
            "Joint Japan energy", "2024-01-01", [anna, boris], [japan, china], [energy]
        ),
        "old": commentary("Old Japan security", "2019-05-01", [anna], [japan], [security]),
        "draft": commentary(
            "Hidden draft", "2024-02-01", [anna, boris], [korea], [security], live=False
        ),
        "private": commentary("Hidden private", "2024-02-02", [anna, boris], [korea], [security]),
        "scheduled": commentary(
            "Hidden scheduled", "2024-02-03", [anna, boris], [korea], [security], live=False
        ),
    }
    PageViewRestriction.objects.create(
        page=pages["private"], restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    scheduled = pages["scheduled"]
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=7)
    scheduled.save_revision().publish()  # Wagtail keeps it unpublished until go_live_at
    scheduled.refresh_from_db()
    assert not scheduled.live
    return {
        "index": index,
        "experts_index": experts,
        "anna": anna,
        "boris": boris,
        "japan": japan,
        "china": china,
        "korea": korea,
        "security": security,
        "energy": energy,
        **pages,
    }
