"""Security headers on the public site and the admin (a snapshot: a change must be deliberate)."""

import re

import pytest

from ..conftest import SEED_COMMENTARY_URL

ENFORCED = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
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
    # Pages with JSON-LD add a per-response nonce for that one script block (and only then).
    policy = response["Content-Security-Policy"]
    nonce = re.search(r" 'nonce-([^']+)'", policy)
    assert re.sub(r" 'nonce-[^']+'", "", policy) == ENFORCED
    if nonce:
        assert f'<script type="application/ld+json" nonce="{nonce.group(1)}">' in (
            response.content.decode()
        )
    assert "Content-Security-Policy-Report-Only" not in response
    assert "unsafe-inline" not in response["Content-Security-Policy"]


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
