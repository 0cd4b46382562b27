"""Security headers on the public site and the admin (a snapshot: a change must be deliberate)."""

import re

import pytest

from ..conftest import SEED_COMMENTARY_URL

ENFORCED = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; report-uri /csp-report/"
)
COMMON = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize("url", ["/", SEED_COMMENTARY_URL, "/publications/"])
def test_public_pages_enforce_the_policy(seeded, client, url):
    response = client.get(url)
    assert response.status_code == 200
    for header, value in COMMON.items():
        assert response[header] == value, header
    # Pages with structured data carry a per-request nonce for their JSON-LD script.
    policy = re.sub(r" 'nonce-[\w-]+'", "", response["Content-Security-Policy"])
    assert policy == ENFORCED
    assert "Content-Security-Policy-Report-Only" not in response
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_nonce_changes_with_every_request(seeded, client):
    nonces = {
        re.search(r"'nonce-([\w-]+)'", client.get(SEED_COMMENTARY_URL)["Content-Security-Policy"])[
            1
        ]
        for _ in range(3)
    }
    assert len(nonces) == 3


def test_admin_login_reports_only(seeded, client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    for header, value in COMMON.items():
        assert response[header] == value, header
    assert response["Content-Security-Policy-Report-Only"] == ENFORCED
    assert "Content-Security-Policy" not in response


def test_public_pages_have_no_inline_script_or_style(seeded, client):
    for url in ["/", SEED_COMMENTARY_URL, "/publications/", "/experts/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and "style=" not in html and "<style" not in html, url
