"""Scheduled publishing and expiry, safe with several workers running at once.

Each due item is handled in its own transaction that first locks its row and re-checks that it
is still due. On PostgreSQL a second worker skips locked rows (SKIP LOCKED); on SQLite every
write transaction is IMMEDIATE (see settings), so the second worker waits, then finds the item
no longer due. Either way an item is published once and logged once.
"""

import logging

from django.db import transaction
from django.utils import timezone

from wagtail.models import Page, Revision

logger = logging.getLogger(__name__)


def _locked(queryset):
    return queryset.select_for_update(skip_locked=True)


def unpublish_expired(now=None):
    now = now or timezone.now()
    done = 0
    for pk in Page.objects.filter(live=True, expire_at__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            page = _locked(Page.objects.filter(pk=pk, live=True, expire_at__lt=now)).first()
            if page is None:
                continue
            page.specific.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
            done += 1
            logger.info("Expired: %s (page %s)", page.title, page.pk)
    return done


def publish_due(now=None):
    now = now or timezone.now()
    done = 0
    due = Revision.objects.filter(approved_go_live_at__lte=now).order_by("approved_go_live_at")
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            revision = _locked(Revision.objects.filter(pk=pk, approved_go_live_at__lte=now)).first()
            if revision is None:
                continue
            revision.publish(log_action="wagtail.publish.scheduled")
            done += 1
            logger.info("Published on schedule: %s (revision %s)", revision.object_str, pk)
    return done


def run_once(now=None):
    from pagecache.purge import send_pending

    result = {"expired": unpublish_expired(now), "published": publish_due(now)}
    send_pending()  # purges the caching proxy has not acknowledged yet (pagecache.purge)
    return result


def overdue(minutes=5, now=None):
    """Approved schedules whose time passed more than `minutes` ago: a stopped worker."""
    now = now or timezone.now()
    return Revision.objects.filter(
        approved_go_live_at__lt=now - timezone.timedelta(minutes=minutes)
    ).order_by("approved_go_live_at")
