"""Counts and rendered-page digests of the whole site, as JSON: two fingerprints that match mean
a backup restored everything (pages, revisions, tags, bylines, history) and renders the same."""

import hashlib
import json
import re

from django.core.management.base import BaseCommand
from django.test import Client

from wagtail.models import Page, PageLogEntry, Revision

from experts.models import ExpertCompetence, ExpertRegion
from publications.models import Byline, CommentaryCompetence, CommentaryRegion
from taxonomy.models import Competence, Region

NONCE = re.compile(rb'nonce="[^"]*"')


class Command(BaseCommand):
    help = "Print counts and rendered-HTML digests of the site (for backup checks)."

    def handle(self, *args, **options):
        counts = {
            "pages": Page.objects.count(),
            "revisions": Revision.objects.count(),
            "log_entries": PageLogEntry.objects.count(),
            "regions": Region.objects.count(),
            "competences": Competence.objects.count(),
            "tagged": sum(
                model.objects.count()
                for model in (
                    ExpertCompetence,
                    ExpertRegion,
                    CommentaryCompetence,
                    CommentaryRegion,
                )
            ),
            "bylines": Byline.objects.count(),
        }
        client = Client(HTTP_HOST="localhost", headers={"X-Forwarded-Proto": "https"})
        pages = {}
        for page in Page.objects.live().public().filter(depth__gt=1).order_by("path"):
            response = client.get(page.url, secure=True)
            # The CSP nonce differs on every response; everything else must not.
            html = NONCE.sub(b'nonce=""', response.content)
            pages[page.url] = [response.status_code, hashlib.sha256(html).hexdigest()]
        self.stdout.write(json.dumps({"counts": counts, "pages": pages}, indent=1, sort_keys=True))
