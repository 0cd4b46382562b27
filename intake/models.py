"""What was imported, and uploads waiting between the admin's preview and its confirmation."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportRecord(models.Model):
    """One import of one export file: by load_seed (once per seed file, ever) or the admin."""

    SEED = "seed"
    ADMIN = "admin"
    SOURCES = [(SEED, "Seed"), (ADMIN, "Admin")]

    source = models.CharField(max_length=10, choices=SOURCES)
    name = models.CharField(max_length=255)  # the file's name
    fingerprint = models.CharField(max_length=64)  # SHA-256 of its bytes
    status = models.CharField(max_length=20)  # the commentary's outcome, or what load_seed did
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # The seed is loaded once: a second record for the same file cannot exist.
            models.UniqueConstraint(
                fields=["name"], condition=Q(source="seed"), name="intake_seed_loaded_once"
            )
        ]

    def __str__(self):
        return f"{self.source}: {self.name} ({self.status})"


class PendingUpload(models.Model):
    """An uploaded export between preview and confirmation, kept on the server.

    One batch per user at a time: a new upload replaces the last one, so a confirmation from an
    older preview finds nothing. Only files that passed the checks keep their text, each within
    the importer's size limit.
    """

    batch = models.UUIDField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=255)
    text = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    plan = models.JSONField(default=list)  # the changes the preview showed
    errors = models.JSONField(default=list)  # why the file is refused
    regions = models.JSONField(default=list)
    competences = models.JSONField(default=list)
    skip_changed_experts = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.name
