"""Each editor's private calendar feed: a secret, revocable URL their calendar application reads."""

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from wagtail.admin import messages

from .. import ical
from ..calendar import entries, with_display_relations
from ..models import CalendarFeed
from ..permissions import can_plan
from ..review import private
from ..tokens import hash_token, new_token
from .base import AdminPage, PlannerRequiredMixin

# The feed covers what an editor plans around: the last three months and the year ahead.
DAYS_BEFORE, DAYS_AFTER = 92, 366
MAX_TOKEN_LENGTH = 200


def active_feed(user):
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def revoke_feeds(user):
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def new_feed(user):
    """A new feed URL for the user; the previous one stops working."""
    revoke_feeds(user)
    token, token_hash = new_token()
    CalendarFeed.objects.create(user=user, token_hash=token_hash)
    return token


class FeedSettingsView(PlannerRequiredMixin, AdminPage, TemplateView):
    template_name = "planning/admin/feed.html"
    page_title = "My calendar feed"
    header_icon = "link"

    def get_context_data(self, **kwargs):
        return super().get_context_data(feed=active_feed(self.request.user), **kwargs)

    def post(self, request):
        if request.POST.get("action") == "revoke":
            revoke_feeds(request.user)
            messages.success(request, "Your calendar feed URL was revoked: it no longer works.")
            return redirect("planning:feed")
        token = new_feed(request.user)
        url = request.build_absolute_uri(reverse("planning_public:feed", args=[token]))
        # Shown in this response only: the database keeps the hash, never the URL.
        return self.render_to_response(self.get_context_data(new_url=url))


@require_GET
def feed(request, token):
    """The iCalendar feed; no session. Unknown, revoked and disowned tokens are all a plain 404."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise Http404
    found = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if found is None or not can_plan(found.user):
        raise Http404
    CalendarFeed.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    today = timezone.localdate()
    queryset = entries(today).filter(
        day__gte=today - timezone.timedelta(days=DAYS_BEFORE),
        day__lte=today + timezone.timedelta(days=DAYS_AFTER),
    )
    name = "Agora editorial calendar"
    if request.GET.get("mine") == "1":
        queryset = queryset.filter(commission__editor=found.user)
        name = "Agora: my commissions"
    body = ical.build(with_display_relations(queryset).order_by("day", "pk"), name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agora-calendar.ics"'
    return private(response)
