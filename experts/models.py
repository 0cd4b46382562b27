"""Expert profiles. Commentaries reach an expert through the Byline reverse relation
(``expert.bylines``), so this app never imports publications."""

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, OuterRef, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import ItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, TitleFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from core.facets import page_number
from core.models import AgoraPage
from core.sanitize import SafeRichTextAPIField
from editorial.visibility import (
    visible_to_readers,
    visible_to_readers_flag,
)
from pagecache import tags
from taxonomy.models import Competence, Region

PROFILE_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class ExpertRegion(ItemBase):
    tag = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="expert_items")
    content_object = ParentalKey(
        "experts.ExpertPage", on_delete=models.CASCADE, related_name="region_items"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_expert_region")
        ]


class ExpertCompetence(ItemBase):
    tag = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="expert_items")
    content_object = ParentalKey(
        "experts.ExpertPage", on_delete=models.CASCADE, related_name="competence_items"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="unique_expert_competence"
            )
        ]


def visible_commentary_count():
    """Per expert (the outer row): the commentaries readers see among its bylines. Each byline
    checks its commentary by primary key; no set of every visible page is built."""
    bylines = ExpertPage._meta.get_field("bylines").related_model.objects
    counted = (
        bylines.filter(expert=OuterRef("pk"))
        .filter(visible_to_readers_flag(OuterRef("commentary_id")))
        .values("expert")
        .annotate(n=Count("commentary_id", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class ExpertIndexPage(AgoraPage):
    intro = RichTextField(blank=True, features=PROFILE_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    # A string reference: the home page lives in publications, which imports this app.
    parent_page_types = ["core.HomePage"]
    subpage_types = ["experts.ExpertPage"]
    max_count = 1

    class Meta:
        verbose_name = _("expert directory")

    per_page = 30

    def get_context(self, request, *args, **kwargs):
        from .filters import ExpertDirectoryFilters

        context = super().get_context(request, *args, **kwargs)
        experts = ExpertPage.objects.visible_to_readers().child_of(self)
        filters = ExpertDirectoryFilters(request.GET, experts, scope=f"directory:{self.pk}")
        ordering = (Lower("surname"), "title", "pk")
        ordered = filters.results.order_by(*ordering)
        page_obj = filters.paginate(ordered, self.per_page)
        filters.count_options(page_obj.paginator.count)
        # Commentaries counted for the experts of this page only, in the same query: counted
        # before the page was cut, every expert's bylines were grouped first.
        on_page = page_obj.object_list.values("pk")
        page_obj.object_list = (
            ExpertPage.objects.filter(pk__in=on_page)
            .annotate(commentary_count=visible_commentary_count())
            .order_by(*ordering)
            .select_related("photo")
            .prefetch_related("competences", "regions")
        )
        context.update(filters=filters, page_obj=page_obj, experts=page_obj.object_list)
        return context


class ExpertPage(AgoraPage):
    surname = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Used for alphabetical order; taken from the last word of the name if empty."),
    )
    position = models.CharField(max_length=255, blank=True, help_text=_("e.g. President"))
    location = models.CharField(max_length=255, blank=True, help_text=_("e.g. Moscow, Russia"))
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    field_of_expertise = RichTextField(blank=True, features=PROFILE_FEATURES)
    work_experience = RichTextField(blank=True, features=PROFILE_FEATURES)
    competences = ClusterTaggableManager(
        through=ExpertCompetence,
        blank=True,
        related_name="experts",
        verbose_name=_("competences"),
        help_text=_("Choose from the competences vocabulary (Vocabularies → Competences)."),
    )
    regions = ClusterTaggableManager(
        through=ExpertRegion,
        blank=True,
        related_name="experts",
        verbose_name=_("regions"),
        help_text=_("Choose from the regions vocabulary (Vocabularies → Regions)."),
    )

    content_panels = [
        TitleFieldPanel("title", heading=_("Name")),
        MultiFieldPanel(
            [FieldPanel("surname"), FieldPanel("position"), FieldPanel("location")],
            heading=_("Profile"),
        ),
        FieldPanel("photo"),
        FieldPanel("competences"),
        FieldPanel("regions"),
        FieldPanel("field_of_expertise"),
        FieldPanel("work_experience"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("position"),
        index.SearchField("location"),
        index.SearchField("field_of_expertise"),
        index.SearchField("work_experience"),
        index.RelatedFields("competences", [index.SearchField("name")]),
        index.RelatedFields("regions", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("surname"),
        APIField("position"),
        APIField("location"),
        APIField("photo"),
        APIField("field_of_expertise", serializer=SafeRichTextAPIField()),
        APIField("work_experience", serializer=SafeRichTextAPIField()),
        APIField("competences"),
        APIField("regions"),
    ]
    parent_page_types = ["experts.ExpertIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("expert")

    def save(self, *args, **kwargs):
        if not self.surname and self.title:
            self.surname = self.title.split()[-1]
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if not self.surname and self.title:
            self.surname = self.title.split()[-1]

    commentaries_per_page = 10

    @property
    def meta_description(self):
        """For search engines and sharing: the editor's description, else name and position."""
        if self.search_description:
            return self.search_description
        return ", ".join(part for part in (self.title, self.position, self.location) if part)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.pk is None:  # a preview of a profile never saved: no work, tags in memory
            context.update(commentary_page=None, commentary_bylines=[], peers=[])
            return context
        page_obj = Paginator(self.commentary_bylines(), self.commentaries_per_page).get_page(
            page_number(request.GET.get("page"))
        )
        prefetch_related_objects([self], "competences", "regions")  # read three times
        context.update(
            commentary_page=page_obj,
            commentary_bylines=page_obj.object_list,
            peers=self.peers(),
        )
        return context

    def page_cache_tags(self, context):
        """What this page shows (pagecache.tags): the profile, the list of commentaries (purged
        by any change to one of them), their co-authors, the peers, and what could change the
        peers: an expert gaining or losing one of this expert's competences. A hidden
        co-author's tag is left out: nothing of their profile is shown here."""
        shown = {tags.page_tag(self), tags.listing_tag("expert", self)}
        for byline in context["commentary_bylines"]:
            shown |= tags.page_tags(
                other.expert_id
                for other in byline.commentary.bylines.all()
                if other.profile_visible
            )
        shown |= tags.page_tags(context["peers"])
        shown |= tags.experts_listing_tags("competence", self.competences.all())
        return shown

    def tags_purged_on_change(self):
        """What a change to this expert purges, as the database has it now (called just before
        a change and just after): the pages showing the profile, a byline or an author box
        (its own tag), every listing (CONTENT), the peer lists of its competences."""
        competences = ExpertCompetence.objects.filter(content_object_id=self.pk)
        return {tags.page_tag(self), tags.CONTENT} | tags.experts_listing_tags(
            "competence", competences.values_list("tag_id", flat=True)
        )

    def commentary_bylines(self):
        """This expert's bylines on live, public commentaries, newest first, with co-authors."""
        visible = visible_to_readers(Page.objects.all()).values("pk")
        byline_model = self.bylines.model  # publications.Byline, reached without importing it
        # Each co-author's profile is linked only if visible (the rule, as a subquery).
        co_authors = byline_model.objects.select_related("expert").annotate(
            expert_visible=visible_to_readers_flag(OuterRef("expert_id"))
        )
        return (
            self.bylines.filter(commentary__in=visible)
            .select_related("commentary")
            .defer("commentary__body")  # not shown, and most of a commentary's row
            .prefetch_related(
                models.Prefetch("commentary__bylines", queryset=co_authors),
                "commentary__regions",
                "commentary__competences",
            )
            .order_by("-commentary__date", "-commentary__first_published_at", "-commentary_id")
        )

    def peers(self, limit=6):
        """Other experts who share competences with this one, those sharing most first."""
        mine = ExpertCompetence.objects.filter(content_object_id=self.pk).values("tag_id")
        return (
            ExpertPage.objects.visible_to_readers()
            .exclude(pk=self.pk)
            .filter(competence_items__tag__in=mine)
            .annotate(shared=Count("competence_items", distinct=True))
            .order_by("-shared", Lower("surname"), "title")[:limit]
        )
