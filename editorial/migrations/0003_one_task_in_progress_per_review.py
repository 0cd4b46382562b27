"""At most one task in progress per workflow state, enforced by the database.

An edit after approval used to start the first step twice (Wagtail's cancel() restarts the
review itself, then ours did again), leaving two "Review by editors" in progress: a live page
then showed as awaiting review. Wagtail's migrations own wagtailcore_taskstate, so the partial
unique index is added here, in SQL that SQLite and PostgreSQL both understand. Duplicates an
install already has are cancelled first, keeping the one the workflow state points to.
"""

from django.db import migrations
from django.db.models import Count
from django.utils import timezone

INDEX = "editorial_one_task_in_progress"


def cancel_duplicates(apps, schema_editor):
    TaskState = apps.get_model("wagtailcore", "TaskState")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    doubled = (
        TaskState.objects.filter(status="in_progress")
        .values("workflow_state_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("workflow_state_id", flat=True)
    )
    for state in WorkflowState.objects.filter(pk__in=list(doubled)):
        TaskState.objects.filter(workflow_state=state, status="in_progress").exclude(
            pk=state.current_task_state_id
        ).update(
            status="cancelled",
            finished_at=timezone.now(),
            comment="Cancelled: a second copy of the step in progress.",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0002_review_steps_refuse_own_work"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(cancel_duplicates, migrations.RunPython.noop),
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {INDEX} ON wagtailcore_taskstate (workflow_state_id) "
            "WHERE status = 'in_progress'",
            f"DROP INDEX {INDEX}",
        ),
    ]
