"""Planning fixtures: the editorial roles (tests/workflow), experts, tags and data helpers."""

import datetime

from django.urls import reverse

from wagtail.models import Workflow

import pytest
import time_machine

from editorial.roles import WORKFLOW_NAME
from planning.models import Commission

from ..conftest import (
    make_user,
    sign_in,
)
from ..factories.experts import ExpertPageFactory
from ..factories.publications import CommentaryPageFactory
from ..factories.taxonomy import CompetenceFactory, RegionFactory
from ..workflow.test_scheduler import schedule

# A Wednesday; its week runs from Monday 2 to Sunday 8 March 2026.
TODAY = datetime.date(2026, 3, 4)
NOW = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def planning(editorial):
    e = editorial
    return {
        **e,
        "second_expert": ExpertPageFactory(parent=e["experts"], title="Boris Ivanov"),
        "europe": RegionFactory(name="Europe"),
        "asia": RegionFactory(name="Asia"),
        "security": CompetenceFactory(name="Security"),
        "energy": CompetenceFactory(name="Energy"),
        "second_editor": make_user("second_editor", "Editors"),
    }


def names(tags):
    return tags if isinstance(tags, str) else ", ".join(tag.name for tag in tags)


def commission_form(p, experts=None, regions=(), competences=(), **changes):
    """The commission form as the admin posts it: one page chooser per expert (an id each),
    the vocabularies as the tag widget's comma-separated names."""
    experts = [p["expert"]] if experts is None else experts
    data = {
        "title": "Sanctions and the Grain Trade",
        "editor": p["editor"].pk,
        "due_on": "2026-03-10",
        "publish_on": "2026-03-16",
        "regions": names(regions),
        "competences": names(competences),
        "notes": "1,200 words.",
    }
    for number, expert in enumerate(experts, start=1):
        data[f"expert_{number}"] = getattr(expert, "pk", expert)
    data.update(changes)
    return data


def commission_through_admin(client, user, p, **changes):
    sign_in(client, user)
    return client.post(reverse("planning:commission"), commission_form(p, **changes))


def planned(p, title, due, publish, editor=None, experts=(), regions=(), competences=()):
    """A commissioned draft made directly (for volume and placement tests)."""
    page = CommentaryPageFactory(
        parent=p["publications"],
        title=title,
        live=False,
        date=publish,
        authors=list(experts) or [p["expert"]],
        regions=list(regions),
        competences=list(competences),
    )
    page.save_revision(user=editor or p["editor"])
    Commission.objects.create(
        page=page, editor=editor or p["editor"], due_on=due, publish_on=publish
    )
    return page


def submit(page, user):
    """Start the editorial review, as the "Submit for review" action does."""
    page.refresh_from_db()
    Workflow.objects.get(name=WORKFLOW_NAME).start(page, user)
    page.refresh_from_db()
    return page


def scheduled(p, title, go_live_at, **kwargs):
    page = CommentaryPageFactory(parent=p["publications"], title=title, live=False, **kwargs)
    schedule(page, go_live_at)
    return page


def published(p, title, date, **kwargs):
    page = CommentaryPageFactory(parent=p["publications"], title=title, date=date, **kwargs)
    page.save_revision().publish()
    return page


def aware(day, hour=9):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)
