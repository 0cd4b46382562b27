from django.utils.functional import SimpleLazyObject

from wagtail.models import Page

from pagecache.memo import memoize


def site_sections(request):
    """URLs of the two top-level sections, looked up once per request and only when used."""

    def lookup():
        from experts.models import ExpertIndexPage

        from .models import PublicationIndexPage

        pages = Page.objects.live().type(PublicationIndexPage, ExpertIndexPage)
        urls = {"publications": "/publications/", "experts": "/experts/"}
        for page in pages:
            key = "experts" if page.specific_class is ExpertIndexPage else "publications"
            urls[key] = page.get_url(request) or urls[key]
        return urls

    # Section pages purge "site" when they change (publications/invalidation.py).
    return {
        "sections": SimpleLazyObject(
            lambda: memoize("sections", (request.get_host(),), lookup, tags=("site",))
        )
    }
