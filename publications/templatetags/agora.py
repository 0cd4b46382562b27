from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from pagecache.memo import memoize
from taxonomy.sanitize import render_rich_text

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
        return mark_safe(' aria-current="page"')  # noqa: S308 - a fixed string
    if url != "/" and request.path.startswith(url):
        return mark_safe(' aria-current="true"')  # noqa: S308 - a fixed string
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


@register.simple_tag(takes_context=True)
def facet_fieldsets(context, filters, total):
    """The filter form's facets with their counts, rendered once per filter state and kept
    until the next publish when the filters have a scope (FacetedFilters.memo)."""

    def render():
        filters.count_options(total)
        return get_template("components/facet_fieldsets.html").render(
            {"filters": filters, "sections": context.get("sections")}
        )

    return mark_safe(filters.memo("facets-html", render))  # noqa: S308 - our own template


@register.tag
def kept(parser, token):
    """{% kept "name" part ... %}...{% endkept %}: the block rendered once per parts and host,
    and kept until the next publish (pagecache.memo). For what only published content and the
    URLs of this host decide; never in a preview, which shows a draft."""
    name, *parts = (parser.compile_filter(bit) for bit in token.split_contents()[1:])
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(name, parts, nodelist)


class KeptNode(template.Node):
    def __init__(self, name, parts, nodelist):
        self.name, self.parts, self.nodelist = name, parts, nodelist

    def render(self, context):
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        parts = (*(str(part.resolve(context)) for part in self.parts), request.get_host())
        html = memoize(
            f"kept:{self.name.resolve(context)}", parts, lambda: self.nodelist.render(context)
        )
        return mark_safe(html)  # noqa: S308 - our own template, rendered
