"""Dashboard panels for editors. Each is one query (plus Wagtail's fixed overhead), capped."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from wagtail.admin.ui.components import Component
from wagtail.models import Page, PageLogEntry, Revision, TaskState, WorkflowState

from .scheduler import overdue

LIMIT = 20


def edit_url(page_id):
    return reverse("wagtailadmin_pages:edit", args=[page_id])


def page_type():
    return ContentType.objects.get_for_model(Page)


class ListPanel(Component):
    template_name = "editorial/panels/list.html"
    heading = ""
    empty = ""

    def rows(self, user):
        raise NotImplementedError

    def get_context_data(self, parent_context):
        rows = list(self.rows(parent_context["request"].user))
        return {"heading": self.heading, "rows": rows, "empty": self.empty, "name": self.name}


class AwaitingMyReviewPanel(ListPanel):
    name = "awaiting-my-review"
    heading = "Awaiting my review"
    empty = "Nothing is waiting for your review."
    order = 200

    def rows(self, user):
        states = (
            TaskState.objects.reviewable_by(user)
            .filter(workflow_state__base_content_type=page_type())
            .select_related("revision__user", "task")
            .order_by("-started_at")[:LIMIT]
        )
        for state in states:
            yield {
                "title": state.revision.object_str,
                "url": edit_url(state.revision.object_id),
                "detail": f"{state.task.name}; submitted by {state.revision.user or 'unknown'}",
                "when": state.started_at,
            }


class MyPagesInReviewPanel(ListPanel):
    name = "my-pages-in-review"
    heading = "My pages in review"
    empty = "None of your pages is in review."
    order = 210

    def rows(self, user):
        page_id = Cast(OuterRef("object_id"), output_field=IntegerField())
        owned = Exists(Page.objects.filter(owner=user, id=page_id))
        states = (
            WorkflowState.objects.active()
            .filter(base_content_type=page_type())
            .filter(owned | Q(requested_by=user))
            .annotate(title=Subquery(Page.objects.filter(id=page_id).values("title")[:1]))
            .select_related("current_task_state__task")
            .order_by("-current_task_state__started_at")[:LIMIT]
        )
        for state in states:
            task = state.current_task_state
            yield {
                "title": state.title,
                "url": edit_url(state.object_id),
                "detail": detail_of(state, task),
                "when": task.started_at if task else state.created_at,
            }


def detail_of(state, task):
    """Where the author's page stands, said so they know whether it is their turn."""
    if task is None:
        return ""
    if state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return f"Changes requested at {task.task.name}"
    return f"At: {task.task.name}"


class ScheduledPanel(ListPanel):
    name = "scheduled"
    heading = "Scheduled to go live"
    empty = "Nothing is scheduled."
    order = 215

    def rows(self, user):
        revisions = Revision.objects.filter(
            base_content_type=page_type(), approved_go_live_at__isnull=False
        ).order_by("approved_go_live_at")[:LIMIT]
        now = timezone.now()
        for revision in revisions:
            yield {
                "title": revision.object_str,
                "url": edit_url(revision.object_id),
                "detail": "overdue" if revision.approved_go_live_at < now else "goes live",
                "when": revision.approved_go_live_at,
            }


class RecentlyPublishedPanel(ListPanel):
    name = "recently-published"
    heading = "Recently published"
    empty = "Nothing has been published yet."
    order = 230

    def rows(self, user):
        entries = (
            PageLogEntry.objects.filter(action__in=["wagtail.publish", "wagtail.publish.scheduled"])
            .select_related("user")
            .order_by("-timestamp")[:10]
        )
        for entry in entries:
            by = "on schedule" if entry.action.endswith("scheduled") else f"by {entry.user or '-'}"
            yield {
                "title": entry.label,
                "url": edit_url(entry.page_id),
                "detail": f"published {by}",
                "when": entry.timestamp,
            }


class OverdueSchedulePanel(Component):
    """A warning when scheduled pages did not go live: the scheduler worker is probably down."""

    name = "overdue-schedule"
    template_name = "editorial/panels/overdue.html"
    order = 50

    def get_context_data(self, parent_context):
        return {"overdue": list(overdue()[:LIMIT])}
