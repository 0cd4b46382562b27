"""Who may frame what: Wagtail's previews by the admin's own origin only (the preview panel and
its Checks panel live in an iframe), every public page and review link by nobody."""

import re
from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse

from bs4 import BeautifulSoup

from .conftest import sign_in
from .factories.publications import CommentaryPageFactory
from .workflow.conftest import commentary_form

CSP = "Content-Security-Policy"
CSP_REPORT_ONLY = "Content-Security-Policy-Report-Only"


def directives(policy):
    """A policy as {directive: [sources]}, the per-request nonce left out."""
    parsed = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, *sources = part.split()
        parsed[name] = [s for s in sources if not s.startswith("'nonce-")]
    return parsed


def assert_framable_by_self_only(response):
    assert response.status_code == 200
    policy = directives(response[CSP])
    assert policy["frame-ancestors"] == ["'self'"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # Nothing else relaxed: the page's own enforced policy, not the admin's report-only one.
    assert {k: v for k, v in policy.items() if k != "frame-ancestors"} == {
        k: v for k, v in public_policy().items() if k != "frame-ancestors"
    }
    assert CSP_REPORT_ONLY not in response


def assert_not_framable(response):
    assert response.status_code == 200
    assert directives(response[CSP])["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def public_policy():
    from django.conf import settings
    from django.utils.csp import build_policy

    return directives(build_policy(settings.SECURE_CSP))


def commentary(editorial, **kwargs):
    page = CommentaryPageFactory(
        parent=editorial["publications"], authors=[editorial["expert"]], **kwargs
    )
    page.save_revision()
    return page


def test_preview_panel_response_may_be_framed_by_the_admin_only(editorial, client):
    page = commentary(editorial, title="Framed draft")
    sign_in(client, editorial["editor"])
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    saved = client.post(url, commentary_form(page, title="Unsaved title in the panel"))
    assert saved.json() == {"is_valid": True, "is_available": True}

    response = client.get(url, {"mode": "", "in_preview_panel": "true"})

    assert b"Unsaved title in the panel" in response.content
    assert_framable_by_self_only(response)
    # The checker's scripts (the userbar runs axe for the Checks panel) come from the admin's
    # origin, relative to it, not from the page's site hostname: script-src 'self' lets them run.
    html = BeautifulSoup(response.content, "html.parser")
    assert html.select_one("wagtail-userbar") is not None
    sources = [urlsplit(s["src"]) for s in html.select("script[src]")]
    assert any(s.path.endswith("wagtailadmin/js/userbar.js") for s in sources), sources
    assert all(not s.netloc for s in sources), sources
    assert "'self'" in directives(response[CSP])["script-src"]


def test_view_draft_may_be_framed_by_the_admin_only(editorial, client):
    page = commentary(editorial)
    sign_in(client, editorial["editor"])

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))

    assert_framable_by_self_only(response)


def test_public_page_refuses_every_frame(editorial, client):
    page = commentary(editorial)

    assert_not_framable(client.get(page.url))
    # Signed in, with the userbar on the page, and with the preview panel's query string: still
    # a public page, because what decides is the response, not the URL.
    sign_in(client, editorial["editor"])
    response = client.get(page.url, {"in_preview_panel": "true", "mode": ""})
    assert b"wagtail-userbar" in response.content
    assert_not_framable(response)


def test_review_link_page_refuses_every_frame(editorial, client):
    """A draft shown to an outside reviewer is rendered like a preview but is not one."""
    page = commentary(editorial, title="Shared with a reviewer")
    sign_in(client, editorial["editor"])
    created = client.post(
        reverse("planning:review_links", args=[page.pk]),
        {
            "reviewer_name": "Jane Doe",
            "reviewer_email": "jane@example.net",
            "days": 7,
            "version": "pinned",
        },
    )
    link = BeautifulSoup(created.content, "html.parser").select_one("#new-review-url")["href"]

    response = Client().get(urlsplit(link).path)

    assert b"Shared with a reviewer" in response.content
    assert_not_framable(response)


def test_admin_pages_other_than_previews_refuse_every_frame(editorial, client):
    page = commentary(editorial)
    sign_in(client, editorial["editor"])

    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))

    assert response.status_code == 200
    assert CSP not in response  # report-only on the admin (inline scripts), as before
    assert re.search(r"frame-ancestors 'none'", response[CSP_REPORT_ONLY])
    assert response["X-Frame-Options"] == "DENY"


def preview_on_add(client, parent, model, data):
    url = reverse("wagtailadmin_pages:preview_on_add", args=[*model.split("."), parent.pk])
    saved = client.post(url, data)
    assert saved.json() == {"is_valid": True, "is_available": True}
    return client.get(url, {"mode": "", "in_preview_panel": "true"})


def test_a_commentary_never_saved_previews_with_its_authors(editorial, client):
    sign_in(client, editorial["author"])
    data = commentary_form(expert=editorial["expert"], title="A first draft, never saved")

    response = preview_on_add(
        client, editorial["publications"], "publications.commentarypage", data
    )

    assert b"A first draft, never saved" in response.content
    assert editorial["expert"].title.encode() in response.content
    assert_framable_by_self_only(response)


def test_an_expert_never_saved_previews_with_no_work_yet(editorial, client):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    sign_in(client, editorial["editor"])
    data = nested_form_data(
        {
            "title": "Nadia Kim",
            "slug": "nadia-kim",
            "surname": "Kim",
            "position": "Fellow",
            "location": "Seoul",
            "photo": "",
            "competences": "",
            "regions": "",
            "field_of_expertise": rich_text("<p>Energy.</p>"),
            "work_experience": rich_text(""),
            "comments": inline_formset([]),
        }
    )

    response = preview_on_add(client, editorial["experts"], "experts.expertpage", data)

    assert b"Nadia Kim" in response.content and b"Seoul" in response.content
    assert_framable_by_self_only(response)
