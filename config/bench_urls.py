"""The site's URLs plus /__floor__/, for `make bench` only (config.settings.bench): a trivial view
returning an HTML string as long as a commentary page, through the same middleware and
gunicorn. What a page costs beyond the framework's floor is what our code costs."""

import os

from django.http import HttpResponse
from django.urls import path

from .urls import handler500  # noqa: F401
from .urls import urlpatterns as site_urlpatterns

SIZE = int(os.environ.get("BENCH_FLOOR_BYTES", "30000"))
HTML = b"<!DOCTYPE html><html lang=en><title>Floor</title><p>"
FLOOR = HTML + b"x" * max(0, SIZE - len(HTML))


def floor(request):
    response = HttpResponse(FLOOR)
    response["Cache-Control"] = "no-store"  # the floor is never served from the page cache
    return response


urlpatterns = [path("__floor__/", floor), *site_urlpatterns]
