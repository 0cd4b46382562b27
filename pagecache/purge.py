"""Purging after a change, durably.

`purge(tags, urls)` runs inside the change's transaction: it moves the publish generation on
(every memoised value goes, see pagecache.memo) and, where a caching proxy is configured,
records the purge (PendingPurge) in the same transaction. After the commit the pending purges
are sent through Wagtail's frontend-cache backends (pagecache.frontend: tags as
`<site>/.cache-tags/<tag>`, which the proxy bans on, and the URLs themselves) and deleted only
once every request of a purge was acknowledged. What the proxy did not acknowledge stays and is
sent again by the scheduler worker (`send_pending`, every run): a proxy outage delays a purge,
never loses it. A rolled-back transaction leaves nothing behind.

Sent after the commit, not at once: a reader arriving between the change and its commit would
otherwise put the old page back in the proxy.
"""

import logging
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from .frontend import TAG_PATH
from .models import PendingPurge, PublishGeneration

logger = logging.getLogger(__name__)


def proxy_configured():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def bump_generation():
    """A new generation: a random number, not the next one. A database restored from a backup
    (or a replica promoted) goes back to an older generation; counting on from there would
    reach generations the store already holds values for, computed from rows the restore
    undid. A random one was never used before."""
    new = secrets.randbits(62)
    with transaction.atomic():
        if PublishGeneration.objects.filter(pk=1).update(value=new):
            return
        try:
            with transaction.atomic():
                PublishGeneration.objects.create(pk=1, value=new)
        except IntegrityError:  # created by a concurrent transaction meanwhile
            PublishGeneration.objects.filter(pk=1).update(value=secrets.randbits(62))


def purge(tags=(), urls=()):
    """Purge these tags and URLs: recorded now, in the current transaction; sent after it."""
    tags = sorted(set(tags))
    urls = sorted({url for url in urls if url})
    if not tags and not urls:
        return
    with transaction.atomic():
        bump_generation()
        if proxy_configured():
            PendingPurge.objects.create(tags=tags, urls=urls)
    if proxy_configured():
        transaction.on_commit(send_pending)


def site_roots():
    from wagtail.models import Site

    return sorted({site.root_url for site in Site.objects.all()})


def requests_for(item, roots):
    return [f"{root}{TAG_PATH}{tag}" for root in roots for tag in item.tags] + item.urls


def send_pending():
    """Send every recorded purge; delete those the proxy acknowledged. Returns how many are
    still pending. Never raises: the first failure stops this round (a proxy that is down or
    hanging costs one timeout, not one per URL) and everything unsent is tried next time."""
    from wagtail.contrib.frontend_cache.utils import get_backends

    if not proxy_configured():
        return 0
    pending = list(PendingPurge.objects.all()[:200])
    if not pending:
        return 0
    backends = list(get_backends().values())
    roots = site_roots()
    sent, done = set(), []
    try:
        for item in pending:
            for url in requests_for(item, roots):
                if url not in sent:
                    host = urlsplit(url).hostname or ""
                    for backend in backends:
                        if backend.invalidates_hostname(host):
                            backend.purge(url)
                    sent.add(url)
            done.append(item.pk)
    except Exception as error:  # noqa: BLE001 - kept, sent again on the next round
        logger.warning("Purge not acknowledged, kept for the next round: %s", error)
        PendingPurge.objects.filter(pk__in=[i.pk for i in pending if i.pk not in done]).update(
            attempts=F("attempts") + 1
        )
    PendingPurge.objects.filter(pk__in=done).delete()
    return PendingPurge.objects.count()
