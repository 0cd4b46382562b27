"""RSS 2.0 and Atom feeds of commentaries: the listing with any of its filters, each expert,
each region and competence hub. Built on Django's syndication framework.

The feed classes are stateless (one instance serves every request): what a feed is about is
worked out in `get_object` and passed to the other methods as `source`.
"""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from experts.models import ExpertPage
from publications.hubs import VOCABULARIES
from publications.models import CommentaryPage, PublicationIndexPage, with_listing_relations
from sitesettings.models import identity_for_request

ITEMS = 20


@dataclass
class FeedSource:
    title: str
    link: str  # the HTML page the feed mirrors
    description: str
    commentaries: QuerySet
    feed_url: str


def publications_source(request):
    from publications.filters import PublicationFilters

    index = PublicationIndexPage.objects.visible_to_readers().first()
    if index is None:
        raise Http404("No publications listing.")
    commentaries = CommentaryPage.objects.visible_to_readers().child_of(index)
    filters = PublicationFilters(request.GET, commentaries)
    labels = [choice.label for facet in filters.active for choice in facet.selected]
    query = filters.querystring()
    suffix = f"?{query}" if query else ""
    return FeedSource(
        title=f"{identity_for_request(request).name}: {index.title}"
        + (f" ({', '.join(labels)})" if labels else ""),
        link=index.get_url(request) + suffix,
        description="Latest commentaries" + (f": {', '.join(labels)}" if labels else ""),
        commentaries=filters.results,
        feed_url=request.path + suffix,
    )


def expert_source(request, slug):
    expert = ExpertPage.objects.visible_to_readers().filter(slug=slug).first()
    if expert is None:
        raise Http404("No such expert.")
    signed = expert.bylines.values("commentary_id")
    return FeedSource(
        title=f"{identity_for_request(request).name}: {expert.title}",
        link=expert.get_url(request),
        description=f"Latest commentaries by {expert.title}",
        commentaries=CommentaryPage.objects.visible_to_readers().filter(pk__in=signed),
        feed_url=request.path,
    )


def hub_source(request, vocabulary, slug):
    vocab = VOCABULARIES[vocabulary]
    tag = vocab.model.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404("No such tag.")
    return FeedSource(
        title=f"{identity_for_request(request).name}: {tag.name}",
        link=reverse(vocab.hub_url_name, args=[tag.slug]),
        description=f"Latest commentaries on {tag.name}",
        commentaries=vocab.commentaries(tag),
        feed_url=request.path,
    )


SOURCES = {"publications": publications_source, "expert": expert_source, "hub": hub_source}


class CommentaryFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, source, **kwargs):
        return SOURCES[source](request, **kwargs)

    def title(self, source):
        return source.title

    def link(self, source):
        return source.link

    # Like item descriptions, RSS channel descriptions are read as HTML; they hold
    # editor-chosen names, so they go in escaped. Atom's subtitle is typed text: left as is.
    def description(self, source):
        return escape(source.description)

    def subtitle(self, source):
        return source.description

    def feed_url(self, source):
        return source.feed_url

    def items(self, source):
        latest = source.commentaries.order_by("-date", "-pk")[:ITEMS]
        return with_listing_relations(latest)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Readers render RSS descriptions and Atom html summaries as HTML; the lead is plain
        # text, so it goes in escaped.
        return escape(item.lead)

    def item_link(self, item):
        return item.get_url()

    def item_pubdate(self, item):
        return datetime.datetime.combine(item.date, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, item):
        return item.last_published_at or self.item_pubdate(item)

    def item_author_name(self, item):
        return ", ".join(byline.expert.title for byline in item.bylines.all())

    def item_categories(self, item):
        return [tag.name for tag in (*item.regions.all(), *item.competences.all())]


class CommentaryAtomFeed(CommentaryFeed):
    feed_type = Atom1Feed


rss = CommentaryFeed()
atom = CommentaryAtomFeed()
