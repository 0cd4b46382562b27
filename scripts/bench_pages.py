"""The pages `make bench` measures, picked from the data set, and the in-process figures
(queries, HTML bytes, the first request and the median of BENCH_REPEAT), with every app cache
off (MEMO_ENABLED False) and with the memo warm. Imported by scripts/bench.py once Django is
set up, against whichever database it was started on."""

import os
import statistics
import time
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, F, Func
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from experts.models import ExpertIndexPage, ExpertPage
from publications.models import CommentaryPage, CommentaryRegion
from taxonomy.models import Competence, Region

HOST = "localhost"
REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
BUDGET = float(os.environ.get("BENCH_BUDGET", "15"))  # seconds a page; at least 5 runs


def three_author_commentaries():
    return (
        CommentaryPage.objects.live()
        .public()
        .annotate(authors=Count("bylines"))
        .filter(authors=3)
        .order_by("-date", "-pk")
    )


def pick_pages():
    """{key: (label, URL)} to measure, and a commentary to edit for the purge check."""
    commentary, other = three_author_commentaries()[:2]
    busy = (
        ExpertPage.objects.live()
        .public()
        .annotate(n=Count("bylines"))
        .annotate(distance=Func(F("n") - 200, function="ABS"))
        .order_by("distance", "pk")
        .first()
    )
    region = (
        CommentaryRegion.objects.filter(content_object__bylines__expert=busy)
        .values("tag__slug")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["tag__slug"]
    )
    common = (
        Region.objects.annotate(n=Count("commentary_items"))
        .order_by("-n")
        .values_list("slug", "name")
    )[0]
    competence = (
        Competence.objects.annotate(n=Count("commentary_items")).order_by("-n").values_list("slug")
    )[0][0]
    rare = ExpertPage.objects.live().annotate(n=Count("bylines")).order_by("n", "pk").first()
    directory = ExpertIndexPage.objects.live().get()
    last_page = -(-CommentaryPage.objects.live().public().count() // 20)
    pages = {
        "home": "/",
        "listing": "/publications/",
        "listing, expert + region": "/publications/?"
        + urlencode({"expert": busy.slug, "region": region}),
        "listing, page 500": f"/publications/?page={min(500, last_page)}",
        "commentary (3 authors)": commentary.url,
        "expert, busiest": busy.url,
        "expert directory": directory.url,
        "expert directory, letter": f"{directory.url}?letter={rare.surname[:1].upper()}",
        "region hub": f"/regions/{common[0]}/",
        "competence hub": f"/competences/{competence}/",
        "regions index": "/regions/",
        "competences index": "/competences/",
        "search, common word": f"/search/?{urlencode({'q': common[1]})}",
        "search, rare word": f"/search/?{urlencode({'q': rare.surname})}",
        "feed": "/publications/feed/",
        "feed, Atom": "/publications/feed/atom/",
        "feed, expert": f"/experts/{busy.slug}/feed/",
        "feed, region": f"/regions/{common[0]}/feed/",
        "API listing": "/api/v2/pages/?type=publications.CommentaryPage",
        "API detail": f"/api/v2/pages/{commentary.pk}/",
        "citation (BibTeX)": f"{commentary.url}cite.bib",
        "sitemap.xml": "/sitemap.xml",
        "sitemap, a file of pages": "/sitemap-pages.xml",
        "robots.txt": "/robots.txt",
    }
    labels = {
        "expert, busiest": f"expert ({busy.n} commentaries)",
        "listing, page 500": f"listing, page {min(500, last_page)}",
    }
    return {key: (labels.get(key, key), url) for key, url in pages.items()}, other


def timed(client, url, attempts=3):
    for _ in range(attempts):
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST=HOST)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code == 200:
            return elapsed, response
        if response.status_code != 503:
            break
        time.sleep(5)  # the database restarted under us (a shared machine): reconnect
    raise SystemExit(f"{url}: HTTP {response.status_code}")


def measure_in_process(pages, memo):
    """{key: figures} for each page, the memo on (warmed by the first request) or off."""
    connection.close()  # a fresh connection (the load may have outlived the last one)
    results = {}
    with override_settings(MEMO_ENABLED=memo):
        client = Client()
        for key, (label, url) in pages.items():
            first, _ = timed(client, url)
            with CaptureQueriesContext(connection) as queries:
                _, response = timed(client, url)
            count = len(queries)  # read now: the log is reset by the next request
            runs = []
            deadline = time.monotonic() + BUDGET
            while len(runs) < REPEAT and (len(runs) < 5 or time.monotonic() < deadline):
                runs.append(timed(client, url)[0])
            results[key] = {
                "label": label,
                "url": url,
                "queries": count,
                "bytes": len(response.content),
                "first": first,
                "median": statistics.median(runs),
                "runs": len(runs),
                "at": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
            }
            print(
                f"  {label}: {count} queries, {len(response.content):,} bytes, "
                f"first {first:.0f} ms, median {results[key]['median']:.1f} ms of {len(runs)}",
                flush=True,
            )
    return results
