"""The two controlled vocabularies shared by commentaries and experts.

Each is its own TagBase subclass (its own table), so regions and competences never mix with each
other or with taggit's default Tag table. free_tagging is off: editors pick from the vocabulary
and manage it as a snippet; the through models live with the pages that use them.
"""

from django.utils.translation import gettext_lazy as _

from taggit.models import TagBase
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField

from pagecache import tags


class VocabularyTag(TagBase):
    free_tagging = False

    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Optional introduction shown on the hub page."),
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("intro")]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def tags_purged_on_change(self):
        """A name or slug is on cards, facets, hubs and search across the site: everything."""
        return tags.everything()


class Region(VocabularyTag):
    class Meta(VocabularyTag.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Competence(VocabularyTag):
    class Meta(VocabularyTag.Meta):
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
