"""Commissioning: an editor plans a commentary; it becomes a normal draft with its plan."""

import datetime

from django.urls import reverse

from wagtail.models import PageLogEntry

from bs4 import BeautifulSoup

from planning.models import Commission
from publications.models import CommentaryPage

from ..conftest import sign_in
from ..workflow.conftest import edit, state, workflow_action
from .conftest import commission_through_admin


def test_editor_commissions_a_draft_with_bylines_plan_and_one_revision(planning, client):
    p = planning
    response = commission_through_admin(
        client,
        p["editor"],
        p,
        experts=[p["expert"], p["second_expert"]],
        editor=p["second_editor"].pk,
        regions=[p["europe"]],
        competences=[p["energy"]],
    )
    page = CommentaryPage.objects.get(title="Sanctions and the Grain Trade")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert not page.live and page.has_unpublished_changes
    assert page.get_parent().specific == p["publications"]
    assert page.owner == p["second_editor"]
    assert page.revisions.count() == 1
    assert [b.expert for b in page.bylines.order_by("sort_order")] == [
        p["expert"],
        p["second_expert"],
    ]
    assert list(page.regions.all()) == [p["europe"]]
    assert list(page.competences.all()) == [p["energy"]]
    assert page.date == datetime.date(2026, 3, 16)
    plan = Commission.objects.get(page=page)
    assert plan.editor == p["second_editor"] and plan.created_by == p["editor"]
    assert plan.due_on == datetime.date(2026, 3, 10)
    assert plan.publish_on == datetime.date(2026, 3, 16)
    assert plan.notes == "1,200 words."
    assert PageLogEntry.objects.filter(page=page, action="planning.commission").exists()


def test_the_editor_in_chief_may_commission(planning, client):
    assert commission_through_admin(client, planning["chief"], planning).status_code == 302
    assert Commission.objects.count() == 1


def test_authors_cannot_commission(planning, client):
    p = planning
    sign_in(client, p["author"])
    assert client.get(reverse("planning:commission"))["Location"] == reverse("wagtailadmin_home")
    response = commission_through_admin(client, p["author"], p)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not CommentaryPage.objects.exists() and not Commission.objects.exists()


def test_publication_before_the_text_is_refused_and_nothing_is_created(planning, client):
    response = commission_through_admin(
        client, planning["editor"], planning, due_on="2026-03-20", publish_on="2026-03-16"
    )
    assert response.status_code == 200
    assert "cannot come before the text" in response.content.decode()
    assert not CommentaryPage.objects.exists() and not Commission.objects.exists()


def test_unknown_expert_or_bad_date_is_a_form_error(planning, client):
    response = commission_through_admin(
        client, planning["editor"], planning, experts=[999999], due_on="tomorrow"
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"expert_1", "due_on"}
    assert not CommentaryPage.objects.exists()


def test_an_author_cannot_be_the_responsible_editor(planning, client):
    response = commission_through_admin(
        client, planning["editor"], planning, editor=planning["author"].pk
    )
    assert response.status_code == 200 and "editor" in response.context["form"].errors


def test_same_working_title_twice_gets_a_free_slug(planning, client):
    commission_through_admin(client, planning["editor"], planning)
    commission_through_admin(client, planning["editor"], planning)
    slugs = sorted(CommentaryPage.objects.values_list("slug", flat=True))
    assert slugs == ["sanctions-and-the-grain-trade", "sanctions-and-the-grain-trade-1"]


def test_a_commissioned_draft_goes_through_the_normal_workflow(planning, client):
    p = planning
    commission_through_admin(client, p["editor"], p)
    page = CommentaryPage.objects.get()
    response = edit(client, p["editor"], page, action="submit", lead="The real lead.")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_task.name == "Review by editors"
    workflow_action(client, p["second_editor"], page, "approve")
    workflow_action(client, p["chief"], page, "approve")
    page.refresh_from_db()
    assert page.live and page.lead == "The real lead."


def test_the_author_role_still_cannot_touch_a_commissioned_draft(planning, client):
    p = planning
    commission_through_admin(client, p["editor"], p)
    page = CommentaryPage.objects.get()
    before = state(page)
    assert edit(client, p["author"], page, lead="Not mine.").status_code in (302, 403)
    assert state(page) == before


def test_editing_the_plan_is_logged(planning, client):
    p = planning
    commission_through_admin(client, p["editor"], p)
    plan = Commission.objects.get()
    url = reverse("planning:commission_edit", args=[plan.pk])
    response = client.post(
        url,
        {"editor": p["chief"].pk, "due_on": "2026-03-11", "publish_on": "2026-03-18", "notes": ""},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.editor == p["chief"] and plan.publish_on == datetime.date(2026, 3, 18)
    assert PageLogEntry.objects.filter(action="planning.commission.edit").count() == 1


def test_the_commission_form_uses_wagtails_choosers_and_date_widget(planning, client):
    sign_in(client, planning["editor"])
    response = client.get(reverse("planning:commission"))
    soup = BeautifulSoup(response.content, "html.parser")
    assert not soup.select("select[multiple]")  # no Ctrl-click lists
    for name in ("due_on", "publish_on"):
        field = soup.select_one(f"input[name={name}]")
        assert field["type"] == "text"  # not the browser's locale-dependent mm/dd/yyyy
        assert f'initDateChooser("id_{name}"' in field.find_next("script").string
    chooser = soup.select_one("#id_expert_1-chooser")
    assert "page-chooser" in chooser["class"]
    assert soup.select_one("input[type=hidden][name=expert_1]")
    assert "wagtailadmin/js/page-chooser" in response.content.decode()
    for name in ("regions", "competences"):
        assert soup.select_one(f"input[name={name}]")["data-controller"] == "w-tag"
    assert "wagtailadmin/js/date-time-chooser.js" in response.content.decode()


def test_vocabulary_names_outside_the_vocabulary_are_a_form_error(planning, client):
    response = commission_through_admin(
        client, planning["editor"], planning, regions="Europe, Atlantis"
    )
    assert response.status_code == 200
    assert "Not in the vocabulary: Atlantis" in str(response.context["form"].errors["regions"])
    assert not CommentaryPage.objects.exists()


def test_the_same_expert_chosen_twice_is_one_byline(planning, client):
    p = planning
    commission_through_admin(client, p["editor"], p, experts=[p["expert"], p["expert"]])
    page = CommentaryPage.objects.get()
    assert [b.expert for b in page.bylines.all()] == [p["expert"]]
