"""Serves anonymous GETs from the page cache, and stores the responses that may be shared.

Never cached: anything but GET; requests carrying a session cookie (signed-in users, passed
private-page passwords) or credentials; the admin, previews, review links and calendar feeds;
responses other than 200, that set a cookie, vary on the cookie or say private / no-cache /
no-store (Wagtail marks private pages so). See docs/performance.md.

The CSP nonce: the stored page keeps the nonce it was rendered with; a hit swaps it for this
request's nonce, and the CSP middleware (outside this one) writes the header from that same
nonce, so the header and the page's JSON-LD script always agree.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import split_directive_names, split_header_value

from . import store

logger = logging.getLogger(__name__)

SKIPPED_PREFIXES = ("/admin/", "/review/", "/calendar-feed/", "/documents/", "/_util/")
UNSHAREABLE = {"private", "no-cache", "no-store"}
MAX_URL_LENGTH = 2000  # longer query strings are served, never stored
TAGS_HEADER = "X-Cache-Tags"
STATUS_HEADER = "X-Page-Cache"
# Rebuilt on every response, never stored: the CSP middleware writes them from this nonce.
NOT_STORED = {"content-security-policy", "content-security-policy-report-only"}


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_ENABLED:
            return self.get_response(request)
        if not shareable_request(request):
            response = self.get_response(request)
            if has_session(request) and "Cache-Control" not in response:
                # A signed-in page must never land in a shared cache downstream either.
                patch_cache_control(response, private=True)
            response[STATUS_HEADER] = "bypass"
            return response

        key = cache_key(request)
        try:
            entry, before = store.lookup(key)
        except Exception:  # noqa: BLE001 - a cache outage is a miss, never an error page
            logger.warning("Page cache unavailable", exc_info=True)
            return self.get_response(request)
        if entry is not None:
            return from_entry(entry, request)

        response = self.get_response(request)
        if shareable_response(request, response):
            tags = response_tags(response)
            timeout = time_to_live()
            patch_cache_control(response, max_age=0, s_maxage=timeout)
            response[TAGS_HEADER] = " ".join(sorted(tags))
            response[STATUS_HEADER] = "miss"
            try:
                store.store(key, to_entry(response, request), tags, before, timeout)
            except Exception:  # noqa: BLE001
                logger.warning("Page cache unavailable", exc_info=True)
        return response


def has_session(request):
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def shareable_request(request):
    return (
        request.method == "GET"
        and not has_session(request)
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(SKIPPED_PREFIXES)
        and len(request.get_full_path()) <= MAX_URL_LENGTH
    )


def shareable_response(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(request, "is_preview", False):
        return False
    if set(split_directive_names(response.get("Cache-Control", ""))) & UNSHAREABLE:
        return False
    vary = {part.lower() for part in split_header_value(response.get("Vary", ""))}
    return not vary & {"cookie", "*", "authorization"}


def cache_key(request):
    # get_host() validates the host against ALLOWED_HOSTS (a bad one is a 400, as before).
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "pagecache:page:" + hashlib.sha256(url.encode()).hexdigest()


def response_tags(response):
    """What the response depends on: a page names its own tags; anything else (listings, hubs,
    feeds, search, sitemap) depends on all content. Every entry depends on the site."""
    context = getattr(response, "context_data", None) or {}
    page = context.get("page")
    tags_for = getattr(page, "page_cache_tags", None)
    tags = set(tags_for(context)) if tags_for else {"content"}
    return tags | {"site"}


def time_to_live():
    """The configured lifetime, cut at midnight: pages print today's date ("Accessed ...")."""
    now = timezone.localtime()
    midnight = datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=now.tzinfo
    )
    return max(1, min(settings.PAGE_CACHE_SECONDS, int((midnight - now).total_seconds())))


def current_nonce(request):
    nonce = getattr(request, "_csp_nonce", None)
    return str(nonce) if nonce else None  # a LazyNonce is falsy until something used it


def to_entry(response, request):
    return {
        "status": response.status_code,
        "headers": [
            (name, value) for name, value in response.items() if name.lower() not in NOT_STORED
        ],
        "content": response.content,
        "nonce": current_nonce(request),
    }


def from_entry(entry, request):
    content = entry["content"]
    if entry["nonce"]:
        content = content.replace(entry["nonce"].encode(), str(request._csp_nonce).encode())
    response = HttpResponse(content, status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(content))
    response[STATUS_HEADER] = "hit"
    return response
