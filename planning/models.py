"""Editorial planning: commissions, editors' calendar feeds, review links for outside experts."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REVIEW_LINK_DAYS = 7


class Commission(models.Model):
    """The plan for one commentary. The experts it is commissioned from are its bylines."""

    page = models.OneToOneField(
        "publications.CommentaryPage", on_delete=models.CASCADE, related_name="commission"
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible editor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="commissions",
    )
    due_on = models.DateField(_("text due"))
    publish_on = models.DateField(_("planned publication"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("commission")
        constraints = [
            models.CheckConstraint(
                condition=Q(publish_on__gte=F("due_on")), name="commission_publish_after_due"
            )
        ]

    def __str__(self):
        return f"{self.page_id}: due {self.due_on}, planned {self.publish_on}"


class CalendarFeed(models.Model):
    """A private iCalendar feed URL for one editor. Regenerating revokes the previous one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")

    def __str__(self):
        return f"calendar feed of {self.user_id}"


def default_expiry():
    return timezone.now() + datetime.timedelta(days=REVIEW_LINK_DAYS)


class ReviewLink(models.Model):
    """A secret URL showing one draft to a named outside reviewer, until it expires or is revoked.

    `pinned` links show `revision` and nothing else; others follow the latest revision. A pinned
    revision that was purged leaves `revision` empty: the link then refuses to show anything
    rather than silently showing a newer text.
    """

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    reviewer_name = models.CharField(_("reviewer's name"), max_length=200)
    reviewer_email = models.EmailField(_("reviewer's email"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_expiry)
    pinned = models.BooleanField(default=False)
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review link")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"review link for {self.reviewer_name}"

    def status(self, now=None):
        now = now or timezone.now()
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"

    def revision_to_show(self):
        """The revision the reviewer sees, or None when a pinned revision no longer exists."""
        if self.pinned:
            return self.revision
        return self.page.get_latest_revision()


class ReviewLinkEvent(models.Model):
    VISIT = "visit"
    REFUSED = "refused"
    COMMENT = "comment"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    ACTIONS = [
        (VISIT, _("visit")),
        (REFUSED, _("refused visit")),
        (COMMENT, _("comment")),
        (APPROVE, _("approval")),
        (REQUEST_CHANGES, _("changes requested")),
    ]

    link = models.ForeignKey(ReviewLink, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=20, choices=ACTIONS)
    text = models.TextField(blank=True)
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"
