"""Showing one draft to an outside reviewer through a review link, and recording the answer.

The draft is rendered by the page's own template (`serve_preview` on the revision's object), then
marked: a `noindex` meta tag and a stylesheet in the head, a draft banner at the top of the body,
the review form at its end. Nothing else changes in the page, so it looks as it will when live.
"""

import re

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from wagtail.log_actions import log

from .models import ReviewLink, ReviewLinkEvent
from .tokens import hash_token

LOG_ACTIONS = {
    ReviewLinkEvent.COMMENT: "planning.review.comment",
    ReviewLinkEvent.APPROVE: "planning.review.approve",
    ReviewLinkEvent.REQUEST_CHANGES: "planning.review.request_changes",
}
BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
MAX_TOKEN_LENGTH = 200


def find_link(token):
    """The link for a token, or None: unknown, malformed and overlong tokens all look alike."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        ReviewLink.objects.select_related("page", "revision", "created_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def log_visit(link, action=ReviewLinkEvent.VISIT, text="", revision=None):
    return ReviewLinkEvent.objects.create(link=link, action=action, text=text, revision=revision)


@transaction.atomic
def record_answer(link, action, text, revision):
    """The reviewer's comment, approval or request for changes: an event on the link and an
    entry in the page's history, both or neither."""
    event = ReviewLinkEvent.objects.create(link=link, action=action, text=text, revision=revision)
    log(
        link.page,
        LOG_ACTIONS[action],
        user=None,
        revision=revision,
        data={
            "reviewer": link.reviewer_name,
            "email": link.reviewer_email,
            "comment": text,
            "review_link": link.pk,
            "revision": revision.pk if revision else None,
        },
    )
    return event


def private(response):
    """Headers for anything served through a secret link."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token must not leak to other sites through the Referer header. Not "no-referrer":
    # browsers then send "Origin: null" with the review form, which CSRF protection refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


def render_draft(request, link, revision, form, sent=None):
    obj = revision.as_object()
    mode = obj.default_preview_mode
    request.is_preview = True
    request.preview_mode = mode
    response = obj.serve_preview(request, mode)
    if hasattr(response, "render"):
        response.render()
    if response.get("Content-Type", "").startswith("text/html"):
        context = {
            "link": link,
            "revision": revision,
            "form": form,
            "sent": sent,
            "answers": link.events.exclude(
                action__in=[ReviewLinkEvent.VISIT, ReviewLinkEvent.REFUSED]
            ).order_by("at", "pk"),
            "now": timezone.now(),
        }
        parts = {
            name: render_to_string(f"planning/review/{name}.html", context, request=request)
            for name in ("head", "banner", "panel")
        }
        html = mark_as_draft(response.content.decode(response.charset), **parts)
        response.content = html.encode(response.charset)
    return private(response)


def mark_as_draft(html, head, banner, panel):
    html = html.replace("</head>", f"{head}</head>", 1) if "</head>" in html else head + html
    opening = BODY_OPEN.search(html)
    at = opening.end() if opening else 0
    html = html[:at] + banner + html[at:]
    closing = html.rfind("</body>")
    if closing == -1:
        return html + panel
    return html[:closing] + panel + html[closing:]
