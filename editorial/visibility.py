"""Who may see a page: Wagtail's public() filter and view-restriction check, without their
extra queries; and the one rule every public surface uses, `visible_to_readers`."""

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce, Length, Substr

from wagtail.models import Page, PageViewRestriction

# Set on a page (or annotated by a query) once its visibility is known: no second query.
READER_VISIBLE = "_visible_to_readers"


def _restricted(path):
    """Restrictions on the page at `path` (an expression) or on one of its ancestors (a
    restricted page's path is a prefix of its descendants' paths). Read from the restricted
    pages (`pk IN` the few restrictions) outwards: as a join from every page to its
    restrictions, SQLite scanned the whole page tree once per row it checked."""
    restricted = PageViewRestriction.objects.values("page_id")
    return Page.objects.filter(pk__in=restricted, path=Substr(path, 1, Length("path")))


def _source_visible(live):
    """For an alias: its source (`alias_of`) outside every private section, and live if
    `live`. Correlated on `alias_of_id`, so a page that is no alias never evaluates it (a
    join to the source made PostgreSQL hash the whole page tree for every listing)."""
    sources = Page.objects.filter(pk=OuterRef("alias_of_id"))
    if live:
        sources = sources.filter(live=True)
    return Q(alias_of__isnull=True) | Q(
        Exists(sources.exclude(Exists(_restricted(OuterRef("path")))))
    )


def public(queryset):
    """Pages outside every private section, like `PageQuerySet.public()`, which first reads all
    restrictions in a query of its own; here the check is a subquery of the page query. An
    alias is private when its source is: Wagtail gives aliases their source's restrictions,
    and an alias of a private page would otherwise show that page's title, lead and body."""
    return queryset.exclude(Exists(_restricted(OuterRef("path")))).filter(_source_visible(False))


def visible_to_readers(queryset):
    """THE rule for what readers see, on every surface (pages, listings, cards, search, feeds,
    API, citations, hubs, related, bylines' profile data): live, outside every private section,
    and for an alias, a source that is live and public too."""
    return (
        queryset.filter(live=True)
        .exclude(Exists(_restricted(OuterRef("path"))))
        .filter(_source_visible(True))
    )


def visible_to_readers_flag(pk_ref):
    """The rule as a boolean expression for annotations: is the page `pk_ref` visible?"""
    return Exists(visible_to_readers(Page.objects.filter(pk=pk_ref)))


def is_visible_to_readers(page):
    """The rule for one page: the annotation `READER_VISIBLE` if a query set it, else a query
    (kept on the instance)."""
    known = getattr(page, READER_VISIBLE, None)
    if known is None:
        known = visible_to_readers(Page.objects.filter(pk=page.pk)).exists()
        setattr(page, READER_VISIBLE, known)
    return known


class RestrictionsInOneQuery:
    """`Page.get_view_restrictions()`, which Wagtail checks before serving a page, in one query
    instead of two (the ancestors, then their restrictions). Same rules: the page and its
    ancestors (their paths are the prefixes of its path), an alias standing for its source."""

    def get_view_restrictions(self):
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        sources = Page.objects.filter(path__in=paths).values(source=Coalesce("alias_of", "id"))
        return PageViewRestriction.objects.filter(page_id__in=sources)

    def get_sitemap_urls(self, request=None):
        # Wagtail's sitemap lists live, public pages, and an alias counts as public on its own
        # path: one of a hidden page is left out (a query only for aliases, which are few).
        if self.alias_of_id and not is_visible_to_readers(self):
            return []
        return super().get_sitemap_urls(request)
