"""Cached responses with dependency tags, checked at read time.

Every entry is stamped with the current token of each tag it depends on ("commentary:12",
"expert-list:4", "content", "site"). Purging a tag gives it a new token, which makes every entry
stamped with the old one a miss: no list of URLs to keep, and a listing's countless filtered
variants all go with one tag. Reading an entry costs two round trips (the entry, then its tags).

A purge that lands while a page renders must not let that render be stored with the new tokens
(it may have read the database before the change committed). So a purge first replaces the
epoch token, then the tags; a render reads the epoch before it starts and stores nothing if the
epoch moved by the time it reads the tag tokens.
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

EPOCH = "pagecache:epoch"


def cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def tag_key(tag):
    return f"pagecache:tag:{tag}"


def new_token():
    return secrets.token_hex(8)


def lookup(key):
    """(entry or None, epoch token): the entry only if none of its tags was purged since."""
    found = cache().get_many([key, EPOCH])
    entry, epoch = found.get(key), found.get(EPOCH)
    if entry is None:
        return None, epoch
    stamps = entry["tags"]
    current = cache().get_many([tag_key(tag) for tag in stamps])
    if any(current.get(tag_key(tag)) != token for tag, token in stamps.items()):
        return None, epoch
    return entry, epoch


def store(key, entry, tags, epoch, timeout):
    """Stamp and store the entry; False if a purge happened since `epoch` was read."""
    keys = {tag: tag_key(tag) for tag in tags}
    current = cache().get_many([*keys.values(), EPOCH])
    if current.get(EPOCH) != epoch:
        return False
    missing = [k for k in keys.values() if k not in current]
    if missing:
        # First use of a tag (or evicted): give it a token; a concurrent purge may win the race,
        # in which case we read its token, which is just as good.
        for k in missing:
            cache().add(k, new_token(), timeout=None)
        current.update(cache().get_many(missing))
        if any(k not in current for k in missing):
            return False
    entry["tags"] = {tag: current[k] for tag, k in keys.items()}
    cache().set(key, entry, timeout)
    return True


def purge_tags(tags):
    """New tokens for these tags: every entry depending on one of them is now a miss."""
    if not tags:
        return
    cache().set(EPOCH, new_token(), timeout=None)
    cache().set_many({tag_key(tag): new_token() for tag in tags}, timeout=None)
