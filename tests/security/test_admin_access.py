"""The admin views Wagtail's advisories named, against a user who works in another section.

A contributor to the expert profiles only must get nothing from a commentary's draft in the
publications section, and change nothing: no revision, no log entry, no state change.
"""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import GroupPagePermission

import pytest

from ..conftest import make_user, sign_in
from ..workflow.conftest import commentary_form, create_draft, state

SECRET_TITLE = "Arms Control After the Treaties"


@pytest.fixture
def outsider(editorial):
    """A contributor with rights on the experts section only."""
    group = Group.objects.create(name="Profile contributors")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=editorial["experts"],
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    return make_user("outsider", group.name)


@pytest.fixture
def draft(editorial, client):
    page = create_draft(client, editorial["author"], editorial["publications"], editorial["expert"])
    from .. import workflow  # noqa: F401
    from ..workflow.conftest import edit

    edit(client, editorial["author"], page, lead="A second, secret lead.")
    page.refresh_from_db()
    client.logout()
    return page


def requests_for(page, editorial):
    latest = page.get_latest_revision()
    image = Image.objects.create(title="Chart", file=get_test_image_file())
    return {
        "revision compare": (
            "get",
            reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, "earliest", latest.pk]),
            None,
        ),
        "revision view": (
            "get",
            reverse("wagtailadmin_pages:revisions_view", args=[page.pk, latest.pk]),
            None,
        ),
        "history": ("get", reverse("wagtailadmin_pages:history", args=[page.pk]), None),
        "edit": ("get", reverse("wagtailadmin_pages:edit", args=[page.pk]), None),
        "copy": (
            "post",
            reverse("wagtailadmin_pages:copy", args=[page.pk]),
            {
                "new_title": "Copied",
                "new_slug": "copied",
                "new_parent_page": editorial["experts"].pk,
            },
        ),
        "preview": (
            "post",
            reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]),
            commentary_form(page),
        ),
        "view draft": ("get", reverse("wagtailadmin_pages:view_draft", args=[page.pk]), None),
        "explorer": (
            "get",
            reverse("wagtailadmin_explore", args=[editorial["publications"].pk]),
            None,
        ),
        "bulk publish": (
            "post",
            reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
            + f"?id={page.pk}",
            {},
        ),
        "bulk delete": (
            "post",
            reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
            + f"?id={page.pk}",
            {},
        ),
        "image URL generator": (
            "get",
            reverse("wagtailimages:url_generator", args=[image.pk]),
            None,
        ),
        "privacy": (
            "post",
            reverse("wagtailadmin_pages:set_privacy", args=[page.pk]),
            {"restriction_type": "none"},
        ),
        "lock": ("post", reverse("wagtailadmin_pages:lock", args=[page.pk]), {}),
        "delete": ("post", reverse("wagtailadmin_pages:delete", args=[page.pk]), {}),
        "unpublish": ("post", reverse("wagtailadmin_pages:unpublish", args=[page.pk]), {}),
        "move": (
            "post",
            reverse("wagtailadmin_pages:move_confirm", args=[page.pk, editorial["experts"].pk]),
            {},
        ),
        "workflow history": (
            "get",
            reverse("wagtailadmin_pages:workflow_history", args=[page.pk]),
            None,
        ),
        "usage": ("get", reverse("wagtailadmin_pages:usage", args=[page.pk]), None),
    }


VIEWS = [
    "revision compare",
    "revision view",
    "history",
    "edit",
    "copy",
    "preview",
    "view draft",
    "explorer",
    "bulk publish",
    "bulk delete",
    "image URL generator",
    "privacy",
    "lock",
    "delete",
    "unpublish",
    "move",
    "workflow history",
    "usage",
]

# Reports every admin user may open; they must list nothing from sections the user cannot see.
REPORTS = [
    "wagtailadmin_reports:site_history_results",
    "wagtailadmin_reports:locked_pages_results",
    "wagtailadmin_reports:workflow_results",
    "wagtailadmin_reports:workflow_tasks_results",
    "wagtailadmin_reports:aging_pages_results",
]


@pytest.mark.parametrize("view", VIEWS)
def test_a_user_from_another_section_gets_nothing_and_changes_nothing(
    editorial, client, outsider, draft, view
):
    method, url, data = requests_for(draft, editorial)[view]
    before = state(draft)
    sign_in(client, outsider)
    response = getattr(client, method)(url, data) if data is not None else client.get(url)
    body = response.content.decode(errors="replace")
    assert response.status_code in (302, 403, 404), (view, response.status_code)
    if response.status_code == 302:
        assert not response["Location"].startswith(f"/admin/pages/{draft.pk}/"), response[
            "Location"
        ]
    assert "secret lead" not in body and SECRET_TITLE not in body
    assert state(draft) == before
    draft.refresh_from_db()
    assert not draft.locked


def test_choosers_do_not_list_drafts_from_other_sections(editorial, client, outsider, draft):
    sign_in(client, outsider)
    url = reverse("wagtailadmin_choose_page_child", args=[editorial["publications"].pk])
    response = client.get(url)
    assert SECRET_TITLE not in response.content.decode()
    search = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Arms"})
    assert SECRET_TITLE not in search.content.decode()
    admin_search = client.get(reverse("wagtailadmin_pages:search"), {"q": "Arms"})
    assert SECRET_TITLE not in admin_search.content.decode()


def test_the_author_still_sees_their_own_draft_in_the_chooser(editorial, client, draft):
    sign_in(client, editorial["author"])
    url = reverse("wagtailadmin_choose_page_child", args=[editorial["publications"].pk])
    assert SECRET_TITLE in client.get(url).content.decode()


@pytest.mark.parametrize("report", REPORTS)
def test_reports_show_nothing_from_another_section(editorial, client, outsider, draft, report):
    sign_in(client, outsider)
    response = client.get(reverse(report))
    assert response.status_code in (200, 302, 403), response.status_code
    assert SECRET_TITLE not in response.content.decode()


def test_reports_do_show_the_section_to_its_own_editor(editorial, client, draft):
    """The report check can fail: the same report lists the draft for someone who may see it."""
    sign_in(client, editorial["editor"])
    url = reverse("wagtailadmin_reports:site_history_results")
    assert SECRET_TITLE in client.get(url).content.decode()


@pytest.mark.parametrize("user_key", ["author", "editor", "chief"])
def test_site_settings_are_closed_to_editorial_roles(editorial, client, user_key):
    """Wagtail's settings views were named in its advisories: only superusers edit the site's
    identity, so no editorial role can rename or deface the site."""
    from wagtail.models import Site

    from sitesettings.models import SiteIdentity

    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["sitesettings", "siteidentity", site.pk])
    sign_in(client, editorial[user_key])
    assert client.get(url).status_code in (302, 403)
    response = client.post(url, {"site_name": "Defaced", "social_links-count": "0"})
    assert response.status_code in (302, 403)
    assert not SiteIdentity.objects.filter(site_name="Defaced").exists()
