"""The review page an outside reviewer opens: no account, no session, one draft."""

import logging

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from .. import notify
from ..forms import ReviewerForm
from ..models import ReviewLinkEvent
from ..review import find_link, log_visit, private, record_answer, render_draft, seen_snapshot

logger = logging.getLogger(__name__)

NOT_FOUND = (
    "Review link not found",
    "This address does not lead to any draft. Check that you copied the whole link from the "
    "email you received.",
)


def unavailable(request, status, heading, explanation):
    context = {"heading": heading, "explanation": explanation}
    return private(render(request, "planning/review/unavailable.html", context, status=status))


def refusal(request, link, now):
    """Why a known link no longer opens (410), in plain words; the page is never named."""
    status = link.status(now)
    if status == "revoked":
        reason = "This review link was withdrawn by the editors."
    elif status == "expired":
        when = date_format(timezone.localtime(link.expires_at), "j F Y, H:i e")
        reason = f"This review link expired on {when}."
    else:
        reason = "The version of the draft this link showed no longer exists."
    log_visit(link, ReviewLinkEvent.REFUSED, text=reason)
    return unavailable(
        request,
        410,
        "This review link no longer works",
        f"{reason} If you still need to see the draft, ask the editor who sent it for a new link.",
    )


@require_http_methods(["GET", "POST"])
def review(request, token):
    link = find_link(token)
    if link is None:
        return unavailable(request, 404, *NOT_FOUND)
    now = timezone.now()
    snapshot = link.snapshot_to_show() if link.status(now) == "active" else None
    if snapshot is None:
        return refusal(request, link, now)

    if request.method == "POST":
        form = ReviewerForm(request.POST)
        # A pinned link only ever shows its snapshot; a following one shows whatever was the
        # latest draft when the page was loaded, which the form names (signed).
        seen = snapshot if link.pinned else seen_snapshot(link, request.POST.get("seen"))
        if form.is_valid() and seen is None:
            form.add_error(None, ReviewerForm.UNKNOWN_VERSION)
        if form.is_valid():
            action, text = form.cleaned_data["action"], form.cleaned_data["comment"]
            event = record_answer(link, action, text, seen)
            notify.reviewer_answered(link, event, link.page.specific)
            # To the thank-you itself: it is at the end of the page, out of sight otherwise.
            return private(HttpResponseRedirect(f"{request.path}?sent={action}#review-sent"))
        return render_draft(request, link, snapshot, form)

    sent = request.GET.get("sent")
    sent = sent if sent in dict(ReviewerForm.ACTIONS) else None
    if sent is None:  # the page shown after an answer is not another visit
        log_visit(link, snapshot=snapshot)
    return render_draft(request, link, snapshot, ReviewerForm(), sent=sent)
