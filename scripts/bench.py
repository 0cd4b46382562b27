#!/usr/bin/env python
"""make bench: every public page with the app caches off and with them on, on PostgreSQL at
scale and on the SQLite default, then behind Varnish; against the targets of issue 18.

Needs PostgreSQL (127.0.0.1:5432, trust auth), Redis (127.0.0.1:6379) and the Debian packages
varnish, nginx and wrk (`apt-get install -y wrk`). Not part of CI. Steps, each in a process of
its own (one database per process):

1. PostgreSQL (BENCH_DATABASE, default agora_bench): the data set if missing,
   `load_seed --sample BENCH_SAMPLE` (100,000: about 100 s; 2,000 experts) and the search index
   (about 14 minutes), once. Then in one process (production settings, Django's test client):
   each page's queries, HTML bytes, first request and median of BENCH_REPEAT, with every app
   cache off (MEMO_ENABLED False), then with the memo on (its key prefix is new each run: the
   first request fills it, the median is warm).
2. SQLite: the same in a temporary file database, `load_seed --sample BENCH_SQLITE_SAMPLE` (300).
3. gunicorn (2 workers, production settings) behind Varnish (deploy/varnish/default.vcl): a
   hit's throughput under wrk as a ratio to nginx serving the same bytes as a static file, and
   how long a published edit takes to show through Varnish.
4. Prints the targets met or missed and the tables, and writes them into docs/performance.md.

Options (environment): BENCH_SAMPLE, BENCH_SQLITE_SAMPLE, BENCH_REPEAT, BENCH_SECONDS (wrk),
BENCH_SKIP_LOAD=1 (use the PostgreSQL database as it is), BENCH_ONLY=pg,sqlite,edge (phases),
BENCH_PAGES=key,... (re-measure these pages only; the rest keep the figures of the run that
measured them, kept in BENCH_RESULTS, and each row says when it was measured).
Figures on a shared 2-core machine drift from run to run.
"""

import json
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
SQLITE_SAMPLE = int(os.environ.get("BENCH_SQLITE_SAMPLE", "300"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
SKIP_LOAD = os.environ.get("BENCH_SKIP_LOAD", "") not in ("", "0")
PHASES = [p.strip() for p in os.environ.get("BENCH_ONLY", "pg,sqlite,edge").split(",") if p]
ONLY_PAGES = [p.strip() for p in os.environ.get("BENCH_PAGES", "").split(",") if p.strip()]
RESULTS = Path(
    os.environ.get("BENCH_RESULTS", Path.home() / ".cache" / "agora-bench" / "results.json")
)
GUNICORN, VARNISH, NGINX = 8771, 8772, 8773
HOST = "localhost"
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"

ENV = {
    **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "PAGE_CACHE", "MEMO")},
    "DJANGO_SETTINGS_MODULE": "config.settings.bench",
    "DATABASE_URL": PG_URL,
    "REDIS_URL": "redis://127.0.0.1:6379/8",
    "CACHE_KEY_PREFIX": f"agora-bench-{secrets.token_hex(4)}",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "CONN_MAX_AGE": "60",
    "TWO_FACTOR_REQUIRED": "0",
    "LOG_LEVEL": "WARNING",
    "VARNISH_URL": f"http://127.0.0.1:{VARNISH}",
    "PAGE_CACHE": "1",
    "MEMO": "1",
}

# Stable keys (results of several runs are merged by key), in display order, and the group of
# targets each belongs to (TARGETS below).
GROUPS = {
    "home": None,
    "listing": "listing",
    "listing, expert + region": "listing, expert + region",
    "listing, page 500": "listing",
    "commentary (3 authors)": "commentary",
    "expert, busiest": "expert, busiest",
    "expert directory": "directory and hubs",
    "expert directory, letter": "directory and hubs",
    "region hub": "directory and hubs",
    "competence hub": "directory and hubs",
    "regions index": "directory and hubs",
    "competences index": "directory and hubs",
    "search, common word": "search",
    "search, rare word": "search",
    "feed": "feed",
    "feed, Atom": "feed",
    "feed, expert": "feed",
    "feed, region": "feed",
    "API listing": "API listing",
    "API detail": None,
    "citation (BibTeX)": None,
    "sitemap.xml": None,
    "sitemap, a file of pages": None,
    "robots.txt": None,
}

# (target, where, which pages, ms, memo): medians; memo False = every app cache off.
TARGETS = [
    ("SQLite, every public page", "sqlite", None, 20, False),
    ("PostgreSQL, commentary", "pg", "commentary", 12, False),
    ("PostgreSQL, listing unfiltered and page 500", "pg", "listing", 40, False),
    ("PostgreSQL, listing with expert and region", "pg", "listing, expert + region", 30, False),
    ("PostgreSQL, expert with ~200 commentaries", "pg", "expert, busiest", 20, False),
    ("PostgreSQL, directory and hubs", "pg", "directory and hubs", 25, False),
    ("PostgreSQL, search common and rare word", "pg", "search", 40, False),
    ("PostgreSQL, feed", "pg", "feed", 15, False),
    ("PostgreSQL, API listing", "pg", "API listing", 20, False),
    ("memo warm, every public page (PostgreSQL)", "pg", None, 6, True),
    ("memo warm, every public page (SQLite)", "sqlite", None, 6, True),
]


def step(text):
    print(f"\n==> {text}", flush=True)


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def psql(sql):
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def ensure_database():
    if not psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"):  # noqa: S608 - ours
        run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], ENV)


# Child processes: Django set up on one database each.


def ensure_data(sample, load=True):
    from django.core.management import call_command
    from django.db import connection

    from wagtail.search.models import IndexEntry

    from publications import totals
    from publications.models import CommentaryPage

    call_command("migrate", verbosity=0)
    # As load_seed does before a deploy serves: the listing's rows and totals counted.
    totals.refresh()
    if not load:
        return
    have = CommentaryPage.objects.count()
    if have < sample:
        step(f"load_seed --sample {sample} ({have} commentaries so far)")
        started = time.monotonic()
        call_command("load_seed", sample=sample, verbosity=0)
        print(f"loaded in {time.monotonic() - started:.0f} s")
    if IndexEntry.objects.count() < CommentaryPage.objects.count():
        step("update_index (the bulk load skips the search index)")
        started = time.monotonic()
        call_command("update_index", verbosity=0)
        print(f"indexed in {time.monotonic() - started:.0f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


def data_size():
    from experts.models import ExpertPage
    from publications.models import CommentaryPage

    return {
        "commentaries": CommentaryPage.objects.count(),
        "experts": ExpertPage.objects.count(),
    }


def child_measure(out, sample, load):
    import django

    django.setup()
    ensure_data(sample, load)
    import config.wsgi  # noqa: F401 - settled as a web process is (config/startup.py)
    from scripts.bench_pages import measure_in_process, pick_pages

    pages, _ = pick_pages()
    if ONLY_PAGES:
        pages = {key: value for key, value in pages.items() if key in ONLY_PAGES}
    load = [os.getloadavg()[0]]
    step(f"every app cache off: queries, bytes, first request, median ({len(pages)} pages)")
    off = measure_in_process(pages, memo=False)
    step("memo on: the first request fills it, then warm")
    warm = measure_in_process(pages, memo=True)
    load.append(os.getloadavg()[0])
    result = {"size": data_size(), "off": off, "warm": warm, "load": load}
    Path(out).write_text(json.dumps(result))


def child_edge(out):
    import django

    django.setup()
    from scripts.bench_pages import pick_pages

    pages, purge_check = pick_pages()
    _, commentary_url = pages["commentary (3 authors)"]
    workdir = Path(tempfile.mkdtemp(prefix="agora-bench-"))
    workdir.chmod(0o755)  # Varnish's and nginx's workers run as other users
    processes = []
    try:
        step("gunicorn, 2 workers, behind Varnish; nginx serving the same bytes")
        processes.append(gunicorn())
        processes.append(varnish(workdir))
        through_varnish = f"http://127.0.0.1:{VARNISH}{commentary_url}"
        fetch(through_varnish)
        html, headers = fetch(through_varnish)
        if headers.get("X-Cache") != "HIT":
            raise SystemExit(f"Varnish did not cache {commentary_url}: {headers}")
        hit = wrk(through_varnish)
        print(f"  Varnish hit: {hit['rps']:,.0f} req/s, p50 {hit['p50']:.2f} ms")
        processes.append(nginx(workdir, html))
        static = wrk(f"http://127.0.0.1:{NGINX}/commentary.html")
        print(f"  nginx, same bytes: {static['rps']:,.0f} req/s, p50 {static['p50']:.2f} ms")
        delays = [purge_delay(purge_check) for _ in range(5)]
        print(f"  published edit visible after: {delays}")
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(workdir, ignore_errors=True)
    Path(out).write_text(
        json.dumps(
            {
                "varnish": hit,
                "nginx": static,
                "bytes": len(html),
                "url": commentary_url,
                "delays": delays,
                "at": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
            }
        )
    )


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


def gunicorn():
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
    process = start(command, env={**os.environ})
    wait_for(f"http://127.0.0.1:{GUNICORN}/healthz")
    return process


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, host=HOST):
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
        raise SystemExit(f"{url}: {errors.group(1)} error responses under load")
    return {"rps": rps, "p50": latency["50"], "p99": latency["99"]}


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
    """Publish an edit of a commentary and poll it through Varnish until it shows: seconds
    from the end of the publish (its commit and the purge sent after it), or None."""
    from publications.models import CommentaryPage

    base = f"http://127.0.0.1:{VARNISH}"
    page = CommentaryPage.objects.get(pk=page.pk)
    page_url = page.url
    fetch(base + page_url)
    if fetch(base + page_url)[1].get("X-Cache") != "HIT":
        raise SystemExit(f"Varnish did not cache {page_url}")
    marker = f"edited {secrets.token_hex(3)}"
    title = page.title
    page.title = f"{title} ({marker})"
    page.save_revision().publish()
    published = time.monotonic()
    try:
        while time.monotonic() - published < 5:
            if marker.encode() in fetch(base + page_url)[0]:
                return time.monotonic() - published
            time.sleep(0.005)
        return None
    finally:
        page = CommentaryPage.objects.get(pk=page.pk)
        page.title = title
        page.save_revision().publish()


# The parent: runs the children, merges, judges, writes.


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


def child(mode, env, *args):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    try:
        run([sys.executable, str(Path(__file__).resolve()), mode, out, *args], env)
        return json.loads(Path(out).read_text())
    finally:
        os.unlink(out)


def merge(previous, fresh):
    """Fresh figures over the previous run's, page by page, when the data set is the same."""
    if not previous or previous.get("size") != fresh["size"] or not ONLY_PAGES:
        return fresh
    merged = {"size": fresh["size"], "load": fresh["load"]}
    for memo in ("off", "warm"):
        merged[memo] = {**previous.get(memo, {}), **fresh[memo]}
    return merged


def main():
    needed = ("varnishd", "nginx", "psql", "wrk") if "edge" in PHASES else ("psql",)
    missing = [tool for tool in needed if not shutil.which(tool)]
    if missing:
        raise SystemExit(
            f"make bench needs {', '.join(missing)} (Debian packages varnish, nginx, "
            "postgresql-client, wrk: `apt-get install -y wrk` adds the last)."
        )
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    # Before Django starts in a child: the manifest of hashed static names is read once.
    run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], ENV)
    if "pg" in PHASES:
        step(f"PostgreSQL, database {DATABASE}, {SAMPLE:,} commentaries")
        ensure_database()
        fresh = child("_measure", ENV, str(SAMPLE), "0" if SKIP_LOAD else "1")
        results["pg"] = merge(results.get("pg"), fresh)
    if "sqlite" in PHASES:
        step(f"SQLite, a temporary file database, {SQLITE_SAMPLE:,} commentaries")
        folder = Path(tempfile.mkdtemp(prefix="agora-bench-sqlite-"))
        env = {
            **ENV,
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "CONN_MAX_AGE": "0",
            "CACHE_KEY_PREFIX": f"agora-bench-{secrets.token_hex(4)}",
        }
        try:
            fresh = child("_measure", env, str(SQLITE_SAMPLE), "1")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        results["sqlite"] = merge(results.get("sqlite"), fresh)
    if "edge" in PHASES:
        step(f"behind Varnish: wrk -t2 -c{CONNECTIONS} -d{SECONDS}s")
        ensure_database()
        results["edge"] = child("_edge", ENV)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1))
    text = render(results)
    print("\n" + text)
    write_doc(text)


def judge(results):
    """Rows of (target, measured, met) for each target of issue 18."""
    rows = []
    for name, where, group, limit, memo in TARGETS:
        figures = results.get(where, {}).get("warm" if memo else "off", {})
        chosen = {k: v for k, v in figures.items() if group is None or GROUPS.get(k) == group}
        if not chosen:
            rows.append((f"{name} <= {limit} ms", "not measured", "—"))
            continue
        worst_key = max(chosen, key=lambda k: chosen[k]["median"])
        worst = chosen[worst_key]
        over = [v["label"] for v in chosen.values() if v["median"] > limit]
        measured = f"{worst['median']:.1f} ms ({worst['label']})"
        if len(chosen) > 1:
            measured = "worst " + measured
        if over and len(chosen) > 2:
            measured += f"; over: {len(over)} of {len(chosen)}"
        rows.append((f"{name} <= {limit} ms", measured, "missed" if over else "met"))
    edge = results.get("edge")
    if edge:
        ratio = edge["varnish"]["rps"] / edge["nginx"]["rps"]
        rows.append(
            (
                "Varnish hit >= 80% of nginx, same bytes",
                f"{ratio:.0%} ({edge['varnish']['rps']:,.0f} / {edge['nginx']['rps']:,.0f} req/s)",
                "met" if ratio >= 0.8 else "missed",
            )
        )
        delays = [d for d in edge["delays"] if d is not None]
        worst = max(delays) * 1000 if len(delays) == len(edge["delays"]) else None
        shown = ", ".join(f"{d * 1000:.0f}" if d is not None else "never" for d in edge["delays"])
        rows.append(
            (
                "publish visible through Varnish <= 100 ms",
                f"{shown} ms ({len(edge['delays'])} publishes)",
                "met" if worst is not None and worst <= 100 else "missed",
            )
        )
    else:
        rows.append(("Varnish targets", "not measured", "—"))
    return rows


def page_table(where, results):
    data = results.get(where)
    if not data:
        return []
    limits = {group: limit for _, w, group, limit, memo in TARGETS if w == where and not memo}
    size = data["size"]
    lines = [
        f"**{'PostgreSQL' if where == 'pg' else 'SQLite'}**, {size['commentaries']:,} "
        f"commentaries, {size['experts']:,} experts; load average {data['load'][0]:.1f} at the "
        f"start, {data['load'][-1]:.1f} at the end of the latest run (ms: median (first "
        "request); the target is for the caches-off median):",
        "",
        "| page | queries off / warm | HTML bytes | caches off ms | target | memo warm ms "
        "| measured (UTC) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for key in GROUPS:
        off, warm = data["off"].get(key), data["warm"].get(key)
        if off is None:
            continue
        limit = limits.get(None, limits.get(GROUPS[key]))
        mark = "" if limit is None else (" ✓" if off["median"] <= limit else " ✗")
        warm_text = ""
        if warm:
            warm_text = f"{warm['median']:.1f} ({warm['first']:.0f})"
            warm_text += " ✓" if warm["median"] <= 6 else " ✗"
        lines.append(
            f"| {off['label']} <br>`{off['url']}` | {off['queries']} / "
            f"{warm['queries'] if warm else '—'} | {off['bytes']:,} | "
            f"{off['median']:.1f} ({off['first']:.0f}){mark} | "
            f"{limit if limit is not None else '—'} | {warm_text} | {off['at']} |"
        )
    return [*lines, ""]


def render(results):
    lines = [
        f"Measured on {machine()}; one process, Django's test client, production settings; "
        f"medians of up to {os.environ.get('BENCH_REPEAT', '50')} requests.",
        "",
        "| target (issue 18) | measured | |",
        "|---|---|---|",
    ]
    lines += [f"| {t} | {m} | {ok} |" for t, m, ok in judge(results)]
    lines.append("")
    lines += page_table("pg", results)
    lines += page_table("sqlite", results)
    edge = results.get("edge")
    if edge:
        lines.append(
            f"Behind Varnish ({edge['at']} UTC; gunicorn 2 workers; wrk -t2 -c{CONNECTIONS} "
            f"-d{SECONDS}s): the commentary `{edge['url']}` ({edge['bytes']:,} bytes) as a hit "
            f"{edge['varnish']['rps']:,.0f} req/s (p50 {edge['varnish']['p50']:.2f} ms), nginx "
            f"serving the same bytes {edge['nginx']['rps']:,.0f} req/s (p50 "
            f"{edge['nginx']['p50']:.2f} ms)."
        )
    return "\n".join(lines)


def write_doc(body):
    block = f"{START}\n{body}\n{END}"
    text = DOC.read_text()
    if START in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text += "\n" + block + "\n"
    DOC.write_text(text)
    print(f"\nwritten to {DOC.relative_to(ROOT)} (figures also kept in {RESULTS})")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_measure":
        child_measure(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1")
    elif len(sys.argv) > 1 and sys.argv[1] == "_edge":
        child_edge(sys.argv[2])
    else:
        os.environ.update(ENV)
        main()
