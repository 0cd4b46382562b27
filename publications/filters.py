"""Query-string filters for the publications listing: expert, region, competence, year.

The number beside an option means one thing in every filter, ticked or not: how many
commentaries have that option among those the other filters allow (COUNT_MEANING, shown to
the reader beside the filters). For a filter with nothing ticked that is also the number of
results after ticking it; in a filter already in use, ticking an option adds its commentaries
to those shown. (Counted as "results after ticking" there, an expert with one commentary
showed 17 beside a selection of 16.)

Values from the query string are shape-checked, capped and matched against slugs that exist
before they reach a queryset; anything else is reported back to the reader as ignored. Each
filter narrows with a `pk IN (subquery)`, so results never repeat and need no DISTINCT.
"""

import datetime
import re
from functools import partial

from django.db.models import F, Q
from django.db.models.functions import ExtractYear
from django.utils.functional import cached_property

from editorial.visibility import public
from experts.models import ExpertPage
from taxonomy.facets import MAX_OPTIONS, SLUG_RE, FacetedFilters, Option, with_counts
from taxonomy.models import Competence, Region

from .models import Byline, CommentaryCompetence, CommentaryRegion

YEAR_RE = re.compile(r"\d{4}")  # use with fullmatch
TAGS = {
    "region": (Region, CommentaryRegion),
    "competence": (Competence, CommentaryCompetence),
}
COUNT_MEANING = (
    "Each number is how many commentaries have that option, within your other filters. "
    "Ticking more options of one filter shows commentaries with any of them."
)


class PublicationFilters(FacetedFilters):
    facet_labels = (
        ("expert", "Expert"),
        ("region", "Region"),
        ("competence", "Competence"),
        ("year", "Year"),
    )

    count_meaning = COUNT_MEANING

    def count_options(self, total):
        """Each facet's options, counted within the other facets' filters (see above): the
        rows' n, whether the facet is in use or not, so no "also among the current results"
        count is asked of the database. `total` is unused: kept for the base class's call."""
        for key, facet in self.facets.items():
            rows = self.memo(f"facet-{key}", partial(self.count_rows, key, False))
            selected = set(facet.values)
            options = {}
            for row in rows:
                if row["value"] in (None, ""):
                    continue
                value = str(row["value"])
                label = str(row.get("label", value))
                options[value] = Option(value, label, row["n"], value in selected)
            for choice in facet.selected:  # always offer a way back, even with no results
                options.setdefault(choice.value, Option(choice.value, choice.label, 0, True))
            ranked = sorted(options.values(), key=partial(self.sort_key, key))
            facet.options, facet.unlisted = ranked[:MAX_OPTIONS], len(ranked[MAX_OPTIONS:])
            for option in facet.options:
                option.query = self.querystring(**{key: self._after_click(facet, option)})

    @cached_property
    def visible_experts(self):
        return public(ExpertPage.objects.live())  # a subquery: no query of its own

    def resolve(self, key, values):
        if key == "year":
            return {v: v for v in values if YEAR_RE.fullmatch(v) and 1000 < int(v) < 3000}
        slugs = [v for v in values if SLUG_RE.fullmatch(v)]
        if not slugs:
            return {}
        if key == "expert":
            experts = self.visible_experts.filter(slug__in=slugs)
            return dict(experts.values_list("slug", "title"))
        model = TAGS[key][0]
        return dict(model.objects.filter(slug__in=slugs).values_list("slug", "name"))

    def restrict(self, queryset, key, values):
        if key == "year":
            years = Q()
            for year in map(int, values):
                years |= Q(
                    date__gte=datetime.date(year, 1, 1), date__lt=datetime.date(year + 1, 1, 1)
                )
            return queryset.filter(years)
        if key == "expert":
            matching = Byline.objects.filter(expert__slug__in=values).values("commentary_id")
        else:
            through = TAGS[key][1]
            matching = through.objects.filter(tag__slug__in=values).values("content_object_id")
        return queryset.filter(pk__in=matching)

    def count(self, key, queryset, current):
        pks = queryset.order_by().values("pk")
        if key == "year":
            rows = queryset.order_by().annotate(value=ExtractYear("date")).values("value")
            counted = "pk"
        elif key == "expert":
            return self.count_experts(pks, current)
        else:
            through = TAGS[key][1]
            rows = (
                through.objects.filter(content_object__in=pks)
                .values(value=F("tag__slug"), label=F("tag__name"))
                .order_by()
            )
            counted = "content_object_id"
        # A commentary is counted once per year, and once per tag (a unique constraint).
        return with_counts(rows, counted, current, distinct=False)

    def count_experts(self, pks, current):
        """Grouped by the expert's id alone, then named: grouped by name, PostgreSQL joins every
        expert's bylines before it looks at the results (2.5 times slower at 100,000)."""
        visible_experts = self.visible_experts.values("pk")
        bylines = Byline.objects.filter(commentary__in=pks, expert__in=visible_experts)
        rows = list(with_counts(bylines.values("expert_id").order_by(), "commentary_id", current))
        # Every visible expert's name in one plain query: cheaper than a parameter per row.
        names = self.visible_experts.values_list("pk", "slug", "title")
        names = {pk: (slug, title) for pk, slug, title in names}
        named = []
        for row in rows:
            expert = names.get(row.pop("expert_id"))
            if expert is not None:  # else hidden between the two queries
                row["value"], row["label"] = expert
                named.append(row)
        return named

    def canonical_query(self):
        """What a filtered listing is canonical to: itself when it shows one expert or one tag
        and nothing else (a page worth indexing), else the unfiltered listing ("")."""
        chosen = [(facet.key, v) for facet in self.active for v in facet.values]
        if len(chosen) == 1 and chosen[0][0] != "year":
            return self.querystring()
        return ""

    def sort_key(self, key, option):
        if key == "year":
            return (not option.selected, -int(option.value))
        return super().sort_key(key, option)
