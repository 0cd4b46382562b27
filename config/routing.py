"""Wagtail's page routing in one query for a path that was served before.

Wagtail walks the tree from the site root, a query or two per level (a commentary costs five).
A per-process map remembers which page answered a path; the next request fetches that page
alone and serves it only if it is still live at exactly that URL (its url_path under this
site's root). A stale entry (after a move, a slug change, an unpublish or a deletion) therefore
only sends the request back through Wagtail's own routing: nothing needs invalidating, in this
process or any other. View restrictions are checked after routing, as before; previews are not
routed at all. Used only while no page type overrides `route()` and i18n is off.

The Site answering a host and port is remembered too, with the publish generation (read from
the database once per request, pagecache.memo) it was looked up at: any save or deletion of a
Site purges, which moves the generation on (publications/invalidation.py), so a remembered Site
is used only while nothing was published since. With the memo off Wagtail looks it up each time.
"""

import threading

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http.request import split_domain_port

from wagtail import views as wagtail_views
from wagtail.models import Page, Site, get_page_models
from wagtail.url_routing import RouteResult

from pagecache import memo

MAX_ROUTES = 50_000
MAX_SITES = 100  # host names are whatever ALLOWED_HOSTS lets through
_routes = {}  # (site id, path) -> (content type id, page id)
_sites = {}  # (host name, port) -> (publish generation, Site or None)
_lock = threading.Lock()
_plain = None


def plain_routing():
    global _plain
    if _plain is None:
        _plain = not getattr(settings, "WAGTAIL_I18N_ENABLED", False) and all(
            model.route is Page.route for model in get_page_models()
        )
    return _plain


def serve(request, path):
    if plain_routing():
        prime(request, path)
    response = wagtail_views.serve(request, path)
    if plain_routing():
        remember(request, path)
    return response


def prime(request, path):
    """Hand Wagtail the remembered page, if it still answers this path."""
    site = find_site(request)
    known = _routes.get((site.pk, path)) if site else None
    if known is None:
        return
    content_type_id, page_id = known
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:  # the page type is gone (or the database was reset)
        return
    if model is None or not issubclass(model, Page):
        return
    page = model.objects.filter(pk=page_id).first()
    if page is not None and page.live and page.url_path == site.root_page.url_path + path:
        request._wagtail_route_for_request = RouteResult(page)


def find_site(request):
    """Site.find_for_request, remembered while the publish generation stays the same."""
    if hasattr(request, "_wagtail_site") or not settings.MEMO_ENABLED:
        return Site.find_for_request(request)
    token = memo.generation()
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    known = _sites.get(key)
    if known is not None and known[0] == token:
        request._wagtail_site = known[1]
        return known[1]
    site = Site.find_for_request(request)
    with _lock:
        if len(_sites) >= MAX_SITES:
            _sites.clear()
        _sites[key] = (token, site)
    return site


def remember(request, path):
    site = getattr(request, "_wagtail_site", None)
    route = getattr(request, "_wagtail_route_for_request", None)
    if site is None or route is None or route.args or route.kwargs:
        return
    with _lock:
        if len(_routes) >= MAX_ROUTES:
            del _routes[next(iter(_routes))]
        _routes[(site.pk, path)] = (route.page.content_type_id, route.page.pk)
