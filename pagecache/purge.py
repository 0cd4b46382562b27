"""Purging after a change: new tokens for the changed tags in the page cache, and PURGE requests
to the caching proxy through Wagtail's frontend cache, once the transaction commits.

Purging on commit, not at once: a reader who arrived between the change and the commit would
otherwise put the old page back in the cache. Purges asked for in one transaction are sent
together (a rolled-back transaction's are sent with the next commit: a needless purge, never a
missed one). The proxy gets the URLs it should drop (each with its query-string variants, see
deploy/varnish/default.vcl) and, as `<site>/.cache-tags/<tag>`, the tags: it bans every object
whose X-Cache-Tags header holds one.
"""

import logging
import threading

from django.conf import settings
from django.db import transaction

from . import store

logger = logging.getLogger(__name__)

TAG_PATH = "/.cache-tags/"


class Pending(threading.local):
    def __init__(self):
        self.tags, self.urls = set(), set()


pending = Pending()


def purge(tags=(), urls=()):
    """Purge these tags and URLs when the current transaction commits (at once outside one)."""
    pending.tags.update(tags)
    pending.urls.update(url for url in urls if url)
    transaction.on_commit(flush)


def flush():
    tags, urls = pending.tags, pending.urls
    if not tags and not urls:
        return  # an earlier callback of the same transaction sent them
    pending.tags, pending.urls = set(), set()
    try:
        # Even where this process does not serve from the page cache (a management command,
        # a worker with PAGE_CACHE=0): the web processes may, from the same store.
        store.purge_tags(tags)
    except Exception:
        logger.exception("Page cache purge failed for %s", sorted(tags))
    purge_frontend(urls, tags)


def purge_frontend(urls, tags):
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    tag_urls = [f"{site.root_url}{TAG_PATH}{tag}" for tag in sorted(tags)] if site else []
    purge_urls_from_cache(sorted(urls) + tag_urls)
