"""Emails: the reviewer's answer to the responsible editor, the link to the reviewer."""

import logging
import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Commission

logger = logging.getLogger(__name__)
# Line breaks (and other control characters) end a mail header: a subject keeps one line.
HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def one_line(value):
    return HEADER_BREAKS.sub(" ", str(value)).strip()


def admin_url(name, *args):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def responsible_editor(link):
    """The commission's responsible editor, else whoever created the link."""
    commission = Commission.objects.filter(page_id=link.page_id).select_related("editor").first()
    if commission and commission.editor and commission.editor.email:
        return commission.editor
    return link.created_by


def send(subject, template, context, to):
    """Send one plain-text email; a mail failure is logged, never lost silently or raised."""
    body = render_to_string(template, context)
    subject = one_line(subject)
    try:
        EmailMessage(subject=subject, body=body, to=to).send()
    except Exception:  # any mail failure: the reviewer's answer is already recorded
        logger.exception("Could not send '%s' to %s", subject, ", ".join(to))
        return False
    return True


def reviewer_answered(link, event, page):
    editor = responsible_editor(link)
    if editor is None or not editor.email:
        logger.warning("No responsible editor to notify of review link %s", link.pk)
        return False
    verb = dict(event.ACTIONS)[event.action]
    context = {
        "link": link,
        "event": event,
        "page": page,
        "verb": verb,
        "edit_url": admin_url("wagtailadmin_pages:edit", page.pk),
        "history_url": admin_url("wagtailadmin_pages:history", page.pk),
    }
    subject = f"{link.reviewer_name}: {verb} on “{page.get_admin_display_title()}”"
    return send(subject, "planning/email/reviewer_answered.txt", context, [editor.email])


def link_to_reviewer(link, url, page, sender):
    context = {"link": link, "url": url, "page": page, "sender": sender}
    subject = f"Draft for your review: “{page.get_admin_display_title()}”"
    return send(subject, "planning/email/review_link.txt", context, [link.reviewer_email])
