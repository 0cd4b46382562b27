"""Commentaries and their listing (the home page is core.models.HomePage; what it shows of
the commentaries is publications.home)."""

from functools import partial

from django.db import models
from django.db.models import OuterRef, Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.forms import BaseChildFormSet
from taggit.models import ItemBase
from wagtail.admin.panels import (
    FieldPanel,
    MultipleChooserPanel,
    TitleFieldPanel,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.models import AgoraPage
from editorial.visibility import (
    is_visible_to_readers,
    visible_to_readers,
    visible_to_readers_flag,
)
from experts.models import ExpertPage
from pagecache import tags
from pagecache.memo import stamp
from sitesettings.models import identity_for_request
from taxonomy.models import Competence, Region

from .blocks import CommentaryBodyBlock
from .cards import commentary_cards
from .forms import CommentaryPageForm
from .serializers import BylineExpertField


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
    # The name is part of the published text; a link or id to an unpublished profile is not.
    api_fields = [APIField("expert", serializer=BylineExpertField()), APIField("position")]

    class Meta(Orderable.Meta):
        verbose_name = _("byline")
        # The id breaks ties (rows written before bylines were numbered densely), so that every
        # surface, from the database or from a prefetch, names the authors in one order.
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return f"{self.expert.title}, {self.position}" if self.position else self.expert.title

    @property
    def profile_visible(self):
        """Whether readers may see the author's profile (link, photo, location, competences,
        texts): only an expert visible to readers (editorial.visibility); the name and the
        frozen position are part of the published text and always shown. Read from the
        `expert_visible` annotation (`with_expert_visibility`), else one query."""
        if "expert_visible" in vars(self):
            return self.expert_visible
        return is_visible_to_readers(self.expert)

    links_to_profile = profile_visible


def number_bylines_densely(page):
    """Number the page's bylines in memory 0..n-1, keeping their order (ties by id, new ones
    last). Only when the relation is in memory (a form, a revision): then it is what the save
    writes; otherwise the rows are as the last save numbered them."""
    if "bylines" not in getattr(page, "_cluster_related_objects", {}):
        return
    bylines = sorted(
        page.bylines.all(),
        key=lambda b: (b.sort_order is None, b.sort_order or 0, b.pk is None, b.pk or 0),
    )
    for number, byline in enumerate(bylines):
        byline.sort_order = number


class BylineFormSet(BaseChildFormSet):
    """The authors in the order the editor's form shows them, numbered 0..n-1.

    modelcluster numbers every form but hands the relation only the changed ones: an unchanged
    byline kept its old number, read afresh from the database, beside a new one's, so after
    removing an author and adding another two bylines shared a number (or a kept author fell
    behind a new one). Every form's byline goes into the relation, with its new number."""

    def save(self, commit=True):
        saved = super().save(commit=False)
        manager = getattr(self.instance, self.rel_name)
        manager.add(*(form.instance for form in self.ordered_forms))
        if commit:
            manager.commit()
        return saved


class BylinesPanel(MultipleChooserPanel):
    """The authors of a commentary, kept in the editor's order (BylineFormSet).

    Wagtail's page chooser has no "create" tab (only the generic, non-page choosers do), so
    the panel links to the new-expert form in a new tab: the expert is a draft that goes
    through review like any page, and the chooser, which loads afresh each time it opens,
    offers that draft to its author (editorial.wagtail_hooks)."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = BylineFormSet
        return options

    class BoundPanel(MultipleChooserPanel.BoundPanel):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            url = new_expert_url(self.request)
            if url:
                self.help_text = format_html(
                    '{} <a href="{}" target="_blank" rel="noopener">{}</a> {}',
                    _("Author not in the list?"),
                    url,
                    _("Create a new expert (opens in a new tab)"),
                    _("then choose them here: the new profile is a draft until reviewed."),
                )


def new_expert_url(request):
    """The admin's form for a new expert, if this user may add one (else None)."""
    from experts.models import ExpertIndexPage

    directory = ExpertIndexPage.objects.first()
    if request is None or directory is None:
        return None
    if not directory.permissions_for_user(request.user).can_add_subpage():
        return None
    return reverse("wagtailadmin_pages:add", args=["experts", "expertpage", directory.pk])


def with_expert_visibility(bylines):
    """Bylines annotated with `expert_visible` (the one rule, as a subquery): no query more."""
    return bylines.annotate(expert_visible=visible_to_readers_flag(OuterRef("expert_id")))


def with_listing_relations(queryset):
    """Everything a commentary card shows, in a fixed number of queries."""
    return queryset.prefetch_related(
        Prefetch(
            "bylines", queryset=with_expert_visibility(Byline.objects.select_related("expert"))
        ),
        "regions",
        "competences",
    )


class PublicationIndexPage(AgoraPage):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["publications.CommentaryPage"]
    max_count = 1
    per_page = 20

    class Meta:
        verbose_name = _("publications listing")

    def get_context(self, request, *args, **kwargs):
        from .filters import PublicationFilters
        from .totals import ListingTotals

        context = super().get_context(request, *args, **kwargs)
        # The listing's rows (publications.totals) stand for the visibility rule; a listing
        # served from the memo reads none of them.
        listing = ListingTotals(self)
        filters = PublicationFilters(
            request.GET, listing.commentaries(), scope=f"listing:{self.pk}", totals=listing
        )
        ordered = filters.results.order_by("-date", "-pk").values_list("pk", flat=True)
        page_obj = filters.paginate(ordered, self.per_page)
        # Which ids a page holds changes only with a publish, like the counts: kept as well
        # (page 500 is otherwise an OFFSET of 10,000 rows on every request).
        ids = filters.memo(f"page-{page_obj.number}", partial(self.shown, filters, page_obj))
        page_obj.object_list = commentary_cards(request, ids, level=3)
        context.update(
            filters=filters,
            page_obj=page_obj,
            cards=page_obj.object_list,
            canonical_query=filters.canonical_query(),
        )
        return context

    @staticmethod
    def shown(filters, page_obj):
        """The ids of the page's commentaries, each checked against the rule once more: the
        listing's rows stand for it, and a row stale by a write that bypassed Wagtail (a
        queryset update of `live`) must not show a hidden page."""
        ids = filters.read(page_obj.object_list)
        visible = visible_to_readers(CommentaryPage.objects.filter(pk__in=ids))
        checked = set(visible.values_list("pk", flat=True))
        return [pk for pk in ids if pk in checked]


class CommentaryPage(AgoraPage):
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
        BylinesPanel("bylines", chooser_field_name="expert", min_num=1, label=_("Authors")),
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
        # Every listing pages through commentaries newest first: (-date, -pk), read backwards.
        indexes = [models.Index(fields=["date", "page_ptr"], name="commentary_date_order")]

    def save(self, *args, **kwargs):
        number_bylines_densely(self)
        return super().save(*args, **kwargs)

    @property
    def meta_description(self):
        """For search engines and sharing: the editor's description, else the lead."""
        return self.search_description or self.lead

    def get_context(self, request, *args, **kwargs):
        from .citations import Citation

        context = super().get_context(request, *args, **kwargs)
        if not getattr(request, "is_preview", False):
            stamp()  # the article's fragment is keyed by a generation older than its relations
        related = self.load_relations()
        bylines = list(self.bylines.all())
        context["bylines"] = bylines
        context["related"] = related
        context["citation"] = Citation(
            self, self.get_full_url(request), bylines, identity_for_request(request).name
        )
        return context

    # What the page shows beyond its own fields, each read once per render by Django's
    # prefetch machinery and reused by the template, the citation and the structured data.
    RELATIONS = ("bylines", "regions", "competences")

    def load_relations(self):
        """A fixed number of queries whatever the authors and tags: this page's bylines and the
        related cards' in one, then the authors' competences and this page's two tag lists,
        one query each. Photo renditions come from Wagtail's rendition cache once made."""
        if self.pk is None:  # a preview of a page never saved: its relations are in memory
            return []
        related = self.related_commentaries()
        prefetch_related_objects(
            [self, *related],
            Prefetch(
                "bylines",
                queryset=with_expert_visibility(Byline.objects.select_related("expert__photo")),
            ),
        )
        # Competences only of the profiles shown (a hidden expert's are not read at all).
        shown = [byline.expert for byline in self.bylines.all() if byline.profile_visible]
        prefetch_related_objects(shown, "competences")
        prefetch_related_objects([self], "regions", "competences")
        return related

    def page_cache_tags(self, context):
        """What this page shows (pagecache.tags): itself, its authors' profiles, the related
        cards; and what could change the related cards: a new commentary by one of its authors,
        or, unless every card shares an author, one on one of its regions or competences (the
        ranking of publications.related). A hidden expert's tags are left out: the page shows
        nothing of that profile but the byline's name and position, and the header would
        reveal them (their publishing purges this page by its own tag: ExpertPage)."""
        shown = {tags.page_tag(self)}
        for byline in context["bylines"]:
            if byline.profile_visible:
                shown |= {
                    tags.page_tag(byline.expert_id),
                    tags.listing_tag("expert", byline.expert_id),
                }
        related = context["related"]
        for commentary in related:
            shown.add(tags.page_tag(commentary))
            shown |= tags.page_tags(
                byline.expert_id for byline in commentary.bylines.all() if byline.profile_visible
            )
        if len(related) < self.related_count or not all(c.shared_experts for c in related):
            shown |= tags.listing_tags("region", self.regions.all())
            shown |= tags.listing_tags("competence", self.competences.all())
        return shown

    def tags_purged_on_change(self):
        """What a change to this commentary purges, as the database has it now (called just
        before a change and just after): the pages showing it (its own tag), every listing
        (CONTENT) and the lists it is filed under: its experts', regions', competences'."""
        experts = Byline.objects.filter(commentary_id=self.pk).values_list("expert_id", flat=True)
        regions = CommentaryRegion.objects.filter(content_object_id=self.pk)
        competences = CommentaryCompetence.objects.filter(content_object_id=self.pk)
        return (
            {tags.page_tag(self), tags.CONTENT}
            | tags.listing_tags("expert", experts)
            | tags.listing_tags("region", regions.values_list("tag_id", flat=True))
            | tags.listing_tags("competence", competences.values_list("tag_id", flat=True))
        )

    # Citation downloads at stable URLs beside the page: <page>/cite.bib, cite.ris, cite.json
    # (served by discovery.urls: Wagtail's own routing takes no dots in paths).
    CITATION_FORMATS = {
        "bib": ("bibtex", "application/x-bibtex"),
        "ris": ("ris", "application/x-research-info-systems"),
        "json": ("csl", "application/vnd.citationstyles.csl+json"),
    }

    def cite(self, request, extension):
        from .citations import Citation

        # The downloads' lookup takes live, public pages; an alias is only as visible as its
        # source (the one rule), or cite.bib of an alias would reveal a private commentary.
        if not is_visible_to_readers(self):
            raise Http404
        method, content_type = self.CITATION_FORMATS[extension]
        institution = identity_for_request(request).name
        citation = Citation(self, self.get_full_url(request), institution=institution)
        response = HttpResponse(
            getattr(citation, method)(), content_type=f"{content_type}; charset=utf-8"
        )
        response["Content-Disposition"] = f'inline; filename="{self.slug}.{extension}"'
        return response

    related_count = 3

    def related_commentaries(self):
        """Up to `related_count` related commentaries, in one query (publications.related)."""
        from .related import related_commentaries

        return related_commentaries(self, self.related_count)


def in_order_of(queryset, ids):
    """The objects with these ids, in the order of the ids (one query, none if no ids)."""
    position = {pk: index for index, pk in enumerate(ids)}
    return sorted(queryset.filter(pk__in=ids), key=lambda obj: position[obj.pk])


class FacetTotal(models.Model):
    """How many reader-visible commentaries of a listing carry each value of a facet (an
    expert's, a tag's or a year's id; `all` counts them all), so the unfiltered listing reads its
    counts instead of grouping every commentary. Kept by publications.totals."""

    listing = models.ForeignKey(PublicationIndexPage, on_delete=models.CASCADE, related_name="+")
    facet = models.CharField(max_length=20)
    value = models.IntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "facet", "value"], name="facet_total_once")
        ]

    def __str__(self):
        return f"{self.facet} {self.value}: {self.count}"


class StaleFacetTotal(models.Model):
    """A total to count again, recorded in the transaction of the change that made it stale: a
    facet value, a commentary (all its values as they are when counted) or `all`."""

    kind = models.CharField(max_length=20)
    value = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.kind} {self.value}"


class ListedCommentary(models.Model):
    """A commentary readers see in a listing: the one rule (editorial.visibility), evaluated
    when a change to it is counted (publications.totals), so the listing pages, filters and
    counts over these rows instead of checking every page's state and restrictions."""

    commentary = models.OneToOneField(
        CommentaryPage, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    listing = models.ForeignKey(PublicationIndexPage, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return str(self.commentary_id)
