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

from core.facets import Facet, FacetedFilters, TagFacet, YearFacet, with_counts
from editorial.visibility import public
from experts.models import ExpertPage
from taxonomy.models import Competence, Region

from .models import Byline, CommentaryCompetence, CommentaryRegion

COUNT_MEANING = (
    "Each number is how many commentaries have that option, within your other filters. "
    "Ticking more options of one filter shows commentaries with any of them."
)


class ExpertFacet(Facet):
    """The commentaries' authors: visible experts, by slug, through their bylines."""

    def __init__(self, key="expert", label="Expert"):
        super().__init__(key, label)

    @staticmethod
    def visible_experts():
        return public(ExpertPage.objects.live())  # a subquery: no query of its own

    def resolve(self, values):
        experts = self.visible_experts().filter(slug__in=values)
        return dict(experts.values_list("slug", "title"))

    def restrict(self, queryset, values):
        matching = Byline.objects.filter(expert__slug__in=values).values("commentary_id")
        return queryset.filter(pk__in=matching)

    def count(self, queryset, current):
        """Grouped by the expert's id alone, then named: grouped by name, PostgreSQL joins every
        expert's bylines before it looks at the results (2.5 times slower at 100,000)."""
        pks = queryset.order_by().values("pk")
        bylines = Byline.objects.filter(commentary__in=pks)
        rows = list(with_counts(bylines.values("expert_id").order_by(), "commentary_id", current))
        # Every visible expert's name in one plain query: cheaper than a parameter per row, and
        # what leaves hidden experts out (checked per byline, it doubled the count's time).
        names = self.visible_experts().values_list("pk", "slug", "title")
        names = {pk: (slug, title) for pk, slug, title in names}
        named = []
        for row in rows:
            expert = names.get(row.pop("expert_id"))
            if expert is not None:  # else hidden between the two queries
                row["value"], row["label"] = expert
                named.append(row)
        return named


class PublicationFilters(FacetedFilters):
    # A commentary has each tag once (a unique constraint): counted without DISTINCT.
    declared_facets = (
        ExpertFacet(),
        TagFacet("region", "Region", Region, CommentaryRegion, distinct=False),
        TagFacet("competence", "Competence", Competence, CommentaryCompetence, distinct=False),
        YearFacet(),
    )
    # Each facet's options are counted within the other facets' filters (see above): the
    # rows' n, whether the facet is in use or not, so no "also among the current results"
    # count is asked of the database.
    counts_after_ticking = False
    count_meaning = COUNT_MEANING

    def __init__(self, query, queryset, scope=None, totals=None):
        """`totals` (publications.totals.ListingTotals): the listing's rows, which `queryset`
        reads, and its stored counts, which answer for the unfiltered listing. Whatever reads
        them counts what is stale first (`ensure_fresh`)."""
        self.totals = totals
        super().__init__(query, queryset, scope)

    def count_rows(self, key, ored):
        """A facet's options are counted within the other facets' filters: with none of them
        in use, those are the listing's stored totals."""
        if self.totals is not None:
            self.totals.ensure_fresh()
            if not any(bound.selected for k, bound in self.facets.items() if k != key):
                return self.totals.rows(key, self.facets[key].values)
        return super().count_rows(key, ored)

    def result_count(self, queryset):
        if self.totals is None:
            return super().result_count(queryset)

        def count():
            self.totals.ensure_fresh()
            return queryset.count() if self.active else self.totals.total()

        return self.memo("total", count)

    def read(self, queryset):
        """A queryset of the results as a list, once the listing's rows are fresh."""
        if self.totals is not None:
            self.totals.ensure_fresh()
        return list(queryset)

    def canonical_query(self):
        """What a filtered listing is canonical to: itself when it shows one expert or one tag
        and nothing else (a page worth indexing), else the unfiltered listing ("")."""
        chosen = [(bound.facet, v) for bound in self.active for v in bound.values]
        if len(chosen) == 1 and not isinstance(chosen[0][0], YearFacet):
            return self.querystring()
        return ""
