"""Answers for when a backing service is down: a short 503 instead of a traceback, and a
health endpoint that tells the database's state apart from the cache's."""

import logging

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

UNAVAILABLE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<title>Temporarily unavailable</title></head><body><main>"
    "<h1>Temporarily unavailable</h1><p>The site is briefly unavailable. "
    "Please try again in a few seconds.</p></main></body></html>"
)


def unavailable():
    response = HttpResponse(UNAVAILABLE, status=503)
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A lost database connection becomes a 503 page; the next request reconnects."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.warning("Database unavailable: %s", exception)
            connection.close_if_unusable_or_obsolete()
            return unavailable()
        return None


class HealthCheckMiddleware:
    """Answers /healthz first, before host validation and HTTPS redirects: the container
    health check calls it over plain HTTP on 127.0.0.1, which is not a public host name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return healthz(request)
        return self.get_response(request)


@never_cache
def healthz(request):
    """200 while the database answers; the cache is reported, never fatal."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        database = "unavailable"
    try:
        cache.set("healthz", "1", 5)
        cache_state = "ok" if cache.get("healthz") == "1" else "unavailable"
    except Exception:  # noqa: BLE001 - any cache failure is reported, not raised
        cache_state = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse({"database": database, "cache": cache_state}, status=status)


def server_error(request):
    """handler500: a database outage anywhere in the stack is a 503; anything else the static
    500 page (no database access, so it renders even then)."""
    import sys

    from django.conf import settings
    from django.template import loader

    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return unavailable()
    page = loader.get_template("500.html").render({"site_name": settings.WAGTAIL_SITE_NAME})
    return HttpResponse(page, status=500)
