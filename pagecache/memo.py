"""Figures derived from published content (facet counts, result totals, the busiest tags),
kept in the page cache's store until a purge of the tags they depend on.

They change only when something is published, unpublished, moved or deleted, and those events
already purge "content" (see publications/invalidation.py). The key carries the tags' tokens as
read before computing: a purge that lands while the figures are computed gives the tags new
tokens, so what was computed from the old rows is stored under a key nobody asks for again.
Unlike whole pages, these are kept for signed-in editors too: they hold only what is public.
"""

import functools
import hashlib
import logging
import os

import django
from django.conf import settings

import wagtail

from . import store

logger = logging.getLogger(__name__)

TIMEOUT = 3600  # a purge usually ends them first; a lost purge is bounded by this


def tokens(tags):
    """The current token of each tag (None for all if the store would not give one)."""
    current = store.current_tokens([store.tag_key(tag) for tag in tags])
    return current if current is not None else [None] * len(tags)


SKIP = {"node_modules", "staticfiles", "media", "tests", "__pycache__"}


@functools.cache
def release():
    """A digest of the code, the templates and the framework versions: a deploy does not serve
    what the last one kept (some values are pickled model instances)."""
    digest = hashlib.sha256(f"{django.__version__} {wagtail.__version__}".encode())
    for folder, subfolders, files in os.walk(settings.BASE_DIR):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIP and not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".py", ".html")):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()[:12]


def memo_key(name, parts, stamps):
    fingerprint = hashlib.sha256(repr((release(), parts, stamps)).encode()).hexdigest()[:32]
    return f"pagecache:memo:{name}:{fingerprint}"


def memoize(name, parts, compute, tags=("content", "site")):
    """compute() once per combination of `parts` until a purge of `tags` (see memoize_many)."""
    return memoize_many(name, [parts], lambda missing: {parts: compute()}, tags)[parts]


def memoize_many(name, parts_list, compute_missing, tags=("content", "site")):
    """{parts: value} for each of `parts_list` in one round trip; compute_missing(missing parts)
    returns {parts: value} for those not kept yet, which are kept from then on (but None). A
    store that cannot be reached means computing every time, never an error page."""
    if not settings.MEMO_ENABLED:
        return compute_missing(list(parts_list))
    try:
        stamps = tokens(tags)
        keys = {parts: memo_key(name, parts, stamps) for parts in parts_list}
        found = {} if None in stamps else store.cache().get_many(list(keys.values()))
    except Exception:  # noqa: BLE001 - an outage of the store is a miss
        logger.warning("Page cache store unavailable", exc_info=True)
        return compute_missing(list(parts_list))
    values = {parts: found[key] for parts, key in keys.items() if key in found}
    missing = [parts for parts in parts_list if parts not in values]
    if missing:
        computed = compute_missing(missing)
        values.update(computed)
        kept = {keys[parts]: v for parts, v in computed.items() if v is not None}
        if kept and None not in stamps:
            try:
                store.cache().set_many(kept, TIMEOUT)
            except Exception:  # noqa: BLE001
                logger.warning("Page cache store unavailable", exc_info=True)
    return values
