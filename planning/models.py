"""Editorial planning: commissions, editors' calendar feeds, review links for outside experts."""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
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


# Fields of a revision's content that `Page.with_content_json` replaces with the page's current
# values, or that only describe the page's history: they never change what a reviewer sees.
NOT_SHOWN = frozenset(
    {
        "pk",
        "path",
        "depth",
        "numchild",
        "url_path",
        "content_type",
        "draft_title",
        "live",
        "has_unpublished_changes",
        "owner",
        "locked",
        "locked_by",
        "locked_at",
        "latest_revision",
        "latest_revision_created_at",
        "live_revision",
        "last_published_at",
        "translation_key",
        "locale",
        "alias_of",
        "comments",
        "wagtail_admin_comments",
    }
)


def content_hash(content):
    """SHA-256 of what a revision's content shows, independent of key order and page history."""
    shown = {key: value for key, value in content.items() if key not in NOT_SHOWN}
    data = json.dumps(shown, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(data.encode()).hexdigest()


class ReviewSnapshot(models.Model):
    """A copy of a draft's content as it was shown to outside reviewers; never changed.

    Wagtail's autosave rewrites the latest revision in place (`save_revision(overwrite_revision=
    ...)`), so a revision id does not name fixed content. A snapshot does: pinned links show
    theirs, and every answer records the snapshot the reviewer read. One per page and content.
    """

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    content = models.JSONField(encoder=DjangoJSONEncoder, editable=False)
    content_hash = models.CharField(max_length=64, editable=False)
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The revision it was copied from; autosave may have changed it since."),
    )
    saved_at = models.DateTimeField(_("saved at"), help_text=_("When the editor saved it."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review snapshot")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "content_hash"], name="review_snapshot_one_per_content"
            )
        ]

    def __str__(self):
        return f"{self.page_id}: {self.content_hash[:12]}"

    @classmethod
    def of(cls, revision):
        """The snapshot of a revision's content as it is now (the same one for the same content)."""
        content = {
            key: value
            for key, value in revision.content.items()
            if key not in ("comments", "wagtail_admin_comments")  # editors' notes stay inside
        }
        snapshot, _created = cls.objects.get_or_create(
            page_id=revision.object_id,
            content_hash=content_hash(content),
            defaults={"content": content, "revision": revision, "saved_at": revision.created_at},
        )
        return snapshot

    def shows(self, revision):
        """Whether a revision, as it is now, shows this content."""
        return revision is not None and content_hash(revision.content) == self.content_hash

    def as_page(self, page):
        return page.specific.with_content_json(dict(self.content))


class ReviewLink(models.Model):
    """A secret URL showing one draft to a named outside reviewer, until it expires or is revoked.

    `pinned` links show `snapshot`, copied when the link was made, and nothing else; others show
    the latest revision. `revision` is the revision the pinned content came from (for the
    history); a pinned link made before snapshots existed and whose revision was purged has
    neither, and refuses to show anything rather than silently showing a newer text.
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
    snapshot = models.ForeignKey(
        ReviewSnapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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

    def snapshot_to_show(self):
        """The content the reviewer sees, or None when a pinned version no longer exists."""
        if self.pinned:
            return self.snapshot
        revision = self.page.get_latest_revision()
        return ReviewSnapshot.of(revision) if revision else None


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
    # What the reviewer was shown: the snapshot, and its hash should the snapshot ever go.
    snapshot = models.ForeignKey(
        ReviewSnapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"
