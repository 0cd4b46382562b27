"""Stored and reflected XSS: payloads in every editor-controlled field and every query parameter
come out escaped or stripped, on every public page and the admin listing."""

from django.urls import reverse

import pytest

from ..conftest import make_user, sign_in
from .surfaces import QUERY_KEYS, SEED_PUBLIC_URLS
from .xss import PAYLOADS, executable_parts


def public_urls(site):
    return [
        "/",
        "/publications/",
        f"/publications/?region={site['region'].slug}",
        site["page"].url,
        "/experts/",
        site["expert"].url,
        "/regions/",
        f"/regions/{site['region'].slug}/",
        "/competences/",
        f"/competences/{site['competence'].slug}/",
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_stored_payloads_never_execute_on_public_pages(poisoned, client, payload):
    site = poisoned(payload)
    for url in public_urls(site):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert executable_parts(html) == [], (url, payload)


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_stored_payloads_never_execute_in_admin_listings(poisoned, client, payload):
    site = poisoned(payload)
    sign_in(client, make_user("root", is_superuser=True, is_staff=True))
    for url in [
        reverse("wagtailadmin_explore", args=[site["page"].get_parent().pk]),
        reverse("wagtailadmin_explore", args=[site["expert"].get_parent().pk]),
        reverse("wagtailsnippets_taxonomy_region:list"),
        reverse("wagtailadmin_pages:history", args=[site["page"].pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        # The admin has its own (report-only) inline scripts; payloads must add none.
        assert not [p for p in executable_parts(response.content.decode()) if "alert" in p], url


@pytest.mark.parametrize("payload", PAYLOADS)
def test_reflected_payloads_in_every_parameter_never_execute(seeded, client, payload):
    for url in SEED_PUBLIC_URLS:
        for parameter in QUERY_KEYS:
            response = client.get(url, {parameter: payload})
            assert response.status_code < 500, (url, parameter)
            if response.status_code == 200 and "html" in response["Content-Type"]:
                assert executable_parts(response.content.decode()) == [], (url, parameter)


def test_the_checker_itself_catches_each_kind_of_payload():
    """The guard must be able to fail: raw payloads are all detected."""
    for payload in PAYLOADS[:11]:
        raw = f'<a href="{payload}">x</a>' if payload.startswith("javascript:") else payload
        assert executable_parts(f"<p>{raw}</p>"), payload
