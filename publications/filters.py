"""Query-string filters for the publications listing.

Values from the query string are shape-checked, capped and matched against slugs that exist
before they reach a queryset; anything else is reported back to the reader as ignored.
"""

import re
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.http import QueryDict

from experts.models import ExpertPage
from taxonomy.models import Competence, Region

SLUG_RE = re.compile(r"^[-\w]{1,100}$")
MAX_VALUES = 20  # per filter; more is not a reader's request


@dataclass
class Facet:
    key: str
    label: str
    selected: list = field(default_factory=list)  # objects with .slug and a display name
    unknown: list = field(default_factory=list)  # values that matched nothing


class PublicationFilters:
    lookups = {
        "expert": ("Expert", "bylines__expert__slug__in"),
        "region": ("Region", "regions__slug__in"),
        "competence": ("Competence", "competences__slug__in"),
    }

    def __init__(self, query: QueryDict):
        self.query = query
        self.facets = {key: Facet(key, label) for key, (label, _) in self.lookups.items()}
        for key, facet in self.facets.items():
            wanted = self._clean_values(query.getlist(key))
            found = {obj.slug: obj for obj in self._objects(key, wanted)}
            facet.selected = [found[slug] for slug in wanted if slug in found]
            facet.unknown = [slug for slug in wanted if slug not in found]

    @staticmethod
    def _clean_values(values):
        cleaned = []
        for value in values[: MAX_VALUES * 2]:
            value = value.strip().lower()
            if SLUG_RE.match(value) and value not in cleaned:
                cleaned.append(value)
            elif value and value not in cleaned:
                cleaned.append(value[:100])
        return cleaned[:MAX_VALUES]

    @staticmethod
    def _objects(key, slugs):
        valid = [slug for slug in slugs if SLUG_RE.match(slug)]
        if not valid:
            return []
        if key == "expert":
            return ExpertPage.objects.live().filter(slug__in=valid).only("title", "slug")
        model = Region if key == "region" else Competence
        return model.objects.filter(slug__in=valid)

    @property
    def active(self):
        return [facet for facet in self.facets.values() if facet.selected]

    @property
    def unknown(self):
        return [(facet, value) for facet in self.facets.values() for value in facet.unknown]

    def apply(self, queryset):
        for key, facet in self.facets.items():
            if facet.selected:
                lookup = self.lookups[key][1]
                slugs = [obj.slug for obj in facet.selected]
                queryset = queryset.filter(**{lookup: slugs})
        return queryset.distinct() if self.active else queryset

    def paginate(self, queryset, per_page):
        return Paginator(queryset, per_page).get_page(self.query.get("page"))

    def querystring(self, **changes):
        """The current filters as a query string, without the page number."""
        query = QueryDict(mutable=True)
        for key, facet in self.facets.items():
            query.setlist(key, [obj.slug for obj in facet.selected])
        for key, value in changes.items():
            query.setlist(key, value)
        return query.urlencode()
