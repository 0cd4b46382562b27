"""Admin URLs, registered through the register_admin_urls hook (admin login required)."""

from django.urls import path

from .views.calendar import CalendarView, ListView, WeekView
from .views.commission import CommissionEditView, CommissionView
from .views.feeds import FeedSettingsView
from .views.review_links import ReviewLinksView, ReviewSnapshotView, RevokeReviewLinkView

app_name = "planning"

urlpatterns = [
    path("calendar/", CalendarView.as_view(), name="calendar"),
    path("calendar/week/", WeekView.as_view(), name="week"),
    path("calendar/list/", ListView.as_view(), name="list"),
    path("commission/", CommissionView.as_view(), name="commission"),
    path("commission/<int:pk>/", CommissionEditView.as_view(), name="commission_edit"),
    path("calendar-feed/", FeedSettingsView.as_view(), name="feed"),
    path("pages/<int:page_id>/review-links/", ReviewLinksView.as_view(), name="review_links"),
    path(
        "review-links/<int:pk>/revoke/", RevokeReviewLinkView.as_view(), name="review_link_revoke"
    ),
    path("review-snapshots/<int:pk>/", ReviewSnapshotView.as_view(), name="review_snapshot"),
]
