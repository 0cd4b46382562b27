"""Query-string filters for the expert directory: competence, region, first letter of the
surname. Like the publications listing, but over experts; this app never imports publications."""

from django.db.models import F
from django.db.models.functions import Substr, Upper

from taxonomy.facets import SLUG_RE, FacetedFilters, with_counts
from taxonomy.models import Competence, Region

from .models import ExpertCompetence, ExpertRegion

TAGS = {
    "competence": (Competence, ExpertCompetence),
    "region": (Region, ExpertRegion),
}


def initial():
    """The first letter of the surname, as SQL, for filtering and counting alike."""
    return Upper(Substr("surname", 1, 1))


class ExpertDirectoryFilters(FacetedFilters):
    facet_labels = (("competence", "Competence"), ("region", "Region"), ("letter", "Surname"))
    single = frozenset({"letter"})
    upper = frozenset({"letter"})

    def resolve(self, key, values):
        if key == "letter":
            return {v: v for v in values if len(v) == 1 and v.isalpha()}
        slugs = [v for v in values if SLUG_RE.fullmatch(v)]
        if not slugs:
            return {}
        model = TAGS[key][0]
        return dict(model.objects.filter(slug__in=slugs).values_list("slug", "name"))

    def restrict(self, queryset, key, values):
        if key == "letter":
            return queryset.alias(initial=initial()).filter(initial__in=values)
        through = TAGS[key][1]
        matching = through.objects.filter(tag__slug__in=values).values("content_object_id")
        return queryset.filter(pk__in=matching)

    def count(self, key, queryset, current):
        if key == "letter":
            rows = queryset.order_by().annotate(value=initial()).values("value")
            counted = "pk"
        else:
            through = TAGS[key][1]
            rows = (
                through.objects.filter(content_object__in=queryset.order_by().values("pk"))
                .values(value=F("tag__slug"), label=F("tag__name"))
                .order_by()
            )
            counted = "content_object_id"
        return with_counts(rows, counted, current)

    def sort_key(self, key, option):
        if key == "letter":
            return (option.value,)
        return super().sort_key(key, option)
