"""The client's address as the trusted proxies saw it.

Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
behind TRUSTED_PROXY_COUNT proxies the client is the entry that many places from the right
(behind Varnish alone, the last; behind a TLS proxy and Varnish, the one before it). Entries
further left were written by the client and are never trusted. Without proxies, or with a
header too short or unreadable (a request that bypassed them), REMOTE_ADDR is the client.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
