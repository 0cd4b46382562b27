from django.conf import settings
from django.middleware.csp import ContentSecurityPolicyMiddleware as DjangoCSPMiddleware

# The Wagtail admin still uses inline scripts and styles: it gets the policy as report-only.
REPORT_ONLY_PREFIXES = ("/admin/",)


class ContentSecurityPolicyMiddleware(DjangoCSPMiddleware):
    """Django's CSP middleware, enforcing on the public site and reporting on the admin."""

    def process_response(self, request, response):
        if request.path.startswith(REPORT_ONLY_PREFIXES):
            response._csp_config = {}
            response._csp_ro_config = settings.SECURE_CSP
        return super().process_response(request, response)
