"""Permission changes leave an audit entry (who and when), like Wagtail's own page actions.

Admin views run inside Wagtail's LogContext, so the entry names the administrator.
"""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save

from wagtail.log_actions import log
from wagtail.models import GroupCollectionPermission, GroupPagePermission

ACTION = "agora.permissions_changed"


def describe(instance):
    target = getattr(instance, "page", None) or getattr(instance, "collection", None)
    return f"{instance.permission.codename} on {target}"


def log_group_permission(sender, instance, created=None, **kwargs):
    change = "granted" if kwargs.get("signal") is post_save else "revoked"
    log(instance=instance.group, action=ACTION, data={"change": change, "what": describe(instance)})


def log_model_permissions(sender, instance, action, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Group):
        change = {"post_add": "granted", "post_remove": "revoked", "post_clear": "cleared"}[action]
        log(instance=instance, action=ACTION, data={"change": change, "what": sorted(pk_set or [])})


def connect():
    for model in (GroupPagePermission, GroupCollectionPermission):
        post_save.connect(log_group_permission, sender=model, dispatch_uid=f"audit-save-{model}")
        post_delete.connect(log_group_permission, sender=model, dispatch_uid=f"audit-del-{model}")
    m2m_changed.connect(
        log_model_permissions,
        sender=Group.permissions.through,
        dispatch_uid="audit-group-permissions",
    )
