"""Marks each response for the caching proxy in front of the application (Varnish, or any CDN
purged through Wagtail's frontend cache); the application itself keeps no pages.

Shared (`Cache-Control: public, max-age=<short>, s-maxage=<PAGE_CACHE_SECONDS>` and the cache
tags the proxy bans on, X-Cache-Tags): an anonymous GET or HEAD, no credentials, outside the
admin, previews, review links and calendar feeds, every query parameter one the page
recognises (tracking parameters aside), answered 200 without setting a cookie, varying on the
cookie or saying private / no-cache / no-store (Wagtail marks private pages so).
Everything else is `private`; signed-in readers and previews get `private, no-store`.

A response during whose render a publish committed is kept private: the publish's purge may
reach the proxy before the response does, and a ban spares what is stored after it.

It also opens the request's memo scope: the publish generation is read once per request.
See docs/performance.md.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import split_directive_names, split_header_value

from . import memo, tags

SKIPPED_PREFIXES = ("/admin/", "/review/", "/calendar-feed/", "/documents/", "/_util/")
UNSHAREABLE = {"private", "no-cache", "no-store"}
MAX_URL_LENGTH = 2000  # longer query strings are served, never shared
TAGS_HEADER = "X-Cache-Tags"
ANY = None  # the view validates its parameters itself: an unknown one is a 400, not a 200


class EdgeCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = memo.begin_request()
        sharing = settings.PAGE_CACHE_ENABLED and shareable_request(request)
        try:
            # Read before the view reads any content (the memo then uses this reading too).
            started = memo.generation() if sharing else None
            response = self.get_response(request)
            # A publish committed while this rendered: its purge may reach the proxy before
            # this response does, and the proxy would keep the old content after the ban.
            spanned = sharing and memo.read_generation() != started
        finally:
            memo.end_request(scope)
        if settings.PAGE_CACHE_ENABLED:
            mark(request, response, spanned_a_publish=spanned)
        elif has_session(request):
            keep_private(response, no_store=True)
        return response


def mark(request, response, spanned_a_publish=False):
    if has_session(request) or getattr(request, "is_preview", False):
        keep_private(response, no_store=True)  # never in a shared cache downstream
    elif spanned_a_publish:
        keep_private(response)
    elif shareable_request(request) and shareable_response(request, response):
        patch_cache_control(
            response,
            public=True,
            max_age=min(settings.PAGE_CACHE_BROWSER_SECONDS, time_to_live()),
            s_maxage=time_to_live(),
        )
        response[TAGS_HEADER] = " ".join(sorted(response_tags(response)))
    elif not set(split_directive_names(response.get("Cache-Control", ""))) & UNSHAREABLE:
        keep_private(response)


def keep_private(response, no_store=False):
    """`private` (and `no-store`): whatever a view said about sharing no longer holds."""
    directives = [
        part
        for part in split_header_value(response.get("Cache-Control", ""))
        if part.split("=")[0].strip().lower() not in {"public", "s-maxage", "private"}
    ]
    directives.insert(0, "private")
    if no_store and "no-store" not in directives:
        directives.append("no-store")
    response["Cache-Control"] = ", ".join(directives)
    if TAGS_HEADER in response:
        del response[TAGS_HEADER]


def has_session(request):
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def shareable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and not has_session(request)
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(SKIPPED_PREFIXES)
        and len(request.get_full_path()) <= MAX_URL_LENGTH
    )


def shareable_response(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if set(split_directive_names(response.get("Cache-Control", ""))) & UNSHAREABLE:
        return False
    vary = {part.lower() for part in split_header_value(response.get("Vary", ""))}
    if vary & {"cookie", "*", "authorization"}:
        return False
    return only_recognised_parameters(request, response)


def ignored(key):
    return key.lower().startswith(tuple(settings.PAGE_CACHE_IGNORED_PARAMETERS))


def only_recognised_parameters(request, response):
    """Every query parameter is one the page or view recognises: otherwise each random one
    (`?x=1`, `?x=2`, ...) would be another object for the proxy to keep for an hour."""
    used = {key for key in request.GET if not ignored(key)}
    if not used:
        return True
    known = recognised_parameters(request, response)
    return known is ANY or used <= known


def recognised_parameters(request, response):
    """From the response: the filters it rendered (their facet keys; `q` where they carry a
    search), `page` where it paginated; or declared per URL name
    (PAGE_CACHE_QUERY_PARAMETERS: a set, or None for views that reject unknown parameters)."""
    match = getattr(request, "resolver_match", None)
    declared = settings.PAGE_CACHE_QUERY_PARAMETERS
    if match is not None:
        for name in (match.view_name, *(f"{ns}:*" for ns in match.namespaces)):
            if name in declared:
                value = declared[name]
                return ANY if value is None else set(value)
    known = set()
    context = getattr(response, "context_data", None) or {}
    for name, value in context.items():
        facet_keys = getattr(value, "facet_keys", None)
        if facet_keys and not isinstance(value, type):
            known |= set(facet_keys())
            if hasattr(value, "q"):
                known.add("q")
        if name == "page_obj" or hasattr(value, "paginator"):
            known.add("page")
    return known


def response_tags(response):
    """What the response depends on: a page names its own tags; anything else (listings, hubs,
    feeds, search, sitemap, the API) depends on all content. Everything depends on the site."""
    context = getattr(response, "context_data", None) or {}
    page = context.get("page")
    tags_for = getattr(page, "page_cache_tags", None)
    shown = set(tags_for(context)) if tags_for else {tags.CONTENT}
    return shown | tags.always_shown()


def time_to_live():
    """The configured lifetime, cut at midnight: pages print today's date ("Accessed ...")."""
    now = timezone.localtime()
    midnight = datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=now.tzinfo
    )
    return max(1, min(settings.PAGE_CACHE_SECONDS, int((midnight - now).total_seconds())))
