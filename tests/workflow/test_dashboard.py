"""The editors' dashboard: panels with fixed query counts, and the overdue-schedule warning."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import time_machine
from bs4 import BeautifulSoup

from ..conftest import sign_in
from ..factories.publications import CommentaryPageFactory
from .conftest import create_draft, edit
from .test_scheduler import schedule


def dashboard(client, user):
    sign_in(client, user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def panel_titles(page, panel_id):
    panel = page.find(id=f"{panel_id}-section")
    return [a.get_text() for a in panel.select("td.title a")] if panel else []


def test_editor_sees_what_awaits_review_author_sees_own_pages_in_review(editorial, client):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    edit(client, e["author"], page, action="submit")
    assert panel_titles(dashboard(client, e["editor"]), "awaiting-my-review") == [page.title]
    assert panel_titles(dashboard(client, e["chief"]), "awaiting-my-review") == []
    assert panel_titles(dashboard(client, e["author"]), "my-pages-in-review") == [page.title]
    assert panel_titles(dashboard(client, e["other_author"]), "my-pages-in-review") == []


def test_scheduled_and_recently_published_panels(editorial, client):
    e = editorial
    live = CommentaryPageFactory(parent=e["publications"], title="Out now", authors=[e["expert"]])
    live.save_revision().publish(user=e["admin"])
    later = CommentaryPageFactory(parent=e["publications"], title="Coming soon", live=False)
    schedule(later, timezone.now() + datetime.timedelta(days=2))
    page = dashboard(client, e["editor"])
    assert panel_titles(page, "scheduled") == ["Coming soon"]
    assert "Out now" in panel_titles(page, "recently-published")


def test_overdue_schedule_warns_that_the_worker_may_be_stopped(editorial, client):
    e = editorial
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=1)):
        page = CommentaryPageFactory(parent=e["publications"], title="Stuck", live=False)
        schedule(page, timezone.now() + datetime.timedelta(minutes=30))
    text = dashboard(client, e["editor"]).get_text()
    assert "Scheduled publishing is overdue" in text and "Stuck" in text


def test_no_warning_when_schedules_are_on_time(editorial, client):
    page = CommentaryPageFactory(parent=editorial["publications"], title="Fine", live=False)
    schedule(page, timezone.now() + datetime.timedelta(minutes=30))
    assert (
        "Scheduled publishing is overdue" not in dashboard(client, editorial["editor"]).get_text()
    )


def dashboard_queries(client, user):
    sign_in(client, user)
    client.get(reverse("wagtailadmin_home"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("wagtailadmin_home"))
    return len(ctx)


def test_dashboard_query_count_does_not_grow_with_volume(editorial, client):
    e = editorial

    def add(count, start):
        for i in range(start, start + count):
            page = create_draft(
                client,
                e["author"],
                e["publications"],
                e["expert"],
                title=f"Draft {i}",
                slug=f"draft-{i}",
            )
            edit(client, e["author"], page, action="submit")
            later = CommentaryPageFactory(parent=e["publications"], title=f"Later {i}", live=False)
            schedule(later, timezone.now() + datetime.timedelta(days=1))
            done = CommentaryPageFactory(parent=e["publications"], title=f"Done {i}")
            done.save_revision().publish(user=e["admin"])

    add(1, 0)
    counts = {role: [dashboard_queries(client, e[role])] for role in ("author", "editor")}
    add(6, 1)
    for role in counts:
        counts[role].append(dashboard_queries(client, e[role]))
    for role, found in counts.items():
        assert found[0] == found[1], (role, found)
