"""Point the default Wagtail Site at the address readers use.

Page URLs everywhere (canonical links, "How to cite", JSON-LD, the "view the page" link in
workflow emails, purges) come from the Site's hostname and port, and the admin dashboard's title
from its site_name: load_seed creates the Site as localhost:80, which is right for nobody.
"""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import transaction

from wagtail.models import Site

from pagecache.purge import purge
from sitesettings.models import SiteIdentity

# Site.root_url knows only these pairings: https is port 443, any other port is http.
HTTPS_PORT = 443


def site_url_from_environment():
    """SITE_URL, else (debug off) the first ALLOWED_HOSTS entry over https; None if neither."""
    url = os.environ.get("SITE_URL", "").strip()
    if url:
        return url
    if settings.DEBUG:
        return None
    for host in settings.ALLOWED_HOSTS:
        host = host.lstrip(".")  # ".example.org" also allows example.org itself
        if host and "*" not in host:
            return f"https://{host}"
    return None


def parse_site_url(url):
    """(hostname, port) of a site root URL, or CommandError saying what is wrong with it."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise CommandError(
            f"{url!r} is not a site URL: give one like https://commentary.example.org "
            "or http://127.0.0.1:8000."
        ) from None
    parts = urlsplit(url)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise CommandError(
            f"{url!r} has a path, query or fragment: Wagtail serves a site from the root of "
            "its host, so give the scheme, host and port only."
        )
    if parts.username or parts.password:
        raise CommandError(f"{url!r} has a user name or password in it: leave them out.")
    hostname = parts.hostname
    if ":" in hostname:
        raise CommandError(f"{url!r}: Wagtail's Site cannot use an IPv6 address; give a name.")
    try:
        port = parts.port
    except ValueError:
        raise CommandError(f"{url!r} has a port that is not a number from 1 to 65535.") from None
    if parts.scheme == "https":
        if port not in (None, HTTPS_PORT):
            raise CommandError(
                f"{url!r}: Wagtail builds https URLs only for port 443; serve https there, or "
                "use http for another port."
            )
        return hostname, HTTPS_PORT
    if port == HTTPS_PORT:
        raise CommandError(f"{url!r}: Wagtail treats port 443 as https; write https://.")
    return hostname, port or 80


class Command(BaseCommand):
    help = (
        "Set the default Site's host name, port and name from URL (else SITE_URL, else, with "
        "debug off, https:// and the first ALLOWED_HOSTS entry). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", nargs="?", help="e.g. https://commentary.example.org")
        parser.add_argument(
            "--name",
            help="the site's name (admin dashboard title); default: the site identity's name, "
            "else SITE_NAME",
        )

    def handle(self, *args, url=None, name=None, **options):
        url = url or site_url_from_environment()
        if not url:
            raise CommandError(
                "No site URL: give one (configure_site https://commentary.example.org) or set "
                "SITE_URL."
            )
        hostname, port = parse_site_url(url.strip())
        with transaction.atomic():
            site = Site.objects.select_for_update().filter(is_default_site=True).first()
            if site is None:
                raise CommandError("There is no default Site yet: run load_seed first.")
            if name is None:
                identity = SiteIdentity.objects.filter(site=site).first() or SiteIdentity()
                name = identity.name
            wanted = {"hostname": hostname, "port": port, "site_name": name.strip()}
            if all(getattr(site, field) == value for field, value in wanted.items()):
                self.stdout.write(f"The site is already {site.root_url}/ ({site.site_name}).")
                return
            for field, value in wanted.items():
                setattr(site, field, value)
            try:
                site.full_clean()
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            site.save()
            # Cached pages carry the old address in their canonical and citation links.
            purge(tags=["site"])
        self.stdout.write(f"The site is now {site.root_url}/ ({site.site_name}).")
