"""TOTP two-factor sign-in for the Wagtail admin, on django-otp.

Required for superusers and for users with the security.require_two_factor permission (the
editor-in-chief); anyone else may enrol, and once enrolled is always asked.

A session signed in with the password only is "unverified". If the user has a confirmed device,
such a session reaches nothing in the admin but the verify page (and sign-in, sign-out and
static assets): in particular not enrolment, or the password alone would let anyone add their
own device and verify with it. Only a user with no device yet may enrol from it.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils.http import urlencode

from django_otp import user_has_device

# Reachable by an unverified session of a user who has a device. None of them adds a device.
UNVERIFIED_ALLOWED = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "two_factor_verify",
}
# Reachable by an unverified session of a user who has no device yet but must enrol.
ENROLMENT_ALLOWED = UNVERIFIED_ALLOWED | {"two_factor_setup"}


def requires_two_factor(user):
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    return user.is_superuser or user.has_perm("security.require_two_factor")


def owes_verification(user):
    """Signed in with the password, has a confirmed device, has not given a code yet."""
    return user.is_authenticated and not user.is_verified() and user_has_device(user)


def verify_redirect(request):
    return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.path})}")


class TwoFactorMiddleware:
    """Sends an admin user who still owes a second factor to verify, or to enrol."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if request.path.startswith("/admin/") and user.is_authenticated and not user.is_verified():
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if user_has_device(user, confirmed=True):
                if name not in UNVERIFIED_ALLOWED:
                    return verify_redirect(request)
            elif requires_two_factor(user) and name not in ENROLMENT_ALLOWED:
                return redirect("two_factor_setup")
        return self.get_response(request)
