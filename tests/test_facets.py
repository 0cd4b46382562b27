"""The facet engine (core/facets.py): each kind's field parses what a reader sends, bad values
are reported back rather than queried, and the listing, the directory, search and the API take
their keys from one list, the filter classes' facets."""

from django.http import QueryDict

import pytest

from core.facets import MAX_LENGTH, MAX_RAW_VALUES, MAX_VALUES
from discovery import api, search
from experts.filters import ExpertDirectoryFilters
from publications.filters import ExpertFacet, PublicationFilters
from publications.models import CommentaryPage

from .helpers import soup


def facet(filters_class, key):
    return next(facet for facet in filters_class.declared_facets if facet.key == key)


def parse(filters_class, key, *raw):
    return facet(filters_class, key).field.clean(list(raw))


SLUG_FACETS = [
    (PublicationFilters, "expert"),
    (PublicationFilters, "region"),
    (PublicationFilters, "competence"),
    (ExpertDirectoryFilters, "competence"),
    (ExpertDirectoryFilters, "region"),
]


@pytest.mark.parametrize(("filters_class", "key"), SLUG_FACETS)
def test_slug_fields_keep_good_values_in_order_trimmed_and_lower_case(filters_class, key):
    parsed = parse(filters_class, key, " Japan ", "north-korea", "xi_jinping")
    assert parsed.values == parsed.valid == ["japan", "north-korea", "xi_jinping"]


@pytest.mark.parametrize(("filters_class", "key"), SLUG_FACETS)
def test_slug_fields_report_wrong_shapes_without_passing_them_on(filters_class, key):
    parsed = parse(filters_class, key, "japan", "<script>", "a b", "jap\x00an", "x;--")
    assert parsed.values == ["japan", "<script>", "a b", "jap\x00an", "x;--"]
    assert parsed.valid == ["japan"]


@pytest.mark.parametrize(("filters_class", "key"), SLUG_FACETS)
def test_slug_fields_fold_duplicates_and_drop_blanks(filters_class, key):
    parsed = parse(filters_class, key, "Japan", "JAPAN", " japan", "", "   ", "china")
    assert parsed.values == ["japan", "china"]


def test_over_long_values_are_cut_for_the_notice():
    parsed = parse(PublicationFilters, "region", "x" * 500, "<" * 500)
    assert parsed.values == ["x" * MAX_LENGTH, "<" * MAX_LENGTH]
    assert parsed.valid == ["x" * MAX_LENGTH]  # a slug's shape, to be looked up and not found


def test_too_many_values_are_capped():
    parsed = parse(PublicationFilters, "competence", *(f"c{n}" for n in range(MAX_VALUES + 5)))
    assert parsed.values == [f"c{n}" for n in range(MAX_VALUES)]


def test_values_past_the_raw_cap_are_not_looked_at():
    parsed = parse(PublicationFilters, "region", *["japan"] * MAX_RAW_VALUES, "china")
    assert parsed.values == ["japan"]


def test_a_field_never_raises_on_what_a_reader_sends():
    field = facet(PublicationFilters, "expert").field
    assert field.clean(None).values == []
    assert field.clean("Anna").values == ["anna"]


def test_year_field_takes_four_digit_years_in_range():
    parsed = parse(PublicationFilters, "year", "2024", "2024", " 1999 ", "999", "0999", "3000")
    assert parsed.values == ["2024", "1999", "999", "0999", "3000"]
    assert parsed.valid == ["2024", "1999"]


@pytest.mark.parametrize("bad", ["abc", "20245", "20 4", "2024\x00", "-202"])
def test_year_field_reports_other_shapes(bad):
    assert parse(PublicationFilters, "year", bad).valid == []


def test_letter_field_takes_one_letter_upper_case():
    parsed = parse(ExpertDirectoryFilters, "letter", "b", "c")
    assert parsed.values == parsed.valid == ["B"]


@pytest.mark.parametrize("bad", ["ab", "1", "-", "\x00"])
def test_letter_field_reports_anything_but_one_letter(bad):
    parsed = parse(ExpertDirectoryFilters, "letter", bad)
    assert parsed.values == [bad.upper()]
    assert parsed.valid == []


def test_letter_field_takes_letters_beyond_ascii():
    assert parse(ExpertDirectoryFilters, "letter", "é").valid == ["É"]


def test_only_the_letter_facet_takes_one_value():
    single = [
        facet.key
        for filters_class in (PublicationFilters, ExpertDirectoryFilters)
        for facet in filters_class.declared_facets
        if not facet.multiple
    ]
    assert single == ["letter"]


def test_unknown_values_are_reported_in_the_readers_order(corpus):
    query = QueryDict("region=nowhere&region=Japan&region=%3Cx%3E&year=3000&year=2024")
    filters = PublicationFilters(query, CommentaryPage.objects.visible_to_readers())
    assert [(bound.key, value) for bound, value in filters.unknown] == [
        ("region", "nowhere"),
        ("region", "<x>"),
        ("year", "3000"),
    ]
    assert filters.facets["region"].values == ["japan"]
    assert filters.facets["year"].values == ["2024"]


def test_values_of_the_wrong_shape_never_reach_the_database(corpus, django_assert_num_queries):
    query = QueryDict("expert=%3Cx%3E&region=a%20b&competence=%00&year=abc")
    with django_assert_num_queries(0):
        filters = PublicationFilters(query, CommentaryPage.objects.visible_to_readers())
    assert len(filters.unknown) == 4


def test_resolving_a_facet_takes_one_query(corpus, django_assert_num_queries):
    with django_assert_num_queries(1):
        known = ExpertFacet().resolve(["anna-petrova", "nobody"])
    assert known == {"anna-petrova": "Anna Petrova"}


def test_filter_classes_list_their_keys_in_display_order():
    assert PublicationFilters.facet_keys() == ("expert", "region", "competence", "year")
    assert ExpertDirectoryFilters.facet_keys() == ("competence", "region", "letter")


def test_listing_reads_and_shows_the_facets_listed(corpus, client):
    filters = PublicationFilters(QueryDict(), CommentaryPage.objects.visible_to_readers())
    assert tuple(filters.facets) == PublicationFilters.facet_keys()
    page = soup(client.get(corpus["index"].url))
    shown = [fieldset["id"] for fieldset in page.select("form.filters fieldset.facet")]
    assert shown == [f"facet-{key}" for key in PublicationFilters.facet_keys()]


def test_api_filter_keys_are_the_listings_facets():
    keys = set(PublicationFilters.facet_keys())
    shared = keys & set(ExpertDirectoryFilters.facet_keys())
    assert keys == api.FILTER_KEYS
    assert keys <= api.FilteredPagesAPIViewSet.known_query_parameters
    allowed = {model: allowed for model, (_, allowed) in api.LISTING_FILTERS.items()}
    assert allowed == {CommentaryPage: keys, api.ExpertPage: shared}


def test_search_filters_are_the_listings_facets():
    assert search.SearchFilters.facet_keys() == PublicationFilters.facet_keys()
    assert set(search.SHARED_KEYS) == set(PublicationFilters.facet_keys()) & set(
        ExpertDirectoryFilters.facet_keys()
    )
