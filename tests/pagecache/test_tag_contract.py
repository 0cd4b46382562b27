"""The cache-tag contract (pagecache.tags), checked from the models rather than from lists.

1. Every tag a response shows (X-Cache-Tags) is one that some change purges: the union of
   `tags_purged_on_change()` over every object of every model declaring it.
2. An edit of any simple field of any page type, vocabulary or setting purges (through the
   real path: the publishing signals, the durable purge, the frontend-cache backend, to a
   fake proxy) at least one tag of every page whose HTML it changed. Each edit is made alone
   on the model's first object and rolled back; only the pages it purged nothing of are
   rendered again, which is what keeps the module fast.

The page types, fields and URLs are derived: a new page type, field or URL pattern is checked
without touching this file (a page type the newsroom has no page of fails with a message).
"""

import contextlib
import datetime
import functools
import re
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import caches
from django.db import models, transaction
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

from taggit.managers import TaggableManager
from wagtail.admin.panels import FieldPanel, get_edit_handler
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site, get_page_models

import pytest

from core.models import AgoraPage
from discovery.seo import SITEMAPS
from pagecache import tags
from pagecache.frontend import TAG_PATH
from sitesettings.models import SiteIdentity

from .conftest import NONCE, build_newsroom

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
# The named URLs besides the pages: hubs, feeds, search, sitemap, the API.
URL_NAMESPACES = ("hubs", "discovery", "wagtailapi")

# The kinds of field Part 2 edits (a slug too: a CharField), and those it leaves, with why.
EDITED_KINDS = (models.CharField, models.TextField, models.DateField, models.BooleanField)
SKIPPED_KINDS = {
    models.DateTimeField: "scheduling (go live, expire): the scheduler publishes at that time",
    models.ForeignKey: "a chooser (photo, logo, featured page): the chosen object has its tags",
    StreamField: "blocks, not one value to edit: the body shows only on its own page",
    TaggableManager: "a relation: test_proxy_purge publishes new authors, regions, competences",
}


# --- What the models declare ------------------------------------------------------------


def page_types():
    """Every concrete page type of Agora: the subclasses of AgoraPage Wagtail knows."""
    return [model for model in get_page_models() if issubclass(model, AgoraPage)]


def declaring_models():
    """Every concrete model that says what a change to it purges."""
    found = [
        model
        for model in apps.get_models()
        if callable(getattr(model, "tags_purged_on_change", None))
    ]
    return [*page_types(), *(model for model in found if model not in page_types())]


def vocabularies():
    """The shared, non-page models that declare their purge: vocabularies and site settings."""
    return [model for model in declaring_models() if not issubclass(model, Page)]


def instances(model):
    return list(model.objects.order_by("pk"))


def purgeable():
    """Every tag some change purges, as the database stands."""
    union = set(tags.everything())
    for model in declaring_models():
        for obj in instances(model):
            union |= set(obj.tags_purged_on_change())
    return union


def panel_fields(panel):
    """The field names of the model's edit panels (every tab), in order."""
    if isinstance(panel, FieldPanel):
        yield panel.field_name
    for child in getattr(panel, "children", ()):
        yield from panel_fields(child)


def editable_fields(model):
    """The concrete fields of the model's edit panels that Part 2 edits (EDITED_KINDS), in
    panel order, a slug last (it moves pages to other URLs). A field of a kind neither edited
    nor skipped with a reason fails: a new kind of field is a decision to make here."""
    handler = model.get_edit_handler() if issubclass(model, Page) else get_edit_handler(model)
    chosen = []
    for name in dict.fromkeys(panel_fields(handler)):
        field = model._meta.get_field(name)
        if isinstance(field, tuple(SKIPPED_KINDS)):
            continue
        assert isinstance(field, EDITED_KINDS), (
            f"{model._meta.label}.{name}: a {type(field).__name__}, neither edited nor skipped "
            "(EDITED_KINDS, SKIPPED_KINDS)"
        )
        chosen.append(field)
    return sorted(chosen, key=lambda field: isinstance(field, models.SlugField))


def edited_value(obj, field):
    """A new value for the field, one no other field or page holds."""
    old = getattr(obj, field.attname)
    if isinstance(field, models.SlugField):
        return f"{old}-edited"[: field.max_length]
    if isinstance(field, models.BooleanField):
        return not old
    if isinstance(field, models.DateField):
        return (old or datetime.date(2024, 1, 1)) - datetime.timedelta(days=400)
    if isinstance(field, RichTextField):
        return f"<p>Edited {field.name} text.</p>"
    text = f"Edited {field.name.replace('_', ' ')} Qz"
    return text[: field.max_length] if field.max_length else text


# --- The newsroom and its URLs -----------------------------------------------------------


@pytest.fixture
def newsroom(site_tree, committed):
    """The pagecache newsroom, the site's identity, and an object of every declaring model."""
    with committed():
        built = build_newsroom(site_tree)
        SiteIdentity.objects.create(
            site=Site.objects.get(is_default_site=True),
            site_name="Agora Institute",
            tagline="Commentary on Asia",
            footer_text="Published by the Agora Institute.",
        )
    missing = [model._meta.label for model in declaring_models() if not instances(model)]
    assert not missing, (
        f"no object of {missing} in the newsroom: add one to build_newsroom "
        "(tests/pagecache/conftest.py) so the tag contract covers it"
    )
    return built


@dataclass
class Render:
    status: int
    html: bytes
    tags: set


def fetch(url):
    """The response as an anonymous reader gets it from the edge."""
    response = Client().get(url)
    html = CSRF.sub(b"csrf", NONCE.sub(b"nonce", response.content))
    return response, Render(
        response.status_code, html, set(response.get("X-Cache-Tags", "").split())
    )


def named_patterns(resolver=None, namespace=()):
    """(name, parameters) of every URL pattern in URL_NAMESPACES."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from named_patterns(pattern, inner)
        elif namespace and namespace[0] in URL_NAMESPACES and pattern.name:
            yield ":".join((*namespace, pattern.name)), tuple(pattern.pattern.regex.groupindex)


def slugged_objects():
    """{label: [slug, ...]} of the declaring models that have slugs."""
    found = {}
    for model in declaring_models():
        if any(field.name == "slug" for field in model._meta.get_fields()):
            found[model._meta.label] = [obj.slug for obj in instances(model)]
    return found


def answers(url):
    return Client().get(url).status_code == 200


@functools.cache
def slug_source(name, labels):
    """Which model's slugs URL `name` takes: the first whose first object answers 200 (the
    same in every newsroom, so found once)."""
    for label in labels:
        if answers(reverse(name, kwargs={"slug": slugged_objects()[label][0]})):
            return label
    return None


def pattern_urls():
    """The named URLs taking nothing, a slug (the objects of the model that answers) or a
    primary key (every live page's)."""
    slugs = slugged_objects()
    live = list(
        Page.objects.live().filter(depth__gt=1).order_by("path").values_list("pk", flat=True)
    )
    for name, params in named_patterns():
        try:
            if not params:
                yield reverse(name)
            elif params == ("slug",):
                source = slug_source(name, tuple(sorted(slugs)))
                yield from (reverse(name, kwargs={"slug": s}) for s in slugs.get(source, ()))
            elif params == ("section",):  # the sitemap's files
                yield from (reverse(name, kwargs={"section": s}) for s in SITEMAPS)
            elif params == ("pk",) and live and answers(reverse(name, kwargs={"pk": live[0]})):
                yield from (reverse(name, kwargs={"pk": pk}) for pk in live)
        except NoReverseMatch:
            continue


def page_urls():
    for page in Page.objects.live().specific().order_by("path"):
        if page.url and page.depth > 1:
            yield page.url
            yield from (f"{page.url}cite.{ext}" for ext in getattr(page, "CITATION_FORMATS", ()))


def variants(url, response):
    """The filtered views of a listing, directory or search: each facet's first option, and
    for a search, a query (a vocabulary term's name)."""
    context = getattr(response, "context_data", None) or {}
    filters = context.get("filters")
    if filters is None or "?" in url:
        return []
    found = []
    if hasattr(filters, "q"):
        term = next(str(obj) for model in vocabularies() for obj in instances(model))
        found.append(f"{url}?q={term.split()[0].lower()}")
    for facet in filters.facet_list:
        if facet.options:
            found.append(f"{url}?{facet.options[0].query}")
    return found


def render_all():
    """{url: Render} of every page, named URL and filtered view answering 200."""
    clear_caches()
    rendered = {}
    queue = list(dict.fromkeys([*page_urls(), *pattern_urls()]))
    while queue:
        url = queue.pop(0)
        if url in rendered:
            continue
        response, result = fetch(url)
        if result.status == 200:
            rendered[url] = result
            queue += [found for found in variants(url, response) if found not in rendered]
    return rendered


def render_again(urls):
    clear_caches()
    return {url: fetch(url)[1] for url in urls}


def clear_caches():
    """Nothing kept in the application: each round renders from the database."""
    for cache in caches.all():
        cache.clear()


def purged_tags(received):
    return {path.removeprefix(TAG_PATH) for _host, path in received if path.startswith(TAG_PATH)}


# --- Part 1: what responses show, some change purges ------------------------------------


def test_every_emitted_tag_is_purged_by_some_change(newsroom, edge):
    rendered = render_all()
    unanswered = set(page_urls()) - set(rendered)
    assert not unanswered, f"live pages not answering 200: {sorted(unanswered)}"
    kinds = {url.split("?")[0] for url in rendered}
    assert {newsroom["japan_security"].url, "/api/v2/pages/", "/sitemap-pages.xml"} <= kinds
    assert any("?" in url for url in rendered), "no filtered listing was rendered"
    union = purgeable()
    orphans = {
        (url, tag) for url, result in rendered.items() for tag in result.tags if tag not in union
    }
    assert not orphans, f"tags shown that no change purges: {sorted(orphans)}"
    unshared = [url for url, result in rendered.items() if not result.tags]
    assert not unshared, f"public responses the proxy may not keep: {unshared}"


# --- Part 2: an edit purges every page it changes ---------------------------------------


def edit(obj, field, value):
    """As an editor would: a page publishes a new revision; a snippet or setting is saved."""
    setattr(obj, field.attname, value)
    if isinstance(obj, Page):
        obj.save_revision().publish()
    else:
        obj.save()


@contextlib.contextmanager
def undone():
    """A block whose changes are rolled back after it: every edit starts from the newsroom."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    clear_caches()


def showing(obj, rendered):
    """The object's own page and the URLs naming it (its slug); the home page for the rest."""
    own = obj.url if isinstance(obj, Page) else None
    slug = getattr(obj, "slug", None)
    found = [url for url in rendered if url == own or (slug and f"/{slug}/" in url)]
    return found or [Site.objects.get(is_default_site=True).root_page.url]


@pytest.mark.parametrize(
    "model", [*page_types(), *vocabularies()], ids=lambda model: model._meta.label
)
def test_an_edit_purges_every_page_it_changes(newsroom, edge, proxy, committed, model):
    """Each field edited alone, from the same newsroom. Only the pages the edit left in the
    proxy (none of their tags purged) are rendered again: a change there is a reader served
    the old page. After the first edit (a title or name) the object's own pages are rendered
    too, to show that the comparison sees a change."""
    fields = editable_fields(model)
    assert fields, f"{model._meta.label} has no editable simple field"
    before = render_all()
    pk = instances(model)[0].pk  # the first: for a page type, the most linked in the newsroom
    unpurged, seen_changed = [], []
    for number, field in enumerate(fields):
        with undone():
            obj = model.objects.get(pk=pk)
            proxy.clear()
            with committed():
                edit(obj, field, edited_value(obj, field))
            purged = purged_tags(proxy)
            kept = [url for url, old in before.items() if not old.tags & purged]
            after = render_again(kept + (showing(obj, before) if number == 0 else []))
            changed = {url for url, new in after.items() if new.html != before[url].html}
            seen_changed += changed
            unpurged += [(field.name, url) for url in kept if url in changed]
    assert seen_changed, f"an edit of {model._meta.label} showed on no page: a broken comparison"
    assert not unpurged, f"pages an edit changed and left in the proxy: {unpurged}"
