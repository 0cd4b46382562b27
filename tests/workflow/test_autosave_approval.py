"""An approval covers the text: autosaves and scheduling keep it, a real change restarts review.

The page editor is driven as the browser drives it: autosave POSTs the whole form with
Accept: application/json (and overwrite_revision_id once it has made a revision), "Set schedule"
puts go_live_at into the same form, and the action menu's workflow buttons post the form with
action-workflow-action, workflow-action-name and workflow-action-extra-data (JSON).
"""

import datetime
import html
import json
import threading

from django.contrib.messages import get_messages
from django.core import mail
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from wagtail.models import PageLogEntry, TaskState, WorkflowState

import pytest

from editorial.workflow import RESTARTED, goes_live, restart_review_after_edit

from ..conftest import sign_in
from .conftest import commentary_form, create_draft, edit

EDITORS_STEP, FINAL_STEP = "Review by editors", "Approval by the editor-in-chief"


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def sign_in_fresh(client, user):
    """Signed in, with the messages of earlier requests read (a browser shows them)."""
    client.cookies.pop("messages", None)
    sign_in(client, user)


def autosave(client, user, page, overwrite=None, **changes):
    """One autosave request, as Wagtail's w-autosave controller sends it."""
    sign_in_fresh(client, user)
    page.refresh_from_db()
    latest = page.get_latest_revision()
    data = commentary_form(page, **changes)
    data["loaded_revision_id"] = str(latest.pk)
    data["loaded_revision_created_at"] = latest.created_at.isoformat()
    if overwrite:
        data["overwrite_revision_id"] = str(overwrite)
    response = client.post(edit_url(page), data, headers={"accept": "application/json"})
    assert response.status_code == 200, response.json()
    return response.json()


def menu_action(client, user, page, action, extra=None, **changes):
    """A workflow button of the page editor's action menu (the form is posted with it)."""
    sign_in_fresh(client, user)
    page.refresh_from_db()
    data = commentary_form(page, **changes)
    data.update(
        {
            "action-workflow-action": "true",
            "workflow-action-name": action,
            "workflow-action-extra-data": json.dumps(extra or {}),
        }
    )
    return client.post(edit_url(page), data)


def shown(client):
    """The messages the next page shows, as a person reads them (Wagtail renders HTML)."""
    response = client.get(reverse("wagtailadmin_home"))
    return [
        " ".join(html.unescape(strip_tags(str(m.message))).split())
        for m in get_messages(response.wsgi_request)
    ]


def step(page):
    page.refresh_from_db()
    return page.current_workflow_task.name if page.current_workflow_task else None


def in_progress(page):
    return TaskState.objects.filter(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    ).count()


def submitted(client, e):
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    client.cookies.pop("messages", None)
    response = edit(client, e["author"], page, action="submit")
    assert response.status_code == 302
    return page, response


@pytest.fixture
def at_final_step(editorial, client):
    page, _ = submitted(client, editorial)
    assert menu_action(client, editorial["editor"], page, "approve").status_code == 302
    assert step(page) == FINAL_STEP
    return page


def test_autosaves_that_change_nothing_keep_the_approval(editorial, client, at_final_step):
    page, chief = at_final_step, editorial["chief"]
    first = autosave(client, chief, page)
    assert first["success"]
    again = autosave(client, chief, page, overwrite=first["revision_id"])
    assert again["success"] and again["revision_id"] == first["revision_id"]

    assert step(page) == FINAL_STEP and in_progress(page) == 1
    response = menu_action(client, chief, page, "approve")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live and not page.current_workflow_state
    assert f"“{page.title}” approved and published." in shown(client)


def test_a_revision_that_changed_nothing_after_submit_keeps_the_editors_approval(editorial, client):
    """The author's autosave landing a second after Submit: the editor's approval holds."""
    page, _ = submitted(client, editorial)
    page.refresh_from_db()
    page.get_latest_revision_as_object().save_revision(user=editorial["author"])

    response = menu_action(client, editorial["editor"], page, "approve")
    assert response.status_code == 302
    assert step(page) == FINAL_STEP and in_progress(page) == 1
    messages = shown(client)
    assert f"“{page.title}” approved; it is now at {FINAL_STEP}." in messages
    assert not any("has been updated" in text for text in messages), messages


def test_setting_a_schedule_at_the_final_step_keeps_the_approval(editorial, client, at_final_step):
    page, chief = at_final_step, editorial["chief"]
    when = (timezone.now() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    typed = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
    # Typing the date in "Set schedule" makes autosave save the form with go_live_at ...
    assert autosave(client, chief, page, go_live_at=typed)["success"]
    assert step(page) == FINAL_STEP and in_progress(page) == 1
    # ... then "Save schedule" posts the form.
    sign_in_fresh(client, chief)
    response = client.post(edit_url(page), commentary_form(page, go_live_at=typed))
    assert response.status_code == 302
    assert not any("locked" in text for text in shown(client))
    assert step(page) == FINAL_STEP and in_progress(page) == 1

    response = menu_action(client, chief, page, "approve")
    page.refresh_from_db()
    assert not page.live and page.scheduled_revision.approved_go_live_at == when
    assert in_progress(page) == 0
    messages = shown(client)
    assert any(text.endswith("(goes live in 2 days).") for text in messages), messages


def test_a_real_change_after_approval_restarts_review_and_says_why(
    editorial, client, at_final_step, django_capture_on_commit_callbacks
):
    page, chief, editor = at_final_step, editorial["chief"], editorial["editor"]
    mail.outbox.clear()
    sign_in_fresh(client, chief)
    with django_capture_on_commit_callbacks(execute=True):  # the email goes once committed
        response = client.post(edit_url(page), commentary_form(page, lead="The chief's new lead."))
    assert response.status_code == 302

    assert step(page) == EDITORS_STEP and in_progress(page) == 1
    reason = (
        f"Chief changed the lead of “{page.title}” after approval, so review started again at "
        f"{EDITORS_STEP}: editor approved the earlier wording."
    )
    assert reason in shown(client)
    entry = PageLogEntry.objects.get(page=page, action=RESTARTED)
    assert entry.user == chief and entry.data["changed"] == ["lead"]
    assert entry.message == reason  # the page history says it in words
    (email,) = [m for m in mail.outbox if m.subject.startswith("Review restarted")]
    assert email.to == [editor.email] and reason in email.body

    # The chief, locked out while the editors review, is not left with a half-done review.
    assert menu_action(client, editorial["editor"], page, "approve").status_code == 302
    assert step(page) == FINAL_STEP and in_progress(page) == 1


def test_a_change_after_the_step_began_is_named_to_the_approver(editorial, client):
    """A change that reaches the draft after the step began (here the author's late autosave
    with new words): Wagtail asks the step again, and the approver is told why."""
    page, _ = submitted(client, editorial)
    draft = page.get_latest_revision_as_object()
    draft.lead = "A late change by the author."
    draft.save_revision(user=editorial["author"])

    assert menu_action(client, editorial["editor"], page, "approve").status_code == 302
    assert step(page) == EDITORS_STEP and in_progress(page) == 1
    (warning,) = [t for t in shown(client) if "changed after" in t]
    assert warning == (
        f"“{page.title}”: the lead changed after {EDITORS_STEP} began (by author), so your "
        f"approval applies to the earlier wording and review starts again at {EDITORS_STEP} "
        "on the new text."
    )
    assert PageLogEntry.objects.filter(page=page, action=RESTARTED).count() == 1


def test_database_refuses_a_second_task_in_progress(editorial, client):
    page, _ = submitted(client, editorial)
    current = page.current_workflow_task_state
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskState.objects.create(
            workflow_state=current.workflow_state,
            revision=current.revision,
            task=current.task,
            status=TaskState.STATUS_IN_PROGRESS,
        )
    assert in_progress(page) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_restarts_leave_one_task_in_progress(editorial, client):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one write transaction at a time: no race to prove there")
    page, _ = submitted(client, editorial)
    menu_action(client, editorial["editor"], page, "approve")
    draft = page.get_latest_revision_as_object()
    draft.lead = "Changed at the final step."
    draft.save_revision(user=editorial["chief"])

    start, results, errors = threading.Barrier(2), [], []

    def restart():
        try:
            start.wait(timeout=10)
            fresh = type(page).objects.get(pk=page.pk)
            results.append(restart_review_after_edit(fresh, editorial["chief"]))
        except Exception as error:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=restart) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(r is None for r in results) == [False, True]  # one restarted, one saw it done
    assert step(page) == EDITORS_STEP and in_progress(page) == 1
    state = WorkflowState.objects.get(pk=page.current_workflow_state.pk)
    assert state.current_task_state.status == TaskState.STATUS_IN_PROGRESS


def test_chief_approves_and_schedules_in_one_step(editorial, client, at_final_step):
    page, chief = at_final_step, editorial["chief"]
    when = datetime.datetime(timezone.now().year + 1, 3, 3, 9, 0, tzinfo=datetime.UTC)
    task_state = page.current_workflow_task_state
    sign_in(client, chief)
    # The modal of "Approve with go-live date or comment" asks for the date.
    modal = reverse(
        "wagtailadmin_pages:collect_workflow_action_data", args=[page.pk, "approve", task_state.pk]
    )
    assert "Go-live date" in client.get(modal).json()["html"]
    ajax = {"x-requested-with": "XMLHttpRequest"}  # as the modal posts it
    collected = client.post(modal, {"go_live_at": "2020-01-01 09:00"}, headers=ajax).json()
    assert "must be in the future" in collected["html"]  # a past date is refused in words
    typed = when.strftime("%Y-%m-%d %H:%M")
    collected = client.post(modal, {"go_live_at": typed}, headers=ajax).json()

    response = menu_action(client, chief, page, "approve", extra=collected["cleaned_data"])
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live and page.scheduled_revision.approved_go_live_at == when
    assert f"“{page.title}” approved and scheduled for 3 March, 09:00 ({goes_live(when)})." in (
        messages := shown(client)
    )
    assert not any("has been updated" in text for text in messages), messages


def test_a_crafted_go_live_date_is_refused_without_approving(editorial, client, at_final_step):
    page, chief = at_final_step, editorial["chief"]
    response = menu_action(client, chief, page, "approve", extra={"go_live_at": "tomorrow"})
    assert response.status_code in (302, 403) and response.status_code != 500
    assert step(page) == FINAL_STEP and not page.live


def test_requesting_changes_says_changes_requested(editorial, client):
    page, submit = submitted(client, editorial)
    messages = shown(client)
    assert f"“{page.title}” submitted for review: it is now at {EDITORS_STEP}." in messages
    assert not any("submitted for moderation" in text for text in messages), messages

    menu_action(client, editorial["editor"], page, "reject", extra={"comment": "Why?"})
    assert f"Changes requested on “{page.title}”; it goes back to author." in shown(client)
    entry = PageLogEntry.objects.get(page=page, action="wagtail.workflow.reject")
    assert entry.message == f"Changes requested at '{EDITORS_STEP}'"
    assert "reject" not in entry.message.lower()


def test_scheduled_panel_says_when_it_goes_live(editorial, client, at_final_step):
    page, chief = at_final_step, editorial["chief"]
    when = timezone.now() + datetime.timedelta(minutes=2, seconds=30)
    menu_action(client, chief, page, "approve", extra={"go_live_at": when.isoformat()})
    sign_in(client, editorial["editor"])
    text = client.get("/admin/").content.decode().replace("\xa0", " ")
    panel = text.split("Scheduled to go live")[1].split("</table>")[0]
    assert "goes live in 2 minutes" in panel and "Just now" not in panel


def test_goes_live_is_said_as_the_time_to_come():
    now, minutes = timezone.now(), datetime.timedelta(minutes=2, seconds=5)
    assert goes_live(now + minutes, now) == "goes live in 2 minutes"
    assert goes_live(now + datetime.timedelta(days=3, hours=2), now) == "goes live in 3 days"
    assert goes_live(now - datetime.timedelta(minutes=1), now) == "goes live now"
