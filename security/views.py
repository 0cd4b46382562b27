import base64
import io

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image
from django_otp.util import random_hex

from . import devices
from .forms import EnrolForm, PasswordForm, TokenForm
from .two_factor import verify_redirect

PENDING_KEY = "two_factor_pending_key"


def _safe_next(request, default="/admin/"):
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def qr_data_uri(data):
    """The QR code as an <img> source: an SVG document, base64 in a data: URI.

    Inlined into the page, qrcode's SVG (namespaced <svg:rect> elements) is read by the HTML
    parser as unknown elements and draws nothing; as an image it is parsed as XML and drawn, and
    the policy's img-src allows data: while no inline style is needed.
    """
    svg = io.BytesIO()
    write_qrcode_image(data, svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()


def _pending_device(request):
    """The device being enrolled, kept in the session (not the database) until confirmed."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = random_hex(20)
    return TOTPDevice(user=request.user, key=key, name="Authenticator app")


def _code_matches(device, token):
    # Checked without verify_token(): on a wrong code it saves the device (throttling), and an
    # unconfirmed device must never reach the database.
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return totp.verify(int(token), tolerance=device.tolerance)


def _recovery_codes_page(request, codes, next_url):
    return TemplateResponse(
        request, "security/two_factor_recovery_codes.html", {"codes": codes, "next": next_url}
    )


@require_http_methods(["GET", "POST"])
def setup(request):
    """Add an authenticator app: scan the code, confirm with one code and the password.

    A user who has a device already adds another only from a verified session; a user with none
    may enrol straight after signing in with the password (their first enrolment).
    """
    user = request.user
    enrolled = user_has_device(user, confirmed=True)
    if enrolled and not user.is_verified():
        return verify_redirect(request)
    device = _pending_device(request)
    form = EnrolForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        if _code_matches(device, form.cleaned_data["token"]):
            try:
                saved, codes = devices.add_totp_device(
                    user,
                    device.key,
                    form.cleaned_data["name"],
                    first_enrolment=not enrolled,
                    by=user,
                )
            except devices.AlreadyEnrolled:
                # Another request enrolled first: this session must verify like any other.
                return verify_redirect(request)
            del request.session[PENDING_KEY]
            otp_login(request, saved)
            messages.success(request, f"“{saved.name}” is now a second factor for your account.")
            next_url = _safe_next(request, default=reverse("two_factor_manage"))
            if codes:
                return _recovery_codes_page(request, codes, next_url)
            return redirect(next_url)
        form.add_error("token", "That code is not right; check your device's clock and retry.")
    context = {
        "form": form,
        "qr_src": qr_data_uri(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _safe_next(request, default=reverse("two_factor_manage")),
        "first_enrolment": not enrolled,
    }
    return TemplateResponse(request, "security/two_factor_setup.html", context)


@require_http_methods(["GET", "POST"])
def verify(request):
    if not user_has_device(request.user, confirmed=True):
        return redirect(_safe_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Locks the user's devices while checking: a recovery code is used once, even by two
        # requests at the same moment.
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = devices.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. If your phone is lost, "
                    "remove it and add a new one under Two-factor authentication.",
                )
            return redirect(_safe_next(request))
        form.add_error("token", "That code is not right; try the current one.")
    return TemplateResponse(
        request, "security/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
    )


def _require_verified(request):
    """Changes to the second factors need a verified session (on top of the middleware)."""
    if not request.user.is_verified():
        if user_has_device(request.user, confirmed=True):
            return verify_redirect(request)
        return redirect("two_factor_setup")
    return None


@require_http_methods(["GET"])
def manage(request):
    """The account's second factors: the apps, how many recovery codes are left, changes."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return verify_redirect(request)
    context = {
        "devices": TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
        "recovery_codes_left": devices.recovery_codes_left(user),
        "has_recovery_codes": StaticDevice.objects.filter(user=user).exists(),
    }
    return TemplateResponse(request, "security/two_factor_manage.html", context)


@require_http_methods(["GET", "POST"])
def remove(request, pk):
    refused = _require_verified(request)
    if refused:
        return refused
    device = get_object_or_404(TOTPDevice, pk=pk, user=request.user, confirmed=True)
    form = PasswordForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        devices.remove_device(request.user, device, by=request.user)
        messages.success(request, f"“{device.name}” is no longer a second factor.")
        return redirect("two_factor_manage")
    return TemplateResponse(
        request, "security/two_factor_remove.html", {"form": form, "device": device}
    )


@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    refused = _require_verified(request)
    if refused:
        return refused
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        raise Http404("Add an authenticator app first.")
    form = PasswordForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        codes = devices.regenerate_recovery_codes(request.user, by=request.user)
        return _recovery_codes_page(request, codes, reverse("two_factor_manage"))
    return TemplateResponse(request, "security/two_factor_new_recovery_codes.html", {"form": form})
