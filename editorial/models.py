import json
import re

from django import forms
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.forms import TaskStateCommentForm
from wagtail.models import GroupApprovalTask, Revision, WorkflowTask

# Revision keys that record bookkeeping, not what the page says: a reviewer who only comments,
# locks or schedules has not written the text, so they may still approve it.
BOOKKEEPING = frozenset(
    {
        "pk",
        "id",
        "page_ptr",
        "path",
        "depth",
        "numchild",
        "url_path",
        "content_type",
        "live",
        "has_unpublished_changes",
        "first_published_at",
        "last_published_at",
        "live_revision",
        "latest_revision",
        "latest_revision_created_at",
        "go_live_at",
        "expire_at",
        "expired",
        "locked",
        "locked_at",
        "locked_by",
        "owner",
        "wagtail_admin_comments",
        "comments",
    }
)
APPROVALS = ("approve",)


# A StreamField saved again gets new block ids and rich-text block keys: identity, not text.
IDENTITY = re.compile(r'"id": "[0-9a-f-]{36}"|data-block-key=\\?"[^"\\]*\\?"')


def _text(revision):
    # Through JSON as stored: a revision just saved still holds dates and decimals, not text.
    content = json.loads(json.dumps(revision.content, cls=DjangoJSONEncoder))
    return {
        k: IDENTITY.sub("", v) if isinstance(v, str) else v
        for k, v in content.items()
        if k not in BOOKKEEPING
    }


def same_text(a, b):
    """Whether two revisions say the same thing: a save that changed nothing, or only the
    schedule (go_live_at, expire_at), comments or a lock, leaves the text as it was."""
    return a.pk == b.pk or _text(a) == _text(b)


def changed_fields(old, new):
    """The labels of the fields whose text differs between two revisions, in form order."""
    if old.pk == new.pk:
        return []
    before, after = _text(old), _text(new)
    keys = [*after, *(k for k in before if k not in after)]
    model = new.content_type.model_class()
    labels = []
    for key in keys:
        if before.get(key) == after.get(key):
            continue
        try:
            labels.append(str(model._meta.get_field(key).verbose_name))
        except (AttributeError, FieldDoesNotExist):
            labels.append(key.replace("_", " "))
    return labels


def latest_content_author_id(obj):
    """Who last changed what the page says: the newest revision that differs from the one
    before it in anything but bookkeeping (a comment-only save does not count)."""
    revisions = Revision.objects.for_instance(obj).order_by("-created_at", "-id")
    newer = None
    for revision in revisions.only("id", "user_id", "content").iterator(chunk_size=20):
        if newer is not None and _text(newer) != _text(revision):
            return newer.user_id
        newer = revision
    return newer.user_id if newer is not None else None


class ApproveAndScheduleForm(TaskStateCommentForm):
    """The final approval's form: the editor-in-chief may set the go-live date in the same step."""

    go_live_at = forms.DateTimeField(
        label="Go-live date",
        required=False,
        widget=AdminDateTimeInput,
        help_text="Leave empty to publish now, or at the go-live date already set.",
    )
    field_order = ["go_live_at", "comment"]

    def __init__(self, *args, **kwargs):
        # The dialog opens over the page editor, whose own schedule field is id_go_live_at: with
        # the same id, the label and the date picker would both find that hidden field instead.
        kwargs.setdefault("auto_id", "id_approval_%s")
        super().__init__(*args, **kwargs)

    def clean_go_live_at(self):
        when = self.cleaned_data.get("go_live_at")
        if when and when <= timezone.now():
            raise forms.ValidationError("The go-live date must be in the future.")
        return when


class SeparatedApprovalTask(GroupApprovalTask):
    """A group approval step where no one approves their own work.

    Refused for the person who submitted the page for review and for the reviewer who wrote
    its latest text, superusers included (a superuser can still publish directly, which is
    logged as such). They may still request changes: that only sends the page back.

    An approval covers the text, not one revision: a later save that leaves the text as it was
    (an autosave, a schedule) keeps it (see editorial.workflow). The final step's approval can
    carry the go-live date.
    """

    @staticmethod
    def authors_of_review(obj):
        state = obj.current_workflow_state
        return {
            state.requested_by_id if state else None,
            latest_content_author_id(obj),
        } - {None}

    def user_may_approve(self, obj, user):
        return user.pk not in self.authors_of_review(obj)

    def is_final_step(self):
        """Last active step of every workflow it is in (the editor-in-chief's approval)."""
        orders = WorkflowTask.objects.filter(task=self, workflow__active=True)
        if not orders.exists():
            return False
        return all(
            not WorkflowTask.objects.filter(
                workflow_id=order.workflow_id, sort_order__gt=order.sort_order, task__active=True
            ).exists()
            for order in orders
        )

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if actions and not self.user_may_approve(obj, user):
            actions = [action for action in actions if action[0] not in APPROVALS]
        if self.is_final_step():
            actions = [
                (name, "Approve with go-live date or comment", True)
                if name == "approve" and modal
                else (name, label, modal)
                for name, label, modal in actions
            ]
        return actions

    def get_form_for_action(self, action):
        if action == "approve" and self.is_final_step():
            return ApproveAndScheduleForm
        return super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        from .workflow import approve, go_live_from, request_changes

        obj = task_state.workflow_state.content_object
        if action_name in APPROVALS:
            # Checked again here: the page editor saves a new revision before it runs the action.
            if not self.user_may_approve(obj, user):
                raise PermissionDenied("You cannot approve your own work.")
            go_live_at = go_live_from(kwargs.pop("go_live_at", None))
            if go_live_at and not self.is_final_step():
                raise PermissionDenied("Only the final approval sets the go-live date.")
            return approve(task_state, user, go_live_at=go_live_at, **kwargs)
        if action_name == "reject":
            return request_changes(task_state, user, **kwargs)
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        # One's own submissions are listed under "My pages in review", not awaiting review.
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return states.exclude(workflow_state__requested_by=user)

    @classmethod
    def get_description(cls):
        return "Members of the chosen groups approve this step, but never their own work"

    class Meta:
        verbose_name = "Group approval by someone else"
        verbose_name_plural = "Group approvals by someone else"
