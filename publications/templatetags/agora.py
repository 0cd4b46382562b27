from django import template

from taxonomy.sanitize import render_rich_text

register = template.Library()


@register.filter
def safe_richtext(value):
    """Like Wagtail's |richtext, with the output passed through an allow-list sanitiser."""
    return render_rich_text(value)
