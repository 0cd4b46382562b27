from django.conf import settings
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from discovery.api import api_router
from security.throttled_views import (
    ThrottledPasswordResetView,
    throttled_authenticate_with_password,
)

from . import csp_reports

urlpatterns = [
    # Wagtail's views behind throttles (security/throttles.py): same paths and names, first.
    path(
        "admin/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        throttled_authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),  # read-only: GET endpoints only (docs/api.md)
    path("csp-report/", csp_reports.csp_report, name="csp_report"),
    # Review links and calendar feeds: secret-token URLs used without a session.
    path("", include("planning.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Hubs are plain views; they must come before Wagtail, which serves every other path, last.
urlpatterns += [
    path("", include("publications.urls")),
    path("", include("discovery.urls")),
    # Wagtail's own views and page serving, as Wagtail documents it (the password view above
    # is matched first).
    path("", include(wagtail_urls)),
]

handler500 = "config.resilience.server_error"
