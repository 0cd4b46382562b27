"""Rich text is sanitised on output as well as on input.

Wagtail's editor whitelists what editors type, but rich text also arrives by import, API or a
direct database write; rendering it through an allow-list means a stored script can never run.
It lives in core, below every page app, so that experts, publications and the API can use it.
"""

from django.utils.safestring import mark_safe

from wagtail.rich_text import RichText, expand_db_html

import nh3
from rest_framework.fields import Field

TAGS = {
    "p",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "sup",
    "sub",
    "blockquote",
    "code",
    "img",
    "figure",
    "figcaption",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "class", "loading"},
    "*": {"class"},
}


def clean_html(html):
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_rich_text(value):
    """A rich-text field or block value, expanded (links, embeds) and then sanitised."""
    html = str(value) if isinstance(value, RichText) else expand_db_html(value or "")
    return mark_safe(clean_html(html))  # noqa: S308 - nh3 has just sanitised it


class SafeRichTextAPIField(Field):
    """Rich text in the read-only API: links expanded to real URLs, then sanitised, because API
    clients put it straight into their own pages."""

    def to_representation(self, value):
        return str(render_rich_text(value))
