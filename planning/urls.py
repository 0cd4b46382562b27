"""Public URLs: secret-token links opened without a session (see config/urls.py)."""

from django.urls import path

from .views.feeds import feed
from .views.public import review

app_name = "planning_public"

urlpatterns = [
    path("review/<str:token>/", review, name="review"),
    path("calendar-feed/<str:token>.ics", feed, name="feed"),
]
