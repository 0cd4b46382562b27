"""Review links in the admin: create one for a named reviewer, see what happened, revoke."""

from django.db import transaction
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, View

from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.log_actions import log
from wagtail.models import Page

from .. import notify
from ..forms import ReviewLinkForm
from ..models import ReviewLink, ReviewLinkEvent, ReviewSnapshot, content_hash
from ..permissions import can_manage_review_links
from ..review import mark_as_draft, private, render_snapshot
from ..tokens import new_token
from .base import AdminPage

RECENT_EVENTS = 50


class PageLinkPermissionMixin:
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page = get_object_or_404(Page, pk=kwargs["page_id"]).specific

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_review_links(request.user, self.page):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


@transaction.atomic
def create_link(page, user, data, expires_at):
    token, token_hash = new_token()
    pinned = data["version"] == "pinned"
    revision = page.get_latest_revision()
    link = ReviewLink.objects.create(
        page=page,
        reviewer_name=data["reviewer_name"],
        reviewer_email=data["reviewer_email"],
        created_by=user,
        expires_at=expires_at,
        pinned=pinned,
        revision=revision if pinned else None,
        # A copy, not the revision: autosave rewrites the latest revision in place.
        snapshot=ReviewSnapshot.of(revision) if pinned else None,
        token_hash=token_hash,
    )
    log(
        page,
        "planning.review_link.create",
        user=user,
        revision=link.revision,
        data={
            "reviewer": link.reviewer_name,
            "email": link.reviewer_email,
            "expires_at": link.expires_at.isoformat(),
            "pinned": link.pinned,
            "content_hash": link.snapshot.content_hash if link.snapshot else None,
        },
    )
    return link, token


class ReviewLinksView(PageLinkPermissionMixin, AdminPage, FormView):
    form_class = ReviewLinkForm
    template_name = "planning/admin/review_links.html"
    header_icon = "link"

    def get_page_title(self):
        return f"Review links: {self.page.get_admin_display_title()}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
                "label": self.page.get_admin_display_title(),
            },
            {"url": "", "label": "Review links"},
        ]

    def get_context_data(self, **kwargs):
        links = (
            ReviewLink.objects.filter(page=self.page)
            .select_related("created_by", "revision", "snapshot")
            .annotate(
                visits=Count("events", filter=Q(events__action=ReviewLinkEvent.VISIT)),
                last_visit=Max("events__at", filter=Q(events__action=ReviewLinkEvent.VISIT)),
            )
        )
        events = (
            ReviewLinkEvent.objects.filter(link__page=self.page)
            .select_related("link", "revision", "snapshot")
            .order_by("-at", "-pk")[:RECENT_EVENTS]
        )
        latest = self.page.get_latest_revision()
        return super().get_context_data(
            page=self.page,
            links=links,
            events=events,
            now=timezone.now(),
            latest_revision=latest,
            current_hash=content_hash(latest.content) if latest else None,
            **kwargs,
        )

    def form_valid(self, form):
        if self.page.get_latest_revision() is None:
            form.add_error(None, "Save the page once before sharing it.")
            return self.form_invalid(form)
        user, data = self.request.user, form.cleaned_data
        link, token = create_link(self.page, user, data, form.expires_at())
        url = self.request.build_absolute_uri(reverse("planning_public:review", args=[token]))
        sent = False
        if form.cleaned_data["send_email"]:
            sent = notify.link_to_reviewer(link, url, self.page, self.request.user)
        # The URL is shown in this response only; the database keeps its hash.
        context = self.get_context_data(form=self.form_class(), new_link=link, new_url=url)
        context["emailed"] = sent
        return self.render_to_response(context)


class RevokeReviewLinkView(View):
    def post(self, request, pk):
        link = get_object_or_404(ReviewLink.objects.select_related("page"), pk=pk)
        if not can_manage_review_links(request.user, link.page):
            return permission_denied(request)
        with transaction.atomic():
            updated = ReviewLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            if updated:
                log(
                    link.page,
                    "planning.review_link.revoke",
                    user=request.user,
                    data={"reviewer": link.reviewer_name, "email": link.reviewer_email},
                )
        messages.success(request, f"The review link for {link.reviewer_name} no longer works.")
        return redirect("planning:review_links", link.page_id)


class ReviewSnapshotView(View):
    """What reviewers were shown, for the editors: the snapshot through the page's template."""

    def get(self, request, pk):
        snapshot = get_object_or_404(ReviewSnapshot.objects.select_related("page"), pk=pk)
        if not can_manage_review_links(request.user, snapshot.page):
            return permission_denied(request)
        latest = snapshot.page.get_latest_revision()
        response = render_snapshot(request, snapshot)
        if response.get("Content-Type", "").startswith("text/html"):
            banner = render_to_string(
                "planning/review/snapshot_banner.html",
                {
                    "snapshot": snapshot,
                    "current": snapshot.shows(latest),
                    "links_url": reverse("planning:review_links", args=[snapshot.page_id]),
                },
                request=request,
            )
            head = render_to_string("planning/review/head.html", request=request)
            html = mark_as_draft(response.content.decode(response.charset), head, banner, "")
            response.content = html.encode(response.charset)
        return private(response)
