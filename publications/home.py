"""What the home page (core.models.HomePage) shows of the content: the featured and latest
commentaries, the most active hubs, the experts who published last. Registered as home-page
sections (core.home) by PublicationsConfig.ready(): each is chosen from the commentaries
visible to readers, and bylines, which name the experts, are this app's."""

from django.db.models import Max, Q

from core.home import register_section
from editorial.visibility import visible_to_readers
from experts.models import ExpertPage

from .cards import commentary_cards
from .hubs import VOCABULARIES
from .models import Byline, CommentaryPage, in_order_of
from .totals import busiest


def visible_commentaries():
    return visible_to_readers(CommentaryPage.objects.all())


class Commentaries:
    """The featured commentary (the editors' choice, else the newest) and the latest ones."""

    latest_count = 6

    def select(self, page):
        """([featured id], [latest ids])."""
        visible = visible_commentaries()
        newest = visible.order_by("-date", "-pk").values_list("pk", flat=True)
        featured = []
        if page.featured_commentary_id:
            # A featured page that was since unpublished or made private is passed over.
            featured = list(
                visible.filter(pk=page.featured_commentary_id).values_list("pk", flat=True)
            )
        if featured:
            latest = list(newest.exclude(pk=featured[0])[: self.latest_count])
        else:
            latest = list(newest[: self.latest_count + 1])
            featured, latest = latest[:1], latest[1:]
        return featured, latest

    def context(self, request, page, selected):
        featured_id, latest_ids = selected
        # One batch for both: the cards are read (or rendered) together.
        cards = commentary_cards(request, [*featured_id, *latest_ids], level=3)
        featured = cards.pop(0) if featured_id and cards and cards[0].pk in featured_id else None
        return {"featured": featured, "latest": cards}


class Hubs:
    """Per vocabulary, the tags with the most visible commentaries."""

    hub_count = 6

    def select(self, page):
        """[(vocabulary key, [tags with their counts])]: the counts the listing's filters show
        (publications.totals)."""
        return [(key, busiest(key, self.hub_count)) for key in VOCABULARIES]

    def context(self, request, page, selected):
        return {"hubs": [(VOCABULARIES[key], tags) for key, tags in selected]}


class ActiveExperts:
    """The visible experts who published most recently."""

    expert_count = 6

    def select(self, page, scan=300):
        """[expert ids]: read from the newest bylines back (an index walk), or when the newest
        few hundred name too few, ranked over all."""
        visible = visible_commentaries()
        experts = visible_to_readers(ExpertPage.objects.all()).values("pk")
        bylines = Byline.objects.filter(commentary__in=visible.values("pk"), expert__in=experts)
        newest = bylines.order_by("-commentary__date", "-commentary_id", "sort_order", "pk")
        found = list(dict.fromkeys(newest.values_list("expert_id", flat=True)[:scan]))
        if len(found) >= self.expert_count:
            return found[: self.expert_count]
        latest = Max("bylines__commentary__date", filter=Q(bylines__commentary__in=visible))
        ranked = (
            visible_to_readers(ExpertPage.objects.all())
            .values("pk")
            .annotate(latest_date=latest)
            .filter(latest_date__isnull=False)
            .order_by("-latest_date", "pk")
        )
        return [row["pk"] for row in ranked[: self.expert_count]]

    def context(self, request, page, selected):
        return {"experts": in_order_of(ExpertPage.objects.all(), selected)}


def register():
    register_section("commentaries", Commentaries())
    register_section("hubs", Hubs())
    register_section("experts", ActiveExperts())
