"""Commentaries, their listing and the home page."""

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import ItemBase
from wagtail.admin.panels import FieldPanel, MultipleChooserPanel, TitleFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from editorial.permissions import ReviewedPublishingMixin
from experts.models import ExpertPage
from taxonomy.models import Competence, Region

from .blocks import CommentaryBodyBlock
from .forms import CommentaryPageForm


class CommentaryRegion(ItemBase):
    tag = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="commentary_items")
    content_object = ParentalKey(
        "publications.CommentaryPage", on_delete=models.CASCADE, related_name="region_items"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="unique_commentary_region"
            )
        ]


class CommentaryCompetence(ItemBase):
    tag = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="commentary_items")
    content_object = ParentalKey(
        "publications.CommentaryPage", on_delete=models.CASCADE, related_name="competence_items"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="unique_commentary_competence"
            )
        ]


class Byline(Orderable):
    commentary = ParentalKey(
        "publications.CommentaryPage", on_delete=models.CASCADE, related_name="bylines"
    )
    # PROTECT: an expert who signed commentaries cannot vanish from under them.
    expert = models.ForeignKey(ExpertPage, on_delete=models.PROTECT, related_name="bylines")
    position = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("The expert's position at publication; filled from the profile if empty."),
    )

    panels = [FieldPanel("expert"), FieldPanel("position")]
    api_fields = [APIField("expert"), APIField("position")]

    class Meta(Orderable.Meta):
        verbose_name = _("byline")

    def __str__(self):
        return f"{self.expert.title}, {self.position}" if self.position else self.expert.title


def with_listing_relations(queryset):
    """Everything a commentary card shows, in a fixed number of queries."""
    return queryset.prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("expert")),
        "regions",
        "competences",
    )


class HomePage(Page):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["publications.PublicationIndexPage", "experts.ExpertIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        latest = CommentaryPage.objects.live().public().order_by("-date", "-pk")
        context["latest"] = with_listing_relations(latest)[:10]
        context["publications_index"] = PublicationIndexPage.objects.live().first()
        return context


class PublicationIndexPage(ReviewedPublishingMixin, Page):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["publications.HomePage"]
    subpage_types = ["publications.CommentaryPage"]
    max_count = 1
    per_page = 20

    class Meta:
        verbose_name = _("publications listing")

    def get_context(self, request, *args, **kwargs):
        from .filters import PublicationFilters

        context = super().get_context(request, *args, **kwargs)
        filters = PublicationFilters(request.GET)
        commentaries = CommentaryPage.objects.child_of(self).live().public()
        commentaries = filters.apply(commentaries).order_by("-date", "-pk")
        page_obj = filters.paginate(commentaries, self.per_page)
        page_obj.object_list = with_listing_relations(page_obj.object_list)
        context.update(filters=filters, page_obj=page_obj, commentaries=page_obj.object_list)
        return context


class CommentaryPage(ReviewedPublishingMixin, Page):
    date = models.DateField(_("publication date"))
    lead = models.TextField(help_text=_("The standfirst, shown in bold above the body."))
    body = StreamField(CommentaryBodyBlock(), blank=True)
    source = models.CharField(
        max_length=500, blank=True, help_text=_("Where the commentary first appeared.")
    )
    regions = ClusterTaggableManager(
        through=CommentaryRegion,
        blank=True,
        related_name="commentaries",
        verbose_name=_("regions"),
        help_text=_("Choose from the regions vocabulary (Vocabularies → Regions)."),
    )
    competences = ClusterTaggableManager(
        through=CommentaryCompetence,
        blank=True,
        related_name="commentaries",
        verbose_name=_("competences"),
        help_text=_("Choose from the competences vocabulary (Vocabularies → Competences)."),
    )

    content_panels = [
        TitleFieldPanel("title"),  # keeps the slug in step with the title while drafting
        FieldPanel("date"),
        MultipleChooserPanel("bylines", chooser_field_name="expert", min_num=1, label=_("Authors")),
        FieldPanel("lead"),
        FieldPanel("body"),
        FieldPanel("source"),
        FieldPanel("regions"),
        FieldPanel("competences"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.SearchField("source"),
        index.FilterField("date"),
        index.RelatedFields("regions", [index.SearchField("name")]),
        index.RelatedFields("competences", [index.SearchField("name")]),
        index.RelatedFields(
            "bylines", [index.RelatedFields("expert", [index.SearchField("title")])]
        ),
    ]
    api_fields = [
        APIField("date"),
        APIField("lead"),
        APIField("body"),
        APIField("source"),
        APIField("bylines"),
        APIField("regions"),
        APIField("competences"),
    ]
    parent_page_types = ["publications.PublicationIndexPage"]
    subpage_types = []
    base_form_class = CommentaryPageForm

    class Meta:
        verbose_name = _("commentary")
        verbose_name_plural = _("commentaries")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["bylines"] = self.bylines.select_related("expert__photo").prefetch_related(
            "expert__competences"
        )
        return context
