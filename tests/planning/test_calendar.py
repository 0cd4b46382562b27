"""The editorial calendar: placement on known dates (frozen clock), views, filters, query counts."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from ..conftest import sign_in
from ..factories.publications import CommentaryPageFactory
from .conftest import aware, planned, published, scheduled, submit

D = datetime.date


@pytest.fixture
def march(planning, frozen):
    """One entry of each kind around March 2026 (today is Wednesday 4 March)."""
    p = planning
    pages = {
        "due": planned(
            p, "Due on the 10th", D(2026, 3, 10), D(2026, 3, 16), experts=[p["second_expert"]]
        ),
        "review": submit(
            planned(
                p,
                "In review for the 20th",
                D(2026, 3, 3),
                D(2026, 3, 20),
                editor=p["second_editor"],
                regions=[p["europe"]],
            ),
            p["editor"],
        ),
        "scheduled": scheduled(
            p, "Goes live on the 12th", aware(D(2026, 3, 12), 8), competences=[p["security"]]
        ),
        "published": published(p, "Published on the 2nd", D(2026, 3, 2)),
        "february": published(p, "Published on 27 February", D(2026, 2, 27)),
        "april": planned(p, "Due in April", D(2026, 4, 20), D(2026, 4, 27)),
    }
    # A draft nobody commissioned or submitted is not part of the plan.
    CommentaryPageFactory(parent=p["publications"], title="Loose draft", live=False)
    return {**p, "pages": pages}


def get(client, user, name, **params):
    sign_in(client, user)
    response = client.get(reverse(f"planning:{name}"), params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def placed(soup):
    """{(day, title, state)} for every entry shown in a month or week view."""
    found = set()
    for day in soup.select("[data-day]"):
        for entry in day.select("[data-entry]"):
            found.add((day["data-day"], entry.a.get_text(strip=True), entry["data-state"]))
    return found


def titles(soup):
    return [entry.a.get_text(strip=True) for entry in soup.select("[data-entry]")]


def test_month_places_each_entry_on_its_date_with_its_state(march, client):
    soup = get(client, march["editor"], "calendar")
    assert soup.select_one(".planning-period h2").get_text() == "March 2026"
    assert placed(soup) == {
        ("2026-03-10", "Due on the 10th", "commissioned"),
        ("2026-03-20", "In review for the 20th", "in_review"),
        ("2026-03-12", "Goes live on the 12th", "scheduled"),
        ("2026-03-02", "Published on the 2nd", "published"),
        # The grid starts on Monday 23 February: the last days of February are shown too.
        ("2026-02-27", "Published on 27 February", "published"),
    }
    assert soup.select_one("[data-day='2026-03-04']")["class"] == [
        "planning-day",
        "planning-day--today",
    ]


def test_in_review_entries_show_the_current_workflow_step(march, client):
    soup = get(client, march["editor"], "calendar")
    entry = soup.select_one(f"[data-entry='{march['pages']['review'].pk}']")
    assert entry.select_one(".planning-step").get_text() == "Review by editors"


def test_another_month_is_chosen_by_date(march, client):
    soup = get(client, march["editor"], "calendar", date="2026-04-01")
    assert ("2026-04-20", "Due in April", "commissioned") in placed(soup)
    assert "Due on the 10th" not in titles(soup)


def test_week_shows_monday_to_sunday_of_the_chosen_date(march, client):
    soup = get(client, march["editor"], "week", date="2026-03-11")
    assert [day["data-day"] for day in soup.select("[data-day]")] == [
        f"2026-03-{n:02d}" for n in range(9, 16)
    ]
    assert placed(soup) == {
        ("2026-03-10", "Due on the 10th", "commissioned"),
        ("2026-03-12", "Goes live on the 12th", "scheduled"),
    }


def test_week_defaults_to_this_week(march, client):
    soup = get(client, march["editor"], "week")
    assert placed(soup) == {("2026-03-02", "Published on the 2nd", "published")}


def test_list_shows_every_entry_latest_date_first(march, client):
    soup = get(client, march["editor"], "list")
    assert titles(soup) == [
        "Due in April",
        "In review for the 20th",
        "Goes live on the 12th",
        "Due on the 10th",
        "Published on the 2nd",
        "Published on 27 February",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "commissioned"}, ["Due in April", "Due on the 10th"]),
        ({"state": ["scheduled", "published"]}, None),
        ({"region": "europe"}, ["In review for the 20th"]),
        ({"competence": "security"}, ["Goes live on the 12th"]),
        ({"overdue": "1"}, []),
    ],
)
def test_list_filters(march, client, params, expected):
    if expected is None:
        expected = ["Goes live on the 12th", "Published on the 2nd", "Published on 27 February"]
    assert titles(get(client, march["editor"], "list", **params)) == expected


def test_filter_by_expert_and_by_responsible_editor(march, client):
    p = march
    by_expert = get(client, p["editor"], "list", expert=p["second_expert"].slug)
    assert titles(by_expert) == ["Due on the 10th"]
    by_editor = get(client, p["editor"], "list", editor=p["second_editor"].pk)
    assert titles(by_editor) == ["In review for the 20th"]


def test_filters_apply_to_the_month_too(march, client):
    soup = get(client, march["editor"], "calendar", state="in_review")
    assert placed(soup) == {("2026-03-20", "In review for the 20th", "in_review")}


def test_filters_offer_only_values_in_use(march, client):
    soup = get(client, march["editor"], "list")
    regions = [o["value"] for o in soup.select("select[name=region] option")]
    editors = [o.get_text() for o in soup.select("select[name=editor] option")]
    assert regions == ["europe"]  # Asia is in the vocabulary but on no commentary
    assert editors == ["editor", "second_editor"]


def test_unknown_filter_values_are_reported_and_ignored(march, client):
    sign_in(client, march["editor"])
    response = client.get(
        reverse("planning:list"),
        {"state": "lost", "expert": "nobody", "editor": "1 OR 1=1", "date": "31/02/2026"},
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    alert = soup.select_one(".planning-filters [role=alert]").get_text()
    assert all(name in alert for name in ("state", "expert", "editor", "date"))
    assert len(titles(soup)) == 6


def test_month_with_a_bad_date_falls_back_to_this_month(march, client):
    soup = get(client, march["editor"], "calendar", date="2026-13-01")
    assert soup.select_one(".planning-period h2").get_text() == "March 2026"


def test_authors_cannot_open_the_calendar(march, client):
    sign_in(client, march["author"])
    for name in ("calendar", "week", "list"):
        response = client.get(reverse(f"planning:{name}"))
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_calendar_menu_shows_for_editors_only(march, client):
    sign_in(client, march["editor"])
    assert reverse("planning:calendar") in client.get(reverse("wagtailadmin_home")).content.decode()
    sign_in(client, march["author"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("planning:calendar") not in home


def add_volume(p, count, start):
    """`count` entries of every kind in March, with two experts and tags each."""
    experts = [p["expert"], p["second_expert"]]
    for i in range(start, start + count):
        day = D(2026, 3, 5 + i % 20)
        tags = {"regions": [p["europe"], p["asia"]], "competences": [p["security"]]}
        planned(p, f"Planned {i}", day, day, experts=experts, **tags)
        submit(planned(p, f"Reviewed {i}", day, day, experts=experts, **tags), p["editor"])
        scheduled(p, f"Scheduled {i}", aware(day), authors=experts, **tags)
        published(p, f"Published {i}", D(2026, 3, 1 + i % 3), authors=experts, **tags)


def queries(client, name, **params):
    url = reverse(f"planning:{name}")
    client.get(url, params)  # warm caches that are per process, not per request
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context)


VIEWS = [("calendar", {}), ("week", {"date": "2026-03-02"}), ("list", {})]


def test_each_view_costs_the_same_queries_whatever_the_volume(planning, frozen, client):
    p = planning
    sign_in(client, p["editor"])
    add_volume(p, 1, 0)
    small = {name: queries(client, name, **params) for name, params in VIEWS}
    add_volume(p, 12, 1)
    large = {name: queries(client, name, **params) for name, params in VIEWS}
    filtered = {
        name: queries(client, name, expert=p["expert"].slug, region="asia", **params)
        for name, params in VIEWS
    }
    print(f"\ncalendar queries: 4 entries {small}; 52 entries {large}; filtered {filtered}")
    assert small == large
    # The admin's own menu and permissions take most of these; the list also counts its rows
    # for the paginator, and the Import menu item reads the publications section.
    assert all(count <= 21 for count in large.values()), large
