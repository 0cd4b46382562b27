"""Content-Security-Policy and framing, decided by what each response is.

- Public pages (and anything else outside the admin): settings.SECURE_CSP enforced, which says
  frame-ancestors 'none'; XFrameOptionsMiddleware adds X-Frame-Options DENY.
- The admin: the same policy report-only, since Wagtail's admin still uses inline scripts and
  styles.
- Wagtail's previews: the page's enforced policy, but framable by the admin's own origin
  (frame-ancestors 'self', X-Frame-Options SAMEORIGIN), so that the preview panel and the
  Checks panel, which runs axe inside the preview iframe, work.
"""

from django.conf import settings
from django.middleware.csp import ContentSecurityPolicyMiddleware as DjangoCSPMiddleware
from django.utils.csp import CSP

# The Wagtail admin still uses inline scripts and styles: it gets the policy as report-only.
REPORT_ONLY_PREFIXES = ("/admin/",)

PREVIEW_FRAME_ANCESTORS = [CSP.SELF]
PREVIEW_X_FRAME_OPTIONS = "SAMEORIGIN"


def is_wagtail_preview(request):
    """Whether the request is the one Wagtail's preview views build to render a draft.

    `make_preview_request` (the preview panel's PreviewOnEdit/PreviewOnCreate, "view draft",
    revision and workflow previews, all behind the admin's permission checks) builds a dummy
    request flagged `is_dummy` ("to let middleware know") and runs it through this middleware
    chain at the page's *public* path, which is why a path test gave previews the public
    frame-ancestors 'none'. The flag, not a URL, is what tells a preview: review links render
    drafts too (`is_preview`) but for outside readers through a real request, and stay
    unframable.
    """
    return getattr(request, "is_dummy", False) and getattr(request, "is_preview", False)


def framable_by_self(config):
    return {**config, "frame-ancestors": PREVIEW_FRAME_ANCESTORS} if config else config


class ContentSecurityPolicyMiddleware(DjangoCSPMiddleware):
    """Django's CSP middleware, enforcing on the public site and reporting on the admin; previews
    may be framed by the admin's origin only."""

    def process_response(self, request, response):
        if getattr(response, "_preview_policy", False):
            # The outer (admin) request around a preview: the policy was built for the page in
            # the inner chain, with the nonce its templates used; adding the admin's report-only
            # one would report the preview's scripts and its framing on every refresh.
            return response
        if is_wagtail_preview(request):
            return self.preview_response(request, response)
        if request.path.startswith(REPORT_ONLY_PREFIXES):
            response._csp_config = {}
            response._csp_ro_config = settings.SECURE_CSP
        return super().process_response(request, response)

    def preview_response(self, request, response):
        # Only the inner chain knows the nonce the preview was rendered with, so the policy is
        # built here: the page's own (a view's csp_override included), framing relaxed to self.
        response._csp_config = framable_by_self(
            getattr(response, "_csp_config", settings.SECURE_CSP)
        )
        response._csp_ro_config = framable_by_self(
            getattr(response, "_csp_ro_config", settings.SECURE_CSP_REPORT_ONLY)
        )
        # XFrameOptionsMiddleware runs inside this one and has already said DENY; the two
        # headers must agree, or the stricter one wins and the panel stays blank.
        response["X-Frame-Options"] = PREVIEW_X_FRAME_OPTIONS
        response = super().process_response(request, response)
        response._preview_policy = True
        return response
