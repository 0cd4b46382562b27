"""Values derived from published content (facet counts, result totals, cards, the home page's
and hubs' ids and figures, `{% publishedcache %}` fragments), kept until the next publish. Only
plain data and HTML: never model instances (tests/pagecache/test_stored_values.py).

A value is stored under the publish generation (pagecache.models.PublishGeneration, bumped in
every purge, see pagecache.purge) and the release that computed it. The generation is read from
the database once per request, before anything is computed: a value computed from rows older
than a commit is stored under an older generation, which no request reads once that commit is
visible. So nothing is remembered per process and nothing needs deleting: a store that missed
a purge, was frozen through one or restarted from an old snapshot holds only keys nobody asks
for again. A store that cannot be reached (down, frozen: short socket timeouts) means
computing, never an error page and never a stale value.

Unlike shared responses, these are kept for signed-in editors too: they hold only what is
public (previews never use them).
"""

import contextvars
import hashlib
import logging
import os
import time

from django.conf import settings
from django.core.cache import caches
from django.dispatch import receiver
from django.utils import autoreload

from .models import PublishGeneration

logger = logging.getLogger(__name__)

PAUSE_AFTER_FAILURE = 5.0  # seconds without asking a store that just failed: compute instead

_request = contextvars.ContextVar("memo_request", default=None)
_store = {"down_until": 0.0}


class RequestScope:
    """What one request read once: the publish generation (None until first needed)."""

    def __init__(self):
        self.generation = None


def begin_request():
    """Called by the middleware at the start of each request; returns the reset token."""
    return _request.set(RequestScope())


def end_request(token):
    _request.reset(token)


def read_generation():
    value = PublishGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 0


def generation():
    """The publish generation, read once per request (outside one, every time)."""
    scope = _request.get()
    if scope is None:
        return read_generation()
    if scope.generation is None:
        scope.generation = read_generation()
    return scope.generation


def stamp():
    """Read the generation now (memo on), before reading what a fragment will show."""
    if settings.MEMO_ENABLED:
        generation()


def started():
    return f"started-{os.getpid()}-{time.time_ns()}"


_process = {"release": started()}


def release():
    """RELEASE_ID, which a deploy sets (the image's git commit): a deploy never reads what the
    last one kept. Unset (development), this process's start, renewed when runserver sees a
    file change: a reload is a new process, and a template edit, which reloads nothing, a new
    release too. A production process without it is correct, only alone with its values."""
    return settings.RELEASE_ID or _process["release"]


@receiver(autoreload.file_changed)
def file_changed(sender, file_path, **kwargs):
    _process["release"] = started()


def memo_key(name, parts, stamp):
    fingerprint = hashlib.sha256(repr((release(), stamp, parts)).encode()).hexdigest()[:32]
    return f"pagecache:memo:{name}:{fingerprint}"


def store():
    return caches[settings.MEMO_CACHE_ALIAS]


def store_available():
    return time.monotonic() >= _store["down_until"]


def store_failed():
    logger.warning("Memo store unavailable: computing", exc_info=True)
    _store["down_until"] = time.monotonic() + PAUSE_AFTER_FAILURE


def memoize(name, parts, compute, tags=None):
    """compute() once per `parts` until the next publish (see memoize_many)."""
    return memoize_many(name, [parts], lambda missing: {parts: compute()})[parts]


def memoize_many(name, parts_list, compute_missing, tags=None):
    """{parts: value} for each of `parts_list` in one round trip; compute_missing(missing parts)
    returns {parts: value} for those not kept yet, which are kept from then on (but None).
    `tags` is accepted for older callers and ignored: every publish moves the one generation."""
    if not settings.MEMO_ENABLED:
        return compute_missing(list(parts_list))
    stamp = generation()  # before computing: see the module's docstring
    keys = {parts: memo_key(name, parts, stamp) for parts in parts_list}
    found = {}
    if store_available():
        try:
            found = store().get_many(list(keys.values()))
        except Exception:  # noqa: BLE001 - an outage of the store is a miss
            store_failed()
    values = {parts: found[key] for parts, key in keys.items() if key in found}
    missing = [parts for parts in parts_list if parts not in values]
    if missing:
        computed = compute_missing(missing)
        values.update(computed)
        kept = {keys[parts]: v for parts, v in computed.items() if v is not None}
        if kept and store_available():
            try:
                store().set_many(kept, settings.MEMO_SECONDS)
            except Exception:  # noqa: BLE001 - as for get_many: an outage of the store loses the write
                store_failed()
    return values
