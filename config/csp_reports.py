"""Where browsers send Content-Security-Policy violation reports (report-uri and report-to).

Anyone can post here, so a report is size-capped, rate-limited per client address, and only
ever logged: a malformed one gets a 400, never a 500, and nothing is stored.
"""

import json
import logging

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from security.client_ip import client_ip

logger = logging.getLogger("agora.csp")

MAX_BYTES = 16 * 1024
# Per client address and minute: a page full of violations sends a burst, not hundreds.
PER_MINUTE = 60
CONTENT_TYPES = {"application/csp-report", "application/reports+json", "application/json"}


def too_many(request):
    key = f"csp-report:{client_ip(request)}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) > PER_MINUTE
    except ValueError:  # expired between add and incr
        return False


def violations(payload):
    """(directive, blocked URI, document) of each violation, from either report format."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        report = payload["csp-report"]  # report-uri: one violation
        yield (
            report.get("effective-directive") or report.get("violated-directive"),
            report.get("blocked-uri"),
            report.get("document-uri"),
        )
        return
    if not isinstance(payload, list) or not payload:
        raise ValueError("not a CSP report")
    for entry in payload:  # Reporting API: a list of reports of several types
        if not isinstance(entry, dict) or not isinstance(entry.get("body"), dict):
            raise ValueError("not a report")
        if entry.get("type") != "csp-violation":
            continue
        body = entry["body"]
        yield body.get("effectiveDirective"), body.get("blockedURL"), body.get("documentURL")


@csrf_exempt  # browsers send reports without a token
@require_POST
def csp_report(request):
    content_type = request.content_type or ""
    if content_type not in CONTENT_TYPES:
        return HttpResponseBadRequest("Expected a CSP report.", content_type="text/plain")
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BYTES:
        return HttpResponseBadRequest("Report too large.", content_type="text/plain")
    if too_many(request):
        return HttpResponse("Too many reports.", status=429, content_type="text/plain")
    try:
        found = list(violations(json.loads(request.read(MAX_BYTES + 1)[:MAX_BYTES])))
    except ValueError:  # bad JSON, bad UTF-8, or the wrong shape
        return HttpResponseBadRequest("Malformed CSP report.", content_type="text/plain")
    for directive, blocked, document in found:
        logger.warning(
            "CSP violation: directive=%s blocked=%s document=%s",
            str(directive)[:200],
            str(blocked)[:500],
            str(document)[:500],
        )
    return HttpResponse(status=204)
