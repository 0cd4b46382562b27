"""Commentary cards rendered once and kept until the next publish (pagecache.memo).

A card shows the commentary, its authors (names, positions, whether their profile is live) and
its tags: every change to those purges "content" or "site", which ends the kept cards. A
listing then costs one query for the ids of its page and one read for their cards; only cards
not kept yet are fetched (with what they show, in a fixed number of queries) and rendered.
"""

from dataclasses import dataclass

from django.template.loader import get_template
from django.utils.safestring import mark_safe

from pagecache.memo import memoize_many

TEMPLATE = "components/commentary_card.html"


@dataclass
class Card:
    pk: int
    title: str
    full_url: str  # for the listing's JSON-LD
    html: str


def commentary_cards(request, ids, level=2, template_name=TEMPLATE):
    """The cards of these commentaries, in this order (any that vanished meanwhile left out);
    `template_name` renders a card (the search results show them their own way)."""
    from .models import CommentaryPage, with_listing_relations

    host = request.get_host()
    template = get_template(template_name)

    def render(missing):
        pks = [parts[0] for parts in missing]
        # Not the body: a card never shows it, and it is most of a commentary's row.
        found = with_listing_relations(CommentaryPage.objects.filter(pk__in=pks).defer("body"))
        by_pk = {commentary.pk: commentary for commentary in found}
        rendered = {}
        for parts in missing:
            commentary = by_pk.get(parts[0])
            if commentary is not None:
                html = template.render(
                    # The request only for {% pageurl %}: relative links on this site.
                    {"commentary": commentary, "level": level, "request": request}
                )
                rendered[parts] = (commentary.title, commentary.get_full_url(request), html)
        return rendered

    wanted = [(pk, level, host) for pk in ids]
    kept = memoize_many(f"card:{template_name}", wanted, render)
    return [
        Card(parts[0], title, full_url, mark_safe(html))  # noqa: S308 - our own template
        for parts in wanted
        if parts in kept
        for title, full_url, html in [kept[parts]]
    ]
