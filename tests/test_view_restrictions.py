"""Our pages check their view restrictions in one query (editorial.visibility); the answer is
Wagtail's own: the page's and its ancestors', an alias standing for its source page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, PageViewRestriction

import pytest

from .factories.publications import CommentaryPageFactory


def wagtails(page):
    return set(Page.get_view_restrictions(page))


def ours(page):
    return set(page.get_view_restrictions())


@pytest.fixture
def restricted_section(site_tree):
    section, home = site_tree["publications"], site_tree["home"]
    inside = CommentaryPageFactory(parent=section)
    restriction = PageViewRestriction.objects.create(
        page=inside, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    section_rule = PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.LOGIN
    )
    alias = inside.create_alias(parent=home, update_slug="inside-alias")
    return {
        "inside": inside,
        "alias": alias.specific,
        "home": home,
        "section": section,
        "restriction": restriction,
        "section_rule": section_rule,
    }


@pytest.mark.parametrize("name", ["inside", "alias", "home", "section"])
def test_restrictions_are_wagtails_own(restricted_section, name):
    page = restricted_section[name]
    assert ours(page) == wagtails(page)


def test_an_alias_outside_the_section_takes_its_source_pages_restrictions(restricted_section):
    """Wagtail ignores the alias's own place in the tree except for its ancestors: here only
    the source page's password applies, not the section's sign-in."""
    assert ours(restricted_section["alias"]) == {restricted_section["restriction"]}


def test_the_check_is_one_query(restricted_section):
    page = restricted_section["inside"]
    with CaptureQueriesContext(connection) as queries:
        list(page.get_view_restrictions())
    assert len(queries) == 1


def test_an_alias_of_a_private_page_asks_for_its_password(restricted_section, client):
    response = client.get(restricted_section["alias"].url)
    assert response.status_code == 200
    assert b'name="password"' in response.content
