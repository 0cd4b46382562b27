"""The two vocabularies as hubs: what each tag gathers, counted in SQL, drafts and private pages
left out. Used by the hub views and the home page."""

from dataclasses import dataclass

from django.db.models import Count

from editorial.visibility import visible_to_readers
from experts.models import ExpertCompetence, ExpertPage, ExpertRegion
from taxonomy.models import Competence, Region

from .models import CommentaryCompetence, CommentaryRegion
from .totals import site_commentaries, site_counts


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

    @property
    def rss_url_name(self):
        return f"discovery:{self.key}-feed-rss"

    @property
    def atom_url_name(self):
        return f"discovery:{self.key}-feed-atom"

    def commentaries(self, tag):
        """The tag's commentaries readers see: those of the listing's rows (publications.totals),
        so a hub shows what the listing filtered by the tag shows."""
        tagged = self.commentary_through.objects.filter(tag=tag).values("content_object_id")
        return site_commentaries().filter(pk__in=tagged)

    def experts(self, tag):
        tagged = self.expert_through.objects.filter(tag=tag).values("content_object_id")
        return visible_to_readers(ExpertPage.objects.filter(pk__in=tagged))

    def in_use(self):
        """The tags on at least one visible commentary or expert, by name, each with
        `commentary_count` (the listing's stored totals) and `expert_count` (one grouped
        count), then the tags."""
        commentaries = site_counts(self.key)[self.key]  # what the listing's filters count
        experts = _counts(self.expert_through, visible_to_readers(ExpertPage.objects.all()))
        tags = list(self.model.objects.filter(pk__in={*commentaries, *experts}).order_by("name"))
        for tag in tags:
            tag.commentary_count = commentaries.get(tag.pk, 0)
            tag.expert_count = experts.get(tag.pk, 0)
        return tags


def _counts(through, visible):
    """{tag id: visible pages carrying it}, from one grouped query."""
    rows = (
        through.objects.filter(content_object__in=visible.values("pk"))
        .values("tag")
        .annotate(n=Count("pk"))  # one row per page and tag (unique): no DISTINCT needed
        .order_by()
    )
    return {row["tag"]: row["n"] for row in rows}


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
