"""Publishing, review, locking, privacy and permission changes leave an entry with who and when,
shown in the site history report."""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from wagtail.log_actions import LogContext
from wagtail.models import GroupPagePermission, ModelLogEntry, PageLogEntry

from ..conftest import make_user, sign_in
from ..workflow.conftest import create_draft, edit, workflow_action


def entries(page):
    return {
        (e.action, e.user.username)
        for e in PageLogEntry.objects.filter(page_id=page.pk)
        if e.user and e.timestamp
    }


def test_page_actions_are_logged_with_user_and_time(editorial, client):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    edit(client, e["author"], page, action="submit")
    workflow_action(client, e["editor"], page, "reject", comment="Sources?")
    edit(client, e["author"], page, action="submit")
    workflow_action(client, e["editor"], page, "approve")
    workflow_action(client, e["chief"], page, "approve")
    sign_in(client, e["chief"])
    client.post(reverse("wagtailadmin_pages:lock", args=[page.pk]))
    client.post(reverse("wagtailadmin_pages:unlock", args=[page.pk]))
    client.post(
        reverse("wagtailadmin_pages:set_privacy", args=[page.pk]), {"restriction_type": "login"}
    )
    client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
    logged = entries(page)
    for expected in [
        ("wagtail.workflow.reject", "editor"),
        ("wagtail.workflow.approve", "editor"),
        ("wagtail.workflow.approve", "chief"),
        ("wagtail.publish", "chief"),
        ("wagtail.lock", "chief"),
        ("wagtail.unlock", "chief"),
        ("wagtail.view_restriction.create", "chief"),
        ("wagtail.unpublish", "chief"),
    ]:
        assert expected in logged, expected


def test_permission_changes_are_logged_with_the_administrator(editorial):
    admin = make_user("root", is_superuser=True, is_staff=True)
    group = Group.objects.get(name="Authors")
    with LogContext(user=admin):
        GroupPagePermission.objects.create(
            group=group,
            page=editorial["home"],
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename="lock_page"
            ),
        )
        group.permissions.remove(Permission.objects.get(codename="access_admin"))
    logged = ModelLogEntry.objects.filter(action="agora.permissions_changed", user=admin)
    assert logged.count() == 2
    assert {entry.data["change"] for entry in logged} == {"granted", "revoked"}


def test_site_history_report_shows_the_entries(editorial, client):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    edit(client, e["author"], page, action="submit")
    admin = make_user("root", is_superuser=True, is_staff=True)
    sign_in(client, admin)
    response = client.get(reverse("wagtailadmin_reports:site_history"))
    assert response.status_code == 200
    assert page.title in response.content.decode()
