from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from axes.models import AccessAttempt

from . import devices, views


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-factor/", views.manage, name="two_factor_manage"),
        path("two-factor/setup/", views.setup, name="two_factor_setup"),
        path("two-factor/verify/", views.verify, name="two_factor_verify"),
        path("two-factor/devices/<int:pk>/remove/", views.remove, name="two_factor_remove"),
        path("two-factor/recovery-codes/", views.recovery_codes, name="two_factor_recovery_codes"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("two_factor_manage"),
        "label": "Two-factor authentication",
        "help_text": "Your authenticator apps and recovery codes: add, remove, renew.",
    }


@hooks.register("register_log_actions")
def two_factor_log_actions(actions):
    actions.register_action(
        devices.DEVICE_ADDED, "Two-factor: device added", "Two-factor device added"
    )
    actions.register_action(
        devices.DEVICE_REMOVED, "Two-factor: device removed", "Two-factor device removed"
    )
    actions.register_action(
        devices.RECOVERY_CODES_GENERATED,
        "Two-factor: new recovery codes",
        "Two-factor recovery codes generated",
    )


class LockedSignInViewSet(ModelViewSet):
    """Sign-in lockouts (django-axes). Deleting an entry unlocks that user and address.

    Only superusers hold axes permissions, so only they see this.
    """

    model = AccessAttempt
    icon = "lock"
    menu_label = "Locked sign-ins"
    add_to_settings_menu = True
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    form_fields = []
    exclude_form_fields = None
    inspect_view_enabled = True


@hooks.register("register_admin_viewset")
def register_locked_sign_ins():
    return LockedSignInViewSet("locked_sign_ins")
