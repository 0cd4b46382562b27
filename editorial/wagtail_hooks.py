from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseForbidden

from wagtail import hooks
from wagtail.admin import messages as admin_messages
from wagtail.admin.views.home import (
    UserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel,
)
from wagtail.log_actions import LogFormatter
from wagtail.models import PageSubscription
from wagtail.permission_policies.pages import PagePermissionPolicy

from .audit import ACTION
from .panels import (
    AwaitingMyReviewPanel,
    MyPagesInReviewPanel,
    OverdueSchedulePanel,
    RecentlyPublishedPanel,
    ScheduledPanel,
)
from .workflow import RESTARTED, pop_notices, restart_review_after_edit

# Wagtail's own workflow panels run queries per row; ours are capped single queries.
REPLACED = (UserObjectsInWorkflowModerationPanel, WorkflowObjectsToModeratePanel)


@hooks.register("construct_homepage_panels")
def editorial_panels(request, panels):
    panels[:] = [panel for panel in panels if not isinstance(panel, REPLACED)]
    panels.extend(
        [
            OverdueSchedulePanel(),
            AwaitingMyReviewPanel(),
            MyPagesInReviewPanel(),
            ScheduledPanel(),
            RecentlyPublishedPanel(),
        ]
    )


# Wagtail's generic confirmations, replaced by ones that name what happened.
GENERIC = ("has been updated.", "has been submitted for moderation.")


def replace_confirmations(request, notices):
    """Show our words instead of Wagtail's generic 'has been updated' for the same action."""
    queued = messages.get_messages(request)
    kept = [m for m in queued if not any(words in str(m.message) for words in GENERIC)]
    for message in kept:  # reading the queue empties it: put back what is not replaced
        messages.add_message(request, message.level, message.message, message.extra_tags)
    for level, text in notices:
        getattr(admin_messages, level)(request, text)


@hooks.register("after_edit_page")
def restart_review(request, page):
    notices = pop_notices(request.user)
    reason = restart_review_after_edit(page, request.user)
    if reason:
        notices.append(("warning", reason))
    if request.POST.get("action-submit") and page.current_workflow_task:
        title = page.get_admin_display_title()
        step = page.current_workflow_task
        notices.append(("success", f"“{title}” submitted for review: it is now at {step}."))
    if notices:
        replace_confirmations(request, notices)


def refuse_direct_publish(request, page_perms):
    """A crafted "publish" from someone without the right is refused, not saved as a draft."""
    if request.method == "POST" and "action-publish" in request.POST and not page_perms:
        messages.error(request, "Publishing goes through review: submit the page instead.")
        return HttpResponseForbidden("Publishing goes through review: submit the page instead.")
    return None


@hooks.register("before_edit_page")
def before_edit(request, page):
    return refuse_direct_publish(request, page.permissions_for_user(request.user).can_publish())


@hooks.register("before_create_page")
def before_create(request, parent_page, page_class):
    perms = parent_page.permissions_for_user(request.user)
    return refuse_direct_publish(request, perms.can_publish_subpage())


@hooks.register("after_create_page")
def subscribe_author_to_comments(request, page):
    """Whoever creates a page hears about comments on it, without ticking a box first."""
    PageSubscription.objects.update_or_create(
        page=page, user=request.user, defaults={"comment_notifications": True}
    )


@hooks.register("construct_page_chooser_queryset")
def hide_drafts_outside_own_sections(pages, request):
    """Choosers (links, bylines) offer live pages, plus drafts only where the user works."""
    user = request.user
    if user.is_superuser:
        return pages
    explorable = PagePermissionPolicy().explorable_instances(user)
    return pages.filter(Q(live=True) | Q(pk__in=explorable.values("pk")))


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    actions.register_action(ACTION, "Change permissions", "Permissions changed")

    @actions.register_action(RESTARTED)
    class ReviewRestarted(LogFormatter):
        label = "Review restarted"

        def format_message(self, log_entry):
            return log_entry.data.get("reason") or "Review restarted after a change of text"


@hooks.register("register_log_actions", order=1)  # after Wagtail's own, which it replaces
def say_changes_requested(actions):
    """Wagtail's 'reject' is what the reviewer does when they request changes: say that."""

    @actions.register_action("wagtail.workflow.reject")
    class ChangesRequested(LogFormatter):
        label = "Workflow: changes requested"

        def format_comment(self, log_entry):
            return log_entry.data.get("comment", "")

        def format_message(self, log_entry):
            try:
                return f"Changes requested at '{log_entry.data['workflow']['task']['title']}'"
            except (KeyError, TypeError):
                return "Changes requested"
