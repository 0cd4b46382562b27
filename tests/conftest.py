import datetime
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone

from wagtail.models import Collection, Locale, Page

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from editorial.roles import AUTHORS, EDITOR_IN_CHIEF, EDITORS, ensure_editorial_setup
from experts.models import ExpertIndexPage
from intake.management.commands.load_seed import ensure_site_tree
from publications.models import PublicationIndexPage

from .factories.experts import ExpertPageFactory

SEED_COMMENTARY_URL = (
    "/publications/why-is-it-so-difficult-for-russia-and-japan-to-come-to-agreement/"
)
SEED_EXPERT_URL = "/experts/andrey-sushentsov/"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with empty caches: rolled-back rows free their ids for the next test
    (SQLite reuses them), and fixtures write rows without the publishing events that purge, so
    a value cached under an id, or a count kept until the next publish, would leak across."""
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


def ensure_wagtail_base():
    """Wagtail's migration-made rows (locale, root page, root collection).

    A transactional test's flush removes them; rebuilding them is more reliable than
    serialized rollback.
    """
    Locale.objects.get_or_create(language_code="en")
    if not Page.get_first_root_node():
        Page.add_root(instance=Page(title="Root", slug="root", live=True))
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")


# Fixtures through which a test reaches the database (pytest-django's own names).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def wagtail_base_rows(request):
    """Every database test starts with Wagtail's base rows, whichever test ran before it on
    its worker: under pytest-xdist a transactional test's flush can come first."""
    if request.node.get_closest_marker("django_db") or DATABASE_FIXTURES & set(
        request.fixturenames
    ):
        request.getfixturevalue("_django_db_helper")
        ensure_wagtail_base()


@pytest.fixture
def site_tree(db):
    """Home, publications and experts, as every fresh install has them."""
    ensure_wagtail_base()
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


def sign_in(client, user):
    """Log in as an admin user who has passed their second factor, where they need one.

    Superusers and the editor-in-chief must use 2FA (security/two_factor.py); the tests of
    that rule sign in without this helper.
    """
    client.force_login(user)
    if user.is_superuser or user.has_perm("security.require_two_factor"):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


PASSWORD = "correct horse battery"


def make_user(username, group=None, **extra):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editorial(site_tree):
    """The roles as load_seed creates them, one user per role, an expert to sign bylines."""
    ensure_editorial_setup()
    expert = ExpertPageFactory(parent=site_tree["experts"], title="Anna Petrova")
    return {
        **site_tree,
        "expert": expert,
        "author": make_user("author", AUTHORS),
        "other_author": make_user("other_author", AUTHORS),
        "editor": make_user("editor", EDITORS),
        "chief": make_user("chief", EDITOR_IN_CHIEF),
        "admin": make_user("admin", is_superuser=True, is_staff=True),
    }


@pytest.fixture
def corpus(site_tree):
    """Known data for browsing: four visible commentaries by two experts over 2019 and 2024, and
    three invisible ones (a draft, a private page, a scheduled one), the only pages on Korea."""
    from wagtail.models import PageViewRestriction

    from .factories.experts import ExpertPageFactory
    from .factories.publications import commentary_maker
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

    commentary = commentary_maker(index)

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


@pytest.fixture
def hidden_experts(corpus):
    """The corpus plus a private and a draft expert who signed only the hidden commentaries."""
    from wagtail.models import PageViewRestriction

    experts = corpus["experts_index"]
    private = ExpertPageFactory(
        parent=experts, title="Hidden Private Expert", competences=[corpus["security"]]
    )
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    ExpertPageFactory(
        parent=experts, title="Hidden Draft Expert", competences=[corpus["security"]], live=False
    )
    for page in ("draft", "private", "scheduled"):
        corpus[page].bylines.create(expert=private)
    return corpus


@pytest.fixture
def latest_schema_after():
    """For a test that migrates back: the latest schema again afterwards, which every later test
    (and the flush between tests) expects. Going back past publications 0008 moves the home
    page's table out of core."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
