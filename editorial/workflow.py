"""What an approval covers, when review starts again, and the words that say so.

Wagtail (with WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT) counts an approval only if it was
recorded on the page's latest revision, so any later save undoes it: an autosave that changed
nothing, or the go-live date the editor-in-chief sets before approving. Here an approval covers
the text (editorial.models.same_text): saves that leave the text as it was keep it, and only a
real change of text sends the page back to the first step, with the approvers told why.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst, get_text_list
from django.utils.timesince import timeuntil

from wagtail.log_actions import log

# Wagtail imports this module while it defines WorkflowState (WAGTAIL_FINISH_WORKFLOW_ACTION), so
# wagtail.models and what depends on it are imported where they are used.

RESTARTED = "editorial.review_restarted"
APPROVED, SKIPPED, IN_PROGRESS, CANCELLED = "approved", "skipped", "in_progress", "cancelled"
HELD = (APPROVED, SKIPPED)
NOTICES = "_editorial_notices"


def publish_approved(workflow_state, user=None):
    """WAGTAIL_FINISH_WORKFLOW_ACTION: the last approval publishes (or schedules).

    Nobody in an editorial role may publish directly (see permissions.py); the approval of the
    workflow's final step is the permission, so the publish skips the direct-publish check.
    """
    revision = workflow_state.content_object.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)


# Words ---------------------------------------------------------------------------------------


def name_of(user):
    return (user.get_full_name() or user.get_username()) if user else "someone"


def site_time(when):
    """'3 March, 09:00' in the site's time zone (settings.TIME_ZONE)."""
    return dateformat.format(timezone.localtime(when, timezone.get_default_timezone()), "j F, H:i")


def goes_live(when, now=None):
    """'goes live in 2 minutes': a future time said as what will happen, never 'Just now'."""
    now = now or timezone.now()
    if when <= now:
        return "goes live now"
    return "goes live in " + timeuntil(when, now, depth=1).replace("\xa0", " ")


def fields_phrase(labels):
    return get_text_list(labels, "and") if labels else "the text"


def notify(user, level, text):
    """Queue a message for the request that acts as `user`; the after_edit_page hook shows it.

    Task.on_action gets no request, but it gets the request's user object, which lives exactly
    as long as the request (Wagtail caches its own per-request checks on it the same way).
    """
    if user is None:
        return
    notices = getattr(user, NOTICES, None)
    if notices is None:
        notices = []
        setattr(user, NOTICES, notices)
    notices.append((level, text))


def pop_notices(user):
    notices = getattr(user, NOTICES, None) or []
    if notices:
        setattr(user, NOTICES, [])
    return notices


def go_live_from(value):
    """The go-live date of an approval: a datetime from the form, or the ISO text the page editor
    posts back as JSON. A crafted bad value is refused, not a server error."""
    if value in (None, ""):
        return None
    when = parse_datetime(value) if isinstance(value, str) else value
    if when is None or not hasattr(when, "tzinfo"):
        raise PermissionDenied("The go-live date is not a date and time.")
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when <= timezone.now():
        raise PermissionDenied("The go-live date must be in the future.")
    return when


# The rules -----------------------------------------------------------------------------------


def _locked_state(pk):
    from wagtail.models import WorkflowState

    """The workflow state row, locked until the transaction ends: two saves or approvals of one
    page run one after the other (PostgreSQL row lock; on SQLite every write transaction is
    IMMEDIATE, see settings). Re-read under the lock, as the other one may have moved it on."""
    return WorkflowState.objects.select_for_update().filter(pk=pk).first()


def carry_approvals(task_state, latest):
    """Make the current step, and earlier approvals of the same text, count for `latest`.

    Returns False when the text changed since the current step began: then nothing moves, and
    Wagtail's rule restarts review when the step is approved. Called at the moment of approval
    only, inside its transaction, so an approval never lands on a draft revision that an
    autosave may still rewrite in place (overwrite_revision).
    """
    from .models import same_text

    if task_state.revision_id == latest.pk:
        return True
    if not same_text(task_state.revision, latest):
        return False
    task_state.revision = latest
    task_state.save(update_fields=["revision"])
    state = task_state.workflow_state
    held = set(state.task_states.filter(revision=latest, status__in=HELD).values_list("task_id"))
    earlier = (
        state.task_states.filter(status__in=HELD)
        .exclude(revision=latest)
        .select_related("revision")
        .order_by("-finished_at")
    )
    for approval in earlier:
        if (approval.task_id,) not in held and same_text(approval.revision, latest):
            # Wagtail's own way to carry an approval to another revision (a copy, so the history
            # still shows which revision was approved).
            approval.copy(update_attrs={"revision": latest})
            held.add((approval.task_id,))
    return True


@transaction.atomic
def approve(task_state, user, go_live_at=None, comment=""):
    """Approve the step; at the final step optionally with the go-live date."""
    from wagtail.models import WorkflowState

    from .models import changed_fields, latest_content_author_id

    state = _locked_state(task_state.workflow_state_id)
    task_state.refresh_from_db()
    task_state.workflow_state = state
    page = state.content_object.specific
    title = page.get_admin_display_title()
    if go_live_at:
        draft = page.get_latest_revision_as_object()
        draft.go_live_at = go_live_at
        draft.save_revision(user=user, log_action=True, clean=False)
        # The finish action publishes the workflow's own copy of the page: let it see the draft.
        state.content_object.refresh_from_db()
        page.refresh_from_db()
    latest = page.get_latest_revision()
    started_on = task_state.revision
    held = carry_approvals(task_state, latest)
    restart = None if held else changed_fields(started_on, latest)
    task_state.approve(user=user, comment=comment)
    state.refresh_from_db()
    page.refresh_from_db()

    if restart is not None:
        step = task_state.task.name
        author = get_user_model().objects.filter(pk=latest_content_author_id(page)).first()
        now_at = state.current_task_state.task.name if state.current_task_state else step
        reason = (
            f"“{title}”: the {fields_phrase(restart)} changed after {step} began "
            f"(by {name_of(author)}), so your approval applies to the earlier wording "
            f"and review starts again at {now_at} on the new text."
        )
        log(
            instance=page,
            action=RESTARTED,
            user=user,
            revision=latest,
            data={"reason": reason, "changed": restart, "approvers": [name_of(user)]},
        )
        notify(user, "warning", reason)
    elif state.status == WorkflowState.STATUS_APPROVED:
        scheduled = page.scheduled_revision
        if scheduled and scheduled.approved_go_live_at:
            when = scheduled.approved_go_live_at
            notify(
                user,
                "success",
                f"“{title}” approved and scheduled for {site_time(when)} ({goes_live(when)}).",
            )
        else:
            notify(user, "success", f"“{title}” approved and published.")
    elif state.current_task_state:
        notify(
            user,
            "success",
            f"“{title}” approved; it is now at {state.current_task_state.task.name}.",
        )
    return None


@transaction.atomic
def request_changes(task_state, user, comment=""):
    task_state.reject(user=user, comment=comment)
    state = task_state.workflow_state
    page = state.content_object.specific
    back_to = name_of(state.requested_by)
    notify(
        user,
        "success",
        f"Changes requested on “{page.get_admin_display_title()}”; it goes back to {back_to}.",
    )
    return None


def restart_review_after_edit(page, user):
    """A change of text after approval sends the page back to the first step.

    Compared with the revision the current step began on, so an autosave that changed nothing,
    or a go-live or expiry date, keeps the approvals. Returns the words that say what happened,
    or None. The current task states are ended and the first step started in one locked
    transaction (and a unique index, see migration 0003, allows one task in progress), so two
    saves at once cannot leave two steps in progress.
    """
    from wagtail.admin.mail import send_mail

    from .models import changed_fields, same_text

    state = page.current_workflow_state
    if state is None or state.status != state.STATUS_IN_PROGRESS:
        return None
    with transaction.atomic():
        state = _locked_state(state.pk)
        if state is None or state.status != state.STATUS_IN_PROGRESS:
            return None
        current = state.current_task_state
        first = (
            state.workflow.tasks.filter(active=True).order_by("workflow_tasks__sort_order").first()
        )
        if current is None or first is None or current.task_id == first.pk:
            return None
        if current.status != IN_PROGRESS:
            return None
        latest = page.get_latest_revision()
        changed = changed_fields(current.revision, latest)
        if not changed:
            return None
        approvals = [
            approval
            for approval in state.task_states.filter(status=APPROVED)
            .select_related("revision", "finished_by", "task")
            .order_by("finished_at")
            if same_text(approval.revision, current.revision)
        ]
        approvers = list({a.finished_by_id: a.finished_by for a in approvals}.values())
        title = page.get_admin_display_title()
        reason = capfirst(
            f"{name_of(user)} changed the {fields_phrase(changed)} of “{title}” after approval, "
            f"so review started again at {first.name}: "
            f"{get_text_list([name_of(a) for a in approvers], 'and') or 'the reviewers'} "
            f"approved the earlier wording."
        )
        state.task_states.filter(status=IN_PROGRESS).update(
            status=CANCELLED,
            finished_at=timezone.now(),
            finished_by=user,
            comment=reason,
        )
        state.current_task_state = first.specific.start(state, user=user)
        state.save(update_fields=["current_task_state"])
        log(
            instance=page,
            action=RESTARTED,
            user=user,
            revision=latest,
            data={
                "reason": reason,
                "changed": changed,
                "approvers": [name_of(a) for a in approvers],
            },
        )
        recipients = [a.email for a in approvers if a and a.email and a.pk != user.pk]
        if recipients:
            url = reverse("wagtailadmin_pages:edit", args=[page.pk])
            transaction.on_commit(
                lambda: send_mail(
                    f"Review restarted: {title}",
                    f"{reason}\n\nThe page: {page_admin_url(url)}",
                    recipients,
                )
            )
    return reason


def page_admin_url(path):
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") + path
