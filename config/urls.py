from django.conf import settings
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern

from publications.api import api_router

from . import csp_reports, routing

urlpatterns = [
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
    path("", include("publications.discovery_urls")),
    # Wagtail's own views (page passwords, login), then its page serving with remembered routes
    # (config/routing.py): the same pattern and name as Wagtail's.
    *[url for url in wagtail_urls.urlpatterns if url.name != "wagtail_serve"],
    re_path(serve_pattern, routing.serve, name="wagtail_serve"),
]

handler500 = "config.resilience.server_error"
