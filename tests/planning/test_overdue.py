"""Overdue rules, the calendar's marks and the dashboard counts (today: Wednesday 4 March 2026)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bs4 import BeautifulSoup

from planning.calendar import counts, entries

from ..conftest import sign_in
from ..workflow.conftest import workflow_action
from ..workflow.test_scheduler import schedule
from .conftest import TODAY, aware, planned, submit

D = datetime.date
YESTERDAY, TOMORROW = TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=1)


def overdue_titles():
    return sorted(entries(TODAY).filter(overdue=True).values_list("title", flat=True))


def test_due_date_passed_without_submission_is_overdue(planning, frozen):
    planned(planning, "Late text", YESTERDAY, TOMORROW)
    planned(planning, "Due today", TODAY, TOMORROW)
    assert overdue_titles() == ["Late text"]


def test_a_submitted_text_is_not_overdue_for_its_due_date(planning, frozen):
    submit(planned(planning, "Late but in", YESTERDAY, TOMORROW), planning["editor"])
    assert overdue_titles() == []


def test_planned_date_passed_while_in_review_is_overdue(planning, frozen):
    p = planning
    submit(planned(p, "Stuck in review", D(2026, 2, 20), YESTERDAY), p["editor"])
    submit(planned(p, "Planned today", D(2026, 2, 20), TODAY), p["editor"])
    assert overdue_titles() == ["Stuck in review"]


def test_sent_back_for_changes_still_counts_as_in_review(planning, frozen, client):
    p = planning
    page = submit(planned(p, "Sent back", D(2026, 2, 20), YESTERDAY), p["author"])
    workflow_action(client, p["editor"], page, "reject", comment="Shorter.")
    entry = entries(TODAY).get(pk=page.pk)
    assert (entry.state, entry.overdue) == ("in_review", True)


def test_scheduled_and_published_commissions_are_never_overdue(planning, frozen):
    p = planning
    going = planned(p, "Scheduled late", D(2026, 2, 1), D(2026, 2, 2))
    schedule(going, aware(TOMORROW))
    out = planned(p, "Published late", D(2026, 2, 1), D(2026, 2, 2))
    out.save_revision().publish()
    found = dict(entries(TODAY).values_list("title", "state"))
    assert found == {"Scheduled late": "scheduled", "Published late": "published"}
    assert overdue_titles() == []


def test_the_calendar_marks_overdue_entries_with_the_reason(planning, frozen, client):
    planned(planning, "Late text", D(2026, 3, 2), D(2026, 3, 9))
    sign_in(client, planning["editor"])
    soup = BeautifulSoup(client.get(reverse("planning:calendar")).content, "html.parser")
    entry = soup.select_one("[data-day='2026-03-02'] [data-entry]")
    assert "planning-entry--overdue" in entry["class"]
    assert entry.select_one(".planning-overdue")["title"] == "Text was due on 2 March 2026"


def test_dashboard_counts_due_this_week_and_overdue(planning, frozen):
    p = planning
    planned(p, "Due Friday", D(2026, 3, 6), D(2026, 3, 9))
    planned(p, "Due Sunday", D(2026, 3, 8), D(2026, 3, 9))
    planned(p, "Due next Monday", D(2026, 3, 9), D(2026, 3, 16))
    planned(p, "Late", D(2026, 3, 2), D(2026, 3, 9))
    submit(planned(p, "Submitted, due Thursday", D(2026, 3, 5), D(2026, 3, 9)), p["editor"])
    assert counts() == {"due_this_week": 2, "overdue": 1}


def dashboard(client, user):
    sign_in(client, user)
    response = client.get(reverse("wagtailadmin_home"))
    return BeautifulSoup(response.content, "html.parser").find(id="editorial-planning-section")


def test_dashboard_panel_links_into_the_calendar(planning, frozen, client):
    planned(planning, "Due Friday", D(2026, 3, 6), D(2026, 3, 9))
    planned(planning, "Late", D(2026, 3, 2), D(2026, 3, 9))
    panel = dashboard(client, planning["editor"])
    links = {a.get_text(" ", strip=True): a["href"] for a in panel.select("a")}
    assert links["1 text due this week"] == reverse("planning:week") + "?state=commissioned"
    assert links["1 overdue"] == reverse("planning:list") + "?overdue=1"
    soup = BeautifulSoup(client.get(links["1 overdue"]).content, "html.parser")
    assert [e.a.get_text() for e in soup.select("[data-entry]")] == ["Late"]


def test_authors_get_no_planning_panel(planning, client):
    assert dashboard(client, planning["author"]) is None


def dashboard_queries(client):
    client.get(reverse("wagtailadmin_home"))
    with CaptureQueriesContext(connection) as context:
        client.get(reverse("wagtailadmin_home"))
    return len(context)


def test_the_panel_costs_the_same_queries_whatever_the_volume(planning, frozen, client):
    sign_in(client, planning["editor"])
    planned(planning, "Late 0", D(2026, 3, 2), D(2026, 3, 9))
    small = dashboard_queries(client)
    for i in range(1, 15):
        planned(planning, f"Late {i}", D(2026, 3, 2), D(2026, 3, 9))
    assert dashboard_queries(client) == small
