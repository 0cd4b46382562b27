"""Throttles across addresses (security/throttles.py), counted in a real Redis as in
production: one username tried from many places, password-reset mails, private-page passwords."""

import datetime
import time
import uuid

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import caches

from wagtail.models import PageViewRestriction

import pytest
import time_machine

from publications.models import CommentaryPage
from security.throttles import KNOWN_DEVICE_COOKIE

from ..conftest import SEED_COMMENTARY_URL

PASSWORD = "a long enough password"
REDIS = "redis://127.0.0.1:6379/10"


@pytest.fixture
def counters(settings):
    """The default cache on Redis (database 10, a key prefix per test), behind one proxy. The
    counters' clock stands still: django-ratelimit's windows end at a time that depends on the
    key, and one ending between two of a test's requests reset the count (a failure in about
    one run in a few hundred)."""
    with time_machine.travel(time.time(), tick=False):
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": REDIS,
                "KEY_PREFIX": f"agora-throttle-{uuid.uuid4().hex}",
                "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
            },
        }
        settings.TRUSTED_PROXY_COUNT = 1
        cache = caches["default"]
        cache.set("ping", "pong")
        assert cache.get("ping") == "pong", "the throttle tests need Redis on 127.0.0.1:6379"
        yield cache
        cache.delete_pattern("*")


@pytest.fixture
def writer(editorial):
    return get_user_model().objects.create_user(
        "writer", "writer@example.org", PASSWORD, is_staff=True
    )


def sign_in_from(client, address, password, username="writer"):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="172.28.0.2",  # the proxy
        HTTP_X_FORWARDED_FOR=address,
    )


def attack(client, count, first=1):
    """Wrong passwords for one username, each from its own address."""
    return [
        sign_in_from(client, f"198.51.100.{n}", "wrong").status_code
        for n in range(first, first + count)
    ]


def test_one_username_tried_from_many_addresses_is_slowed_with_retry_after(
    counters, writer, client
):
    assert attack(client, 10) == [200] * 10  # no address reached axes' per-address lockout
    refused = sign_in_from(client, "198.51.100.11", "wrong")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert b"Too many sign-in attempts for this account" in refused.content
    # The right password from a new browser waits too: the attacker cannot tell it apart.
    assert sign_in_from(client, "198.51.100.12", PASSWORD).status_code == 429


def test_the_real_user_signs_in_from_their_known_browser_during_the_attack(
    counters, writer, client
):
    own = type(client)()
    assert sign_in_from(own, "203.0.113.5", PASSWORD).status_code == 302
    assert KNOWN_DEVICE_COOKIE in own.cookies
    own.post("/admin/logout/")
    attack(client, 30)
    assert sign_in_from(client, "198.51.100.99", PASSWORD).status_code == 429
    assert sign_in_from(own, "203.0.113.5", PASSWORD).status_code == 302


def test_a_forged_known_device_cookie_is_not_exempt(counters, writer, client):
    attack(client, 11)
    client.cookies[KNOWN_DEVICE_COOKIE] = "writer"
    assert sign_in_from(client, "198.51.100.50", PASSWORD).status_code == 429


def test_another_accounts_known_browser_is_not_exempt(counters, writer, client):
    get_user_model().objects.create_user("other", "other@example.org", PASSWORD, is_staff=True)
    assert sign_in_from(client, "203.0.113.5", PASSWORD, username="other").status_code == 302
    client.post("/admin/logout/")
    attack(type(client)(), 11)
    assert sign_in_from(client, "203.0.113.5", PASSWORD).status_code == 429


def test_the_slowdown_ends_with_its_window_and_never_becomes_a_lockout(counters, writer, client):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        attack(client, 11)
        assert sign_in_from(client, "203.0.113.5", PASSWORD).status_code == 429
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 16, tzinfo=datetime.UTC), tick=False):
        assert sign_in_from(client, "203.0.113.5", PASSWORD).status_code == 302


def test_other_usernames_are_not_slowed_by_an_attack_on_one(counters, writer, client):
    get_user_model().objects.create_user("other", "other@example.org", PASSWORD, is_staff=True)
    attack(client, 11)
    assert sign_in_from(client, "198.51.100.60", PASSWORD, username="other").status_code == 302


def test_sign_in_goes_on_when_the_cache_is_unreachable(settings, writer, client):
    settings.CACHES = {
        **settings.CACHES,
        "default": {  # as production configures it: errors ignored
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.05,
                "SOCKET_TIMEOUT": 0.05,
                "IGNORE_EXCEPTIONS": True,
            },
        },
    }
    assert sign_in_from(client, "203.0.113.5", "wrong").status_code == 200
    assert sign_in_from(client, "203.0.113.5", PASSWORD).status_code == 302


# --- Password-reset mails ---------------------------------------------------------------------


def ask_reset(client, email, address):
    return client.post(
        "/admin/password_reset/",
        {"email": email},
        REMOTE_ADDR="172.28.0.2",
        HTTP_X_FORWARDED_FOR=address,
    )


def test_reset_mails_to_one_address_stop_after_three_with_the_same_reply(counters, writer, client):
    replies = [ask_reset(client, "writer@example.org", f"198.51.100.{n}") for n in range(1, 6)]
    assert {reply.status_code for reply in replies} == {302}
    assert {reply["Location"] for reply in replies} == {"/admin/password_reset/done/"}
    assert len(mail.outbox) == 3


def test_an_unknown_address_gets_the_same_reply_as_a_throttled_one(counters, writer, client):
    for n in range(4):
        ask_reset(client, "writer@example.org", f"198.51.100.{n + 1}")
    throttled = ask_reset(client, "writer@example.org", "198.51.100.9")
    unknown = ask_reset(client, "nobody@example.org", "198.51.100.10")
    assert throttled.status_code == unknown.status_code == 302
    assert throttled["Location"] == unknown["Location"]


def test_one_client_asking_for_many_resets_is_told_to_wait(counters, writer, client):
    for n in range(10):
        assert ask_reset(client, f"someone{n}@example.org", "198.51.100.7").status_code == 302
    refused = ask_reset(client, "writer@example.org", "198.51.100.7")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert not mail.outbox
    assert ask_reset(client, "writer@example.org", "198.51.100.8").status_code == 302
    assert len(mail.outbox) == 1


# --- Private-page passwords -------------------------------------------------------------------


@pytest.fixture
def private_page(seeded):
    page = CommentaryPage.objects.get(slug=SEED_COMMENTARY_URL.strip("/").split("/")[-1])
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="s3cret-words"
    )
    return page, f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"


def guess(client, url, password, address):
    return client.post(
        url,
        {"password": password, "return_url": SEED_COMMENTARY_URL},
        REMOTE_ADDR="172.28.0.2",
        HTTP_X_FORWARDED_FOR=address,
    )


def test_private_page_password_guesses_from_one_address_are_stopped(counters, private_page, client):
    _page, url = private_page
    assert [guess(client, url, f"guess{n}", "198.51.100.7").status_code for n in range(10)] == [
        200
    ] * 10
    refused = guess(client, url, "s3cret-words", "198.51.100.7")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert b"Too many password attempts" in refused.content
    # Another reader is not stopped by that one.
    assert guess(type(client)(), url, "s3cret-words", "198.51.100.8").status_code == 302


def test_private_page_password_guesses_from_many_addresses_are_stopped(
    counters, private_page, client, settings
):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "page-password-restriction": "5/h"}
    _page, url = private_page
    statuses = [guess(client, url, "wrong", f"198.51.100.{n}").status_code for n in range(1, 6)]
    assert statuses == [200] * 5
    assert guess(client, url, "s3cret-words", "198.51.100.50").status_code == 429


def test_the_right_page_password_still_opens_the_page(counters, private_page, client):
    page, url = private_page
    lead = page.lead[:40].encode()
    assert lead not in client.get(SEED_COMMENTARY_URL).content  # the password form
    opened = guess(client, url, "s3cret-words", "198.51.100.7")
    assert opened.status_code == 302 and opened["Location"] == SEED_COMMENTARY_URL
    assert lead in client.get(SEED_COMMENTARY_URL).content
