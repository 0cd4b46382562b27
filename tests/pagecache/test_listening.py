"""A page cache hit asks Redis nothing (pagecache/store.py, `finished_purges`): each process
learns of purges from a channel it listens on. Proved on a real Redis, with a purge made by
another process, and with the listener's connection cut."""

import subprocess
import sys
import textwrap

from django.conf import settings

import pytest
import redis

from pagecache import store

from .conftest import REDIS

TAGS = {"content", "site"}


@pytest.fixture
def stored(page_cache):
    """One entry, stored and served once (so this process listens and keeps it in memory)."""
    _, before = store.lookup("pagecache:page:test")
    assert store.store("pagecache:page:test", {"content": b"page"}, TAGS, before, 60)
    entry, _ = store.lookup("pagecache:page:test")
    assert entry is not None
    yield page_cache
    store.stop_listening()


def hit():
    return store.lookup("pagecache:page:test")[0] is not None


def silent_purge(cache):
    """What purge_tags does, minus the message: new tokens, a new counter."""
    cache.set(store.tag_key("content"), store.new_token(), timeout=None)
    cache.set(store.AFTER, store.new_counter(), timeout=None)


def test_a_hit_does_not_read_the_purge_counter(stored):
    """A purge that published nothing goes unnoticed by a hit: it did not ask Redis. (A real
    purge always publishes; the next tests show that it is heard.)"""
    silent_purge(stored)
    assert hit()


def test_a_purge_by_another_process_is_heard_before_it_returns(stored):
    prefix = settings.CACHES["pages"]["KEY_PREFIX"]
    script = textwrap.dedent(f"""
        import django
        from django.conf import settings
        settings.configure(
            CACHES={{
                "default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
                "pages": {{
                    "BACKEND": "django_redis.cache.RedisCache",
                    "LOCATION": "{REDIS}",
                    "KEY_PREFIX": "{prefix}",
                }},
            }},
            PAGE_CACHE_ALIAS="pages",
        )
        django.setup()
        from pagecache import store
        store.purge_tags(["content"])
    """)
    assert hit()
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert not hit()


def test_a_cut_listener_means_reading_the_counter_again(stored):
    """A purge published while the listener was cut is lost to it, so a cut listener must not
    trust what it knew: here the purge publishes nothing at all, and is still noticed."""
    assert hit()
    redis.Redis.from_url(REDIS).client_kill_filter(_type="pubsub")
    silent_purge(stored)
    assert not hit()


def test_a_store_of_one_process_purges_without_a_channel(settings):
    """Development and most tests keep the page cache in process memory: a purge there needs
    no channel, and a lookup reads the counter as it is."""
    assert "locmem" in settings.CACHES["pages"]["BACKEND"].lower()
    store.stop_listening(retry_now=True)
    after = store.finished_purges()
    store.purge_tags(["content"])
    assert store.finished_purges() != after
