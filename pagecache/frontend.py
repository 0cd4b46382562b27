"""Wagtail's HTTP frontend-cache backend, telling whether the proxy acknowledged a purge.

Wagtail's own backend logs a failure and returns: a purge lost while the proxy restarts. Ours
raises it, so pagecache.purge keeps the purge until a 2xx answer. Tags go as
`PURGE <site>/.cache-tags/<tag>`, which deploy/varnish/default.vcl turns into a ban on every
object whose X-Cache-Tags header holds the tag.
"""

from urllib.error import URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from wagtail import __version__
from wagtail.contrib.frontend_cache.backends.http import HTTPBackend, PurgeRequest

TAG_PATH = "/.cache-tags/"


class PurgeFailed(Exception):
    pass


class TagBanBackend(HTTPBackend):
    def __init__(self, params):
        params = dict(params)
        self.timeout = float(params.pop("TIMEOUT", 2))
        super().__init__(params)

    def purge(self, url):
        """PURGE `url` at the proxy; PurgeFailed unless it answers 2xx."""
        parts = urlsplit(url)
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        request = PurgeRequest(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, parts.path, parts.query, ""]),
            headers={"Host": host, "User-Agent": f"Wagtail-frontendcache/{__version__}"},
        )
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - our LOCATION
                status = response.status
        except (URLError, OSError) as error:  # HTTPError (non-2xx) is a URLError
            raise PurgeFailed(f"{url}: {error}") from error
        if not 200 <= status < 300:
            raise PurgeFailed(f"{url}: {status}")
