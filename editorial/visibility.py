"""Who may see a page: Wagtail's public() filter, without its extra query."""

from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr

from wagtail.models import PageViewRestriction


def public(queryset):
    """Pages outside every private section, like `PageQuerySet.public()`, which first reads all
    restrictions in a query of its own; here the check is a subquery of the page query (a
    restricted page's path is a prefix of its descendants' paths)."""
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return queryset.exclude(Exists(restricted))
