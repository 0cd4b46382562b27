"""Cached responses with dependency tags, checked at read time.

Every entry is stamped with the current token of each tag it depends on ("commentary:12",
"expert-list:4", "content", "site"). Purging a tag gives it a new token, which makes every entry
stamped with the old one a miss: no list of URLs to keep, and a listing's countless filtered
variants all go with one tag.

Two counters frame every purge: BEFORE changes before the tags, AFTER once they all changed.
- A render reads BEFORE when it starts and stores nothing if BEFORE moved by the time it reads
  the tag tokens: it may have read the database before the change committed.
- Each process keeps the entries it served lately in memory, with the AFTER it read before
  checking their tags. While AFTER has not moved, no purge has finished since, so the entry is
  still good: a hit then costs one small read. When AFTER moved, the tags are checked again.
"""

import secrets
import time

from django.conf import settings
from django.core.cache import caches

BEFORE = "pagecache:purge-started"
AFTER = "pagecache:purge-finished"
LOCAL_ENTRIES = 500  # per process; a commentary page is about 10-30 KB

_local = {}  # key -> (entry, the AFTER value it was last checked against)


def cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def tag_key(tag):
    return f"pagecache:tag:{tag}"


def new_token():
    return secrets.token_hex(8)


def new_counter():
    return secrets.randbits(62)  # an int: the cache stores and reads it without pickling


def lookup(key):
    """(entry or None, BEFORE token): the entry only if none of its tags was purged since."""
    after = cache().get(AFTER)
    if after is None:  # never purged yet (or evicted)
        cache().add(AFTER, new_counter(), timeout=None)
        after = cache().get(AFTER)
    entry, checked_at = _local.get(key, (None, None))
    if entry and checked_at == after and entry.get("expires", 0) > time.time():
        return entry, None
    found = cache().get_many([key, BEFORE])
    entry, before = found.get(key), found.get(BEFORE)
    if entry is None:
        _local.pop(key, None)
        return None, before
    stamps = entry["tags"]
    current = cache().get_many([tag_key(tag) for tag in stamps])
    if any(current.get(tag_key(tag)) != token for tag, token in stamps.items()):
        _local.pop(key, None)
        return None, before
    if after is not None:
        remember(key, entry, after)
    return entry, before


def remember(key, entry, after):
    if key not in _local and len(_local) >= LOCAL_ENTRIES:
        del _local[next(iter(_local))]
    _local[key] = (entry, after)


def fill_tokens(current, keys):
    """Give a token to each tag key missing from `current` (a tag's first use, or evicted) and
    read it into `current`; a concurrent purge may win the race, in which case we read its
    token, which is just as good. False if a token still cannot be read."""
    missing = [k for k in keys if k not in current]
    if missing:
        for k in missing:
            cache().add(k, new_token(), timeout=None)
        current.update(cache().get_many(missing))
    return all(k in current for k in keys)


def store(key, entry, tags, before, timeout):
    """Stamp and store the entry; False if a purge started since `before` was read."""
    keys = {tag: tag_key(tag) for tag in tags}
    current = cache().get_many([*keys.values(), BEFORE])
    if current.get(BEFORE) != before:
        return False
    if not fill_tokens(current, keys.values()):
        return False
    entry["tags"] = {tag: current[k] for tag, k in keys.items()}
    entry["expires"] = time.time() + timeout
    cache().set(key, entry, timeout)
    return True


def purge_tags(tags):
    """New tokens for these tags: every entry depending on one of them is now a miss."""
    if not tags:
        return
    cache().set(BEFORE, new_token(), timeout=None)
    cache().set_many({tag_key(tag): new_token() for tag in tags}, timeout=None)
    cache().set(AFTER, new_counter(), timeout=None)
