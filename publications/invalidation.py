"""What each publishing event purges from the page cache and the caching proxy (pagecache).

A commentary or an expert is purged as the database has it just before a change (pre_save,
pre_delete: the authors, tags and URL it had) and just after (page_published,
page_unpublished, post_page_move): the pages that showed it and the pages that will. Those are
named by tags, which the pages declare when they render (`page_cache_tags` on CommentaryPage
and ExpertPage); every listing, hub, feed, the home page, the sitemap, search and the API
depend on the tag "content". Anything else that every page may show (the site tree, the tag
vocabularies, images, the Site records) purges the tag "site": everything.

The caching proxy also gets the URLs, so that it drops them even when it cannot read tags.
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.urls import NoReverseMatch, reverse

from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from experts.models import ExpertPage
from pagecache.purge import purge
from sitesettings.models import SiteIdentity
from taxonomy.models import Competence, Region

from .models import CommentaryPage

FEEDS = ("rss", "atom")


def site_url(path):
    site = Site.objects.filter(is_default_site=True).first()
    return f"{site.root_url}{path}" if site else None


def named_urls(*names_and_args):
    urls = []
    for name, *args in names_and_args:
        try:
            urls.append(site_url(reverse(name, args=args)))
        except NoReverseMatch:
            continue
    return urls


def listing_urls():
    """Every page that lists commentaries or experts (each URL stands for its query variants)."""
    from experts.models import ExpertIndexPage

    from .models import HomePage, PublicationIndexPage

    pages = Page.objects.live().type(HomePage, PublicationIndexPage, ExpertIndexPage)
    return [page.get_full_url() for page in pages] + named_urls(
        ("hubs:regions",),
        ("hubs:competences",),
        ("discovery:publications-feed-rss",),
        ("discovery:publications-feed-atom",),
        ("discovery:sitemap",),
        ("discovery:search",),
        ("wagtailapi:pages:listing",),
    )


def hub_urls(regions, competences):
    return named_urls(
        *[
            (f"hubs:{vocabulary}", tag.slug)
            for vocabulary, tags in (("region", regions), ("competence", competences))
            for tag in tags
        ],
        *[
            (f"discovery:{vocabulary}-feed-{kind}", tag.slug)
            for vocabulary, tags in (("region", regions), ("competence", competences))
            for tag in tags
            for kind in FEEDS
        ],
    )


def commentary_purge(pk):
    """Tags and URLs of the pages showing commentary `pk`, by the database's current state."""
    page = CommentaryPage.objects.filter(pk=pk).first()
    if page is None:
        return set(), []
    experts = list(ExpertPage.objects.filter(bylines__commentary_id=pk).distinct())
    regions = list(Region.objects.filter(commentary_items__content_object_id=pk))
    competences = list(Competence.objects.filter(commentary_items__content_object_id=pk))
    tags = {f"commentary:{pk}", "content"}
    tags |= {f"expert-list:{expert.pk}" for expert in experts}
    tags |= {f"region-list:{tag.pk}" for tag in regions}
    tags |= {f"competence-list:{tag.pk}" for tag in competences}
    url = page.get_full_url()
    urls = [url, *(f"{url}cite.{ext}" for ext in ("bib", "ris", "json"))] if url else []
    for expert in experts:
        urls += expert_urls(expert)
    urls += hub_urls(regions, competences) + listing_urls()
    urls += named_urls(("wagtailapi:pages:detail", pk))
    return tags, urls


def expert_urls(expert):
    return [expert.get_full_url()] + named_urls(
        *[(f"discovery:expert-feed-{kind}", expert.slug) for kind in FEEDS]
    )


def expert_purge(pk):
    """Tags and URLs of the pages showing expert `pk`: their profile, commentaries' bylines and
    author boxes, co-author and peer lists (all tagged "expert:<pk>"), the peer lists that may
    now include them, and every listing."""
    expert = ExpertPage.objects.filter(pk=pk).first()
    if expert is None:
        return set(), []
    regions = list(Region.objects.filter(expert_items__content_object_id=pk))
    competences = list(Competence.objects.filter(expert_items__content_object_id=pk))
    tags = {f"expert:{pk}", "content"}
    tags |= {f"expert-competence:{tag.pk}" for tag in competences}
    urls = expert_urls(expert) + hub_urls(regions, competences) + listing_urls()
    urls += named_urls(("wagtailapi:pages:detail", pk))
    return tags, urls


def purge_page(page, also=()):
    # By type, not instance: some signals send the generic Page (a move does).
    if issubclass(page.specific_class, CommentaryPage):
        tags, urls = commentary_purge(page.pk)
    elif issubclass(page.specific_class, ExpertPage):
        tags, urls = expert_purge(page.pk)
    else:  # the home page, the sections: their URLs and titles are on every page
        tags, urls = {"site"}, [page.get_full_url()]
    purge(tags, [*urls, *also])


def before_save(sender, instance, update_fields=None, **kwargs):
    """A full save of a published page (publishing, unpublishing, moving): purge what showed
    it as it was. Drafts save with update_fields and change nothing readers see."""
    if instance.pk is None or instance._state.adding or update_fields is not None:
        return
    if Page.objects.filter(pk=instance.pk, live=True).exists():
        purge_page(instance)


def after_publishing(sender, instance, **kwargs):
    purge_page(instance)


def after_move(sender, instance, url_path_before=None, **kwargs):
    old = None
    if url_path_before and url_path_before != instance.url_path:
        before = Page(pk=instance.pk, url_path=url_path_before)
        old = before.get_full_url()
    if issubclass(instance.specific_class, CommentaryPage | ExpertPage):
        purge_page(instance, also=[old])
    else:  # every URL below it changed
        purge({"site"}, [instance.get_full_url(), old])


def before_delete(sender, instance, **kwargs):
    if isinstance(instance, Page) and type(instance) is instance.specific_class:
        purge_page(instance)


def purge_everything(sender, instance, created=False, update_fields=None, **kwargs):
    # A new tag or image is on no page yet; a new Site may take over a host name, and the
    # site identity shows on every page from its first save.
    if sender in (Site, SiteIdentity) or not (created or update_fields):
        purge({"site"}, [site_url("/")])


def after_restriction(sender, instance, **kwargs):
    """A page made private or public again: what listed it, and for a section, everything
    below it. (Restricted pages themselves are never cached: Wagtail marks them so.)"""
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:  # deleted with the page, which purged already
        return
    if issubclass(page.specific_class, CommentaryPage | ExpertPage):
        purge_page(page)
    else:
        purge({"site"}, [page.get_full_url()])


def connect():
    for model in (CommentaryPage, ExpertPage):
        pre_save.connect(before_save, sender=model, dispatch_uid=f"pagecache-save-{model}")
    page_published.connect(after_publishing, dispatch_uid="pagecache-published")
    page_unpublished.connect(after_publishing, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(after_move, dispatch_uid="pagecache-moved")
    pre_delete.connect(before_delete, dispatch_uid="pagecache-deleted")
    post_save.connect(after_restriction, sender=PageViewRestriction, dispatch_uid="pc-private")
    post_delete.connect(after_restriction, sender=PageViewRestriction, dispatch_uid="pc-public")
    for model in (Region, Competence, Site, SiteIdentity, get_image_model()):
        post_save.connect(purge_everything, sender=model, dispatch_uid=f"pagecache-{model}")
        post_delete.connect(purge_everything, sender=model, dispatch_uid=f"pagecache-d-{model}")
