"""The roles as every fresh install creates them."""

import io

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from wagtail.models import GroupPagePermission, Workflow, WorkflowPage

from editorial.roles import AUTHORS, EDITOR_IN_CHIEF, EDITORS, WORKFLOW_NAME

from ..conftest import sign_in

ROLE_GROUPS = [AUTHORS, EDITORS, EDITOR_IN_CHIEF]


def test_load_seed_creates_roles_and_workflow_idempotently(db):
    call_command("load_seed", stdout=io.StringIO())
    call_command("load_seed", stdout=io.StringIO())
    assert set(Group.objects.filter(name__in=ROLE_GROUPS).values_list("name", flat=True)) == set(
        ROLE_GROUPS
    )
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert [task.name for task in workflow.tasks.order_by("workflow_tasks__sort_order")] == [
        "Review by editors",
        "Approval by the editor-in-chief",
    ]
    assert sorted(WorkflowPage.objects.values_list("page__slug", flat=True)) == [
        "experts",
        "publications",
    ]
    assert GroupPagePermission.objects.filter(group__name=AUTHORS).count() == 4


def test_page_permissions_cover_only_the_two_sections(editorial):
    slugs = set(GroupPagePermission.objects.values_list("page__slug", flat=True))
    assert slugs == {"publications", "experts"}
    # Wagtail's default groups and root workflow are gone or disarmed.
    assert not Group.objects.filter(name="Moderators").exists()
    assert not Workflow.objects.filter(name="Moderators approval", active=True).exists()


def test_no_role_may_publish_directly_nor_manage_users_groups_settings_or_tokens(editorial):
    for name in ROLE_GROUPS:
        group = Group.objects.get(name=name)
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert not codenames & {
            "add_user",
            "change_user",
            "delete_user",
            "add_group",
            "change_group",
            "delete_group",
            "add_site",
            "change_site",
        }
        assert not {c for c in codenames if "token" in c or "setting" in c}
    assert not GroupPagePermission.objects.filter(
        group__name__in=[AUTHORS, EDITORS], permission__codename="publish_page"
    ).exists()


def test_editorial_roles_cannot_open_user_group_or_site_admin(editorial, client):
    for role in ("author", "editor", "chief"):
        sign_in(client, editorial[role])
        for name in (
            "wagtailusers_users:index",
            "wagtailusers_groups:index",
            "wagtailsites:index",
            "wagtailadmin_workflows:index",
        ):
            response = client.get(reverse(name))
            assert response.status_code in (302, 403), (role, name)
            assert response.status_code == 403 or response["Location"] == "/admin/"


def test_every_role_can_open_the_admin_and_the_commentary_editor(editorial, client):
    for role in ("author", "editor", "chief"):
        sign_in(client, editorial[role])
        assert client.get(reverse("wagtailadmin_home")).status_code == 200
        url = reverse(
            "wagtailadmin_pages:add",
            args=["publications", "commentarypage", editorial["publications"].pk],
        )
        assert client.get(url).status_code == 200, role
