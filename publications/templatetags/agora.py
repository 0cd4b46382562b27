"""The listings' template tags (`{% load agora %}`); the site-wide ones are core's
(`{% load core_tags %}`)."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()


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
