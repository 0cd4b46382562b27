"""What the memo and the fragment cache store is plain data or HTML, never model instances.

Every public page type is rendered twice with the memo on a real Redis; then every key of the
store is read back as bytes, straight from Redis, and unpickled by an unpickler that knows no
class but Django's safe string (rendered HTML is one) and the dates. A model instance, a
queryset or any other object would name its class and fail the test; so would a container of
a type outside the list.
"""

import datetime
import io
import pickle

from django.test import Client
from django.utils.safestring import SafeString

import pytest
from django_redis import get_redis_connection

PAGES = {
    "home": "/",
    "listing": "/publications/",
    "listing, filtered": "/publications/?region=japan&competence=security",
    "directory": "/experts/",
    "hub": "/regions/japan/",
    "commentary": "/publications/japan-energy/",
    "expert": "/experts/anna-petrova/",
    "search": "/search/?q=japan",
}
CLASSES = {
    ("django.utils.safestring", "SafeString"): SafeString,  # a str: rendered HTML
    ("datetime", "date"): datetime.date,
    ("datetime", "datetime"): datetime.datetime,
}
PLAIN = (str, int, float, bool, type(None), datetime.date)


class PlainUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in CLASSES:
            raise pickle.UnpicklingError(f"a stored value holds {module}.{name}")
        return CLASSES[(module, name)]


def plain(raw):
    """The stored value; django-redis stores integers as their digits, the rest pickled."""
    try:
        return int(raw)
    except ValueError:
        return PlainUnpickler(io.BytesIO(raw)).load()


def assert_plain(value, where):
    if isinstance(value, (list, tuple)):
        for item in value:
            assert_plain(item, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_plain(key, where)
            assert_plain(item, where)
    else:
        assert type(value) in (*PLAIN, SafeString, datetime.datetime), (where, type(value))


@pytest.fixture
def stored(newsroom, memo_store, settings):
    """{key: raw bytes} of everything the memo and the fragments kept for the pages."""
    settings.MEMO_ENABLED = True
    client = Client()
    for url in [*PAGES.values()] * 2:
        assert client.get(url).status_code == 200, url
    redis = get_redis_connection("memo")
    prefix = settings.CACHES["memo"]["KEY_PREFIX"]
    return {key.decode(): redis.get(key) for key in redis.keys(f"{prefix}:*")}


def test_every_stored_value_is_plain_data_or_html(stored):
    kinds = {key.split(":")[4] if ":memo:" in key else key.split(":")[2] for key in stored}
    # Each kind of value there is, so the walk below cannot pass over an empty store.
    for kind in ("home", "card", "hub", "total", "facets-html", "facet-region", "sections"):
        assert kind in kinds, (kind, kinds)
    assert any(".commentary." in key for key in stored), "no fragment was kept"
    for key, raw in stored.items():
        assert_plain(plain(raw), key)


def test_the_unpickler_refuses_a_model_instance(newsroom):
    """The check above would see a page, were one stored."""
    raw = pickle.dumps({"page": newsroom["joint"]})
    with pytest.raises(pickle.UnpicklingError, match="model_unpickle"):
        plain(raw)
