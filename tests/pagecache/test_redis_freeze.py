"""Attack: the cache's Redis hangs (SIGSTOP) while an editor gives one commentary a login
restriction and unpublishes another. Before, each purge failed and was only logged, and every
web process kept serving the pages from its own memory: both were still shown to anonymous
readers an hour later. Now the application keeps no pages, and a memoised value is keyed by the
database's publish generation, which the change moved on without asking Redis.

A redis-server of the test's own (a free port on 127.0.0.1, no persistence) is the store of
every cache; it is frozen while the changes are made and committed (a transactional test: real
commits)."""

import os
import shutil
import signal
import subprocess
import time

from django.core.cache import caches
from django.test import Client

from wagtail.models import PageViewRestriction

import pytest
import redis

from scripts.edge import free_port

PORT = free_port()  # per test process, so parallel runs do not share it
URL = f"redis://127.0.0.1:{PORT}/0"


@pytest.fixture
def own_redis(tmp_path):
    server = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(PORT), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis.from_url(URL, socket_timeout=0.5)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        server.kill()
        pytest.fail("redis-server did not start")
    yield server
    os.kill(server.pid, signal.SIGCONT)
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def redis_everywhere(settings, own_redis):
    def on_redis(prefix):
        return {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }

    settings.CACHES = {
        # As in production (config/settings/base.py): the default cache ignores its errors.
        "default": {
            **on_redis("agora"),
            "OPTIONS": {**on_redis("")["OPTIONS"], "IGNORE_EXCEPTIONS": True},
        },
        "pages": on_redis("agora-pages"),  # what the page cache used
        "memo": on_redis("agora-memo"),
    }
    settings.PAGE_CACHE_ENABLED = True
    settings.MEMO_ENABLED = True
    yield
    for alias in ("default", "pages", "memo"):
        caches[alias].close()


PAGES = ["/", "/publications/", "/search/?q=japan", "/publications/feed/", "/experts/anna-petrova/"]


@pytest.mark.django_db(transaction=True)
def test_a_frozen_redis_does_not_keep_private_or_unpublished_commentaries_public(
    newsroom, redis_everywhere, own_redis
):
    private, withdrawn = newsroom["japan_security"], newsroom["joint"]
    titles = [b"Japan security", b"Japan energy"]
    reader = Client()
    for url in [private.url, withdrawn.url, *PAGES] * 2:  # warm every layer there is
        response = reader.get(url)
        assert response.status_code == 200, url
    for url in PAGES:
        assert all(title in reader.get(url).content for title in titles), url

    os.kill(own_redis.pid, signal.SIGSTOP)
    try:
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
        withdrawn.unpublish()
    finally:
        os.kill(own_redis.pid, signal.SIGCONT)

    deadline = time.monotonic() + 5
    while True:
        try:
            assert reader.get(private.url).status_code == 302  # to the login page
            assert reader.get(withdrawn.url).status_code == 404
            for url in PAGES:
                content = reader.get(url).content
                assert not any(title in content for title in titles), url
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
