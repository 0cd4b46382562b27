"""Hub pages for regions and competences: an index of the tags in use, and one page per tag."""

from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from pagecache.memo import memoize

from .cards import commentary_cards
from .hubs import VOCABULARIES

LATEST = 10
EXPERTS = 24


def tag_index(request, vocabulary):
    vocab = VOCABULARIES[vocabulary]
    tags = vocab.in_use()
    return TemplateResponse(
        request,
        "publications/tag_index.html",
        {"vocabulary": vocab, "tags": tags, "canonical_here": True},
    )


def tag_hub(request, vocabulary, slug):
    vocab = VOCABULARIES[vocabulary]
    tag = get_object_or_404(vocab.model, slug=slug)
    experts = vocab.experts(tag)

    def figures():
        """Counted over every commentary on the tag: kept until the next publish."""
        commentaries = vocab.commentaries(tag)
        latest = commentaries.order_by("-date", "-pk").values_list("pk", flat=True)[:LATEST]
        return list(latest), commentaries.count(), experts.count()

    latest, commentary_count, expert_count = memoize("hub", (vocabulary, tag.pk), figures)
    context = {
        "vocabulary": vocab,
        "tag": tag,
        "latest": commentary_cards(request, latest, level=3),
        "commentary_count": commentary_count,
        "experts": experts.order_by(Lower("surname"), "title")[:EXPERTS],
        "expert_count": expert_count,
        "canonical_here": True,
    }
    return TemplateResponse(request, "publications/tag_hub.html", context)
