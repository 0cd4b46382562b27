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
    "VARNISH_SIZE",
    "VARNISH_BIND",
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
    assert set(SERVICES) == {"db", "redis", "migrate", "web", "worker", "varnish", "media"}


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


def vcl_acl(name):
    vcl = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
    body = re.search(r"acl " + name + r" \{(.*?)\}", vcl, re.S).group(1)
    entries = set()
    for line in body.splitlines():
        line = line.split("#", 1)[0].strip().rstrip(";")
        if line:
            match = re.fullmatch(r'(!\s*)?"([^"]+)"(?:/(\d+))?', line)
            assert match, line
            negated, address, bits = match.groups()
            entries.add(("!" if negated else "") + address + (f"/{bits}" if bits else ""))
    return entries


def test_only_the_proxy_publishes_a_port_so_clients_cannot_bypass_varnish():
    # A published gunicorn port would take requests that skip the cache, the edge limits and
    # the TLS proxy, with an X-Forwarded-For of the client's choosing.
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"varnish"}
    assert SERVICES["web"]["expose"] == ["8000"]
    # And by default on the host's loopback only, where the TLS proxy runs.
    assert SERVICES["varnish"]["ports"] == ["${VARNISH_BIND:-127.0.0.1}:${VARNISH_PORT:-6081}:80"]


def test_purge_acl_allows_only_the_compose_network_not_every_private_range():
    network = COMPOSE["networks"]["default"]["ipam"]["config"][0]
    assert not any("networks" in service for service in SERVICES.values())  # all on default
    assert vcl_acl("purgers") == {
        "127.0.0.1",
        "::1",
        network["subnet"],
        # Connections through the published port arrive from the gateway: never a purger.
        "!" + network["gateway"],
    }


def test_redis_and_varnish_memory_are_bounded_with_lru_eviction():
    redis = SERVICES["redis"]["command"]
    assert redis[redis.index("--maxmemory") + 1] == "256mb"
    assert redis[redis.index("--maxmemory-policy") + 1] == "allkeys-lru"
    varnish = SERVICES["varnish"]
    # malloc storage of a fixed size evicts least recently used objects when it is full.
    assert varnish["command"][varnish["command"].index("-s") + 1] == "malloc,${VARNISH_SIZE:-256M}"
    assert varnish["environment"]["VARNISH_SIZE"] == "${VARNISH_SIZE:-256M}"


def test_media_is_served_read_only_by_the_media_service_behind_varnish():
    media = SERVICES["media"]
    assert media["image"].startswith("nginx:")
    assert "media:/srv/media:ro" in media["volumes"]
    assert "./deploy/nginx/media.conf:/etc/nginx/conf.d/default.conf:ro" in media["volumes"]
    assert media["expose"] == ["8080"] and "ports" not in media
    assert SERVICES["varnish"]["depends_on"]["media"]["condition"] == "service_started"
    vcl = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
    assert '.host = "media";' in vcl and '.port = "8080";' in vcl
