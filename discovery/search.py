"""Site search: commentaries and experts through Wagtail search, live public pages only, with
the listing's expert, region, competence and year filters applied on top."""

import re

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import QueryDict
from django.template.response import TemplateResponse

from wagtail.models import Page

from core.facets import page_number
from editorial.visibility import visible_to_readers
from experts.filters import ExpertDirectoryFilters
from experts.models import ExpertPage
from publications.cards import commentary_cards
from publications.filters import PublicationFilters
from publications.models import CommentaryPage

MAX_QUERY = 200  # characters; longer queries are cut, not refused
PER_PAGE = 20


NOT_A_WORD = re.compile(r"[\W_]+")
# The filters experts have too, applied to them as the directory does: from the facets.
SHARED_KEYS = tuple(
    key for key in PublicationFilters.facet_keys() if key in ExpertDirectoryFilters.facet_keys()
)


def clean_query(raw):
    """Words only, capped. Punctuation means nothing to the search, and quotes or operators
    could upset a full-text backend's own query syntax (SQLite FTS5 in particular)."""
    return NOT_A_WORD.sub(" ", raw[: MAX_QUERY * 4])[:MAX_QUERY].strip()


class SearchFilters(PublicationFilters):
    """The listing filters, carrying the query along in every link they build."""

    def __init__(self, query, queryset, q):
        self.q = q
        super().__init__(query, queryset)

    def querystring(self, without=None, **changes):
        rest = super().querystring(without=without, **changes)
        q = as_query({"q": [self.q]}).urlencode()
        return f"{q}&{rest}" if rest else q


def matching_experts(filters):
    """Experts the selected filters allow: the chosen experts, those on the chosen regions and
    competences; none when a year is chosen (experts have no date)."""
    experts = ExpertPage.objects.visible_to_readers()
    if filters.facets["year"].selected:
        return experts.none()
    if filters.facets["expert"].selected:
        experts = experts.filter(slug__in=filters.facets["expert"].values)
    tags = {key: filters.facets[key].values for key in SHARED_KEYS}
    return ExpertDirectoryFilters(as_query(tags), experts).results


def as_query(values_by_key):
    query = QueryDict(mutable=True)
    for key, values in values_by_key.items():
        query.setlist(key, values)
    return query


def search_pages(query, filters):
    """The matches, best first, and whether there were more than SEARCH_CANDIDATES of them.

    Ranking scores every match: for a word in every other commentary that takes seconds at
    100,000. Only the most recently added matches are ranked (ten pages' worth by default);
    more is the reader's cue to add a word or a filter."""
    candidates = settings.SEARCH_CANDIDATES
    # The rule as `pk IN (...)`: Wagtail's search backends take plain field filters only.
    visible = visible_to_readers(Page.objects.all()).values("pk")
    pages = Page.objects.live().type(CommentaryPage, ExpertPage).filter(pk__in=visible)
    if filters.active:
        pages = pages.filter(
            Q(pk__in=filters.results.values("pk"))
            | Q(pk__in=matching_experts(filters).values("pk"))
        )
    # Newest first by id, unranked: the database walks the primary key or the text index,
    # whichever the word's frequency favours, and stops at one more than it keeps.
    newest = pages.order_by("-id").search(query, order_by_relevance=False)
    newest = newest[: candidates + 1]
    if hasattr(newest, "get_queryset"):  # Wagtail's database backends: ids, not 201 pages
        ids = list(newest.get_queryset().values_list("pk", flat=True))
    else:
        ids = [page.pk for page in newest]
    return Page.objects.filter(pk__in=ids[:candidates]).search(query), len(ids) > candidates


def specific_results(request, pages):
    """The results of one page: commentaries as rendered cards (kept until the next publish),
    experts as pages, in a fixed number of queries."""
    pages = list(pages)
    commentaries = [page.pk for page in pages if page.specific_class is CommentaryPage]
    template = "components/search_result_commentary.html"
    found = {card.pk: card for card in commentary_cards(request, commentaries, 3, template)}
    experts = [page.pk for page in pages if page.specific_class is ExpertPage]
    found.update((page.pk, page) for page in ExpertPage.objects.filter(pk__in=experts))
    return [found[page.pk] for page in pages if page.pk in found]


def search(request):
    query = clean_query(request.GET.get("q", ""))
    filters = SearchFilters(request.GET, CommentaryPage.objects.visible_to_readers(), query)
    context = {"query": query, "filters": filters, "page_obj": None, "results": []}
    if query:
        matches, more = search_pages(query, filters)
        page_obj = Paginator(matches, PER_PAGE).get_page(page_number(request.GET.get("page")))
        context.update(
            page_obj=page_obj,
            results=specific_results(request, page_obj.object_list),
            more=more,
            candidates=settings.SEARCH_CANDIDATES,
        )
    return TemplateResponse(request, "discovery/search.html", context)
