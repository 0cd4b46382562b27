"""The memo on a real Redis (127.0.0.1:6379, database 9, a key prefix per test), a real HTTP
server standing in for Varnish to receive PURGE requests, and a small newsroom."""

import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.core.cache import caches
from django.test import Client, override_settings

import pytest

from pagecache import memo

from ..factories.experts import ExpertPageFactory
from ..factories.publications import commentary_maker
from ..factories.taxonomy import CompetenceFactory, RegionFactory

REDIS = "redis://127.0.0.1:6379/9"
NONCE = re.compile(rb'nonce="[^"]*"|nonce-[^\' ;]+')


@pytest.fixture
def memo_store(settings):
    """The memo's store on Redis (database 9, a key prefix per test)."""
    settings.CACHES = {
        **settings.CACHES,
        "memo": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": f"agora-test-{uuid.uuid4().hex}",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        },
    }
    memo._store["down_until"] = 0.0  # the last test's store may have been unreachable
    cache = caches["memo"]
    cache.set("ping", "pong")
    assert cache.get("ping") == "pong", "the memo tests need Redis on 127.0.0.1:6379"
    yield cache
    cache.delete_pattern("*")


@pytest.fixture
def edge(settings):
    """Responses marked for the caching proxy, as in production."""
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture
def unreachable_store(settings):
    """The memo's store at an address nobody answers; the memo on."""
    settings.CACHES = {
        **settings.CACHES,
        "memo": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.05, "SOCKET_TIMEOUT": 0.05},
        },
    }
    memo._store["down_until"] = 0.0
    settings.MEMO_ENABLED = True
    yield
    memo._store["down_until"] = 0.0


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block whose on-commit callbacks (the purges) run as a real commit would run them."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


class PurgeRecorder(BaseHTTPRequestHandler):
    def do_PURGE(self):
        self.server.received.append((self.headers["Host"], self.path))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy(proxy_server):
    """What a caching proxy at VARNISH_URL would be asked to purge: (Host, path) pairs."""
    return proxy_server.received


@pytest.fixture
def proxy_server(settings):
    """A fake caching proxy (its `status` is what it answers to PURGE)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    server.received = []
    server.status = 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "pagecache.frontend.TagBanBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
            "TIMEOUT": 1,
        }
    }
    yield server
    server.shutdown()
    server.server_close()


def normalised(content):
    return NONCE.sub(b"nonce", content)


def fresh(url):
    """The page as it is rendered now, with nothing memoised."""
    with override_settings(MEMO_ENABLED=False):
        return Client().get(url)


def render(url):
    """The page's HTML (nonces normalised), answered 200, memo as the settings say."""
    response = Client().get(url)
    assert response.status_code == 200, url
    return normalised(response.content)


def unmemoised(url):
    with override_settings(MEMO_ENABLED=False):
        return render(url)


@pytest.fixture
def memo_on(memo_store, settings):
    """The memo on, over Redis."""
    settings.MEMO_ENABLED = True
    return memo_store


@pytest.fixture
def newsroom(site_tree, django_capture_on_commit_callbacks):
    """Four commentaries by three experts; its creation is committed, purges included."""
    with django_capture_on_commit_callbacks(execute=True):
        return build_newsroom(site_tree)


def build_newsroom(site_tree):
    japan, china, korea = (RegionFactory(name=n) for n in ("Japan", "China", "Korea"))
    security, energy, trade = (CompetenceFactory(name=n) for n in ("Security", "Energy", "Trade"))
    experts = site_tree["experts"]
    anna = ExpertPageFactory(
        parent=experts, title="Anna Petrova", competences=[security], regions=[japan]
    )
    boris = ExpertPageFactory(parent=experts, title="Boris Adamov", competences=[energy])
    carl = ExpertPageFactory(parent=experts, title="Carl Lund", competences=[trade])
    commentary = commentary_maker(site_tree["publications"])

    return {
        **site_tree,
        "japan": japan,
        "china": china,
        "korea": korea,
        "security": security,
        "energy": energy,
        "trade": trade,
        "anna": anna,
        "boris": boris,
        "carl": carl,
        "commentary": commentary,
        "japan_security": commentary("Japan security", "2024-01-03", [anna], [japan], [security]),
        "joint": commentary("Japan energy", "2024-01-02", [anna, boris], [japan], [energy]),
        "china_energy": commentary("China energy", "2024-01-01", [boris], [china], [energy]),
        "trade_notes": commentary("Trade notes", "2023-05-01", [carl], [korea], [trade]),
    }
