"""Showing one draft to an outside reviewer through a review link, and recording the answer.

The draft is rendered from a snapshot (a frozen copy of a revision's content, see
`ReviewSnapshot`) by the page's own template (`serve_preview`), then marked: a `noindex` meta tag
and a stylesheet in the head, a draft banner at the top of the body, the review form at the end
of the main content, before the site's footer. Nothing else changes in the page, so it looks as
it will when live.

The form carries the snapshot shown, signed, so an answer is recorded against what the reviewer
read even if the draft changed between reading and sending.
"""

import re

from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from wagtail.log_actions import log

from .models import ReviewLink, ReviewLinkEvent, ReviewSnapshot
from .tokens import hash_token

LOG_ACTIONS = {
    ReviewLinkEvent.COMMENT: "planning.review.comment",
    ReviewLinkEvent.APPROVE: "planning.review.approve",
    ReviewLinkEvent.REQUEST_CHANGES: "planning.review.request_changes",
}
BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
MAIN_CLOSE = re.compile(r"</main\s*>", re.IGNORECASE)
FOOTER_OPEN = re.compile(r"<footer\b", re.IGNORECASE)
MAX_TOKEN_LENGTH = 200


def find_link(token):
    """The link for a token, or None: unknown, malformed and overlong tokens all look alike."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        ReviewLink.objects.select_related("page", "revision", "snapshot", "created_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def seen_salt(link):
    return f"planning.review.seen.{link.pk}"


def sign_seen(link, snapshot):
    return signing.dumps(snapshot.pk, salt=seen_salt(link))


def seen_snapshot(link, value):
    """The snapshot this link's form says was shown, or None if the value is not one we signed
    for this link (tampered, from another link, missing)."""
    try:
        pk = signing.loads(value or "", salt=seen_salt(link))
    except signing.BadSignature:
        return None
    return ReviewSnapshot.objects.filter(pk=pk, page_id=link.page_id).first()


def event_fields(snapshot):
    """What an event records about the content shown. The revision only while it still holds
    that content: an autosave may have rewritten it since."""
    revision = snapshot.revision if snapshot.shows(snapshot.revision) else None
    return {"snapshot": snapshot, "content_hash": snapshot.content_hash, "revision": revision}


def log_visit(link, action=ReviewLinkEvent.VISIT, text="", snapshot=None):
    fields = event_fields(snapshot) if snapshot else {}
    return ReviewLinkEvent.objects.create(link=link, action=action, text=text, **fields)


@transaction.atomic
def record_answer(link, action, text, snapshot):
    """The reviewer's comment, approval or request for changes, against the content they read:
    an event on the link and an entry in the page's history, both or neither."""
    fields = event_fields(snapshot)
    event = ReviewLinkEvent.objects.create(link=link, action=action, text=text, **fields)
    revision = fields["revision"]
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
            "snapshot": snapshot.pk,
            "content_hash": snapshot.content_hash,
            "saved_at": snapshot.saved_at.isoformat(),
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


def render_snapshot(request, snapshot, page=None):
    """The snapshot's content through the page's own template, as a preview."""
    obj = snapshot.as_page(page or snapshot.page)
    mode = obj.default_preview_mode
    request.is_preview = True
    request.preview_mode = mode
    response = obj.serve_preview(request, mode)
    if hasattr(response, "render"):
        response.render()
    return response


def render_draft(request, link, snapshot, form, sent=None):
    response = render_snapshot(request, snapshot, link.page)
    if response.get("Content-Type", "").startswith("text/html"):
        context = {
            "link": link,
            "snapshot": snapshot,
            "seen": sign_seen(link, snapshot),
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


def panel_position(html):
    """Where the review form goes: the end of the main content, so that it comes before the
    site's footer; failing that before the last footer, the end of the body, the end."""
    closing = list(MAIN_CLOSE.finditer(html))
    if closing:
        return closing[-1].start()
    footers = list(FOOTER_OPEN.finditer(html))
    if footers:
        return footers[-1].start()
    at = html.rfind("</body>")
    return at if at != -1 else len(html)


def mark_as_draft(html, head, banner, panel):
    html = html.replace("</head>", f"{head}</head>", 1) if "</head>" in html else head + html
    opening = BODY_OPEN.search(html)
    at = opening.end() if opening else 0
    html = html[:at] + banner + html[at:]
    at = panel_position(html)
    return html[:at] + panel + html[at:]
