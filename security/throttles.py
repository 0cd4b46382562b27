"""Throttles on what an attacker can repeat from many addresses: guessing one account's
password, asking for password-reset mails, guessing a private page's password.

django-axes locks one username from one address (config/settings/base.py); these count across
addresses, on django-ratelimit's fixed-window counters in the default cache (Redis in
production, shared by every worker). A refused attempt is answered 429 with Retry-After. If the
cache is unreachable the throttles let requests through (RATELIMIT_FAIL_OPEN): axes, kept in
the database, still holds, and a cache outage must not stop editors signing in.

The username-wide throttle must not become a lockout of the real user: a browser that has
signed in to the account before carries a signed "known device" cookie and is never counted or
refused, so an attacker hammering the account slows only browsers that never signed in to it.
"""

import hashlib
import math

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import render

from django_ratelimit.core import get_usage

from .client_ip import client_ip

KNOWN_DEVICE_COOKIE = "agora_known_device"
KNOWN_DEVICE_SALT = "agora.security.known-device"


def _digest(value):
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _usage(request, group, value, increment):
    return get_usage(
        request,
        group=group,
        key=lambda _group, _request: value,
        rate=settings.THROTTLE_RATES[group],
        increment=increment,
    )


def _retry_after(usage, counted=True):
    """Seconds to wait, or None when the attempt may go ahead.

    When the count includes this attempt, it is over once the count passes the limit; when
    only failures are counted, afterwards (counted=False), once the count has reached it.
    """
    if usage is None:
        return None
    over = usage["should_limit"] if counted else usage["count"] >= usage["limit"]
    return max(1, usage["time_left"]) if over else None


def too_many(request, template, retry_after, **context):
    response = render(
        request,
        template,
        {"retry_after_minutes": math.ceil(retry_after / 60), **context},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


# --- Sign-in: one username from many addresses ---------------------------------------------


def _known_device(request, username):
    value = request.get_signed_cookie(
        KNOWN_DEVICE_COOKIE,
        default=None,
        salt=KNOWN_DEVICE_SALT,
        max_age=settings.KNOWN_DEVICE_DAYS * 86400,
    )
    return value is not None and value == _digest(username)


class UsernameThrottleBackend:
    """Refuses a sign-in while its username has failed too often from unknown browsers.

    An authentication backend, so it guards every path that calls authenticate(); it
    authenticates nobody itself (and has no get_user, so no session names it as its backend).
    LoginThrottleMiddleware turns the refusal into a 429.
    """

    def authenticate(self, request, username=None, **credentials):
        if request is None or not username or _known_device(request, username):
            return None
        retry_after = _retry_after(
            _usage(request, "login-username", _digest(username), False),
            counted=False,
        )
        if retry_after:
            request.agora_login_retry_after = retry_after
            raise PermissionDenied("too many failed sign-ins for this username")
        return None


@receiver(user_login_failed, dispatch_uid="agora-username-throttle-count")
def count_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    if request is None or not username or getattr(request, "agora_login_retry_after", None):
        return
    if _known_device(request, username):
        return
    _usage(request, "login-username", _digest(username), True)


@receiver(user_logged_in, dispatch_uid="agora-known-device")
def remember_device(sender, request, user, **kwargs):
    if request is not None:
        request.agora_known_device = _digest(user.get_username())


class LoginThrottleMiddleware:
    """Answers a throttled sign-in with 429, and marks a browser that signed in as known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        retry_after = getattr(request, "agora_login_retry_after", None)
        if retry_after:
            return too_many(request, "security/login_throttled.html", retry_after)
        known = getattr(request, "agora_known_device", None)
        if known:
            response.set_signed_cookie(
                KNOWN_DEVICE_COOKIE,
                known,
                salt=KNOWN_DEVICE_SALT,
                max_age=settings.KNOWN_DEVICE_DAYS * 86400,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


# --- Password-reset mails -------------------------------------------------------------------


def password_reset_refusal(request, email):
    """None if a reset mail may go to this address now; otherwise what to do instead.

    Returns "silent" when this address has had its share of mails (the reply must not say so,
    or the form tells who has an account), or a 429 response when this client asks too often.
    """
    ip_wait = _retry_after(_usage(request, "password-reset-ip", client_ip(request), True))
    if ip_wait:
        return too_many(request, "security/password_reset_throttled.html", ip_wait)
    email_wait = _retry_after(_usage(request, "password-reset-email", _digest(email), True))
    return "silent" if email_wait else None


# --- Private-page passwords -----------------------------------------------------------------


def page_password_wait(request, restriction_id, increment):
    """Seconds before this client may try a password for this restriction again, or None.

    Counted per client address, and per restriction across all addresses (a slower limit), so
    neither one address nor many can try the passwords of a private section at speed.
    """
    address = f"{restriction_id}:{client_ip(request)}"
    waits = [
        _retry_after(
            _usage(request, "page-password-ip", address, increment),
            counted=False,
        ),
        _retry_after(
            _usage(
                request,
                "page-password-restriction",
                str(restriction_id),
                increment,
            ),
            counted=False,
        ),
    ]
    waits = [wait for wait in waits if wait]
    return max(waits) if waits else None
