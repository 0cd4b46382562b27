"""Who may see a page: Wagtail's public() filter and view-restriction check, without their
extra queries."""

from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce, Length, Substr

from wagtail.models import Page, PageViewRestriction


def public(queryset):
    """Pages outside every private section, like `PageQuerySet.public()`, which first reads all
    restrictions in a query of its own; here the check is a subquery of the page query (a
    restricted page's path is a prefix of its descendants' paths)."""
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return queryset.exclude(Exists(restricted))


class RestrictionsInOneQuery:
    """`Page.get_view_restrictions()`, which Wagtail checks before serving a page, in one query
    instead of two (the ancestors, then their restrictions). Same rules: the page and its
    ancestors (their paths are the prefixes of its path), an alias standing for its source."""

    def get_view_restrictions(self):
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        sources = Page.objects.filter(path__in=paths).values(source=Coalesce("alias_of", "id"))
        return PageViewRestriction.objects.filter(page_id__in=sources)
