"""The CSP report endpoint: what browsers post when the policy blocks something."""

import json

from django.core.cache import cache

import pytest

from config import csp_reports

LEGACY = {
    "csp-report": {
        "document-uri": "http://testserver/admin/pages/3/edit/",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "https://evil.example/x.js",
    }
}
REPORTING_API = [
    {
        "type": "csp-violation",
        "url": "http://testserver/",
        "body": {
            "documentURL": "http://testserver/",
            "effectiveDirective": "img-src",
            "blockedURL": "https://tracker.example/p.gif",
        },
    }
]


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def post(client, body, content_type="application/csp-report", ip="203.0.113.5"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post("/csp-report/", data, content_type=content_type, REMOTE_ADDR=ip)


def test_a_violation_report_is_accepted_and_logged(db, client, caplog):
    with caplog.at_level("WARNING", logger="agora.csp"):
        assert post(client, LEGACY).status_code == 204
        assert post(client, REPORTING_API, "application/reports+json").status_code == 204
    assert "directive=script-src-elem blocked=https://evil.example/x.js" in caplog.text
    assert "directive=img-src blocked=https://tracker.example/p.gif" in caplog.text


@pytest.mark.parametrize(
    "body",
    ["{not json", b"\xff\xfe", "[]", '"a string"', '{"csp-report": 1}', "[1, 2]", "null"],
)
def test_a_malformed_report_is_a_400_never_a_500(db, client, body):
    assert post(client, body).status_code == 400


def test_an_oversized_report_is_refused(db, client):
    huge = {"csp-report": {**LEGACY["csp-report"], "blocked-uri": "x" * 20_000}}
    assert post(client, huge).status_code == 400


def test_a_report_of_another_type_or_by_get_is_refused(db, client):
    assert post(client, LEGACY, content_type="text/plain").status_code == 400
    assert client.get("/csp-report/").status_code == 405


def test_the_endpoint_needs_no_csrf_token(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, LEGACY).status_code == 204


def test_a_flood_of_reports_from_one_address_is_rate_limited(db, client):
    for _ in range(csp_reports.PER_MINUTE):
        assert post(client, LEGACY).status_code == 204
    assert post(client, LEGACY).status_code == 429
    # Another address is unaffected.
    assert post(client, LEGACY, ip="198.51.100.1").status_code == 204


def test_public_and_admin_policies_name_the_report_endpoint(seeded, client):
    assert "report-uri /csp-report/" in client.get("/")["Content-Security-Policy"]
    admin = client.get("/admin/login/")["Content-Security-Policy-Report-Only"]
    assert "report-uri /csp-report/" in admin
