"""Each editor's private iCalendar feed: valid iCalendar, secret and revocable, no session."""

import datetime
import re

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from planning.models import CalendarFeed
from planning.tokens import hash_token

from ..conftest import sign_in
from .conftest import aware, planned, published, scheduled, submit

D = datetime.date


def create_feed(client, user, action="create"):
    """The feed URL as the settings page shows it, once."""
    sign_in(client, user)
    response = client.post(reverse("planning:feed"), {"action": action})
    assert response.status_code == 200
    url = BeautifulSoup(response.content, "html.parser").select_one("#feed-url").get_text()
    client.logout()
    return url


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response, Calendar.from_ical(response.content)


@pytest.fixture
def plan(planning, frozen):
    p = planning
    planned(p, "Due on the 10th", D(2026, 3, 10), D(2026, 3, 16), experts=[p["second_expert"]])
    review = planned(p, "Mine in review", D(2026, 3, 3), D(2026, 3, 20), editor=p["second_editor"])
    submit(review, p["editor"])
    scheduled(p, "Goes live on the 12th", aware(D(2026, 3, 12), 8))
    published(p, "Published on the 2nd", D(2026, 3, 2))
    planned(p, "Far future", D(2027, 6, 1), D(2027, 6, 2))  # beyond the feed's year ahead
    return p


def events(calendar):
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_is_valid_icalendar_with_one_event_per_entry(plan, client):
    url = create_feed(client, plan["editor"])
    response, calendar = read(client, url)  # no session: the client was logged out
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    found = events(calendar)
    assert set(found) == {
        "Due: Due on the 10th",
        "In review (Review by editors): Mine in review",
        "Goes live: Goes live on the 12th",
        "Published: Published on the 2nd",
    }
    due = found["Due: Due on the 10th"]
    assert due.decoded("DTSTART") == D(2026, 3, 10) and due.decoded("DTEND") == D(2026, 3, 11)
    assert "Experts: Boris Ivanov" in str(due["DESCRIPTION"])
    assert str(due["URL"]).startswith("http://testserver/admin/pages/")
    live = found["Goes live: Goes live on the 12th"].decoded("DTSTART")
    assert live == datetime.datetime(2026, 3, 12, 8, 0, tzinfo=datetime.UTC)
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert len(set(uids)) == len(uids)
    assert response["Cache-Control"] == "no-store"


def test_mine_only_lists_the_commissions_i_am_responsible_for(plan, client):
    url = create_feed(client, plan["second_editor"])
    _, calendar = read(client, url + "?mine=1")
    assert set(events(calendar)) == {"In review (Review by editors): Mine in review"}


def test_overdue_entries_say_so(planning, frozen, client):
    planned(planning, "Late", D(2026, 3, 2), D(2026, 3, 9))
    _, calendar = read(client, create_feed(client, planning["editor"]))
    assert set(events(calendar)) == {"OVERDUE Due: Late"}


def test_only_the_token_hash_is_stored(planning, client):
    url = create_feed(client, planning["editor"])
    token = re.search(r"/calendar-feed/([^/]+)\.ics$", url).group(1)
    assert len(token) >= 43
    feed = CalendarFeed.objects.get()
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash


def test_the_settings_page_does_not_show_the_url_again(planning, client):
    url = create_feed(client, planning["editor"])
    sign_in(client, planning["editor"])
    page = client.get(reverse("planning:feed")).content.decode()
    assert url.rsplit("/", 1)[-1] not in page and "last read" not in page


def test_a_revoked_feed_stops_at_once(planning, client):
    url = create_feed(client, planning["editor"])
    sign_in(client, planning["editor"])
    client.post(reverse("planning:feed"), {"action": "revoke"})
    client.logout()
    assert client.get(url).status_code == 404


def test_a_new_url_replaces_the_old_one(planning, client):
    old = create_feed(client, planning["editor"])
    new = create_feed(client, planning["editor"], action="regenerate")
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_wrong_tokens_are_a_plain_not_found(planning, client):
    url = create_feed(client, planning["editor"])
    wrong = [url[:-8] + "AAAA.ics", "/calendar-feed/x.ics", "/calendar-feed/" + "a" * 500 + ".ics"]
    for address in wrong:
        assert client.get(address).status_code == 404


def test_the_feed_stops_when_its_owner_is_no_longer_an_editor(planning, client):
    url = create_feed(client, planning["editor"])
    planning["editor"].groups.set([Group.objects.get(name="Authors")])
    assert client.get(url).status_code == 404


def test_authors_have_no_feed(planning, client):
    sign_in(client, planning["author"])
    response = client.post(reverse("planning:feed"), {"action": "create"})
    assert response.status_code == 302 and not CalendarFeed.objects.exists()


def test_reading_the_feed_records_when(planning, frozen, client):
    read(client, create_feed(client, planning["editor"]))
    feed = CalendarFeed.objects.get()
    assert feed.last_used_at == datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC)


def feed_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        read(client, url)
    return len(context)


def test_the_feed_costs_the_same_queries_whatever_the_volume(planning, frozen, client):
    url = create_feed(client, planning["editor"])
    planned(planning, "Plan 0", D(2026, 3, 10), D(2026, 3, 16))
    small = feed_queries(client, url)
    for i in range(1, 15):
        planned(planning, f"Plan {i}", D(2026, 3, 10), D(2026, 3, 16))
    assert feed_queries(client, url) == small
