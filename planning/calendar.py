"""The editorial calendar's entries: one per planned, in-review, scheduled or published commentary.

Each commentary's state and calendar day are computed in SQL, so a period, a filter or a count is
one query (plus one for the bylines) whatever the volume:

- published: live; on its publication date (the date readers see).
- scheduled: approved to go live later; on the approved go-live date.
- in review: in the editorial workflow (or sent back with changes requested); on the planned
  publication date if commissioned, else on its publication date.
- commissioned: a commission not yet in review; on the date the text is due.

Overdue: a commission whose due date has passed and that was never submitted; a commission whose
planned publication date has passed while it is still in review.
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from wagtail.models import Page, Revision, WorkflowState

from publications.models import Byline, CommentaryPage

COMMISSIONED, IN_REVIEW = "commissioned", "in_review"
SCHEDULED, PUBLISHED = "scheduled", "published"
STATES = [
    (COMMISSIONED, "Commissioned"),
    (IN_REVIEW, "In review"),
    (SCHEDULED, "Scheduled"),
    (PUBLISHED, "Published"),
]
STATE_LABELS = dict(STATES)
ACTIVE_REVIEW = [WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES]


def entries(today=None):
    """Every commentary that belongs in the calendar, annotated with state, day and overdue."""
    today = today or timezone.localdate()
    page_type = ContentType.objects.get_for_model(Page)
    page_id = Cast(OuterRef("pk"), output_field=CharField())
    workflows = WorkflowState.objects.filter(base_content_type=page_type, object_id=page_id)
    active = workflows.filter(status__in=ACTIVE_REVIEW).order_by("-created_at")
    schedules = Revision.objects.filter(
        base_content_type=page_type, object_id=page_id, approved_go_live_at__isnull=False
    ).order_by("approved_go_live_at")
    return (
        CommentaryPage.objects.annotate(
            review_status=Subquery(active.values("status")[:1]),
            review_step=Subquery(active.values("current_task_state__task__name")[:1]),
            scheduled_at=Subquery(schedules.values("approved_go_live_at")[:1]),
            submitted=Exists(workflows),
        )
        .annotate(
            state=Case(
                When(live=True, then=Value(PUBLISHED)),
                When(scheduled_at__isnull=False, then=Value(SCHEDULED)),
                When(review_status__isnull=False, then=Value(IN_REVIEW)),
                When(commission__isnull=False, then=Value(COMMISSIONED)),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .exclude(state="")
        .annotate(
            day=Case(
                When(state=PUBLISHED, then=F("date")),
                When(state=SCHEDULED, then=TruncDate("scheduled_at")),
                When(state=IN_REVIEW, then=Coalesce("commission__publish_on", "date")),
                default=F("commission__due_on"),
                output_field=DateField(),
            ),
            overdue=Case(
                When(
                    state=COMMISSIONED,
                    submitted=False,
                    commission__due_on__lt=today,
                    then=Value(True),
                ),
                When(state=IN_REVIEW, commission__publish_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )


def with_display_relations(queryset):
    return queryset.select_related("commission__editor").prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("expert"))
    )


def human_date(day):
    return date_format(day, "j F Y")


def week_of(day):
    start = day - datetime.timedelta(days=day.weekday())
    return start, start + datetime.timedelta(days=6)


def counts(today=None):
    """Commissions due from today to Sunday, and overdue entries, in one query."""
    today = today or timezone.localdate()
    sunday = week_of(today)[1]
    queryset = entries(today)
    # An aggregate named like an annotation it filters on would shadow it: distinct names.
    found = queryset.aggregate(
        due_count=Count("pk", filter=Q(state=COMMISSIONED, day__gte=today, day__lte=sunday)),
        overdue_count=Count("pk", filter=Q(overdue=True)),
    )
    return {"due_this_week": found["due_count"], "overdue": found["overdue_count"]}


@dataclass
class Entry:
    page: CommentaryPage

    @property
    def state(self):
        return self.page.state

    @property
    def state_label(self):
        return STATE_LABELS[self.page.state]

    @property
    def day(self):
        return self.page.day

    @property
    def overdue(self):
        return self.page.overdue

    @property
    def step(self):
        """The workflow step of an entry in review, as the admin names it."""
        if self.page.state != IN_REVIEW:
            return ""
        step = self.page.review_step or "Review"
        if self.page.review_status == WorkflowState.STATUS_NEEDS_CHANGES:
            return f"Changes requested at: {step}"
        return step

    @property
    def commission(self):
        return getattr(self.page, "commission", None)

    @property
    def editor(self):
        return self.commission.editor if self.commission else None

    @property
    def experts(self):
        return [byline.expert for byline in self.page.bylines.all()]

    @property
    def overdue_reason(self):
        if not self.overdue:
            return ""
        if self.state == COMMISSIONED:
            return f"Text was due on {human_date(self.commission.due_on)}"
        return f"Planned for {human_date(self.commission.publish_on)}, still in review"

    @property
    def edit_url(self):
        return reverse("wagtailadmin_pages:edit", args=[self.page.pk])

    @property
    def scheduled_at(self):
        return self.page.scheduled_at


def as_entries(queryset):
    return [Entry(page) for page in queryset]
