"""Helpers that drive the page editor and the workflow like an editor would."""

from django.urls import reverse

from wagtail.models import PageLogEntry, Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from publications.models import Byline, CommentaryPage

from ..conftest import make_user, sign_in  # noqa: F401 - re-exported for the tests here

# A new field comment, as the editor posts it with the page form.
COMMENT = {
    "comments-TOTAL_FORMS": "1",
    "comments-INITIAL_FORMS": "0",
    "comments-MIN_NUM_FORMS": "0",
    "comments-MAX_NUM_FORMS": "",
    "comments-0-DELETE": "",
    "comments-0-resolved": "",
    "comments-0-id": "",
    "comments-0-contentpath": "lead",
    "comments-0-text": "Shorten the lead, please.",
    "comments-0-position": "",
    "comments-0-replies-TOTAL_FORMS": "0",
    "comments-0-replies-INITIAL_FORMS": "0",
    "comments-0-replies-MIN_NUM_FORMS": "0",
    "comments-0-replies-MAX_NUM_FORMS": "0",
}


def commentary_form(page=None, expert=None, **changes):
    """The commentary edit form as the admin would post it, from the latest draft."""
    page = page.get_latest_revision_as_object() if page else None
    bylines = list(page.bylines.all()) if page else [Byline(expert=expert, position="")]
    when = page.go_live_at if page else None
    data = {
        "title": page.title if page else "Arms Control After the Treaties",
        "slug": page.slug if page else "arms-control-after-the-treaties",
        "date": (page.date.isoformat() if page else "2024-03-01"),
        "lead": page.lead if page else "What is left of arms control.",
        "body": streamfield([("paragraph", rich_text("<p>The body.</p>"))]),
        "source": "",
        "regions": "",
        "competences": "",
        "go_live_at": when.strftime("%Y-%m-%d %H:%M") if when else "",
        "expire_at": "",
        "bylines": inline_formset(
            [{"id": b.pk or "", "expert": b.expert_id, "position": b.position} for b in bylines],
            initial=len([b for b in bylines if b.pk]),
            min=1,
        ),
        "comments": inline_formset([]),
    }
    data.update(changes)
    return nested_form_data(data)


def create_draft(client, user, index, expert, **changes):
    sign_in(client, user)
    url = reverse("wagtailadmin_pages:add", args=["publications", "commentarypage", index.pk])
    response = client.post(url, commentary_form(expert=expert, **changes))
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    return CommentaryPage.objects.get(slug=changes.get("slug", "arms-control-after-the-treaties"))


def edit(client, user, page, action=None, **changes):
    sign_in(client, user)
    data = commentary_form(page, **changes)
    if action:
        data[f"action-{action}"] = action
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def workflow_action(client, user, page, action, comment=""):
    sign_in(client, user)
    page.refresh_from_db()
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return client.post(url, {"comment": comment})


def state(page):
    """What a denied action must leave unchanged."""
    page.refresh_from_db()
    return {
        "live": page.live,
        "parent": page.get_parent().pk,
        "exists": type(page).objects.filter(pk=page.pk).exists(),
        "revisions": Revision.objects.filter(object_id=str(page.pk)).count(),
        "log": PageLogEntry.objects.filter(page_id=page.pk).count(),
        "workflow": page.workflow_states.filter(status="in_progress").count(),
    }
