"""The two review steps of an existing install become SeparatedApprovalTask.

The task rows keep their ids (a child row is added under each), so task states in progress,
their history and the workflow's order carry on unchanged; only the task's type changes.
"""

from django.db import migrations

STEPS = ["Review by editors", "Approval by the editor-in-chief"]


def separate(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    SeparatedApprovalTask = apps.get_model("editorial", "SeparatedApprovalTask")
    separated, _ = ContentType.objects.get_or_create(
        app_label="editorial", model="separatedapprovaltask"
    )
    plain = ContentType.objects.filter(app_label="wagtailcore", model="groupapprovaltask")
    for task in GroupApprovalTask.objects.filter(name__in=STEPS, content_type__in=plain):
        child = SeparatedApprovalTask(groupapprovaltask_ptr_id=task.pk)
        # raw: insert only the child row, leave the parent rows (name, groups) as they are
        child.save_base(raw=True)
        GroupApprovalTask.objects.filter(pk=task.pk).update(content_type=separated)


def unseparate(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    SeparatedApprovalTask = apps.get_model("editorial", "SeparatedApprovalTask")
    plain, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    ids = list(SeparatedApprovalTask.objects.values_list("pk", flat=True))
    GroupApprovalTask.objects.filter(pk__in=ids).update(content_type=plain)
    SeparatedApprovalTask.objects.filter(pk__in=ids)._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("editorial", "0001_separated_approval_task"),
    ]

    operations = [migrations.RunPython(separate, unseparate)]
