"""TOTP two-factor sign-in for the Wagtail admin, on django-otp.

Required for superusers and for users with the security.require_two_factor permission (the
editor-in-chief); anyone else may enrol, and once enrolled is always asked.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404

from django_otp import user_has_device

ALWAYS_ALLOWED = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "two_factor_verify",
    "two_factor_setup",
}


def requires_two_factor(user):
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    return user.is_superuser or user.has_perm("security.require_two_factor")


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
            if name not in ALWAYS_ALLOWED:
                if user_has_device(user, confirmed=True):
                    return redirect(f"{reverse('two_factor_verify')}?next={request.path}")
                if requires_two_factor(user):
                    return redirect("two_factor_setup")
        return self.get_response(request)
