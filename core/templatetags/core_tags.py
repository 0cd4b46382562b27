"""The site's own template tags, used by every room: rich text through the sanitiser, the
navigation's current link, pagination, the session check of the page cache, and the fragment
cache kept until the next publish. `{% load core_tags %}`."""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from wagtail.templatetags.wagtail_cache import WagtailPageCacheNode

from redis.exceptions import RedisError

from core.sanitize import render_rich_text
from pagecache import memo

register = template.Library()


@register.filter
def safe_richtext(value):
    """Like Wagtail's |richtext, with the output passed through an allow-list sanitiser."""
    return render_rich_text(value)


@register.simple_tag(takes_context=True)
def nav_current(context, url):
    """aria-current for a navigation link: "page" on the page itself, "true" inside its
    section. Nothing without a request (the static 500 page)."""
    request = context.get("request")
    url = str(url or "")
    if request is None or not url:
        return ""
    if request.path == url:
        return mark_safe(' aria-current="page"')
    if url != "/" and request.path.startswith(url):
        return mark_safe(' aria-current="true"')
    return ""


@register.simple_tag
def page_links(page_obj):
    """Page numbers around the current one, with "…" for the gaps: 1 … 4 5 6 … 20."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)


@register.filter
def has_session(request):
    """Whether the request carries a session cookie. Checking the user of a request without
    one would read the session, and Django then varies the response on Cookie, which makes
    every reader's page unshareable for the page cache and Varnish."""
    return settings.SESSION_COOKIE_NAME in getattr(request, "COOKIES", {})


class Computed:
    """A value Django's cache node resolves at render time, from the memo, not the context."""

    def __init__(self, compute):
        self.compute = compute

    def resolve(self, context):
        return self.compute()


@register.tag
def publishedcache(parser, token):
    """{% publishedcache name [vary_on ...] %}...{% endpublishedcache %}: Wagtail's
    {% wagtailpagecache %} in the memo's store, kept until the next publish. For what only
    published content and this site decide; see PublishedPageCacheNode."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' tag requires a fragment name.")
    nodelist = parser.parse(("endpublishedcache",))
    parser.delete_first_token()
    return PublishedPageCacheNode(
        nodelist,
        Computed(lambda: settings.MEMO_SECONDS),
        bits[1],
        [parser.compile_filter(bit) for bit in bits[2:]],
        Computed(lambda: settings.MEMO_CACHE_ALIAS),
    )


class PublishedPageCacheNode(WagtailPageCacheNode):
    """Wagtail's page fragment cache (rendered afresh in previews; keyed by the page's state and
    the site), with the publish generation and the release in every key, so that a publish or a
    deploy makes every fragment unreachable (pagecache.memo). Two things the stock tag does not
    do: it is off with the memo, and a store that fails is a miss, as for the memo (the stock
    tag lets the store's error through: an error page while Redis is down)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vary_on.extend([Computed(memo.generation), Computed(memo.release)])

    def render(self, context):
        if not settings.MEMO_ENABLED or not memo.store_available():
            return self.nodelist.render(context)
        try:
            return super().render(context)
        except RedisError:  # only the store speaks Redis here: the block renders without it
            memo.store_failed()
            return self.nodelist.render(context)
