#!/usr/bin/env python
"""Measure site search in a single process against the database in DATABASE_URL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agora_bench \\
        .venv/bin/python scripts/measure_search.py --load 10000

--load N migrates, runs `load_seed --sample N` and `update_index` first. Then it times /search/
over 20 queries (expert surnames, region and competence names, a long and an odd query), each
once warmed up and once timed, and prints the median and the spread (printed, not asserted).
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from experts.models import ExpertPage  # noqa: E402
from publications.models import CommentaryPage  # noqa: E402
from taxonomy.models import Competence, Region  # noqa: E402

HOST = "localhost"


def queries():
    surnames = list(ExpertPage.objects.live().order_by("pk").values_list("surname", flat=True)[:8])
    regions = list(Region.objects.order_by("pk").values_list("name", flat=True)[:5])
    competences = list(Competence.objects.order_by("pk").values_list("name", flat=True)[:5])
    chosen = [*surnames, *regions, *competences, "security policy " * 50, "(*[?.+^$"]
    return chosen[:20]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", type=int, metavar="N", help="migrate and load N samples first")
    args = parser.parse_args()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if args.load:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("load_seed", sample=args.load, stdout=io.StringIO())
        print(f"load_seed --sample {args.load}: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        call_command("update_index", stdout=io.StringIO())  # the bulk load skips the index
        print(f"update_index: {time.perf_counter() - started:.1f} s")
        if connection.vendor == "postgresql":
            # Fresh index rows, stale statistics: the planner then nests loops over the whole
            # index (seconds per query). Autovacuum would analyze soon; do it now.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    print(f"commentaries: {CommentaryPage.objects.live().count()}")

    client = Client()
    timings = []
    for q in queries():
        url = "/search/?" + urlencode({"q": q})
        client.get(url, HTTP_HOST=HOST)  # warm Wagtail's per-site caches
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST=HOST)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        timings.append(elapsed)
        print(f"  {elapsed * 1000:7.1f} ms  {q[:40]!r}")
    print(
        f"\nsearch over {len(timings)} queries: median {statistics.median(timings) * 1000:.1f} ms"
        f" (min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f})"
    )


if __name__ == "__main__":
    main()
