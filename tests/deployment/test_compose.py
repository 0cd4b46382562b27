"""docker-compose.yml and the Dockerfile, checked against what the settings actually read.

There is no Docker engine on our machines; CI also runs the compose file's web and worker
commands for real (scripts/compose_smoke.py).
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["migrate", "web", "worker"]
# Read by something other than our settings: Django itself, the images, the shell commands.
READ_ELSEWHERE = {
    "DJANGO_SETTINGS_MODULE",
    "POSTGRES_DB",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "WEB_WORKERS",
    "PORT",
}


def settings_variables():
    names = set()
    pattern = re.compile(
        r"(?:os\.environ(?:\.get|\.setdefault)?\(|os\.environ\[|env_bool\(|env_list\()\s*\"(\w+)\""
    )
    for path in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(pattern.findall(path.read_text()))
    return names


def test_services_are_all_there():
    assert set(SERVICES) == {"db", "redis", "migrate", "web", "worker", "varnish"}


def test_database_and_redis_have_healthchecks_that_web_waits_for():
    assert "pg_isready" in " ".join(SERVICES["db"]["healthcheck"]["test"])
    assert "ping" in SERVICES["redis"]["healthcheck"]["test"]
    for service in APP_SERVICES:
        assert SERVICES[service]["depends_on"]["db"]["condition"] == "service_healthy", service
    assert SERVICES["web"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert SERVICES["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_web_has_a_healthcheck_on_healthz():
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "/healthz" in (ROOT / "Dockerfile").read_text()


def test_named_volumes_for_database_and_media():
    assert set(COMPOSE["volumes"]) == {"pgdata", "media"}
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    for service in APP_SERVICES:
        assert "media:/app/media" in SERVICES[service]["volumes"]


def test_production_settings_and_no_secrets_in_the_file():
    for service in APP_SERVICES:
        env = SERVICES[service]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert "${POSTGRES_PASSWORD:?" in SERVICES["db"]["environment"]["POSTGRES_PASSWORD"]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_variable_the_compose_file_sets_is_read_by_the_settings(service):
    read = settings_variables() | READ_ELSEWHERE
    assert set(SERVICES[service]["environment"]) <= read


def test_every_variable_in_env_example_is_read_by_the_settings():
    names = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert names - (settings_variables() | READ_ELSEWHERE) == set()
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD"} <= names


def test_dockerfile_is_slim_non_root_pinned_and_collects_static():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.12-slim" in dockerfile
    assert "USER agora" in dockerfile
    assert "pip install --no-cache-dir -r requirements.lock" in dockerfile
    assert "collectstatic" in dockerfile and "HEALTHCHECK" in dockerfile


def test_worker_runs_the_scheduler():
    assert SERVICES["worker"]["command"][:3] == ["python", "manage.py", "run_scheduler"]


def test_varnish_fronts_web_with_the_repository_vcl_and_is_purged_by_the_app():
    varnish = SERVICES["varnish"]
    assert varnish["image"].startswith("varnish:")
    assert "./deploy/varnish/default.vcl:/etc/varnish/default.vcl:ro" in varnish["volumes"]
    assert varnish["depends_on"]["web"]["condition"] == "service_healthy"
    assert any(port.endswith(":80") for port in varnish["ports"])
    vcl = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
    assert '.host = "web";' in vcl and '.port = "8000";' in vcl
    for service in APP_SERVICES:
        # The web and worker processes purge it when they publish (scheduled publishing too).
        assert SERVICES[service]["environment"]["VARNISH_URL"] == "http://varnish:80"
