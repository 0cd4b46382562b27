"""Two-factor sign-in cannot be passed, or changed, with the password alone (security/)."""

import io
import re

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from wagtail.models import ModelLogEntry, Page

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from security import devices
from security.two_factor import UNVERIFIED_ALLOWED
from security.views import PENDING_KEY

from ..conftest import PASSWORD, make_user, sign_in
from .admin_urls import admin_urls

VERIFY = "/admin/two-factor/verify/"


def code(key_or_device, offset=0):
    key = key_or_device.bin_key if hasattr(key_or_device, "bin_key") else key_or_device
    return f"{totp(key, drift=offset):06d}"


def pending_code(client):
    return code(bytes.fromhex(client.session[PENDING_KEY]))


def all_devices():
    return TOTPDevice.objects.count() + StaticDevice.objects.count()


def logged(action, user):
    return ModelLogEntry.objects.filter(action=action, object_id=str(user.pk))


def goes_to_verify(response):
    return response.status_code == 302 and response["Location"].startswith(VERIFY)


@pytest.fixture
def enrolled_chief(editorial):
    """The editor-in-chief with an authenticator app and recovery codes, signed out."""
    chief = editorial["chief"]
    device, codes = devices.add_totp_device(chief, TOTPDevice().key, "phone", first_enrolment=True)
    mail.outbox.clear()
    return chief, device, codes


def test_password_only_session_cannot_enrol_a_device_and_verify_with_it(enrolled_chief, client):
    """The attack: password-only session -> setup -> confirm a code of the attacker's device."""
    chief, _, _ = enrolled_chief
    before = all_devices()
    client.force_login(chief)
    assert goes_to_verify(client.get("/admin/"))
    setup = client.get(reverse("two_factor_setup"))
    assert goes_to_verify(setup)
    assert PENDING_KEY not in client.session  # no key was ever shown
    attempt = client.post(
        reverse("two_factor_setup"), {"token": "123456", "name": "evil", "password": PASSWORD}
    )
    assert goes_to_verify(attempt)
    assert all_devices() == before
    assert DEVICE_ID_SESSION_KEY not in client.session
    page = Page.objects.filter(depth__gt=1).first()
    assert goes_to_verify(client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])))
    assert goes_to_verify(client.get("/admin/users/"))


def test_every_admin_url_sends_an_unverified_session_to_verify_or_is_allowed(editorial, client):
    """Every pattern under admin/ (from the resolver), GET and POST, by a superuser with a
    device who gave the password only: redirected to verify, or on the short allow-list, and
    never a new device nor a verified session."""
    admin = make_user("root", is_superuser=True, is_staff=True)
    devices.add_totp_device(admin, TOTPDevice().key, "phone", first_enrolment=True)
    before = all_devices()
    urls = admin_urls()
    assert len(urls) > 200  # the whole admin, not a hand-picked list
    assert "two_factor_setup" in {name for _, name in urls}
    reached = set()
    for path, name in urls:
        for method in (client.get, client.post):
            client.force_login(admin)
            response = method(path, {"token": "123456", "password": PASSWORD, "name": "x"})
            if not goes_to_verify(response):
                assert name in UNVERIFIED_ALLOWED, (method.__name__, path, name, response)
                reached.add(name)
            assert DEVICE_ID_SESSION_KEY not in client.session, (path, name)
            assert all_devices() == before, (path, name)
    assert reached <= UNVERIFIED_ALLOWED
    assert not {"two_factor_setup", "two_factor_manage", "two_factor_remove"} & UNVERIFIED_ALLOWED
    # Paths that resolve to nothing are no way around it either.
    client.force_login(admin)
    for path in ("/admin/two-factor/setup", "/admin/nothing-here/", "/admin//two-factor/setup/"):
        assert goes_to_verify(client.get(path)), path


def test_first_enrolment_works_for_a_user_without_a_device(editorial, client):
    chief = editorial["chief"]
    client.force_login(chief)
    assert client.get("/admin/")["Location"] == reverse("two_factor_setup")
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert b'src="data:image/svg+xml;base64,' in page.content and b"<svg:rect" not in page.content
    assert all_devices() == 0  # showing the key saves nothing
    wrong_password = client.post(
        reverse("two_factor_setup"),
        {"token": pending_code(client), "name": "phone", "password": "not it"},
    )
    assert wrong_password.status_code == 200 and b"not your password" in wrong_password.content
    assert all_devices() == 0
    done = client.post(
        reverse("two_factor_setup"),
        {"token": pending_code(client), "name": "phone", "password": PASSWORD},
    )
    assert done.status_code == 200 and b"Your recovery codes" in done.content
    codes = re.findall(rb"<li><code>([a-z2-7]{8})</code></li>", done.content)
    assert len(codes) == devices.RECOVERY_CODE_COUNT
    assert TOTPDevice.objects.get(user=chief).confirmed
    assert client.session[DEVICE_ID_SESSION_KEY]
    assert client.get("/admin/").status_code == 200
    assert logged(devices.DEVICE_ADDED, chief).get().user == chief
    assert [m.to for m in mail.outbox] == [[chief.email]]
    assert "phone" in mail.outbox[0].body


def test_adding_a_device_needs_a_verified_session_and_the_password(enrolled_chief, client):
    chief, _, _ = enrolled_chief
    sign_in(client, chief)
    assert client.get(reverse("two_factor_setup")).status_code == 200
    data = {"token": pending_code(client), "name": "tablet"}
    assert client.post(reverse("two_factor_setup"), data).status_code == 200
    refused = client.post(reverse("two_factor_setup"), {**data, "password": "wrong password"})
    assert refused.status_code == 200 and b"not your password" in refused.content
    assert not TOTPDevice.objects.filter(name="tablet").exists()
    added = client.post(reverse("two_factor_setup"), {**data, "password": PASSWORD})
    assert added.status_code == 302 and added["Location"] == reverse("two_factor_manage")
    assert TOTPDevice.objects.filter(user=chief, name="tablet", confirmed=True).exists()
    assert logged(devices.DEVICE_ADDED, chief).filter(data__device="tablet").exists()
    assert len(mail.outbox) == 1 and "tablet" in mail.outbox[0].body


def test_removing_a_device_needs_a_verified_session_and_the_password(enrolled_chief, client):
    chief, device, _ = enrolled_chief
    remove = reverse("two_factor_remove", args=[device.pk])
    client.force_login(chief)
    assert goes_to_verify(client.post(remove, {"password": PASSWORD}))
    sign_in(client, chief)
    assert client.post(remove).status_code == 200
    assert client.post(remove, {"password": "wrong password"}).status_code == 200
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.post(remove, {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert logged(devices.DEVICE_REMOVED, chief).get().data["device"] == "phone"
    assert len(mail.outbox) == 1 and "phone" in mail.outbox[0].body
    # Another user's device is not found, let alone removed.
    other = make_user("root", is_superuser=True, is_staff=True)
    theirs, _ = devices.add_totp_device(other, TOTPDevice().key, "x", first_enrolment=True)
    other_remove = reverse("two_factor_remove", args=[theirs.pk])
    assert client.post(other_remove, {"password": PASSWORD}).status_code == 404


def test_removing_the_last_app_takes_the_recovery_codes_and_the_verification(
    enrolled_chief, client
):
    chief, device, _ = enrolled_chief
    client.force_login(chief)
    assert client.post(VERIFY, {"token": code(device)}).status_code == 302
    remove = reverse("two_factor_remove", args=[device.pk])
    assert client.post(remove, {"password": PASSWORD}).status_code == 302
    assert all_devices() == 0
    assert client.get("/admin/")["Location"] == reverse("two_factor_setup")


def test_a_recovery_code_signs_in_once_only(enrolled_chief, client):
    chief, _, codes = enrolled_chief
    client.force_login(chief)
    first = client.post(VERIFY, {"token": f"  {codes[0].upper()[:4]} {codes[0][4:]} "})
    assert first.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(device__user=chief).count() == len(codes) - 1
    client.logout()
    client.force_login(chief)
    again = client.post(VERIFY, {"token": codes[0]})
    assert again.status_code == 200 and b"not right" in again.content
    assert goes_to_verify(client.get("/admin/"))


def test_new_recovery_codes_need_a_verified_session_and_the_password(enrolled_chief, client):
    chief, _, old = enrolled_chief
    url = reverse("two_factor_recovery_codes")
    client.force_login(chief)
    assert goes_to_verify(client.post(url, {"password": PASSWORD}))
    sign_in(client, chief)
    assert client.post(url, {"password": "wrong password"}).status_code == 200
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)
    page = client.post(url, {"password": PASSWORD})
    new = {c.decode() for c in re.findall(rb"<li><code>([a-z2-7]{8})</code></li>", page.content)}
    assert len(new) == devices.RECOVERY_CODE_COUNT and not new & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == new
    assert logged(devices.RECOVERY_CODES_GENERATED, chief).exists()
    assert len(mail.outbox) == 1


def test_account_menu_leads_to_the_device_list(enrolled_chief, client):
    chief, device, _ = enrolled_chief
    sign_in(client, chief)
    account = client.get(reverse("wagtailadmin_account"))
    assert reverse("two_factor_manage").encode() in account.content
    assert b"Two-factor authentication" in account.content
    listing = client.get(reverse("two_factor_manage"))
    assert listing.status_code == 200
    for expected in (
        b"phone",
        reverse("two_factor_remove", args=[device.pk]).encode(),
        reverse("two_factor_setup").encode(),
        reverse("two_factor_recovery_codes").encode(),
        b"10 unused recovery codes left",
    ):
        assert expected in listing.content, expected


def test_reset_command_removes_apps_and_recovery_codes_and_logs_it(enrolled_chief):
    chief, _, _ = enrolled_chief
    call_command("reset_two_factor", "chief", stdout=io.StringIO())
    assert all_devices() == 0
    assert logged(devices.DEVICE_REMOVED, chief).get().data["reset"] is True
    assert len(mail.outbox) == 1
