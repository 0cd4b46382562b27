"""Login lockout (django-axes) and two-factor sign-in (security/two_factor.py)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from axes.models import AccessAttempt
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from editorial.roles import AUTHORS

from ..conftest import PASSWORD as EDITORIAL_PASSWORD
from ..conftest import sign_in

PASSWORD = "a long enough password"


def user(name, group=None, **extra):
    account = get_user_model().objects.create_user(name, f"{name}@example.org", PASSWORD, **extra)
    if group:
        account.groups.add(Group.objects.get(name=group))
    return account


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_five_failures_lock_the_account_from_that_address_with_a_clear_message(editorial, client):
    user("writer", AUTHORS)
    for _ in range(4):
        assert attempt(client, "writer", "wrong").status_code == 200
    locked = attempt(client, "writer", "wrong")
    assert locked.status_code == 429
    assert b"Sign-in temporarily locked" in locked.content
    # Even the right password is refused while locked...
    assert attempt(client, "writer", PASSWORD).status_code == 429
    # ...but only for that address.
    assert attempt(client, "writer", PASSWORD, ip="198.51.100.9").status_code == 302


def test_an_administrator_unlocks_from_the_admin(editorial, client):
    user("writer", AUTHORS)
    for _ in range(5):
        attempt(client, "writer", "wrong")
    admin = user("root", is_superuser=True, is_staff=True)
    sign_in(client, admin)
    listing = client.get(reverse("locked_sign_ins:index"))
    assert listing.status_code == 200 and b"writer" in listing.content
    entry = AccessAttempt.objects.get(username="writer")
    client.post(reverse("locked_sign_ins:delete", args=[entry.pk]))
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert attempt(client, "writer", PASSWORD).status_code == 302


def test_editors_cannot_see_or_clear_lockouts(editorial, client):
    sign_in(client, editorial["editor"])
    response = client.get(reverse("locked_sign_ins:index"))
    assert response.status_code in (302, 403)


def test_editor_in_chief_must_enrol_a_second_factor(editorial, client):
    client.force_login(editorial["chief"])
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("two_factor_setup")
    pages = client.get(f"/admin/pages/{editorial['publications'].pk}/")
    assert pages.status_code == 302


def test_superuser_with_a_device_must_verify_then_gets_in(editorial, client):
    admin = user("root", is_superuser=True, is_staff=True)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    assert client.post(reverse("two_factor_verify"), {"token": code}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_and_further_tries_are_throttled(editorial, client):
    admin = user("root", is_superuser=True, is_staff=True)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client.force_login(admin)
    wrong = client.post(reverse("two_factor_verify"), {"token": "000000"})
    assert wrong.status_code == 200 and b"not right" in wrong.content
    # django-otp throttles after a failure: even the right code waits its turn.
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    assert client.post(reverse("two_factor_verify"), {"token": code}).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_enrolment_confirms_the_device_with_a_code(editorial, client):
    from security.views import PENDING_KEY

    client.force_login(editorial["chief"])
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200 and b'src="data:image/svg+xml;base64,' in page.content
    code = f"{totp(bytes.fromhex(client.session[PENDING_KEY])):06d}"
    data = {"token": code, "name": "phone", "password": EDITORIAL_PASSWORD}
    assert client.post(reverse("two_factor_setup"), data).status_code == 200  # recovery codes
    assert TOTPDevice.objects.get(user=editorial["chief"]).confirmed
    assert client.get("/admin/").status_code == 200


def test_authors_and_editors_need_no_second_factor_but_may_enrol(editorial, client):
    for role in ("author", "editor"):
        client.force_login(editorial[role])
        assert client.get("/admin/").status_code == 200
        assert client.get(reverse("two_factor_setup")).status_code == 200


def test_reset_two_factor_command_removes_devices(editorial):
    from django.core.management import call_command

    from django_otp.plugins.otp_static.models import StaticDevice

    TOTPDevice.objects.create(user=editorial["chief"], name="phone", confirmed=True)
    StaticDevice.objects.create(user=editorial["chief"], name="Recovery codes")
    call_command("reset_two_factor", "chief", stdout=__import__("io").StringIO())
    assert not TOTPDevice.objects.filter(user=editorial["chief"]).exists()
    assert not StaticDevice.objects.filter(user=editorial["chief"]).exists()


# Behind the proxies every request comes from the same REMOTE_ADDR (Varnish's).
VARNISH = "172.28.0.5"


def proxied_attempt(client, username, password, forwarded_for):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=VARNISH,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_an_attacker_behind_the_proxy_cannot_lock_the_user_out_for_everyone(
    editorial, client, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    user("target", AUTHORS)
    for _ in range(5):
        proxied_attempt(client, "target", "wrong", "198.51.100.66")
    assert proxied_attempt(client, "target", PASSWORD, "198.51.100.66").status_code == 429
    # The real user, from their own address, through the same proxy, still signs in.
    assert proxied_attempt(client, "target", PASSWORD, "203.0.113.20").status_code == 302


def test_a_forged_leftmost_forwarded_for_entry_does_not_dodge_the_lockout(
    editorial, client, settings
):
    # TLS proxy then Varnish: the TLS proxy appends the client, Varnish the TLS proxy.
    settings.TRUSTED_PROXY_COUNT = 2
    user("target", AUTHORS)
    for n in range(5):
        proxied_attempt(client, "target", "wrong", f"10.9.9.{n}, 198.51.100.66, 172.28.0.2")
    locked = proxied_attempt(client, "target", PASSWORD, "10.9.9.200, 198.51.100.66, 172.28.0.2")
    assert locked.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "198.51.100.66"
    ok = proxied_attempt(client, "target", PASSWORD, "198.51.100.66, 203.0.113.20, 172.28.0.2")
    assert ok.status_code == 302
