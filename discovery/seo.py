"""For search engines and reference managers: the sitemap (an index of files of Wagtail's pages
and of the hubs), robots.txt, the canonical URL of a page, citation downloads."""

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.contrib.sitemaps.views import index as wagtail_sitemap_index
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Site

from publications.hubs import VOCABULARIES


class HubSitemap(DjangoSitemap):
    """The region and competence hubs in use (tags on visible pages only)."""

    def items(self):
        return [(vocab, tag) for vocab in VOCABULARIES.values() for tag in vocab.in_use()]

    def location(self, item):
        vocab, tag = item
        return reverse(vocab.hub_url_name, args=[tag.slug])


class PageSitemap(WagtailSitemap):
    """Wagtail's pages, a few thousand per file: one file may list 50,000 URLs, and Django's
    view serves only the first file of a section when asked for none (at 100,000 commentaries
    half the site was missing, and building one file took ten seconds)."""

    limit = 500

    def get_latest_lastmod(self):
        """For the index, in one aggregate (Django's default reads every page)."""
        latest = Max(Coalesce("last_published_at", "latest_revision_created_at"))
        return self.items().order_by().aggregate(latest=latest)["latest"]


SITEMAPS = {"pages": PageSitemap, "hubs": HubSitemap}


def sitemap_index(request):
    """/sitemap.xml: the index of the sections' files (`?p=` numbers a section's files)."""
    return wagtail_sitemap_index(
        request, sitemaps=SITEMAPS, sitemap_url_name="discovery:sitemap-section"
    )


def sitemap(request, section):
    """One section's file (Django's view answers 404 for a section or `?p=` it has not)."""
    return wagtail_sitemap(request, sitemaps=SITEMAPS, section=section)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('discovery:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def citation(request, page_path, extension):
    """<commentary URL>cite.bib|ris|json for live, public commentaries of this site."""
    from publications.models import CommentaryPage

    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    # Found as Wagtail finds the page itself (by slug, level by level; live only): the
    # url_path column has no index, and a lookup by it read every page (17 ms at 100,000).
    components = [component for component in page_path.split("/") if component]
    page = site.root_page.localized.specific.route(request, components).page
    if not isinstance(page, CommentaryPage):
        raise Http404
    return page.cite(request, extension)  # which applies the rule of what readers see


def canonical_url(request, page=None, query=""):
    """The page's full URL (or, off Wagtail, the path without its query), plus `query`."""
    if page is not None:
        url = page.get_full_url(request)
    else:
        url = request.build_absolute_uri(request.path)
    return f"{url}?{query}" if query else url
