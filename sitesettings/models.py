"""The site's identity as editors choose it: name, tagline, footer, social links, logo.

Nothing here imports the content apps; publications reads these settings, never the reverse.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

from pagecache import tags

# The header logo and the JSON-LD publisher logo share one rendition: at most 96 px high
# (shown at half that on screen, sharp on high-density displays; Google asks for <= 60 px
# high logos only for AMP, any size works for Organization.logo).
LOGO_SPEC = "height-96"


class SocialLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60, help_text=_("e.g. Mastodon, LinkedIn"))
    url = blocks.URLBlock(label=_("URL"))

    class Meta:
        icon = "link"


@register_setting(icon="globe")
class SiteIdentity(BaseSiteSetting):
    site_name = models.CharField(
        max_length=100,
        blank=True,
        help_text=_(
            "Shown in the header and page titles, and as the publisher for search "
            "engines. The deployment's default name if empty."
        ),
    )
    tagline = models.CharField(max_length=200, blank=True)
    footer_text = models.TextField(blank=True)
    publisher_logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown beside the site name and given to search engines as the logo."),
    )
    social_links = StreamField([("link", SocialLinkBlock())], blank=True)

    panels = [
        FieldPanel("site_name"),
        FieldPanel("tagline"),
        FieldPanel("footer_text"),
        FieldPanel("publisher_logo"),
        FieldPanel("social_links"),
    ]
    select_related = ["publisher_logo"]

    class Meta:
        verbose_name = _("site identity")

    @property
    def name(self):
        return self.site_name.strip() or settings.WAGTAIL_SITE_NAME

    def logo_rendition(self):
        return self.publisher_logo.get_rendition(LOGO_SPEC) if self.publisher_logo else None

    def tags_purged_on_change(self):
        """The name, logo and footer are on every page: everything."""
        return tags.everything()


CACHE_SECONDS = 300


def cache_key(site_id):
    return f"sitesettings:identity:{site_id}"


def identity_for_request(request):
    """The settings of the request's site, read once per request and never written on a GET
    (Wagtail's own for_request creates the row); defaults when none is saved or no site
    matches the host. Kept in the shared cache between requests (a query saved on every page;
    a save clears it), so that a page costs no query for it once warm."""
    attr = SiteIdentity.get_cache_attr_name()
    if not hasattr(request, attr):
        from wagtail.models import Site

        site = Site.find_for_request(request)
        found = None
        if site:
            found = cache.get(cache_key(site.pk))
            if found is None:
                found = SiteIdentity.base_queryset().filter(site=site).first() or SiteIdentity()
                cache.set(cache_key(site.pk), found, CACHE_SECONDS)
        setattr(request, attr, found or SiteIdentity())
    return getattr(request, attr)


@receiver([post_save, post_delete], sender=SiteIdentity)
def forget_cached_identity(sender, instance, **kwargs):
    cache.delete(cache_key(instance.site_id))
