"""Run the compose file's own migrate, web and worker commands against the local PostgreSQL and
Redis, with production settings, and request the seed commentary through gunicorn as if behind
a TLS-terminating proxy. Prints a table; exits non-zero when a check fails.

    python scripts/compose_smoke.py   (needs PostgreSQL on 127.0.0.1:5432 and Redis on :6379)
"""

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATABASE = os.environ.get("SMOKE_DATABASE", "agora_smoke")
SEED = "/publications/why-is-it-so-difficult-for-russia-and-japan-to-come-to-agreement/"


def command(service, compose):
    cmd = compose["services"][service]["command"]
    return cmd if isinstance(cmd, list) else ["sh", "-c", cmd]


def fetch(path, **headers):
    request = urllib.request.Request(f"http://127.0.0.1:8000{path}", headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": "redis://127.0.0.1:6379/5",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "commentary.example.org",
        "BEHIND_PROXY": "1",
        "WEB_WORKERS": "2",
        "MEDIA_ROOT": str(ROOT / "media-smoke"),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    env.pop("DEBUG", None)
    results = []
    # As the Dockerfile does at build time.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    subprocess.run(
        command("migrate", compose), cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    web = subprocess.Popen(command("web", compose), cwd=ROOT, env=env, start_new_session=True)
    worker = subprocess.Popen(
        command("worker", compose),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        for _ in range(60):
            try:
                if fetch("/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        status, body, _ = fetch("/healthz")
        results.append(("healthz over plain HTTP", status == 200, f"{status} {body.decode()}"))
        host = {"Host": "commentary.example.org"}
        status, _, headers = fetch(SEED, **host)
        results.append(
            (
                "plain HTTP redirects to HTTPS",
                status == 301,
                f"{status} {headers.get('Location', '')}",
            )
        )
        status, body, headers = fetch(SEED, **host, **{"X-Forwarded-Proto": "https"})
        ok = status == 200 and b"Why Is It So Difficult" in body
        results.append(("seed commentary via proxy HTTPS", ok, f"{status}, {len(body)} bytes"))
        results.append(
            (
                "CSP enforced",
                "Content-Security-Policy" in headers,
                headers.get("Content-Security-Policy", "")[:40],
            )
        )
        status, _, _ = fetch(SEED, Host="evil.example.net", **{"X-Forwarded-Proto": "https"})
        results.append(("unknown Host refused", status == 400, str(status)))
        first_line = worker.stdout.readline().strip()
        results.append(
            ("worker running", worker.poll() is None and "Scheduler" in first_line, first_line)
        )
    finally:
        for process in (web, worker):
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
    width = max(len(name) for name, _, _ in results)
    for name, ok, detail in results:
        print(f"{'PASS' if ok else 'FAIL'}  {name:<{width}}  {detail}")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
