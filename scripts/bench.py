#!/usr/bin/env python
"""make bench: the site at scale, against the framework's own floor, in one run.

Needs PostgreSQL (127.0.0.1:5432, trust auth), Redis (127.0.0.1:6379) and the Debian packages
wrk, varnish and nginx. Not part of CI. Steps:

1. The data set, if missing, in its own database (BENCH_DATABASE, default agora_bench):
   `load_seed --sample 100000` (2,000 experts, 1-3 bylines each) and the search index.
2. In this process (production settings, page cache off): queries per request, HTML bytes,
   the first request and the median of 50 for each page (scripts/bench_pages.py picks them).
3. gunicorn, 2 workers, production settings, page cache off: wrk on every page and on the floor
   (config/bench_urls.py: a trivial view returning HTML of a commentary's size through the same
   middleware and gunicorn). Then page cache on: the cached pages; Varnish in front of it
   (deploy/varnish/default.vcl) and the time a publish takes to show through it; nginx serving
   the commentary's bytes as a static file. Worker memory after each.
4. Prints the table, every throughput also as a ratio to the floor, and writes it into
   docs/performance.md with the date and the machine.

Figures on a shared 2-core machine drift from run to run: read the ratios.
"""

import contextlib
import datetime
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE = os.environ.get("BENCH_DATABASE", "agora_bench")
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
GUNICORN, VARNISH, NGINX = 8771, 8772, 8773
HOST = "localhost"
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

ENV = {
    **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "PAGE_CACHE")},
    "DJANGO_SETTINGS_MODULE": "config.settings.bench",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    "REDIS_URL": "redis://127.0.0.1:6379/8",
    "CACHE_KEY_PREFIX": f"agora-bench-{secrets.token_hex(4)}",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "CONN_MAX_AGE": "60",
    "TWO_FACTOR_REQUIRED": "0",
    "LOG_LEVEL": "WARNING",
    "VARNISH_URL": f"http://127.0.0.1:{VARNISH}",
    "PAGE_CACHE": "0",
}
os.environ.update(ENV)


def step(text):
    print(f"\n==> {text}", flush=True)


def ensure_database():
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",  # noqa: S608 - ours
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)


def ensure_data():
    from django.core.management import call_command
    from django.db import connection

    from wagtail.search.models import IndexEntry

    from publications.models import CommentaryPage

    call_command("migrate", verbosity=0)
    have = CommentaryPage.objects.count()
    if have < SAMPLE:
        step(f"load_seed --sample {SAMPLE} ({have} commentaries so far)")
        started = time.monotonic()
        call_command("load_seed", sample=SAMPLE)
        print(f"loaded in {time.monotonic() - started:.0f} s")
    if IndexEntry.objects.count() < CommentaryPage.objects.count():
        step("update_index (the bulk load skips the search index)")
        started = time.monotonic()
        call_command("update_index", verbosity=0)
        print(f"indexed in {time.monotonic() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def start(args, env=None, **kwargs):
    return subprocess.Popen(args, cwd=ROOT, env=env or ENV, start_new_session=True, **kwargs)


def stop(process):
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for(url, seconds=60, host=HOST):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            fetch(url, host=host)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def fetch(url, host=HOST):
    request = urllib.request.Request(url, headers={"Host": host})  # noqa: S310 - local URLs
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.read(), dict(response.headers)


def gunicorn(page_cache):
    env = {**ENV, "PAGE_CACHE": "1" if page_cache else "0"}
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{GUNICORN}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    process = start(command, env=env)
    wait_for(f"http://127.0.0.1:{GUNICORN}/healthz")
    return process


def worker_rss(master):
    """Resident memory of each gunicorn worker, in MB."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, host=HOST, attempts=2, headers=()):
    """Requests/s and p50, p99 latency (ms) under CONNECTIONS keep-alive connections; once
    more if the run saw errors (on a shared machine PostgreSQL may be restarted under us)."""
    for attempt in range(attempts):
        try:
            return wrk_once(url, host, headers)
        except BenchError as error:
            print(f"  {error}; {'again' if attempt + 1 < attempts else 'giving up'}")
            time.sleep(10)
    raise SystemExit(f"{url}: errors under load")


class BenchError(Exception):
    pass


def wrk_once(url, host, headers=()):
    out = subprocess.run(
        [
            "wrk",
            "--timeout",
            "10s",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--latency",
            "-H",
            f"Host: {host}",
            *[arg for header in headers for arg in ("-H", header)],
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {
        p: float(v) * UNITS[unit]
        for p, v, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    }
    if set(latency) != {"50", "99"}:
        raise SystemExit(f"wrk gave no latency distribution for {url}:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        drain(url)
        raise BenchError(f"{url}: {errors.group(1)} error responses under load")
    drain(url)
    return {"rps": rps, "p50": latency["50"], "p99": latency["99"]}


def drain(url):
    """Wait until the server has worked off the requests wrk left queued when it stopped (a
    sync worker still answers them), so that they do not slow the next measurement."""
    health = re.sub(r"^(http://[^/]+)/.*$", r"\1/healthz", url)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        started = time.monotonic()
        with contextlib.suppress(OSError):
            fetch(health)
        if time.monotonic() - started < 0.2:
            return
    raise SystemExit(f"the server behind {url} stayed busy for two minutes")


def varnish(workdir):
    vcl = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
    vcl = vcl.replace('.host = "web";', '.host = "127.0.0.1";')
    vcl = vcl.replace('.port = "8000";', f'.port = "{GUNICORN}";')
    vcl = vcl.replace('.host = "media";', '.host = "127.0.0.1";')  # unused here; must resolve
    (workdir / "default.vcl").write_text(vcl)
    process = start(
        [
            "varnishd",
            "-F",
            "-f",
            str(workdir / "default.vcl"),
            "-a",
            f"127.0.0.1:{VARNISH}",
            "-n",
            str(workdir / "varnish"),
            "-s",
            "malloc,128m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(f"http://127.0.0.1:{VARNISH}/healthz")
    return process


def nginx(workdir, html):
    (workdir / "www").mkdir(exist_ok=True)
    (workdir / "www" / "commentary.html").write_bytes(html)
    conf = workdir / "nginx.conf"
    conf.write_text(f"""
worker_processes 2;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    types {{ text/html html; }}
    server {{
        listen 127.0.0.1:{NGINX};
        root {workdir}/www;
    }}
}}
""")
    process = start(["nginx", "-c", str(conf), "-p", str(workdir), "-g", "daemon off;"])
    wait_for(f"http://127.0.0.1:{NGINX}/commentary.html")
    return process


def purge_delay(page):
    """Publish an edit of a commentary and poll it through Varnish until it shows: seconds."""
    from publications.models import CommentaryPage

    base = f"http://127.0.0.1:{VARNISH}"
    page_url = page.url
    fetch(base + page_url)
    if fetch(base + page_url)[1].get("X-Cache") != "HIT":
        raise SystemExit(f"Varnish did not cache {page_url}")
    marker = f"edited {secrets.token_hex(3)}"
    title = page.title
    page.title = f"{title} ({marker})"
    page.save_revision().publish()  # purges on commit (autocommit: at once)
    published = time.monotonic()
    try:
        while time.monotonic() - published < 5:
            if marker.encode() in fetch(base + page_url)[0]:
                return time.monotonic() - published
            time.sleep(0.02)
        return None
    finally:
        page = CommentaryPage.objects.get(pk=page.pk)
        page.title = title
        page.save_revision().publish()


def machine():
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return (
        f"{platform.node()}: {os.cpu_count()} × {cpu}, {memory / 1024 / 1024:.0f} GB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def main():
    if not all(shutil.which(tool) for tool in ("wrk", "varnishd", "nginx", "psql")):
        raise SystemExit("make bench needs wrk, varnish, nginx and psql (Debian packages).")
    step(f"database {DATABASE}")
    ensure_database()
    # Before Django starts here: the manifest of hashed static names is read once.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=ENV,
        check=True,
    )
    import django

    django.setup()
    ensure_data()
    import config.wsgi  # noqa: F401 - settled as a web process is (config/startup.py)
    from scripts.bench_pages import measure_in_process, pick_pages

    pages, purge_check = pick_pages()
    step("in one process, page cache off: queries, bytes, first request, median of 50")
    single = measure_in_process(pages, page_cache=False)
    cached_single = measure_in_process(
        {name: pages[name] for name in ("commentary (3 authors)", "home")}, page_cache=True
    )
    commentary_url = pages["commentary (3 authors)"]
    commentary_bytes = single["commentary (3 authors)"]["bytes"]
    ENV["BENCH_FLOOR_BYTES"] = str(commentary_bytes)
    rows, notes = [], []
    base = f"http://127.0.0.1:{GUNICORN}"
    workdir = Path(tempfile.mkdtemp(prefix="agora-bench-"))
    workdir.chmod(0o755)  # Varnish's and nginx's workers run as other users
    processes = []
    try:
        step(f"gunicorn, 2 workers, page cache off: wrk -c{CONNECTIONS} -d{SECONDS}s per page")
        server = gunicorn(page_cache=False)
        processes.append(server)
        floor = wrk(f"{base}/__floor__/")
        floor_bytes = len(fetch(f"{base}/__floor__/")[0])
        floor_row = {"queries": 0, "bytes": floor_bytes}
        rows.append(("floor (trivial view, same stack)", "/__floor__/", floor, floor_row, floor))
        print(f"  floor: {floor['rps']:.0f} req/s")
        for name, url in pages.items():
            figures = wrk(base + url)
            rows.append((name, url, figures, single[name], floor))
            print(f"  {name}: {figures['rps']:.0f} req/s, p50 {figures['p50']:.1f} ms")
        rss_uncached = worker_rss(server)
        stop(server)
        processes.remove(server)

        step("gunicorn, 2 workers, page cache on; Varnish in front; nginx")
        server = gunicorn(page_cache=True)
        processes.append(server)
        # The floor again, next to the cached figures (the machine drifts); credentials keep
        # the page cache out of its way, as page cache off did.
        floor = wrk(f"{base}/__floor__/", headers=["Authorization: Bench floor"])
        rows.append(("floor, measured again", "/__floor__/", floor, floor_row, floor))
        for name in ("commentary (3 authors)", "home"):
            url = pages[name]
            fetch(base + url)
            if fetch(base + url)[1].get("X-Page-Cache") != "hit":
                raise SystemExit(f"the page cache did not serve {url}")
            rows.append((f"{name}, page cache", url, wrk(base + url), cached_single[name], floor))
        processes.append(varnish(workdir))
        through_varnish = f"http://127.0.0.1:{VARNISH}{commentary_url}"
        fetch(through_varnish)
        rows.append(
            (
                "commentary, Varnish",
                commentary_url,
                wrk(through_varnish),
                {"queries": 0, "bytes": commentary_bytes},
                floor,
            )
        )
        html = fetch(base + commentary_url)[0]
        processes.append(nginx(workdir, html))
        rows.append(
            (
                "same bytes, nginx static file",
                "/commentary.html",
                wrk(f"http://127.0.0.1:{NGINX}/commentary.html"),
                {"queries": 0, "bytes": len(html)},
                floor,
            )
        )
        delay = purge_delay(purge_check)
        notes.append(
            f"A published edit showed through Varnish after {delay * 1000:.0f} ms."
            if delay is not None
            else "A published edit did NOT show through Varnish within 5 s."
        )
        rss_cached = worker_rss(server)
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(workdir, ignore_errors=True)

    by_name = {row[0]: row[2]["rps"] for row in rows}
    notes.append(
        "Varnish serves the cached commentary at "
        f"{by_name['commentary, Varnish'] / by_name['same bytes, nginx static file']:.0%} of "
        "nginx's rate for the same bytes as a static file (target 50%)."
    )
    notes.append(
        "gunicorn worker RSS after the run: "
        f"{', '.join(f'{mb:.0f} MB' for mb in rss_uncached)} (page cache off), "
        f"{', '.join(f'{mb:.0f} MB' for mb in rss_cached)} (page cache on)."
    )
    from scripts.bench_pages import extra_notes

    notes += extra_notes(pages, single)
    table = render(rows)
    print("\n" + table + "\n\n" + "\n".join(f"- {note}" for note in notes))
    write_doc(table, notes)


def render(rows):
    """One line a page; × floor is against the floor measured in the same server phase."""
    lines = [
        "| page | req/s | × floor | p50 ms | p99 ms | queries | HTML bytes | 1 process, median "
        "of 50 (first) ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, url, load, single, floor in rows:
        floor_rps = floor["rps"]
        median = single.get("median")
        first = single.get("first")
        runs = single.get("runs", 50)
        one = f"{median:.1f} ({first:.0f})" if median is not None else ""
        if median is not None and runs < 50:
            one += f" n={runs}"
        lines.append(
            f"| {name} <br>`{url}` | {load['rps']:,.0f} | {load['rps'] / floor_rps:.3f} | "
            f"{load['p50']:.1f} | {load['p99']:.1f} | {single['queries']} | "
            f"{single['bytes']:,} | {one} |"
        )
    return "\n".join(lines)


def write_doc(table, notes):
    today = datetime.date.today().isoformat()
    block = "\n".join(
        [
            START,
            f"Measured {today} on {machine()}; {SAMPLE:,} commentaries; wrk "
            f"-t2 -c{CONNECTIONS} -d{SECONDS}s; gunicorn 2 sync workers, production settings.",
            "",
            table,
            "",
            *[f"- {note}" for note in notes],
            END,
        ]
    )
    text = DOC.read_text()
    if START in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text += "\n" + block + "\n"
    DOC.write_text(text)
    print(f"\nwritten to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
