"""The editorial roles, their permissions and the review workflow, created idempotently.

Page permissions are granted on the publications and experts sections only. Nobody but a
superuser publishes directly: the workflow's last step (the editor-in-chief's approval) does.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import SeparatedApprovalTask

AUTHORS = "Authors"
EDITORS = "Editors"
EDITOR_IN_CHIEF = "Editor-in-chief"
WORKFLOW_NAME = "Editorial review"

PAGE_PERMISSIONS = {
    AUTHORS: ["add_page", "lock_page"],
    EDITORS: ["add_page", "change_page", "lock_page"],
    EDITOR_IN_CHIEF: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
# Everyone uploads and chooses images and documents; editors also curate the vocabularies.
MODEL_PERMISSIONS = {
    AUTHORS: ["wagtailadmin.access_admin"],
    EDITORS: [
        "wagtailadmin.access_admin",
        *(
            f"taxonomy.{action}_{model}"
            for action in ("add", "change", "delete")
            for model in ("region", "competence")
        ),
    ],
}
MODEL_PERMISSIONS[EDITOR_IN_CHIEF] = [*MODEL_PERMISSIONS[EDITORS], "security.require_two_factor"]
COLLECTION_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
]
WORKFLOW_STEPS = [
    ("Review by editors", EDITORS),
    ("Approval by the editor-in-chief", EDITOR_IN_CHIEF),
]


def permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def editorial_sections():
    """The two sections the roles work in: the publications listing and the expert directory."""
    models = [
        apps.get_model("publications", "PublicationIndexPage"),
        apps.get_model("experts", "ExpertIndexPage"),
    ]
    return [page for model in models for page in model.objects.all()]


@transaction.atomic
def ensure_editorial_setup():
    sections = editorial_sections()
    root_collection = Collection.get_first_root_node()
    groups = {}
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.set([permission(dotted) for dotted in MODEL_PERMISSIONS[name]])
        for section in sections:
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=section, permission=permission(f"wagtailcore.{codename}")
                )
        for dotted in COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission(dotted)
            )

    # Wagtail's install gives its own "Editors" and "Moderators" groups rights on the whole
    # tree and a "Moderators approval" workflow on the root: our roles replace all of that.
    GroupPagePermission.objects.filter(group__in=groups.values()).exclude(
        page__in=sections
    ).delete()
    Group.objects.filter(name="Moderators", user__isnull=True).delete()
    GroupCollectionPermission.objects.filter(group__in=groups.values()).exclude(
        permission__in=[permission(dotted) for dotted in COLLECTION_PERMISSIONS]
    ).delete()
    WorkflowPage.objects.exclude(page__in=sections).delete()
    Workflow.objects.filter(name="Moderators approval").update(active=False)

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    for order, (task_name, group_name) in enumerate(WORKFLOW_STEPS):
        task = SeparatedApprovalTask.objects.filter(name=task_name).first()
        if task is None:
            task = SeparatedApprovalTask.objects.create(name=task_name)
        task.groups.set([groups[group_name]])
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=task, defaults={"sort_order": order}
        )
    for section in sections:
        WorkflowPage.objects.update_or_create(page=section, defaults={"workflow": workflow})
    return groups, workflow
