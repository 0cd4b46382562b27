"""Run the compose file's own migrate, web and worker commands against the local PostgreSQL and
Redis, with production settings, and request the seed commentary through gunicorn as if behind
a TLS-terminating proxy; then the edge as compose runs it (scripts/edge.py: Varnish with the
repository's VCL, the media service's nginx config): the seed commentary and an image rendition
through Varnish, and an original document refused under /media/. Prints a table; exits non-zero
when a check fails.

    python scripts/compose_smoke.py   (needs PostgreSQL on 127.0.0.1:5432, Redis on :6379 and
                                       Debian's varnish, varnish-modules and nginx)
"""

import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import edge
import redis
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATABASE = os.environ.get("SMOKE_DATABASE", "agora_smoke")
SEED = "/publications/why-is-it-so-difficult-for-russia-and-japan-to-come-to-agreement/"
# An editor's upload, as the admin would store it: an image with a rendition, and a document.
UPLOADS = """
import io
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
png = io.BytesIO()
Image.new("RGB", (64, 48), (200, 30, 30)).save(png, "PNG")
image = get_image_model().objects.create(
    title="Smoke portrait", file=ImageFile(png, name="smoke-portrait.png")
)
document = get_document_model().objects.create(
    title="Smoke report", file=ContentFile(b"%PDF-1.4 smoke", name="smoke-report.pdf")
)
print(image.get_rendition("fill-32x32").url)
print(document.file.url)
"""


def command(service, compose):
    cmd = compose["services"][service]["command"]
    return cmd if isinstance(cmd, list) else ["sh", "-c", cmd]


def fetch(path, port=8000, **headers):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def through_the_edge(media_root, rendition_url, document_url):
    results = []
    proxied = {"Host": "commentary.example.org", "X-Forwarded-Proto": "https"}
    with edge.media_server(media_root) as media, edge.varnish(8000, media) as varnish:
        status, body, _ = fetch(SEED, varnish, **proxied)
        _, _, headers = fetch(SEED, varnish, **proxied)
        ok = status == 200 and b"Why Is It So Difficult" in body and headers["X-Cache"] == "HIT"
        results.append(("seed commentary via Varnish", ok, f"{status}, {headers['X-Cache']}"))
        status, body, headers = fetch(rendition_url, varnish, **proxied)
        ok = (
            status == 200
            and body.startswith(b"\x89PNG")
            and headers.get("Content-Type") == "image/png"
            and headers.get("X-Content-Type-Options") == "nosniff"
            and "sandbox" in headers.get("Content-Security-Policy", "")
        )
        results.append(
            ("image rendition via Varnish", ok, f"{status} {rendition_url} {len(body)} bytes")
        )
        statuses = [fetch(document_url, port, **proxied)[0] for port in (varnish, media)]
        # Wagtail serves the document at /documents/<id>/<name> (serve_view), not from disk.
        results.append(
            ("original document not under /media/", statuses == [404, 404], f"{statuses}")
        )
    return results


def main():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    # Readable by nginx's workers, which run as another user.
    media_root = Path(edge.workdir_for("media-root"))
    try:
        return smoke(compose, media_root)
    finally:
        shutil.rmtree(media_root, ignore_errors=True)


def smoke(compose, media_root):
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
        "MEDIA_ROOT": str(media_root),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    env.pop("DEBUG", None)
    # The smoke's own Redis database: entries of an earlier run (a rendition record, a cached
    # page) would describe a database and media folder that no longer exist.
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
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
    uploads = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", UPLOADS],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    rendition_url, document_url = uploads.stdout.split()[-2:]
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
        results += through_the_edge(media_root, rendition_url, document_url)
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
