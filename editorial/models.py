import re

from django.core.exceptions import PermissionDenied

from wagtail.models import GroupApprovalTask, Revision

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
    return {
        k: IDENTITY.sub("", v) if isinstance(v, str) else v
        for k, v in revision.content.items()
        if k not in BOOKKEEPING
    }


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


class SeparatedApprovalTask(GroupApprovalTask):
    """A group approval step where no one approves their own work.

    Refused for the person who submitted the page for review and for the reviewer who wrote
    its latest text, superusers included (a superuser can still publish directly, which is
    logged as such). They may still request changes: that only sends the page back.
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

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if actions and not self.user_may_approve(obj, user):
            return [action for action in actions if action[0] not in APPROVALS]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        # Checked again here: the page editor saves a new revision before it runs the action.
        if action_name in APPROVALS:
            obj = task_state.workflow_state.content_object
            if not self.user_may_approve(obj, user):
                raise PermissionDenied("You cannot approve your own work.")
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
