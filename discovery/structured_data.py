"""JSON-LD (schema.org) for search engines: an Article per commentary, a ProfilePage per expert,
an ItemList for the listing. Built as dicts here, rendered by the `structured_data` tag."""

import json
from urllib.parse import urljoin

from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from wagtail.models import Site

from sitesettings.models import identity_for_request

# Inside <script>, "</script>" or "<!--" in a value would end or upset the block: escape the
# characters that could start them; JSON parsers read the \u escapes back as the same text.
UNSAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def dump(data):
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(UNSAFE))  # noqa: S308


def organization(request):
    """The publisher, as the editors name it in the site settings (the default name if unset)."""
    site = Site.find_for_request(request)
    home = site.root_url + "/" if site else request.build_absolute_uri("/")
    identity = identity_for_request(request)
    data = {"@type": "Organization", "name": identity.name, "url": home}
    logo = identity.logo_rendition()
    if logo:
        data["logo"] = {
            "@type": "ImageObject",
            "url": urljoin(home, logo.url),  # media on another host stays as it is
            "width": logo.width,
            "height": logo.height,
        }
    return data


def article(page, request, bylines):
    url = page.get_full_url(request)
    modified = page.last_published_at.isoformat() if page.last_published_at else None
    regions = sorted(tag.name for tag in page.regions.all())
    tags = [*regions, *sorted(tag.name for tag in page.competences.all())]
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": Truncator(page.title).chars(110),
        "description": page.meta_description,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": page.date.isoformat(),
        "dateModified": modified or page.date.isoformat(),
        "author": [byline_person(byline, request) for byline in bylines],
        "publisher": organization(request),
    }
    if tags:
        data["keywords"] = tags
    return data


def byline_person(byline, request):
    """An author: the name and frozen position always; the profile's address and position only
    when readers may see the profile (the one rule, `Byline.profile_visible`)."""
    if not byline.profile_visible:
        return person(byline.expert, request, job_title=byline.position, linked=False)
    return person(byline.expert, request, job_title=byline.position or byline.expert.position)


def person(expert, request, job_title="", linked=True):
    data = {"@type": "Person", "name": expert.title}
    if linked:  # no address (url, sameAs) for a hidden profile
        data["url"] = expert.get_full_url(request)
    if job_title:
        data["jobTitle"] = job_title
    return data


def profile(expert, request):
    entity = person(expert, request, job_title=expert.position)
    if expert.location:
        entity["workLocation"] = {"@type": "Place", "name": expert.location}
    competences = sorted(tag.name for tag in expert.competences.all())
    if competences:
        entity["knowsAbout"] = competences
    description = strip_tags(expert.field_of_expertise or expert.search_description).strip()
    if description:
        entity["description"] = Truncator(" ".join(description.split())).chars(300)
    entity["worksFor"] = organization(request)
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": expert.get_full_url(request),
        "mainEntity": entity,
    }


def item_list(page, request, page_obj):
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": page.title,
        "url": page.get_full_url(request),
        "numberOfItems": page_obj.paginator.count,
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": page_obj.start_index() + i,
                "url": card.full_url,
                "name": card.title,
            }
            for i, card in enumerate(page_obj.object_list)
        ],
    }


def for_context(context):
    """The JSON-LD for the page being rendered, or None."""
    from experts.models import ExpertPage
    from publications.models import CommentaryPage, PublicationIndexPage

    page, request = context.get("page"), context.get("request")
    if request is None:
        return None
    if isinstance(page, CommentaryPage) and "bylines" in context:
        return article(page, request, context["bylines"])
    if isinstance(page, ExpertPage):
        return profile(page, request)
    if isinstance(page, PublicationIndexPage) and context.get("page_obj") is not None:
        return item_list(page, request, context["page_obj"])
    return None
