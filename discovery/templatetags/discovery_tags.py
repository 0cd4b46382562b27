from django import template
from django.utils.html import format_html

from wagtail.models import Page

from ..seo import canonical_url as build_canonical_url

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's canonical URL; a view may narrow it with `canonical_query` in its context."""
    request = context.get("request")
    if request is None:
        return ""
    page = context.get("page")
    page = page if isinstance(page, Page) else None
    if page is None and not context.get("canonical_here"):
        return ""  # off Wagtail only views that opt in (an error page must not echo its path)
    return build_canonical_url(request, page, context.get("canonical_query", ""))


@register.simple_tag(takes_context=True)
def structured_data(context):
    """A JSON-LD script block for this page, carrying the CSP nonce (inline scripts need it)."""
    from ..structured_data import dump, for_context

    data = for_context(context)
    if data is None:
        return ""
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>',
        context.get("csp_nonce", ""),
        dump(data),
    )
