"""/healthz and the answer to a database outage, through the real middleware stack."""

from django.db import OperationalError
from django.test import RequestFactory

from config.resilience import server_error


def test_healthz_reports_database_and_cache(db, client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")  # any host: checked first
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_database_outage_is_a_short_503_not_a_traceback():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"Temporarily unavailable" in response.content and b"Traceback" not in response.content


def test_any_other_error_is_the_static_500_page():
    request = RequestFactory().get("/")
    try:
        raise ValueError("boom")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500 and b"Something went wrong" in response.content
