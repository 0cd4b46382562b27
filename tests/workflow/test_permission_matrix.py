"""Who may do what to a commentary, through the real admin views.

Every cell asserts the HTTP answer; a denied cell also asserts that nothing changed: no new
revision, no log entry, same live state, same place in the tree, no workflow started.
"""

from django.urls import reverse

from wagtail.models import Page

import pytest

from ..conftest import sign_in
from .conftest import commentary_form, create_draft, edit, state, workflow_action

ROLES = ["anonymous", "author", "other_author", "editor", "chief"]
ALLOWED, DENIED = "allowed", "denied"

# action: (page situation, {role: expected})
MATRIX = {
    "edit": (
        "draft",
        {"author": ALLOWED, "other_author": DENIED, "editor": ALLOWED, "chief": ALLOWED},
    ),
    "submit": (
        "draft",
        {"author": ALLOWED, "other_author": DENIED, "editor": ALLOWED, "chief": ALLOWED},
    ),
    "approve": (
        "in_review",
        {"author": DENIED, "other_author": DENIED, "editor": ALLOWED, "chief": DENIED},
    ),
    "reject": (
        "in_review",
        {"author": DENIED, "other_author": DENIED, "editor": ALLOWED, "chief": DENIED},
    ),
    "final_approve": (
        "final_review",
        {"author": DENIED, "other_author": DENIED, "editor": DENIED, "chief": ALLOWED},
    ),
    "publish": (
        "draft",
        {"author": DENIED, "other_author": DENIED, "editor": DENIED, "chief": DENIED},
    ),
    "unpublish": (
        "live",
        {"author": DENIED, "other_author": DENIED, "editor": DENIED, "chief": ALLOWED},
    ),
    "move": (
        "live",
        {"author": DENIED, "other_author": DENIED, "editor": DENIED, "chief": ALLOWED},
    ),
    "delete": (
        "live",
        {"author": DENIED, "other_author": DENIED, "editor": DENIED, "chief": ALLOWED},
    ),
    "compare": (
        "draft",
        {"author": ALLOWED, "other_author": DENIED, "editor": ALLOWED, "chief": ALLOWED},
    ),
    "history": (
        "draft",
        {"author": ALLOWED, "other_author": DENIED, "editor": ALLOWED, "chief": ALLOWED},
    ),
    "preview": (
        "draft",
        {"author": ALLOWED, "other_author": DENIED, "editor": ALLOWED, "chief": ALLOWED},
    ),
}
CELLS = [
    (action, role, ALLOWED if role != "anonymous" and rules.get(role) == ALLOWED else DENIED)
    for action, (_, rules) in MATRIX.items()
    for role in ROLES
]


def prepare(client, e, situation):
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    edit(client, e["author"], page, lead="A second draft.")  # two revisions to compare
    if situation in ("in_review", "final_review"):
        edit(client, e["author"], page, action="submit")
    if situation == "final_review":
        workflow_action(client, e["editor"], page, "approve")
    if situation == "live":
        page.get_latest_revision().publish(user=e["admin"])
    client.logout()
    page.refresh_from_db()
    return page


def perform(client, action, page, e):
    if action in ("edit", "history", "compare", "move"):
        urls = {
            "edit": reverse("wagtailadmin_pages:edit", args=[page.pk]),
            "history": reverse("wagtailadmin_pages:history", args=[page.pk]),
            "compare": reverse(
                "wagtailadmin_pages:revisions_compare",
                args=[page.pk, "earliest", page.get_latest_revision().pk],
            ),
        }
        if action == "move":
            target = e["publications"]
            url = reverse("wagtailadmin_pages:move_confirm", args=[page.pk, target.pk])
            return client.post(url)
        return client.get(urls[action])
    if action in ("submit", "publish"):
        data = commentary_form(page)
        data[f"action-{action}"] = action
        return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    if action in ("approve", "reject", "final_approve"):
        task_state = page.current_workflow_task_state
        name = "approve" if action == "final_approve" else action
        url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, name, task_state.pk])
        return client.post(url, {"comment": "A reviewer's note."})
    if action == "unpublish":
        return client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
    if action == "delete":
        return client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
    if action == "preview":
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
        client.post(url, commentary_form(page, lead="Previewed lead."))
        return client.get(url)
    raise AssertionError(action)


def was_denied(response):
    """Wagtail answers a denied admin action with 403, or a redirect to login or the dashboard."""
    if response.status_code == 403:
        return True
    if response.status_code == 302:
        return response["Location"].startswith("/admin/login/") or response["Location"] == "/admin/"
    return False


@pytest.mark.parametrize(
    ("action", "role", "expected"), CELLS, ids=[f"{a}-{r}" for a, r, _ in CELLS]
)
def test_permission_matrix(editorial, client, action, role, expected):
    page = prepare(client, editorial, MATRIX[action][0])
    before = state(page)
    if role != "anonymous":
        sign_in(client, editorial[role])
    response = perform(client, action, page, editorial)

    if expected == DENIED:
        assert was_denied(response), (response.status_code, response.get("Location"))
        if role == "anonymous":
            assert response["Location"].startswith("/admin/login/")
        assert state(page) == before
        return

    assert not was_denied(response), (response.status_code, response.get("Location"))
    assert response.status_code in (200, 302)
    after = state(page) if Page.objects.filter(pk=page.pk).exists() else {"exists": False}
    effects = {
        "submit": lambda: after["workflow"] == 1,
        "approve": lambda: page.current_workflow_task.name == "Approval by the editor-in-chief",
        "reject": lambda: page.current_workflow_state.status == "needs_changes",
        "final_approve": lambda: after["live"],
        "unpublish": lambda: not after["live"],
        "delete": lambda: not after["exists"],
        "move": lambda: after["parent"] == editorial["publications"].pk,
        "preview": lambda: b"Previewed lead." in response.content,
        "edit": lambda: b"Arms Control After the Treaties" in response.content,
        "history": lambda: response.status_code == 200,
        "compare": lambda: b"A second draft." in response.content,
    }
    assert effects[action](), action


def test_matrix_size():
    assert len(CELLS) == len(MATRIX) * len(ROLES) == 60
