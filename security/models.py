from django.db import models


class SecurityPolicy(models.Model):
    """Carries the permissions the security features check; it stores nothing."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("require_two_factor", "Must sign in with a second factor (TOTP)")]

    def __str__(self):
        return "Security policy"
