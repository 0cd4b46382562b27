"""The read-only API: Wagtail API v2 for pages, images and documents. Only GET endpoints, no
tokens. Pages are live and public (Wagtail's own rule); images and documents in collections
with a view restriction are left out. The publications listing's filters work here too, and a
value that matches nothing is a 400, not an empty list a client would mistake for an answer."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Collection, CollectionViewRestriction

from experts.filters import ExpertDirectoryFilters
from experts.models import ExpertPage

from .filters import PublicationFilters
from .models import CommentaryPage

LISTING_FILTERS = {
    CommentaryPage: (PublicationFilters, {"expert", "region", "competence", "year"}),
    ExpertPage: (ExpertDirectoryFilters, {"region", "competence"}),
}
FILTER_KEYS = {"expert", "region", "competence", "year"}


class FilteredPagesAPIViewSet(PagesAPIViewSet):
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(FILTER_KEYS)

    def get_queryset(self):
        queryset = super().get_queryset()
        used = FILTER_KEYS.intersection(self.request.GET)
        if not used:
            return queryset
        filters_class, allowed = LISTING_FILTERS.get(queryset.model, (None, set()))
        if filters_class is None:
            raise BadRequestError(
                f"{', '.join(sorted(used))}: filter(s) need type=publications.CommentaryPage "
                "(or, for region and competence, type=experts.ExpertPage)"
            )
        if used - allowed:
            raise BadRequestError(
                f"not a filter for this type: {', '.join(sorted(used - allowed))}"
            )
        filters = filters_class(self.request.GET, queryset.model.objects.live().public())
        if filters.unknown:
            unknown = ", ".join(f"{facet.key}={value}" for facet, value in filters.unknown)
            raise BadRequestError(f"no such value: {unknown}")
        return queryset.filter(pk__in=filters.results.values("pk"))


def restricted_collections():
    """Collections under a view restriction, with everything below them."""
    restricted = Collection.objects.none()
    for restriction in CollectionViewRestriction.objects.select_related("collection"):
        restricted |= restriction.collection.get_descendants(inclusive=True)
    return restricted.values("pk")


class PublicImagesAPIViewSet(ImagesAPIViewSet):
    def get_queryset(self):
        return super().get_queryset().exclude(collection__in=restricted_collections())


class PublicDocumentsAPIViewSet(DocumentsAPIViewSet):
    def get_queryset(self):
        return super().get_queryset().exclude(collection__in=restricted_collections())


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", FilteredPagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
