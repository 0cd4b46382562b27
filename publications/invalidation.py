"""Connects the publishing events to what each model declares a change to it purges.

Tags: each page type, vocabulary and setting says what a change to it purges
(`tags_purged_on_change`, next to the model, built with pagecache.tags), and what its page
shows (`page_cache_tags`); this module names no tag. A page is purged as the database has it
just before a change (pre_save, pre_delete: the authors, tags and URL it had) and just after
(page_published, page_unpublished, post_page_move, a new alias): the pages that showed it and
the pages that will.

URLs: the caching proxy also gets the URLs of those pages, so that it drops them even when it
cannot read tags.

The search index: a commentary is indexed with its authors' names and its tags' names, so
renaming an expert or a tag indexes their commentaries (and a tag's experts) again.
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.urls import NoReverseMatch, reverse

from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.search.backends import get_search_backends
from wagtail.signals import page_published, page_unpublished, post_page_move

from experts.models import ExpertPage
from pagecache import tags
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
    from core.models import HomePage
    from experts.models import ExpertIndexPage

    from .models import PublicationIndexPage

    pages = Page.objects.live().type(HomePage, PublicationIndexPage, ExpertIndexPage)
    return [page.get_full_url() for page in pages] + named_urls(
        ("hubs:regions",),
        ("hubs:competences",),
        ("discovery:publications-feed-rss",),
        ("discovery:publications-feed-atom",),
        ("discovery:sitemap",),
        ("discovery:sitemap-section", "pages"),
        ("discovery:sitemap-section", "hubs"),
        ("discovery:search",),
        ("wagtailapi:pages:listing",),
    )


def hub_urls(regions, competences):
    return named_urls(
        *[
            (f"hubs:{vocabulary}", tag.slug)
            for vocabulary, found in (("region", regions), ("competence", competences))
            for tag in found
        ],
        *[
            (f"discovery:{vocabulary}-feed-{kind}", tag.slug)
            for vocabulary, found in (("region", regions), ("competence", competences))
            for tag in found
            for kind in FEEDS
        ],
    )


def commentary_urls(page):
    """The URLs of the pages showing this commentary, by the database's current state."""
    experts = list(ExpertPage.objects.filter(bylines__commentary_id=page.pk).distinct())
    regions = list(Region.objects.filter(commentary_items__content_object_id=page.pk))
    competences = list(Competence.objects.filter(commentary_items__content_object_id=page.pk))
    url = page.get_full_url()
    urls = [url, *(f"{url}cite.{ext}" for ext in ("bib", "ris", "json"))] if url else []
    for expert in experts:
        urls += expert_urls(expert)
    urls += hub_urls(regions, competences) + listing_urls()
    return urls + named_urls(("wagtailapi:pages:detail", page.pk))


def expert_urls(expert):
    return [expert.get_full_url()] + named_urls(
        *[(f"discovery:expert-feed-{kind}", expert.slug) for kind in FEEDS]
    )


def expert_page_urls(expert):
    """The URLs of the pages showing this expert: the profile, its feeds, the hubs and every
    listing (the commentaries' own pages go by tag)."""
    regions = list(Region.objects.filter(expert_items__content_object_id=expert.pk))
    competences = list(Competence.objects.filter(expert_items__content_object_id=expert.pk))
    urls = expert_urls(expert) + hub_urls(regions, competences) + listing_urls()
    return urls + named_urls(("wagtailapi:pages:detail", expert.pk))


def urls_for(page):
    if isinstance(page, CommentaryPage):
        return commentary_urls(page)
    if isinstance(page, ExpertPage):
        return expert_page_urls(page)
    return [page.get_full_url()]  # a section: every page below it goes by tag


def as_stored(page):
    """The page as the database has it now, in its own class (some signals send the generic
    Page, a move does; a save sends the new state, not yet written)."""
    model = page.specific_class
    return model.objects.filter(pk=page.pk).first() if model else None


def declared_purge(obj):
    declared = getattr(obj, "tags_purged_on_change", None)
    return set(declared()) if declared else tags.everything()


def purge_page(page, also=()):
    stored = as_stored(page)
    if stored is None:
        return
    purge(declared_purge(stored), [*urls_for(stored), *also])


def before_save(sender, instance, update_fields=None, **kwargs):
    """A full save of a published page (publishing, unpublishing, moving): purge what showed
    it as it was. Drafts save with update_fields and change nothing readers see."""
    if instance.pk is None or instance._state.adding or update_fields is not None:
        return
    if Page.objects.filter(pk=instance.pk, live=True).exists():
        purge_page(instance)


def after_publishing(sender, instance, **kwargs):
    purge_page(instance)


def after_alias_created(sender, instance, created=False, raw=False, **kwargs):
    """Wagtail creates an alias live, without publishing it (no page_published), and saves its
    authors and tags only after this signal: what shows it is what shows its source."""
    if not created or raw or not isinstance(instance, Page) or not instance.alias_of_id:
        return
    if not instance.live:
        return
    alias, source = as_stored(instance), as_stored(instance.alias_of)
    if alias is None or source is None:
        return
    purge(
        declared_purge(alias) | declared_purge(source),
        [*urls_for(alias), *urls_for(source)],
    )


def after_move(sender, instance, url_path_before=None, **kwargs):
    old = None
    if url_path_before and url_path_before != instance.url_path:
        before = Page(pk=instance.pk, url_path=url_path_before)
        old = before.get_full_url()
    purge_page(instance, also=[old])


def before_delete(sender, instance, **kwargs):
    if isinstance(instance, Page) and type(instance) is instance.specific_class:
        purge_page(instance)


def after_shared_change(sender, instance, created=False, update_fields=None, **kwargs):
    """A vocabulary entry, image, Site or the site identity: what it declares (or, for Wagtail's
    own models, everything). A new tag or image is on no page yet; a new Site may take over a
    host name, and the site identity shows on every page from its first save."""
    if sender in (Site, SiteIdentity) or not (created or update_fields):
        purge(declared_purge(instance), [site_url("/")])


def after_restriction(sender, instance, **kwargs):
    """A page made private or public again: what listed it, and for a section, everything
    below it. (Restricted pages themselves are never cached: Wagtail marks them so.)"""
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:  # else deleted with the page, which purged already
        purge_page(page)


def reindex(model, pks):
    """Index these objects again, in bulk, with what their search fields read."""
    objects = list(model.get_indexed_objects().filter(pk__in=list(pks)))
    if objects:
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(model, objects)


def remember_title(sender, instance, **kwargs):
    if isinstance(instance, ExpertPage) and instance.pk and not instance._state.adding:
        stored = ExpertPage.objects.filter(pk=instance.pk).values_list("title", flat=True)
        instance._title_before_save = stored.first()


def reindex_expert_commentaries(sender, instance, **kwargs):
    """The commentaries' index entries carry their authors' names: renamed, indexed again."""
    if not issubclass(instance.specific_class, ExpertPage):
        return
    if getattr(instance, "_title_before_save", None) == instance.title:
        return
    signed = CommentaryPage.objects.filter(bylines__expert_id=instance.pk)
    reindex(CommentaryPage, signed.values_list("pk", flat=True).distinct())


def tagged_with(tag):
    """The commentaries and experts carrying this vocabulary entry: {model: pks}."""
    return {
        CommentaryPage: list(tag.commentary_items.values_list("content_object_id", flat=True)),
        ExpertPage: list(tag.expert_items.values_list("content_object_id", flat=True)),
    }


def reindex_tagged(sender, instance, created=False, raw=False, **kwargs):
    """Their index entries carry the names of their regions and competences."""
    if not created and not raw:
        for model, pks in tagged_with(instance).items():
            reindex(model, pks)


def remember_tagged(sender, instance, **kwargs):
    instance._tagged_before_delete = tagged_with(instance)


def reindex_untagged(sender, instance, **kwargs):
    for model, pks in getattr(instance, "_tagged_before_delete", {}).items():
        reindex(model, pks)


def connect():
    for model in (CommentaryPage, ExpertPage):
        pre_save.connect(before_save, sender=model, dispatch_uid=f"pagecache-save-{model}")
    post_save.connect(after_alias_created, dispatch_uid="pagecache-alias")
    page_published.connect(after_publishing, dispatch_uid="pagecache-published")
    page_unpublished.connect(after_publishing, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(after_move, dispatch_uid="pagecache-moved")
    pre_delete.connect(before_delete, dispatch_uid="pagecache-deleted")
    post_save.connect(after_restriction, sender=PageViewRestriction, dispatch_uid="pc-private")
    post_delete.connect(after_restriction, sender=PageViewRestriction, dispatch_uid="pc-public")
    for model in (Region, Competence, Site, SiteIdentity, get_image_model()):
        post_save.connect(after_shared_change, sender=model, dispatch_uid=f"pagecache-{model}")
        post_delete.connect(after_shared_change, sender=model, dispatch_uid=f"pc-d-{model}")
    pre_save.connect(remember_title, sender=ExpertPage, dispatch_uid="search-expert-title")
    page_published.connect(reindex_expert_commentaries, dispatch_uid="search-expert-renamed")
    for model in (Region, Competence):
        post_save.connect(reindex_tagged, sender=model, dispatch_uid=f"search-tag-{model}")
        pre_delete.connect(remember_tagged, sender=model, dispatch_uid=f"search-tag-d-{model}")
        post_delete.connect(reindex_untagged, sender=model, dispatch_uid=f"search-tag-r-{model}")
