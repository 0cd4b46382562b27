"""The pages `make bench` measures, picked from the data set, and the in-process figures
(queries, bytes, first request, median of 50; search, listings cold and warm, the admin).
Imported by scripts/bench.py once Django is set up."""

import statistics
import time
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Func
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from experts.models import ExpertPage
from publications.models import CommentaryPage, CommentaryRegion, PublicationIndexPage
from taxonomy.models import Competence, Region

HOST = "localhost"
REPEAT = 50
BUDGET = 20  # seconds per page: a page taking a second is timed fewer times (at least 5)


def three_author_commentaries():
    return (
        CommentaryPage.objects.live()
        .annotate(authors=Count("bylines"))
        .filter(authors=3)
        .order_by("-date", "-pk")
    )


def pick_pages():
    """{name: URL} to measure, and a commentary to edit for the purge check."""
    commentary, other = three_author_commentaries()[:2]
    busy = (
        ExpertPage.objects.live()
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
    rare = ExpertPage.objects.live().annotate(n=Count("bylines")).order_by("n", "pk").first()
    return {
        "home": "/",
        "listing": "/publications/",
        "listing, expert + region": "/publications/?"
        + urlencode({"expert": busy.slug, "region": region}),
        "listing, page 500": "/publications/?page=500",
        "commentary (3 authors)": commentary.url,
        f"expert ({busy.n} commentaries)": busy.url,
        "region hub": f"/regions/{common[0]}/",
        "search, common word": f"/search/?{urlencode({'q': common[1]})}",
        "search, rare word": f"/search/?{urlencode({'q': rare.surname})}",
        "feed": "/publications/feed/",
        "API listing": "/api/v2/pages/?type=publications.CommentaryPage",
    }, other


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


def measure_in_process(pages, page_cache):
    connection.close()  # a fresh connection (the load may have outlived the last one)
    results = {}
    with override_settings(PAGE_CACHE_ENABLED=page_cache):
        client = Client()
        for name, url in pages.items():
            first, _ = timed(client, url)
            with CaptureQueriesContext(connection) as queries:
                _, response = timed(client, url)
            count = len(queries)  # read now: the log is reset by the next request
            runs = []
            deadline = time.monotonic() + BUDGET
            while len(runs) < REPEAT and (len(runs) < 5 or time.monotonic() < deadline):
                runs.append(timed(client, url)[0])
            results[name] = {
                "queries": count,
                "bytes": len(response.content),
                "first": first,
                "median": statistics.median(runs),
                "runs": len(runs),
            }
            print(
                f"  {name}: {count} queries, {len(response.content):,} bytes, "
                f"first {first:.0f} ms, median {results[name]['median']:.1f} ms of {len(runs)}"
            )
    return results


def search_median():
    """Median over 20 queries: the commonest regions and competences, and rare surnames."""
    regions = Region.objects.annotate(n=Count("commentary_items")).order_by("-n")
    competences = Competence.objects.annotate(n=Count("commentary_items")).order_by("-n")
    rare = ExpertPage.objects.live().annotate(n=Count("bylines")).order_by("n", "pk")
    words = [
        *regions.values_list("name", flat=True)[:5],
        *competences.values_list("name", flat=True)[:5],
        *rare.values_list("surname", flat=True)[:10],
    ]
    client = Client()
    times = []
    with override_settings(PAGE_CACHE_ENABLED=False):
        for word in words:
            url = f"/search/?{urlencode({'q': word})}"
            timed(client, url)
            times.append(timed(client, url)[0])
    return statistics.median(times), len(words)


def admin_figures():
    """The publications section in the page explorer, newest first, and the dashboard."""
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    index = PublicationIndexPage.objects.get()
    url = f"/admin/pages/{index.pk}/?ordering=-latest_revision_created_at"
    first, _ = timed(client, url)
    explorer = statistics.median(timed(client, url)[0] for _ in range(5))
    timed(client, "/admin/")
    with CaptureQueriesContext(connection) as queries:
        timed(client, "/admin/")
    return first, explorer, len(queries.captured_queries)


def extra_notes(pages, single):
    listing = single["listing, expert + region"]
    search, count = search_median()
    first, explorer, dashboard = admin_figures()
    return [
        f"Listing with expert and region filters: median {listing['median']:.1f} ms warm, "
        f"first request {listing['first']:.0f} ms (targets 25 and 150 ms).",
        f"Search: median {search:.1f} ms over {count} queries, common and rare (target 100 ms).",
        f"Admin: the publications section in the page explorer, newest first: "
        f"{explorer:.0f} ms (first {first:.0f} ms; target 1,500 ms); the dashboard: "
        f"{dashboard} queries.",
    ]
