"""The two vocabularies as hubs: what each tag gathers, counted in SQL, drafts and private pages
left out. Used by the hub views and the home page."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from experts.models import ExpertCompetence, ExpertPage, ExpertRegion
from taxonomy.models import Competence, Region

from .models import CommentaryCompetence, CommentaryPage, CommentaryRegion


@dataclass(frozen=True)
class Vocabulary:
    key: str  # the query-string key of the listing filters
    model: type
    commentary_through: type
    expert_through: type
    singular: str
    plural: str

    @property
    def index_url_name(self):
        return f"hubs:{self.key}s"

    @property
    def hub_url_name(self):
        return f"hubs:{self.key}"

    def commentaries(self, tag):
        tagged = self.commentary_through.objects.filter(tag=tag).values("content_object_id")
        return CommentaryPage.objects.live().public().filter(pk__in=tagged)

    def experts(self, tag):
        tagged = self.expert_through.objects.filter(tag=tag).values("content_object_id")
        return ExpertPage.objects.live().public().filter(pk__in=tagged)

    def with_counts(self, commentaries=None, experts=None):
        """Every tag, annotated with its visible commentaries and experts. Pass the visible
        querysets when the caller has them: each fresh `.public()` costs a query."""
        commentaries = commentaries or CommentaryPage.objects.live().public()
        experts = experts or ExpertPage.objects.live().public()
        return self.model.objects.annotate(
            commentary_count=_count(self.commentary_through, commentaries.values("pk")),
            expert_count=_count(self.expert_through, experts.values("pk")),
        )

    def in_use(self):
        return self.with_counts().filter(Q(commentary_count__gt=0) | Q(expert_count__gt=0))

    def most_active(self, limit, commentaries=None):
        """The tags on most visible commentaries (experts are not counted, so not needed)."""
        commentaries = commentaries or CommentaryPage.objects.live().public()
        counted = self.model.objects.annotate(
            commentary_count=_count(self.commentary_through, commentaries.values("pk"))
        )
        return counted.filter(commentary_count__gt=0).order_by("-commentary_count", "name")[:limit]


def _count(through, visible):
    rows = (
        through.objects.filter(tag=OuterRef("pk"), content_object__in=visible)
        .order_by()
        .values("tag")
        .annotate(n=Count("content_object", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


VOCABULARIES = {
    "region": Vocabulary("region", Region, CommentaryRegion, ExpertRegion, "Region", "Regions"),
    "competence": Vocabulary(
        "competence",
        Competence,
        CommentaryCompetence,
        ExpertCompetence,
        "Competence",
        "Competences",
    ),
}
