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
  still good. When AFTER moved, the tags are checked again.
- Knowing AFTER has not moved costs no round trip: each process listens on a channel (see
  `finished_purges`) on which every purge, once AFTER changed, publishes, and then waits for a
  PING: Redis has written the message to every listener's socket before it answers a later
  command, so a reader who arrives after the purge returned finds it there.
"""

import contextlib
import logging
import secrets
import threading
import time

from django.conf import settings
from django.core.cache import caches

BEFORE = "pagecache:purge-started"
AFTER = "pagecache:purge-finished"
LOCAL_ENTRIES = 500  # per process; a commentary page is about 10-30 KB
CHANNEL = "pagecache:purged"
RETRY_LISTENING = 30  # seconds between attempts when the store refuses a listener

logger = logging.getLogger(__name__)
_local = {}  # key -> (entry, the AFTER value it was last checked against)
_listener = {"connection": None, "channel": None, "after": None, "retry_at": 0.0}
_listener_lock = threading.Lock()
_tokens = {"after": None, "known": {}}  # tag key -> token, good while AFTER is "after"


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
    after = finished_purges()
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


def read_after():
    after = cache().get(AFTER)
    if after is None:  # never purged yet (or evicted)
        cache().add(AFTER, new_counter(), timeout=None)
        after = cache().get(AFTER)
    return after


def channel():
    return cache().make_key(CHANNEL)  # the key prefix keeps sites sharing a Redis apart


def finished_purges():
    """AFTER, read from Redis only when this process has heard of a purge since it last read it.

    Listening: a connection of our own, subscribed to the channel before AFTER is read. Any
    data on it (a purge's message) or any trouble with it (closed, Redis restarted, another
    channel now) ends it, and AFTER is read again under a new one. Where the store will not let
    us listen, AFTER is read every time, as it was before listening."""
    with _listener_lock:
        connection = _listener["connection"]
        if connection is not None and _listener["channel"] == channel():
            try:
                if not connection.can_read(timeout=0):
                    return _listener["after"]
            except Exception:  # noqa: BLE001, S110 - a broken listener: listen anew
                pass
        stop_listening()
        if time.monotonic() < _listener["retry_at"] or redis_client() is None:
            return read_after()
        try:
            connection = listen()
        except Exception:  # noqa: BLE001 - read AFTER each time for a while
            logger.warning("Page cache: cannot listen for purges", exc_info=True)
            _listener["retry_at"] = time.monotonic() + RETRY_LISTENING
            return read_after()
        after = read_after()
        _listener.update(connection=connection, channel=channel(), after=after)
        return after


def redis_client():
    """The store's Redis client; None for a store of one process (tests, development)."""
    client = getattr(cache(), "client", None)
    return client.get_client(write=True) if client is not None else None


def listen():
    pool = redis_client().connection_pool
    connection = pool.connection_class(**pool.connection_kwargs)
    connection.connect()
    connection.send_command("SUBSCRIBE", channel())
    connection.read_response(push_request=True)  # confirmed: from now on every purge reaches us
    return connection


def stop_listening(retry_now=False):
    connection = _listener["connection"]
    _listener.update(connection=None, channel=None, after=None)
    if retry_now:  # a new store (tests): try listening at the next lookup
        _listener["retry_at"] = 0.0
    if connection is not None:
        with contextlib.suppress(Exception):  # it is gone either way
            connection.disconnect()


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


def current_tokens(keys):
    """The tokens of these tag keys, or None if the store would not give one. Kept in this
    process while no purge has finished since they were read (`finished_purges`): a purge
    changes tokens before it publishes, so tokens read under one AFTER stay current until the
    listener hears of the next purge."""
    after = finished_purges()
    if _tokens["after"] != after or after is None:
        _tokens.update(after=after, known={})
    known = _tokens["known"]
    missing = [key for key in keys if key not in known]
    if missing:
        found = cache().get_many(missing)
        if not fill_tokens(found, missing):
            return None
        known.update(found)
    return [known[key] for key in keys]


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
    client = redis_client()
    if client is not None:
        client.publish(channel(), "1")
        client.ping()  # answered once Redis has written the message to every listener's socket
