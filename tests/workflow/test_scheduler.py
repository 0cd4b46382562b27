"""Scheduled publishing and expiry, run by the scheduler worker."""

import datetime
import os
import subprocess
import sys
import threading

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from wagtail.models import PageLogEntry, Revision

import pytest
import time_machine

from editorial.scheduler import publish_due, run_once
from publications.models import CommentaryPage

from ..factories.publications import CommentaryPageFactory
from .conftest import create_draft, edit, workflow_action

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def schedule(page, go_live_at):
    """Approve a revision for publication at go_live_at, as the final workflow approval does."""
    page.go_live_at = go_live_at
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    return revision


def test_scheduled_commentary_goes_live_through_the_workflow_at_its_time(editorial, client):
    e = editorial
    with time_machine.travel(NOW, tick=False):
        page = create_draft(
            client, e["author"], e["publications"], e["expert"], go_live_at="2026-03-03 08:00"
        )
        edit(client, e["author"], page, action="submit")
        workflow_action(client, e["editor"], page, "approve")
        workflow_action(client, e["chief"], page, "approve")
        page.refresh_from_db()
        assert not page.live
        assert page.get_latest_revision().approved_go_live_at is not None
        assert run_once() == {"expired": 0, "published": 0}

    with time_machine.travel(NOW + datetime.timedelta(days=1, hours=1), tick=False):
        assert run_once() == {"expired": 0, "published": 1}
    page.refresh_from_db()
    assert page.live
    assert (
        PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.publish.scheduled").count()
        == 1
    )
    assert run_once() == {"expired": 0, "published": 0}


def test_embargoed_commentary_is_absent_from_public_pages_until_it_goes_live(editorial, client):
    e = editorial
    page = CommentaryPageFactory(
        parent=e["publications"], title="Embargoed analysis", live=False, authors=[e["expert"]]
    )
    schedule(page, timezone.now() + datetime.timedelta(days=1))
    for url in ["/", "/publications/", e["expert"].url]:
        assert b"Embargoed analysis" not in client.get(url).content, url
    assert client.get("/publications/embargoed-analysis/").status_code == 404

    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        run_once()
    assert client.get("/publications/embargoed-analysis/").status_code == 200
    assert b"Embargoed analysis" in client.get("/publications/").content


def test_expiry_unpublishes(editorial, client):
    page = CommentaryPageFactory(
        parent=editorial["publications"], title="Short-lived", authors=[editorial["expert"]]
    )
    page.expire_at = timezone.now() + datetime.timedelta(hours=1)
    page.save_revision().publish()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert run_once()["expired"] == 1
    page.refresh_from_db()
    assert not page.live and page.expired
    assert client.get("/publications/short-lived/").status_code == 404
    assert PageLogEntry.objects.filter(
        page_id=page.pk, action="wagtail.unpublish.scheduled"
    ).exists()


def database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def due_pages(site_tree, count):
    """Pages scheduled two hours ago for one hour ago: due now, as after a worker outage."""
    pages = []
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=2)):
        for i in range(count):
            page = CommentaryPageFactory(
                parent=site_tree["publications"], title=f"Due {i}", live=False
            )
            schedule(page, timezone.now() + datetime.timedelta(hours=1))
            pages.append(page)
    assert Revision.objects.filter(approved_go_live_at__lt=timezone.now()).count() == count
    return pages


def assert_published_once(pages):
    assert CommentaryPage.objects.filter(pk__in=[p.pk for p in pages], live=True).count() == len(
        pages
    )
    logged = PageLogEntry.objects.filter(action="wagtail.publish.scheduled")
    assert sorted(logged.values_list("page_id", flat=True)) == sorted(p.pk for p in pages)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_passes_publish_each_page_once(site_tree):
    """Two passes started at the same instant, each on its own database connection."""
    pages = due_pages(site_tree, 30)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(publish_due())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sum(results) == 30
    assert_published_once(pages)


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_publish_each_page_once(site_tree):
    """The real command, twice at once, against the test database."""
    pages = due_pages(site_tree, 20)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    command = [sys.executable, "manage.py", "run_scheduler", "--once"]
    workers = [
        subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    assert_published_once(pages)
