"""What every page type of Agora is: `AgoraPage`, the abstract base they all inherit.

It carries, in one place, what a page type would otherwise have to remember to mix in:
- the publishing policy (editorial.permissions: only the workflow's last approval publishes;
  superusers keep every action);
- view restrictions checked in one query (editorial.visibility);
- "visible to readers" with one spelling, through the manager:
  `CommentaryPage.objects.visible_to_readers()`, the rule of editorial.visibility;
- the cache-tag contract's defaults (pagecache.tags): a page that lists or counts content
  shows CONTENT; its title and URL are in every page's navigation, so a change to it purges
  everything. Page types that show or are one piece of content override both.
See docs/recipes.md, "Add a page type".

And `HomePage`, the site's root page, whose sections come from the apps above (core.home).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet

from editorial.permissions import ReviewedPublishingMixin
from editorial.visibility import RestrictionsInOneQuery, visible_to_readers
from pagecache import tags
from pagecache.memo import memoize

from . import home


class AgoraPageQuerySet(PageQuerySet):
    def visible_to_readers(self):
        """Live, outside every private section, and for an alias, a visible source."""
        return visible_to_readers(self)


class AgoraPageManager(PageManager.from_queryset(AgoraPageQuerySet)):
    pass


class AgoraPage(ReviewedPublishingMixin, RestrictionsInOneQuery, Page):
    objects = AgoraPageManager()

    class Meta:
        abstract = True

    def page_cache_tags(self, context):
        """What this page shows (pagecache.tags): by default, content listed or counted."""
        return {tags.CONTENT}

    def tags_purged_on_change(self):
        """What a change to this page purges: by default everything, since its title and URL
        are in every page's navigation and breadcrumbs."""
        return tags.everything()


class HomePage(AgoraPage):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    # Named by string: core sits below publications and never imports it.
    featured_commentary = models.ForeignKey(
        "publications.CommentaryPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown first on the home page; the latest commentary if empty."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        PageChooserPanel("featured_commentary", "publications.CommentaryPage"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["publications.PublicationIndexPage", "experts.ExpertIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # What the home page shows changes only when something is published: kept till then.
        selected = memoize("home", (self.pk, self.featured_commentary_id), self.selection)
        for name, section in home.sections().items():
            context.update(section.context(request, self, selected.get(name)))
        return context

    def selection(self):
        """What each home-page section keeps (core.home): {section: plain values}."""
        return {name: section.select(self) for name, section in home.sections().items()}
