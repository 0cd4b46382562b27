"""Hub pages for regions and competences: an index of the tags in use, and one page per tag."""

from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from .hubs import VOCABULARIES
from .models import with_listing_relations

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
    commentaries = vocab.commentaries(tag)
    experts = vocab.experts(tag)
    context = {
        "vocabulary": vocab,
        "tag": tag,
        "latest": with_listing_relations(commentaries.order_by("-date", "-pk"))[:LATEST],
        "commentary_count": commentaries.count(),
        "experts": experts.order_by(Lower("surname"), "title")[:EXPERTS],
        "expert_count": experts.count(),
        "canonical_here": True,
    }
    return TemplateResponse(request, "publications/tag_hub.html", context)
