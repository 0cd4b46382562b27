"""make resilience: the production stack under load while its dependencies fail.

gunicorn (production settings, 2 workers) against the local PostgreSQL and Redis, loaded from
this process over loopback (bounded in time and count). Phases:
  load       60 s at 64 connections: no errors; requests/s, p95, p99
  postgres   PostgreSQL restarted mid-load: errors only while it is down, and only 503s;
             full recovery within 10 s of it accepting connections
  redis      Redis stopped mid-load: every page still 200, sign-in still works; back: cached
  scheduler  the scheduler worker killed mid-run and restarted: every due page published once
Prints a table; exits non-zero when a check fails. Needs root (it restarts the services).
"""

import http.client
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = 8765
DATABASE = "agora_resilience"
PG_CLUSTER = os.environ.get("PG_CLUSTER") or sorted(os.listdir("/etc/postgresql"))[-1]
PATHS = [
    "/",
    "/publications/?region=japan&competence=global-trends",
    "/publications/why-is-it-so-difficult-for-russia-and-japan-to-come-to-agreement/",
    "/experts/andrey-sushentsov/",
    "/experts/",
    "/search/?q=japan",
]
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]
PY = sys.executable
ENV = {
    **{k: v for k, v in os.environ.items() if k != "DEBUG"},
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    "REDIS_URL": "redis://127.0.0.1:6379/6",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "localhost",
    "BEHIND_PROXY": "1",
    "CONN_MAX_AGE": "60",
}


def run(*args, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=ENV, check=True, **kwargs)


def manage(*args):
    return run(PY, "manage.py", *args, capture_output=True, text=True).stdout


class Load:
    """Bounded load from threads, each with its own keep-alive connection."""

    def __init__(self, connections, seconds):
        self.connections, self.seconds = connections, seconds
        self.samples = []  # (start, duration, status), times from time.monotonic()
        self.lock = threading.Lock()

    def worker(self, index):
        conn = None
        deadline = time.monotonic() + self.seconds
        i = index
        while time.monotonic() < deadline:
            path = PATHS[i % len(PATHS)]
            i += 1
            start = time.monotonic()
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                conn.request(
                    "GET", path, headers={"Host": "localhost", "X-Forwarded-Proto": "https"}
                )
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except OSError:
                status = 0
                conn = None
            with self.lock:
                self.samples.append((start, time.monotonic() - start, status))

    def run(self, during=None):
        threads = [threading.Thread(target=self.worker, args=(i,)) for i in range(self.connections)]
        self.t0 = time.monotonic()
        for thread in threads:
            thread.start()
        if during:
            during(self)
        for thread in threads:
            thread.join()
        return self

    def rate(self):
        return len(self.samples) / self.seconds

    def percentile(self, p):
        durations = sorted(d for _, d, s in self.samples if s == 200)
        return durations[min(len(durations) - 1, int(len(durations) * p))] * 1000

    def errors(self, after=None, before=None):
        """Failed requests that started at or after `after` and ended before `before`."""
        return [
            (t, s)
            for t, d, s in self.samples
            if s != 200 and (after is None or t >= after) and (before is None or t + d < before)
        ]


def wait_for_http(path="/healthz", seconds=60):
    for _ in range(seconds * 4):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.25)
    return False


def pg_ready():
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0


def phase_load(results):
    load = Load(64, 60).run()
    errors = load.errors()
    results.append(
        (
            "load: 60 s, 64 connections, 0 errors",
            not errors,
            f"{len(load.samples)} requests, {load.rate():.0f} req/s, "
            f"p95 {load.percentile(0.95):.0f} ms, p99 {load.percentile(0.99):.0f} ms, "
            f"{len(errors)} errors",
        )
    )


def phase_postgres(results):
    marks = {}

    def restart(load):
        time.sleep(8)
        marks["down"] = time.monotonic()
        subprocess.run(
            [
                "pg_ctlcluster",
                "--skip-systemctl-redirect",
                PG_CLUSTER,
                "main",
                "restart",
                "-m",
                "fast",
            ],
            check=True,
        )
        while not pg_ready():
            time.sleep(0.1)
        marks["up"] = time.monotonic()

    load = Load(32, 40).run(during=restart)
    # A request still in flight when the restart begins may fail with it: it counts as
    # "during", so "before" holds only failures that had ended before the restart.
    before = load.errors(before=marks["down"])
    late = load.errors(after=marks["up"] + 10)
    during = [e for e in load.errors() if e not in before and e not in late]
    last_error = max((t for t, _ in during), default=marks["up"])
    for t, status in before + late:
        print(f"  error outside the outage: {status} at {t - load.t0:.1f} s", file=sys.stderr)
    bad_codes = sorted({s for _, s in during if s not in (503, 0)})
    results.append(
        (
            "postgres restart: errors only while down, 503 only",
            not before and not late and not bad_codes,
            f"down {marks['up'] - marks['down']:.1f} s, {len(during)} errors while down "
            f"(codes {sorted({s for _, s in during}) or '-'}), {len(late)} after "
            f"recovery, recovered {max(0.0, last_error - marks['up']):.1f} s after "
            f"PostgreSQL accepted connections",
        )
    )


def phase_redis(results):
    marks = {}

    def stop(load):
        time.sleep(5)
        subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], check=False)
        marks["down"] = time.monotonic()
        time.sleep(15)
        marks["login"] = sign_in_works()
        subprocess.run(REDIS_START, check=True)
        marks["up"] = time.monotonic()

    load = Load(32, 30).run(during=stop)
    during = load.errors(after=marks["down"], before=marks["up"])
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
    time.sleep(1)
    conn.request("GET", "/healthz")
    cache_back = b'"cache": "ok"' in conn.getresponse().read()
    results.append(
        (
            "redis stopped: pages 200, sign-in works, cache resumes",
            not load.errors() and marks["login"] and cache_back,
            f"{len(load.samples)} requests, {len(during)} errors while Redis was down, "
            f"sign-in {'ok' if marks['login'] else 'FAILED'}, cache "
            f"{'back' if cache_back else 'NOT back'}",
        )
    )


def sign_in_works():
    """POST the admin login form (with its CSRF cookie) and expect the redirect into the admin."""
    import re

    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    headers = {"Host": "localhost", "X-Forwarded-Proto": "https"}
    conn.request("GET", "/admin/login/", headers=headers)
    response = conn.getresponse()
    body = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = f"csrfmiddlewaretoken={token}&username=resilience&password=resilience-password-1"
    conn.request(
        "POST",
        "/admin/login/",
        body=form,
        headers={
            **headers,
            "Cookie": cookie,
            "Referer": "https://localhost/admin/login/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = conn.getresponse()
    response.read()
    return response.status == 302 and "/admin/" in (response.getheader("Location") or "")


def phase_scheduler(results):
    count = int(manage("shell", "-c", SCHEDULE_PAGES).strip().splitlines()[-1])
    worker = subprocess.Popen(
        [PY, "manage.py", "run_scheduler", "--interval", "1"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(4)  # the first pages fall due while it runs
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    partial = int(manage("shell", "-c", COUNT_PUBLISHED).strip().splitlines()[-1])
    worker = subprocess.Popen(
        [PY, "manage.py", "run_scheduler", "--interval", "1"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(12)
    worker.terminate()
    worker.wait(timeout=30)
    report = manage("shell", "-c", CHECK_ONCE).strip().splitlines()[-1]
    published, logged, duplicates = (int(x) for x in report.split())
    ok = published == count and logged == count and duplicates == 0
    results.append(
        (
            "scheduler killed and restarted: each page once, none missed",
            ok,
            f"{count} scheduled, {partial} before the kill, {published} live, "
            f"{logged} log entries, {duplicates} duplicated",
        )
    )


SCHEDULE_PAGES = """
import datetime
from django.utils import timezone
from publications.models import CommentaryPage, PublicationIndexPage, Byline
from experts.models import ExpertPage
index = PublicationIndexPage.objects.get(); expert = ExpertPage.objects.first()
now = timezone.now()
for i in range(20):
    page = CommentaryPage(title=f"Resilience {i}", slug=f"resilience-{i}", date=now.date(),
                          lead="Scheduled.", live=False)
    page.bylines = [Byline(expert=expert, position="Fellow")]
    index.add_child(instance=page)
    page.go_live_at = now + datetime.timedelta(seconds=2 + i * 0.5)
    page.save_revision().publish()
print(20)
"""
COUNT_PUBLISHED = """
from publications.models import CommentaryPage
print(CommentaryPage.objects.filter(slug__startswith="resilience-", live=True).count())
"""
CHECK_ONCE = """
from django.db.models import Count
from wagtail.models import PageLogEntry
from publications.models import CommentaryPage
pages = CommentaryPage.objects.filter(slug__startswith="resilience-")
logs = PageLogEntry.objects.filter(page__in=pages, action="wagtail.publish.scheduled")
dupes = logs.values("page").annotate(n=Count("id")).filter(n__gt=1).count()
print(pages.filter(live=True).count(), logs.count(), dupes)
"""


def main():
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    run(PY, "manage.py", "collectstatic", "--no-input", "-v0")
    run(PY, "manage.py", "migrate", "--no-input", "-v0")
    manage("load_seed")
    manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "User.objects.create_user('resilience', password='resilience-password-1')",
    )
    web = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    results = []
    try:
        if not wait_for_http():
            print("gunicorn did not come up", file=sys.stderr)
            return 1
        for phase in (phase_load, phase_postgres, phase_redis, phase_scheduler):
            phase(results)
            print(
                f"{'PASS' if results[-1][1] else 'FAIL'}  {results[-1][0]}: {results[-1][2]}",
                flush=True,
            )
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=30)
        if subprocess.run(["redis-cli", "ping"], capture_output=True, check=False).returncode:
            subprocess.run(REDIS_START, check=False)
    print("\n| check | result | figures |\n|---|---|---|")
    for name, ok, detail in results:
        print(f"| {name} | {'pass' if ok else 'FAIL'} | {detail} |")
    return 0 if results and all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
