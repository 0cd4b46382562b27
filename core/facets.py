"""Faceted filtering from a query string: the facet engine the publications listing, the
expert directory, search and the API share.

A facet is an object of one kind (`TagFacet`, `YearFacet`, `LetterFacet`, and in publications
`ExpertFacet`), with a key and a label. It owns a form field that parses what the reader sent
under its key (`FacetField.clean`: trimmed, case-folded, de-duplicated, capped and shape-checked,
never an exception), and says how to recognise values (`resolve`), how to narrow a queryset
(`restrict`) and how to count options in SQL (`count`). A `FacetedFilters` subclass lists its
facets in `declared_facets`; this base class drives them: it keeps only values that exist,
reports the others back, and turns the aggregate rows into options with counts. Its
`facet_keys()` are the one list of query-string keys the API and search take from.

Within a facet several values mean OR; across facets, AND. The count beside an option is the
number of results the reader gets by ticking it: for an option of a facet with nothing selected,
the results that carry it; for an extra option of a facet that already has a selection, the
current results plus those the option adds (`total + n - c`, see `count_options`).
"""

import datetime
import re
from dataclasses import dataclass, field
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear, Substr, Upper
from django.http import QueryDict

from pagecache.memo import memoize

SLUG_RE = re.compile(r"[-\w]{1,100}")  # use with fullmatch
YEAR_RE = re.compile(r"\d{4}")  # use with fullmatch
MAX_LENGTH = 100  # characters kept of a value, enough to name it in the notice
MAX_VALUES = 20  # per facet; more is not a reader's request
MAX_RAW_VALUES = 100  # values looked at per key at all
COLLAPSE_AFTER = 12  # options beyond this many go under "more"
MAX_OPTIONS = 60  # listed per facet; the rest (2,000 experts at scale) are only counted


def page_number(value):
    """A page number from the query string; anything that is not a positive integer is 1."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


# The fields: what a facet accepts from the query string.


def validate_slug(value):
    if not SLUG_RE.fullmatch(value):
        raise ValidationError("Not a slug.")


def validate_year(value):
    if not (YEAR_RE.fullmatch(value) and 1000 < int(value) < 3000):
        raise ValidationError("Not a year.")


def validate_letter(value):
    if not (len(value) == 1 and value.isalpha()):
        raise ValidationError("Not a letter.")


@dataclass
class Parsed:
    """What a facet's field made of the reader's values, both lists in the reader's order."""

    values: list  # cleaned: every one is either selected or reported back as unknown
    valid: list  # those of the right shape, the only ones that may reach a query


class FacetField(forms.Field):
    """The values of one facet: `clean(request.GET.getlist(key))`. Trimmed, cut to MAX_LENGTH,
    case-folded, de-duplicated and capped; then each is checked against the field's validators
    on its own, so one bad value is reported back rather than failing its good neighbours (a
    form field's usual all-or-nothing would drop them all)."""

    widget = forms.MultipleHiddenInput
    default_validators = [validate_slug]
    upper = False  # letters are upper case; slugs lower case

    def __init__(self, *, max_values=MAX_VALUES, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.max_values = max_values

    def to_python(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        cleaned = []
        for raw in list(value)[:MAX_RAW_VALUES]:
            raw = str(raw).strip()[:MAX_LENGTH]
            raw = raw.upper() if self.upper else raw.lower()
            if raw and raw not in cleaned:
                cleaned.append(raw)
        return cleaned[: self.max_values]

    def is_valid_value(self, value):
        try:
            self.run_validators(value)
        except ValidationError:
            return False
        return True

    def clean(self, value):
        values = self.to_python(value)
        return Parsed(values, [v for v in values if self.is_valid_value(v)])


class YearField(FacetField):
    default_validators = [validate_year]


class LetterField(FacetField):
    default_validators = [validate_letter]
    upper = True

    def __init__(self, **kwargs):
        kwargs.setdefault("max_values", 1)
        super().__init__(**kwargs)


# The facets: one class per kind.


def with_counts(rows, counted, current, distinct=True):
    """Annotate grouped `rows` with n, the distinct `counted` ids per group, and when `current`
    (a queryset of results) is given, c, those of them that are among the current results.
    `distinct=False` where a constraint already makes them distinct: COUNT(DISTINCT) sorts every
    row first (half the time of a tag facet over 100,000 commentaries)."""
    aggregates = {"n": Count(counted, distinct=distinct)}
    if current is not None:
        in_current = Q(**{f"{counted}__in": current.order_by().values("pk")})
        aggregates["c"] = Count(counted, distinct=distinct, filter=in_current)
    return rows.annotate(**aggregates)


class Facet:
    """One facet: its key in the query string, its label, its field, and the three queries.
    Instances are declared once on a FacetedFilters class and shared by every request: they
    hold no reader's state (that is in `BoundFacet`)."""

    field_class = FacetField
    multiple = True  # False: one value, a new one replaces the old

    def __init__(self, key, label):
        self.key = key
        self.label = label
        self.field = self.field_class(label=label, max_values=MAX_VALUES if self.multiple else 1)

    def __repr__(self):
        return f"<{type(self).__name__} {self.key}>"

    def parse(self, query):
        return self.field.clean(query.getlist(self.key))

    def resolve(self, values):
        """{value: label} for the well-formed values that name something that exists (one
        query at most)."""
        raise NotImplementedError

    def restrict(self, queryset, values):
        """The queryset narrowed to rows matching any of these values."""
        raise NotImplementedError

    def count(self, queryset, current):
        """Rows of {"value", "label", "n"[, "c"]} from one aggregate query: n counts rows of
        `queryset` per option; when `current` is given, c counts those also in `current`."""
        raise NotImplementedError

    def sort_key(self, option):
        """Selected options first (so they are never folded away), then by count and name."""
        return (not option.selected, -option.count, option.label.lower())


class TagFacet(Facet):
    """A controlled vocabulary (taxonomy's Region, Competence) through a taggit through model
    with `tag` and `content_object`. `distinct=False` where the through model has a unique
    constraint on the pair, so a row is counted once per tag without COUNT(DISTINCT)."""

    def __init__(self, key, label, tag_model, through_model, distinct=True):
        super().__init__(key, label)
        self.tag_model = tag_model
        self.through_model = through_model
        self.distinct = distinct

    def resolve(self, values):
        tags = self.tag_model.objects.filter(slug__in=values)
        return dict(tags.values_list("slug", "name"))

    def restrict(self, queryset, values):
        matching = self.through_model.objects.filter(tag__slug__in=values)
        return queryset.filter(pk__in=matching.values("content_object_id"))

    def count(self, queryset, current):
        pks = queryset.order_by().values("pk")
        rows = (
            self.through_model.objects.filter(content_object__in=pks)
            .values(value=F("tag__slug"), label=F("tag__name"))
            .order_by()
        )
        return with_counts(rows, "content_object_id", current, distinct=self.distinct)


class YearFacet(Facet):
    """The year of a date field, newest first. A row has one year: no COUNT(DISTINCT)."""

    field_class = YearField

    def __init__(self, key="year", label="Year", date_field="date"):
        super().__init__(key, label)
        self.date_field = date_field

    def resolve(self, values):
        return {value: value for value in values}

    def restrict(self, queryset, values):
        years = Q()
        for year in map(int, values):
            years |= Q(
                **{
                    f"{self.date_field}__gte": datetime.date(year, 1, 1),
                    f"{self.date_field}__lt": datetime.date(year + 1, 1, 1),
                }
            )
        return queryset.filter(years)

    def count(self, queryset, current):
        rows = queryset.order_by().annotate(value=ExtractYear(self.date_field)).values("value")
        return with_counts(rows, "pk", current, distinct=False)

    def sort_key(self, option):
        return (not option.selected, -int(option.value))


class LetterFacet(Facet):
    """The first letter of a text field (a surname), one at a time, in alphabetical order."""

    field_class = LetterField
    multiple = False

    def __init__(self, key="letter", label="Surname", text_field="surname"):
        super().__init__(key, label)
        self.text_field = text_field

    def initial(self):
        """The first letter, as SQL, for filtering and counting alike."""
        return Upper(Substr(self.text_field, 1, 1))

    def resolve(self, values):
        return {value: value for value in values}

    def restrict(self, queryset, values):
        return queryset.alias(initial=self.initial()).filter(initial__in=values)

    def count(self, queryset, current):
        rows = queryset.order_by().annotate(value=self.initial()).values("value")
        return with_counts(rows, "pk", current)

    def sort_key(self, option):
        return (option.value,)


# One request's state of the filters.


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class Option:
    value: str
    label: str
    count: int  # results after clicking it: adding it, or for a selected one, what it holds
    selected: bool
    query: str = ""  # the query string after clicking it (ticking or unticking)


@dataclass
class BoundFacet:
    """A facet with what this reader chose (like a form's bound field)."""

    facet: Facet
    selected: list = field(default_factory=list)  # Choice
    unknown: list = field(default_factory=list)  # cleaned values that matched nothing
    options: list = field(default_factory=list)  # Option, filled by FacetedFilters.count_options
    unlisted: int = 0  # options with fewer results than the last listed one, left out

    @property
    def key(self):
        return self.facet.key

    @property
    def label(self):
        return self.facet.label

    @property
    def multiple(self):
        return self.facet.multiple

    @property
    def values(self):
        return [choice.value for choice in self.selected]

    @property
    def first_options(self):
        return self.options[:COLLAPSE_AFTER]

    @property
    def more_options(self):
        return self.options[COLLAPSE_AFTER:]


@dataclass
class ActiveFilter:
    facet: BoundFacet
    choice: Choice
    remove_query: str


class FacetedFilters:
    declared_facets = ()  # Facet instances, in display order
    # False: the count beside an extra option of a facet in use is the rows' n, within the
    # other facets, rather than the results after ticking it (publications/filters.py).
    counts_after_ticking = True

    @classmethod
    def facet_keys(cls):
        """The query-string keys these filters read: the one list the API and search use."""
        return tuple(facet.key for facet in cls.declared_facets)

    def __init__(self, query: QueryDict, queryset, scope=None):
        """`scope` names what `queryset` holds (e.g. "listing:12"): with one, the counts and the
        total are kept until the next publish (pagecache.memo); without, computed each time."""
        self.query = query
        self.base = queryset
        self.scope = scope
        self.facets = {}  # key: BoundFacet
        for facet in self.declared_facets:
            parsed = facet.parse(query)
            known = facet.resolve(parsed.valid) if parsed.valid else {}
            self.facets[facet.key] = BoundFacet(
                facet,
                selected=[Choice(v, known[v]) for v in parsed.values if v in known],
                unknown=[v for v in parsed.values if v not in known],
            )
        self.results = self.filtered()

    def filtered(self, without=None):
        queryset = self.base
        for key, bound in self.facets.items():
            if key != without and bound.selected:
                queryset = bound.facet.restrict(queryset, bound.values)
        return queryset

    def memo(self, name, compute):
        if self.scope is None:
            return compute()
        return memoize(name, (self.scope, self.querystring()), compute)

    def count_rows(self, key, ored):
        others = self.filtered(without=key)
        return list(self.facets[key].facet.count(others, self.results if ored else None))

    def count_options(self, total):
        """Fill each facet's options; `total` is the number of current results."""
        for key, bound in self.facets.items():
            ored = bool(self.counts_after_ticking and bound.multiple and bound.selected)
            rows = self.memo(f"facet-{key}", partial(self.count_rows, key, ored))
            selected = set(bound.values)
            options = {}
            for row in rows:
                if row["value"] in (None, ""):
                    continue
                value = str(row["value"])
                is_selected = value in selected
                count = row["n"]
                if ored and not is_selected:
                    # Ticking it keeps today's results and adds those that carry only it.
                    count = total + row["n"] - row["c"]
                label = str(row.get("label", value))
                options[value] = Option(value, label, count, is_selected)
            for choice in bound.selected:  # always offer a way back, even with no results
                options.setdefault(choice.value, Option(choice.value, choice.label, 0, True))
            ranked = sorted(options.values(), key=bound.facet.sort_key)
            bound.options, bound.unlisted = ranked[:MAX_OPTIONS], len(ranked[MAX_OPTIONS:])
            for option in bound.options:
                option.query = self.querystring(**{key: self._after_click(bound, option)})

    @staticmethod
    def _after_click(bound, option):
        if option.selected:
            return [v for v in bound.values if v != option.value]
        return [*bound.values, option.value] if bound.multiple else [option.value]

    def result_count(self, queryset):
        """How many results `queryset` (the filtered results, ordered) holds."""
        return self.memo("total", queryset.count)

    def paginate(self, queryset, per_page):
        paginator = Paginator(queryset, per_page)
        paginator.count = self.result_count(queryset)  # a cached_property
        return paginator.get_page(page_number(self.query.get("page")))

    @property
    def facet_list(self):
        return list(self.facets.values())

    @property
    def active(self):
        return [bound for bound in self.facets.values() if bound.selected]

    @property
    def unknown(self):
        return [(bound, value) for bound in self.facets.values() for value in bound.unknown]

    @property
    def active_filters(self):
        """Each selected value with the query string that removes just it."""
        return [
            ActiveFilter(bound, choice, self.querystring(without=(bound.key, choice.value)))
            for bound in self.active
            for choice in bound.selected
        ]

    def querystring(self, without=None, **changes):
        """The current filters as a query string, without the page number."""
        query = QueryDict(mutable=True)
        for key, bound in self.facets.items():
            values = [v for v in bound.values if (key, v) != without]
            if values:
                query.setlist(key, values)
        for key, value in changes.items():
            if value:
                query.setlist(key, value)
            else:
                query.pop(key, None)
        return query.urlencode()
