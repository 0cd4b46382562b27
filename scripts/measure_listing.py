#!/usr/bin/env python
"""Measure the browsing pages once, in a single process, against the database in DATABASE_URL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agora_bench \\
        .venv/bin/python scripts/measure_listing.py --load 10000

--load N migrates and runs `load_seed --sample N` first, timing the load. Then it prints the
query count of each browsing page and the time of the publications listing with all four
filters (expert, region, competence, year) chosen so that the result is not empty. Figures are
printed, not asserted: they depend on the machine.
"""

import argparse
import io
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from publications.models import Byline, CommentaryPage  # noqa: E402

HOST = "localhost"


def all_filters_query():
    """The busiest expert, and a region, competence and year of one of their commentaries."""
    expert_id = (
        Byline.objects.values("expert_id")
        .annotate(n=Count("commentary_id"))
        .order_by("-n")
        .values_list("expert_id", flat=True)
        .first()
    )
    commentary = (
        CommentaryPage.objects.live()
        .filter(bylines__expert_id=expert_id, region_items__isnull=False)
        .order_by("-date")
        .first()
    )
    expert = commentary.bylines.get(expert_id=expert_id).expert
    region = commentary.regions.first()
    competence = commentary.competences.first()
    return (
        (
            f"expert={expert.slug}&region={region.slug}"
            f"&competence={competence.slug}&year={commentary.date.year}"
        ),
        commentary,
        expert,
        region,
        competence,
    )


def measure(client, url):
    client.get(url, HTTP_HOST=HOST)  # warm Wagtail's per-site caches
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST=HOST)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return len(queries), elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", type=int, metavar="N", help="migrate and load N samples first")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the listing")
    args = parser.parse_args()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if args.load:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("load_seed", sample=args.load, stdout=io.StringIO())
        print(f"load_seed --sample {args.load}: {time.perf_counter() - started:.1f} s")
    print(f"commentaries: {CommentaryPage.objects.live().count()}")

    query, commentary, expert, region, competence = all_filters_query()
    filtered = f"/publications/?{query}"
    pages = {
        "listing": "/publications/",
        "listing, page 2": "/publications/?page=2",
        "listing, all four filters": filtered,
        "expert directory": "/experts/",
        "expert directory, filtered": f"/experts/?competence={competence.slug}&letter=A",
        "expert page": expert.url,
        "regions index": "/regions/",
        "region hub": f"/regions/{region.slug}/",
        "competences index": "/competences/",
        "competence hub": f"/competences/{competence.slug}/",
        "home": "/",
        "commentary (related)": commentary.url,
    }
    client = Client()
    print("\nqueries and time per page (second request, single process):")
    for name, url in pages.items():
        count, elapsed = measure(client, url)
        print(f"  {name:28} {count:3d} queries  {elapsed * 1000:7.1f} ms  {url}")

    timings = [measure(client, filtered)[1] for _ in range(args.repeat)]
    html = client.get(filtered, HTTP_HOST=HOST).content.decode()
    results = re.search(r'class="result-count">(\d+)', html).group(1)
    print(f"\nlisting with all filters: {filtered}")
    print(f"  {results} results; median {statistics.median(timings) * 1000:.1f} ms")
    print(
        f"  over {args.repeat} runs (min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f})"
    )


if __name__ == "__main__":
    main()
