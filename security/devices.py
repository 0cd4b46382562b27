"""Adding and removing a user's second factors, and their recovery codes.

Every change is written to Wagtail's log (listed in Reports -> Site history) and emailed to the
user, so a device added behind their back does not go unnoticed.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from wagtail.log_actions import log

from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger(__name__)

DEVICE_ADDED = "agora.two_factor.device_added"
DEVICE_REMOVED = "agora.two_factor.device_removed"
RECOVERY_CODES_GENERATED = "agora.two_factor.recovery_codes"

RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


class AlreadyEnrolled(Exception):
    """A device was to be added as a first enrolment, but the user has one by now."""


def notify(user, subject, template, context):
    """Tell the user by email; a mail failure is logged, never raised (the change is made)."""
    if not user.email:
        logger.warning("No email address to tell %s: %s", user.get_username(), subject)
        return False
    context = {
        "user": user,
        "when": timezone.now(),
        "manage_url": admin_url(reverse("two_factor_manage")),
        **context,
    }
    body = render_to_string(template, context)
    try:
        EmailMessage(subject=subject, body=body, to=[user.email]).send()
    except Exception:  # any mail failure: the change is already made and logged
        logger.exception("Could not send '%s' to %s", subject, user.email)
        return False
    return True


def _lock(user):
    """The user's row, locked; also a plain instance (request.user is lazy, which log() skips)."""
    # Serialises concurrent changes to one user's devices (two tabs, two attackers).
    return get_user_model().objects.select_for_update().get(pk=user.pk)


def add_totp_device(user, key, name, *, first_enrolment, by=None):
    """Save a confirmed authenticator app for user; with first_enrolment, only if they have none.

    Returns (device, recovery codes or None): the first device also gets recovery codes.
    """
    with transaction.atomic():
        account = _lock(user)
        if first_enrolment and user_has_device(user, confirmed=True):
            raise AlreadyEnrolled
        device = TOTPDevice.objects.create(user=user, key=key, name=name, confirmed=True)
        codes = None
        if not StaticDevice.objects.filter(user=user).exists():
            codes = _new_recovery_codes(user)
        log(
            instance=account,
            action=DEVICE_ADDED,
            user=by,
            data={"device": name, "recovery_codes": codes is not None},
        )
    notify(
        user,
        "A sign-in device was added to your account",
        "security/email/device_added.txt",
        {"device": device},
    )
    return device, codes


def remove_device(user, device, *, by=None):
    """Remove one authenticator app; with the last one go the recovery codes."""
    with transaction.atomic():
        account = _lock(user)
        name = device.name
        device.delete()
        if not TOTPDevice.objects.filter(user=user).exists():
            StaticDevice.objects.filter(user=user).delete()
        log(instance=account, action=DEVICE_REMOVED, user=by, data={"device": name})
    notify(
        user,
        "A sign-in device was removed from your account",
        "security/email/device_removed.txt",
        {"device_name": name},
    )


def remove_all_devices(user, *, by=None):
    """Every second factor of user (authenticator apps and recovery codes); returns the count."""
    with transaction.atomic():
        account = _lock(user)
        names = list(TOTPDevice.objects.filter(user=user).values_list("name", flat=True))
        count = len(names) + StaticDevice.objects.filter(user=user).count()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        if count:
            log(
                instance=account,
                action=DEVICE_REMOVED,
                user=by,
                data={"device": ", ".join(names) or RECOVERY_DEVICE_NAME, "reset": True},
            )
    if count:
        notify(
            user,
            "Your sign-in devices were removed",
            "security/email/device_removed.txt",
            {"device_name": ", ".join(names) or RECOVERY_DEVICE_NAME, "reset": True},
        )
    return count


def _new_recovery_codes(user):
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def regenerate_recovery_codes(user, *, by=None):
    """New recovery codes replace the old ones (all of them, used or not)."""
    with transaction.atomic():
        account = _lock(user)
        codes = _new_recovery_codes(user)
        log(instance=account, action=RECOVERY_CODES_GENERATED, user=by, data={})
    notify(
        user,
        "New recovery codes for your account",
        "security/email/recovery_codes.txt",
        {},
    )
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user).count()


def admin_url(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
