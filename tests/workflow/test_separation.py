"""No one approves their own work, and an author locks only their own pages.

Each attack is tried both ways: the refused action is missing from the page editor's action
menu, and a crafted POST to the workflow action (or lock) URL is refused and changes nothing.
"""

import importlib

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from wagtail.models import GroupApprovalTask, Task, TaskState, Workflow, WorkflowTask

from editorial.models import SeparatedApprovalTask
from editorial.roles import EDITOR_IN_CHIEF, EDITORS, WORKFLOW_STEPS, ensure_editorial_setup

from ..conftest import sign_in
from .conftest import (
    COMMENT,
    commentary_form,
    create_draft,
    edit,
    make_user,
    state,
    workflow_action,
)

APPROVE_BUTTON = b'data-workflow-action-name="approve"'
REJECT_BUTTON = b'data-workflow-action-name="reject"'


def refused(response):
    """Wagtail answers a refused admin action with 403, or a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def menu(client, user, page):
    sign_in(client, user)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    return response.content


def step(page):
    page.refresh_from_db()
    return page.current_workflow_task.name if page.current_workflow_task else None


def assert_approval_refused(client, user, page):
    """Neither offered nor accepted; the review stays where it was."""
    content = menu(client, user, page)
    assert APPROVE_BUTTON not in content
    assert REJECT_BUTTON in content  # sending one's own work back is still possible
    before, at = state(page), step(page)
    response = workflow_action(client, user, page, "approve", comment="Looks fine to me.")
    assert refused(response), (response.status_code, response.get("Location"))
    assert state(page) == before and step(page) == at
    assert page.current_workflow_task_state.status == TaskState.STATUS_IN_PROGRESS


def test_editor_cannot_approve_their_own_submission(editorial, client):
    e = editorial
    colleague = make_user("editor2", EDITORS)
    page = create_draft(client, e["editor"], e["publications"], e["expert"])
    assert edit(client, e["editor"], page, action="submit").status_code == 302
    assert step(page) == "Review by editors"

    assert_approval_refused(client, e["editor"], page)
    # Not listed as awaiting their own review either.
    sign_in(client, e["editor"])
    assert b"Arms Control" not in client.get("/admin/").content.split(b"My pages in review")[0]

    assert APPROVE_BUTTON in menu(client, colleague, page)
    assert workflow_action(client, colleague, page, "approve").status_code == 302
    assert step(page) == "Approval by the editor-in-chief"


def test_chief_cannot_approve_their_own_submission_at_the_final_step(editorial, client):
    e = editorial
    other_chief = make_user("chief2", EDITOR_IN_CHIEF)
    page = create_draft(client, e["chief"], e["publications"], e["expert"])
    edit(client, e["chief"], page, action="submit")
    assert workflow_action(client, e["editor"], page, "approve").status_code == 302
    assert step(page) == "Approval by the editor-in-chief"

    assert_approval_refused(client, e["chief"], page)
    assert not page.live

    assert workflow_action(client, other_chief, page, "approve").status_code == 302
    page.refresh_from_db()
    assert page.live


def test_superuser_cannot_approve_their_own_submission(editorial, client):
    e = editorial
    page = create_draft(client, e["admin"], e["publications"], e["expert"])
    edit(client, e["admin"], page, action="submit")
    assert_approval_refused(client, e["admin"], page)


def test_reviewer_who_rewrote_the_text_cannot_approve_it(editorial, client):
    e = editorial
    colleague = make_user("editor2", EDITORS)
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    edit(client, e["author"], page, action="submit")
    assert edit(client, e["editor"], page, lead="The editor's own lead.").status_code == 302
    assert step(page) == "Review by editors"

    assert_approval_refused(client, e["editor"], page)

    assert workflow_action(client, colleague, page, "approve").status_code == 302
    # The step had started on the author's wording: Wagtail asks it again for the new one.
    assert step(page) == "Review by editors"
    assert_approval_refused(client, e["editor"], page)
    assert workflow_action(client, colleague, page, "approve").status_code == 302
    assert step(page) == "Approval by the editor-in-chief"


def test_reviewer_cannot_rewrite_and_approve_in_one_post(editorial, client):
    """The editor's "save and approve": the text saved in the same request is their own."""
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    edit(client, e["author"], page, action="submit")
    sign_in(client, e["editor"])
    data = commentary_form(page, lead="Rewritten and waved through.")
    data.update({"action-workflow-action": "true", "workflow-action-name": "approve"})
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert refused(response), (response.status_code, response.get("Location"))
    assert step(page) == "Review by editors"
    assert page.current_workflow_task_state.status == TaskState.STATUS_IN_PROGRESS


def test_reviewer_who_only_commented_may_still_approve(editorial, client):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    edit(client, e["author"], page, action="submit")
    sign_in(client, e["editor"])
    data = {**commentary_form(page), **COMMENT}
    assert client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data).status_code == 302
    assert APPROVE_BUTTON in menu(client, e["editor"], page)
    task_state = page.current_workflow_task_state
    assert workflow_action(client, e["editor"], page, "approve").status_code == 302
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED and task_state.finished_by == e["editor"]


def test_author_cannot_lock_another_authors_page(editorial, client):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    sign_in(client, e["other_author"])
    response = client.post(reverse("wagtailadmin_pages:lock", args=[page.pk]))
    assert refused(response), (response.status_code, response.get("Location"))
    page.refresh_from_db()
    assert not page.locked and page.locked_by is None
    # Their own page they still lock.
    own = create_draft(client, e["other_author"], e["publications"], e["expert"], slug="own")
    client.post(reverse("wagtailadmin_pages:lock", args=[own.pk]))
    own.refresh_from_db()
    assert own.locked and own.locked_by == e["other_author"]


def test_setup_makes_review_steps_that_refuse_own_work(editorial):
    workflow = Workflow.objects.get(name="Editorial review")
    tasks = [wt.task.specific for wt in WorkflowTask.objects.filter(workflow=workflow)]
    assert [type(t) for t in tasks] == [SeparatedApprovalTask] * len(WORKFLOW_STEPS)
    assert not GroupApprovalTask.objects.filter(
        content_type=ContentType.objects.get_for_model(GroupApprovalTask)
    ).filter(name__in=[name for name, _ in WORKFLOW_STEPS])


def test_existing_review_in_progress_survives_the_task_type_change(editorial, client):
    """An install from before the change: its plain group tasks, with a review under way,
    become separated tasks in place and the review carries on."""
    e = editorial
    plain_type = ContentType.objects.get_for_model(GroupApprovalTask)
    for task in SeparatedApprovalTask.objects.all():
        # Undo the child row only, as the tasks were before the migration.
        SeparatedApprovalTask.objects.filter(pk=task.pk)._raw_delete("default")
        Task.objects.filter(pk=task.pk).update(content_type=plain_type)
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    edit(client, e["author"], page, action="submit")
    task_state = page.current_workflow_task_state
    assert type(task_state.task.specific) is GroupApprovalTask

    migration = importlib.import_module("editorial.migrations.0002_review_steps_refuse_own_work")
    migration.separate(apps, None)
    ensure_editorial_setup()  # load_seed again changes nothing

    page.refresh_from_db()
    assert page.current_workflow_task_state.pk == task_state.pk
    assert type(page.current_workflow_task) is SeparatedApprovalTask
    assert SeparatedApprovalTask.objects.count() == len(WORKFLOW_STEPS)
    assert workflow_action(client, e["editor"], page, "approve").status_code == 302
    assert step(page) == "Approval by the editor-in-chief"
