"""The read-only API: Wagtail API v2 for pages, images and documents. Only GET endpoints, no
tokens. Pages are live and public (Wagtail's own rule); images and documents in collections
with a view restriction are left out. The publications listing's filters work here too, and a
value that matches nothing is a 400, not an empty list a client would mistake for an answer."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, models
from django.db.models import Prefetch

from wagtail.api.v2.filters import FieldsFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, parse_fields_parameter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Collection, CollectionViewRestriction

from editorial.visibility import visible_to_readers
from experts.filters import ExpertDirectoryFilters
from experts.models import ExpertPage
from publications.filters import PublicationFilters
from publications.models import Byline, CommentaryPage

# The listing's filters, from its facets; on experts, those of them the directory has too.
FILTER_KEYS = frozenset(PublicationFilters.facet_keys())
EXPERT_FILTER_KEYS = tuple(
    key for key in PublicationFilters.facet_keys() if key in ExpertDirectoryFilters.facet_keys()
)
LISTING_FILTERS = {
    CommentaryPage: (PublicationFilters, FILTER_KEYS),
    ExpertPage: (ExpertDirectoryFilters, frozenset(EXPERT_FILTER_KEYS)),
}


# What one anonymous request may cost (docs/api.md). The body is the heaviest field (a rendered
# StreamField): a listing carries it only when asked by name, and then in shorter pages.
HEAVY_FIELDS = frozenset({"body"})
HEAVY_LIMIT_MAX = 20
# A deeper page makes the database read and drop every row before it: past this, filter.
OFFSET_MAX = 10_000
# Wagtail parses `fields` by recursion and one-character slices: bound its length and depth.
FIELDS_MAX_LENGTH = 500
FIELDS_MAX_DEPTH = 3
# What a listing prefetches when its fields name these relations (else a query or two per
# item). Tags are not here: Wagtail's tag field queries their names itself.
LISTING_RELATIONS = {
    CommentaryPage: {
        "bylines": Prefetch("bylines", queryset=Byline.objects.select_related("expert")),
    },
}
# Field filters whose text Wagtail hands the database unconverted (?date=abc would fail there).
CONVERTED_FIELDS = (
    models.DateField,
    models.TimeField,
    models.DurationField,
    models.IntegerField,
    models.DecimalField,
    models.FloatField,
    models.UUIDField,
)


def positive_integer(query, name, default, maximum, too_high=None):
    """A query parameter that must be a plain decimal number from 0 to maximum."""
    value = query.get(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()):
        raise BadRequestError(f"{name} must be a positive integer")
    # Compared as text first: int() of a very long string is slow, or refused.
    if len(value) > len(str(maximum)) or int(value) > maximum:
        raise BadRequestError(too_high or f"{name} cannot be higher than {maximum}")
    return int(value)


def check_field_filter(field, name, value):
    """Convert a field filter's value as its model field would, in the column's range."""
    if field.is_relation:
        if field.many_to_many or field.related_model is None:
            return  # tags: filtered by name, any text is a valid (unmatched) name
        field = field.target_field  # a foreign key or reverse relation: the related id
    if not isinstance(field, CONVERTED_FIELDS):
        return
    try:
        python_value = field.to_python(value)
    except ValidationError as error:
        raise BadRequestError(
            f"field filter error. {value!r} is not a valid value for {name} "
            f"({' '.join(error.messages)})"
        ) from error
    if isinstance(field, models.IntegerField):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if (low is not None and python_value < low) or (high is not None and python_value > high):
            raise BadRequestError(f"field filter error. {value!r} is out of range for {name}")


class CheckedFieldsFilter(FieldsFilter):
    """Wagtail's field filters (?date=2024-01-01, ?first_published_at=...), each value checked
    against its field first: Wagtail converts only booleans, integers and foreign keys."""

    def filter_queryset(self, request, queryset, view):
        names = set(view.get_available_fields(queryset.model, db_fields_only=True))
        for name in names.intersection(request.GET) - {"locale"}:
            try:
                field = queryset.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            check_field_filter(field, name, request.GET[name])
        return super().filter_queryset(request, queryset, view)


class BoundedPagination(WagtailPagination):
    """Wagtail's limit and offset, with bounds on both; the last page is counted without a
    COUNT query (its offset plus its length is the total)."""

    def paginate_queryset(self, queryset, request, view=None):
        limit_max = view.limit_max()
        heavy = limit_max < settings.WAGTAILAPI_LIMIT_MAX
        offset = positive_integer(request.GET, "offset", 0, OFFSET_MAX)
        limit = positive_integer(
            request.GET,
            "limit",
            min(20, limit_max),
            limit_max,
            too_high=f"limit cannot be higher than {limit_max}"
            + (f" with {', '.join(sorted(HEAVY_FIELDS))}" if heavy else ""),
        )
        self.view = view
        items = list(queryset[offset : offset + limit])
        if limit and (0 < len(items) < limit or (offset == 0 and not items)):
            self.total_count = offset + len(items)
        else:
            self.total_count = queryset.count()
        return items


class BoundedRequestMixin:
    """Checks every endpoint makes before Wagtail reads the query: a malformed value is a 400
    here rather than an error from the database later (PostgreSQL refuses NUL in text, SQLite
    integers past 64 bits)."""

    pagination_class = BoundedPagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise BadRequestError("null characters are not allowed in the query")
        fields = request.GET.get("fields", "")
        if len(fields) > FIELDS_MAX_LENGTH:
            raise BadRequestError(f"fields cannot be longer than {FIELDS_MAX_LENGTH} characters")
        depth = 0
        for char in fields:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth > FIELDS_MAX_DEPTH:
                raise BadRequestError(f"fields cannot nest deeper than {FIELDS_MAX_DEPTH}")

    def find_object(self, queryset, request):
        if "id" in request.GET:
            # Wagtail passes the text to the database lookup as it is.
            pk = queryset.model._meta.pk
            _, high = connection.ops.integer_field_range(pk.get_internal_type())
            positive_integer(request.GET, "id", None, high)
        return super().find_object(queryset, request)

    def requested_fields(self):
        try:
            return parse_fields_parameter(self.request.GET.get("fields", ""))
        except ValueError:
            return []  # Wagtail answers the same syntax error with a 400 when it reads them

    def limit_max(self):
        if any(
            name in HEAVY_FIELDS and not negated for name, negated, _ in self.requested_fields()
        ):
            return min(HEAVY_LIMIT_MAX, settings.WAGTAILAPI_LIMIT_MAX)
        return settings.WAGTAILAPI_LIMIT_MAX

    @classmethod
    def _get_serializer_class(cls, router, model, fields_config, show_details=False, nested=False):
        if not show_details and not nested and fields_config and fields_config[0][0] == "*":
            # On a listing "*" is every field but the heavy ones, which are asked for by name.
            body_fields = cls.get_body_fields_names(model)
            heavy = [(name, True, None) for name in sorted(HEAVY_FIELDS) if name in body_fields]
            fields_config = [fields_config[0], *heavy, *fields_config[1:]]
        return super()._get_serializer_class(
            router, model, fields_config, show_details=show_details, nested=nested
        )


def checked_filters(backends):
    return [CheckedFieldsFilter if backend is FieldsFilter else backend for backend in backends]


class FilteredPagesAPIViewSet(BoundedRequestMixin, PagesAPIViewSet):
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(FILTER_KEYS)
    filter_backends = checked_filters(PagesAPIViewSet.filter_backends)

    def get_base_queryset(self):
        # The readers' rule (an alias of a private or unpublished page is hidden too).
        return visible_to_readers(super().get_base_queryset())

    def get_queryset(self):
        queryset = self.filtered_queryset()
        if self.action != "listing_view":
            return queryset
        relations = LISTING_RELATIONS.get(queryset.model, {})
        named = {name for name, negated, _ in self.requested_fields() if not negated}
        wanted = set(relations) if "*" in named else named.intersection(relations)
        return queryset.prefetch_related(*(relations[name] for name in sorted(wanted)))

    def filtered_queryset(self):
        queryset = super().get_queryset()
        used = FILTER_KEYS.intersection(self.request.GET)
        if not used:
            return queryset
        filters_class, allowed = LISTING_FILTERS.get(queryset.model, (None, frozenset()))
        if filters_class is None:
            raise BadRequestError(
                f"{', '.join(sorted(used))}: filter(s) need type=publications.CommentaryPage "
                f"(or, for {' and '.join(EXPERT_FILTER_KEYS)}, type=experts.ExpertPage)"
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


class PublicImagesAPIViewSet(BoundedRequestMixin, ImagesAPIViewSet):
    filter_backends = checked_filters(ImagesAPIViewSet.filter_backends)

    def get_queryset(self):
        return super().get_queryset().exclude(collection__in=restricted_collections())


class PublicDocumentsAPIViewSet(BoundedRequestMixin, DocumentsAPIViewSet):
    filter_backends = checked_filters(DocumentsAPIViewSet.filter_backends)

    def get_queryset(self):
        return super().get_queryset().exclude(collection__in=restricted_collections())


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", FilteredPagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
