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
"""

from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet

from editorial.permissions import ReviewedPublishingMixin
from editorial.visibility import RestrictionsInOneQuery, visible_to_readers
from pagecache import tags


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
