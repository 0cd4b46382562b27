"""The publications listing: filters, facet counts, active filters, pagination, bad input and
fixed query counts."""

import re
from urllib.parse import parse_qsl, urlencode

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from .factories.experts import ExpertPageFactory
from .factories.publications import CommentaryPageFactory
from .factories.taxonomy import CompetenceFactory, RegionFactory
from .helpers import facet_options, form_query, result_count, soup, titles

ALL_VISIBLE = ["Japan security", "China energy", "Joint Japan energy", "Old Japan security"]


def test_listing_is_newest_first_and_visible_only(corpus, client):
    assert titles(client.get("/publications/")) == ALL_VISIBLE


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("expert=anna-petrova", ["Japan security", "Joint Japan energy", "Old Japan security"]),
        ("expert=boris-adamov", ["China energy", "Joint Japan energy"]),
        ("region=china", ["China energy", "Joint Japan energy"]),
        ("competence=energy", ["China energy", "Joint Japan energy"]),
        ("year=2019", ["Old Japan security"]),
        ("year=2024", ["Japan security", "China energy", "Joint Japan energy"]),
        # OR inside a filter
        ("region=japan&region=china", ALL_VISIBLE),
        ("year=2019&year=2024", ALL_VISIBLE),
        ("expert=boris-adamov&expert=anna-petrova", ALL_VISIBLE),
        ("competence=energy&competence=security", ALL_VISIBLE),
        # AND across filters
        ("region=japan&competence=energy", ["Joint Japan energy"]),
        ("expert=anna-petrova&year=2019", ["Old Japan security"]),
        ("expert=anna-petrova&region=japan&competence=security&year=2024", ["Japan security"]),
        (
            "expert=boris-adamov&expert=anna-petrova&competence=security",
            ["Japan security", "Old Japan security"],
        ),
        (
            "expert=boris-adamov&region=japan&region=china&year=2024",
            ["China energy", "Joint Japan energy"],
        ),
        ("region=korea", []),
        ("expert=boris-adamov&year=2019", []),
    ],
)
def test_filters(corpus, client, query, expected):
    assert titles(client.get(f"/publications/?{query}")) == expected


STATES = [
    "",
    "expert=anna-petrova",
    "region=japan",
    "region=japan&competence=energy",
    "expert=boris-adamov&region=china",
    "year=2024&expert=anna-petrova",
    "region=japan&region=china&year=2019",
]


def with_only(page, key, value):
    """The query string of the form with this one option in its filter, the others kept."""
    pairs = [pair for pair in parse_qsl(form_query(page)) if pair[0] != key]
    return urlencode([*pairs, (key, value)])


@pytest.mark.parametrize("state", STATES)
def test_each_count_is_the_commentaries_with_that_option_within_the_other_filters(
    corpus, client, state
):
    """One meaning for every option of every filter, ticked or not: the results the listing
    shows with that option alone in its filter and the other filters as they are."""
    page = soup(client.get(f"/publications/?{state}"))
    checked = 0
    for key in ("expert", "region", "competence", "year"):
        for value, (label, count, is_checked) in facet_options(page, key).items():
            checked += is_checked
            alone = soup(client.get(f"/publications/?{with_only(page, key, value)}"))
            assert result_count(alone) == count, (state, key, value, label)
            assert len(alone.select(".card")) == count
    assert checked == len([pair for pair in state.split("&") if pair])


@pytest.mark.parametrize("state", STATES)
def test_in_an_unused_filter_the_count_is_the_results_after_ticking_it(corpus, client, state):
    page = soup(client.get(f"/publications/?{state}"))
    chosen = {pair.split("=")[0] for pair in state.split("&") if pair}
    for key in {"expert", "region", "competence", "year"} - chosen:
        for value, (label, count, _) in facet_options(page, key).items():
            after = soup(client.get(f"/publications/?{form_query(page, (key, value))}"))
            assert result_count(after) == count, (state, key, value, label)


def test_an_option_beside_a_chosen_one_counts_its_own_commentaries(corpus, client):
    """Not the results after adding it: Boris Adamov signed two of the listing's commentaries,
    so he shows 2 beside Anna Petrova's 3, not the 4 that ticking him too would list."""
    page = soup(client.get("/publications/?expert=anna-petrova"))
    assert facet_options(page, "expert") == {
        "anna-petrova": ("Anna Petrova", 3, True),
        "boris-adamov": ("Boris Adamov", 2, False),
    }
    both = soup(client.get(f"/publications/?{form_query(page, ('expert', 'boris-adamov'))}"))
    assert result_count(both) == 4  # ticking him adds his commentaries to hers
    years = facet_options(soup(client.get("/publications/?year=2019")), "year")
    assert years == {"2019": ("2019", 1, True), "2024": ("2024", 3, False)}


def test_the_filters_say_what_a_count_means(corpus, client):
    page = soup(client.get("/publications/?region=japan"))
    meaning = page.select_one("form.filters .facet-count-meaning").get_text()
    assert meaning.startswith("Each number is how many commentaries have that option")
    assert "within your other filters" in meaning


def test_a_checked_option_counts_the_current_results_that_carry_it(corpus, client):
    page = soup(client.get("/publications/?region=japan&region=china&competence=energy"))
    regions = facet_options(page, "region")
    assert regions["japan"] == ("Japan", 1, True)
    assert regions["china"] == ("China", 2, True)
    assert result_count(page) == 2


def test_the_filters_fold_behind_a_summary_that_names_the_chosen_ones(corpus, client):
    page = soup(client.get("/publications/?region=japan&year=2024"))
    disclosure = page.select_one("form.filters details.filters-disclosure")
    assert not disclosure.has_attr("open")  # folded by default; wide screens show it (CSS)
    assert disclosure.select_one(":scope > summary").get_text() == "Show filters (2 chosen)"
    assert disclosure.select(".facet input[type=checkbox]")
    assert disclosure.select_one("button.apply-filters")
    unfiltered = soup(client.get("/publications/"))
    assert unfiltered.select_one(".filters-disclosure > summary").get_text() == "Show filters"


def test_only_options_with_results_are_offered(corpus, client):
    page = soup(client.get("/publications/"))
    assert set(facet_options(page, "region")) == {"japan", "china"}  # Korea is only on hidden pages
    assert set(facet_options(page, "year")) == {"2024", "2019"}
    narrowed = soup(client.get("/publications/?year=2019"))
    assert set(facet_options(narrowed, "competence")) == {"security"}
    assert set(facet_options(narrowed, "expert")) == {"anna-petrova"}


def test_facet_counts_on_the_whole_listing(corpus, client):
    page = soup(client.get("/publications/"))
    assert facet_options(page, "expert") == {
        "anna-petrova": ("Anna Petrova", 3, False),
        "boris-adamov": ("Boris Adamov", 2, False),
    }
    assert facet_options(page, "region") == {
        "japan": ("Japan", 3, False),
        "china": ("China", 2, False),
    }
    assert facet_options(page, "year") == {
        "2024": ("2024", 3, False),
        "2019": ("2019", 1, False),
    }


def test_active_filters_each_have_a_remove_link_and_clear_all(corpus, client):
    page = soup(client.get("/publications/?region=japan&competence=energy&year=2024"))
    removes = {a["aria-label"]: a["href"] for a in page.select(".active-filters a.remove-filter")}
    assert removes == {
        "Remove region filter Japan": "/publications/?competence=energy&year=2024",
        "Remove competence filter Energy": "/publications/?region=japan&year=2024",
        "Remove year filter 2024": "/publications/?region=japan&competence=energy",
    }
    assert page.select_one(".active-filters a.clear-filters")["href"] == "/publications/"
    assert titles(client.get(removes["Remove competence filter Energy"])) == [
        "Japan security",
        "Joint Japan energy",
    ]


def test_the_form_is_a_plain_get_form_with_a_submit_button(corpus, client):
    page = soup(client.get("/publications/?region=japan"))
    form = page.select_one("form.filters")
    assert form["method"] == "get" and form["action"] == "/publications/"
    assert form.select_one("button[type=submit]")
    # JSON-LD is data, not code (and carries the CSP nonce); no other inline script.
    assert not page.select('script:not([src]):not([type="application/ld+json"])')
    assert page.select_one('script[src$="js/filters.js"]')


@pytest.fixture
def many(site_tree):
    japan = RegionFactory(name="Japan")
    anna = ExpertPageFactory(parent=site_tree["experts"], title="Anna Petrova")
    for n in range(45):
        CommentaryPageFactory(
            parent=site_tree["publications"],
            title=f"Piece {n:02d}",
            date=f"2020-01-{1 + n % 28:02d}" if n < 28 else f"2021-02-{n - 27:02d}",
            authors=[anna],
            regions=[japan] if n % 3 else [],
        )
    return site_tree


@pytest.fixture
def crowded(site_tree):
    """63 regions: 60 on two commentaries each, three (the "Rare" ones) on one."""
    common = [RegionFactory(name=f"Common {n:02d}") for n in range(60)]
    rare = [RegionFactory(name=f"Rare {n}") for n in range(3)]
    for regions in (common + rare, common):
        CommentaryPageFactory(parent=site_tree["publications"], regions=regions)
    return site_tree


def test_a_facet_lists_sixty_options_and_counts_the_rest(crowded, client):
    page = soup(client.get("/publications/"))
    options = facet_options(page, "region")
    assert len(options) == 60
    assert not any(label.startswith("Rare") for label, _, _ in options.values())
    note = page.select_one("#facet-region .facet-unlisted").get_text()
    assert note == "And 3 more with fewer results."


def test_a_chosen_option_is_listed_however_few_its_results(crowded, client):
    page = soup(client.get("/publications/?region=rare-1"))
    assert facet_options(page, "region")["rare-1"] == ("Rare 1", 1, True)
    assert len(facet_options(page, "region")) == 60


def test_pagination_is_twenty_per_page_and_keeps_the_filters(many, client):
    page = soup(client.get("/publications/?region=japan"))
    assert result_count(page) == 30
    assert len(page.select(".card")) == 20
    following = page.select_one('.pagination a[rel="next"]')["href"]
    assert following == "?region=japan&page=2"
    second = soup(client.get(f"/publications/{following}"))
    assert len(second.select(".card")) == 10
    assert second.select_one('.pagination a[rel="prev"]')["href"] == "?region=japan&page=1"
    assert "Page 2 of 2" in second.select_one(".pagination").get_text()


@pytest.mark.parametrize(
    ("page", "shown"), [("abc", 1), ("0", 1), ("-3", 1), ("999999", 3), ("2", 2), ("1.5", 1)]
)
def test_page_numbers_are_clamped(many, client, page, shown):
    response = soup(client.get(f"/publications/?page={page}"))
    assert f"Page {shown} of 3" in response.select_one(".pagination").get_text()


BAD_INPUT = [
    "region=atlantis",
    "expert=" + "x" * 5000,
    "region=%E6%97%A5%E6%9C%AC",
    "competence=%C3%A9nergie",
    "page=abc",
    "page=0",
    "page=999999",
    "page=" + "9" * 5000,
    "region=japan&region=japan",
    "region=japan&region=JAPAN&region=%20japan%20",
    "unknown=1",
    "region=' OR 1=1 --",
    "expert=../../admin",
    "region=%00",
    "year=%00",
    "year=abcd",
    "year=99999",
    "year=0001",
    "region[]=japan",
    "&".join(f"region=r{n}" for n in range(500)),
    "expert=",
    "%FF%FE=%FF",
]


@pytest.mark.parametrize("query", BAD_INPUT)
def test_bad_input_never_breaks_the_listing(corpus, client, query):
    response = client.get(f"/publications/?{query}")
    assert response.status_code == 200
    assert titles(response)


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("region=atlantis&region=japan", "Region “atlantis”"),
        ("expert=nobody", "Expert “nobody”"),
        ("competence=%C3%A9nergie", "Competence “énergie”"),
        ("expert=" + "x" * 5000, "Expert “xxxxxxxx"),
        ("year=abcd", "Year “abcd”"),
    ],
)
def test_unknown_filter_values_are_named_back_to_the_reader(corpus, client, query, named):
    page = soup(client.get(f"/publications/?{query}"))
    assert named in page.select_one(".notice").get_text()


def test_unknown_values_are_ignored_not_applied(corpus, client):
    assert titles(client.get("/publications/?region=atlantis&region=japan")) == [
        "Japan security",
        "Joint Japan energy",
        "Old Japan security",
    ]
    assert titles(client.get("/publications/?expert=nobody")) == ALL_VISIBLE


def test_a_duplicated_value_is_one_filter(corpus, client):
    page = soup(client.get("/publications/?region=japan&region=JAPAN&region=japan"))
    assert len(page.select(".active-filters a.remove-filter")) == 1
    assert not page.select(".notice")


def queries_for(client, url):
    client.get(url)  # warm Wagtail's per-site caches; the second request is the steady state
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


ALL_FILTERS = "/publications/?expert=anna-petrova&region=japan&competence=security&year=2020"
LISTING_URLS = [
    "/publications/",
    "/publications/?region=japan&expert=anna-petrova",
    ALL_FILTERS,
    "/publications/?page=2",
    "/",
    "/experts/",
    "/experts/?competence=security&region=japan&letter=P",
    "/experts/anna-petrova/",
    "/regions/",
    "/regions/japan/",
    "/competences/",
    "/competences/security/",
]


def test_listing_query_counts_do_not_grow_with_content(site_tree, client):
    japan, security = RegionFactory(name="Japan"), CompetenceFactory(name="Security")
    experts = [
        ExpertPageFactory(
            parent=site_tree["experts"],
            title=f"Anna Petrova {i}",
            slug="anna-petrova" if i == 0 else f"anna-{i}",
            surname="Petrova",
            regions=[japan],
            competences=[security],
        )
        for i in range(3)
    ]
    counts, created = {}, 0
    for total in (1, 20, 200):
        while created < total:
            CommentaryPageFactory(
                parent=site_tree["publications"],
                date="2020-06-01",  # so that ALL_FILTERS finds every one
                authors=experts,
                regions=[japan],
                competences=[security],
            )
            created += 1
        assert result_count(soup(client.get(ALL_FILTERS))) == total
        for url in LISTING_URLS:
            counts.setdefault(url, []).append(queries_for(client, url))
    for url, found in counts.items():
        assert found[0] == found[1] == found[2], (url, found)
    print("queries per listing:", {url: found[0] for url, found in counts.items()})


def test_commentary_page_query_count_does_not_grow_with_related_candidates(site_tree, client):
    japan, security = RegionFactory(name="Japan"), CompetenceFactory(name="Security")
    experts = [ExpertPageFactory(parent=site_tree["experts"]) for _ in range(3)]

    def commentary():
        return CommentaryPageFactory(
            parent=site_tree["publications"],
            authors=experts,
            regions=[japan],
            competences=[security],
        )

    url, counts, created = commentary().url, [], 0
    for others in (1, 20, 200):
        while created < others:
            commentary()
            created += 1
        counts.append(queries_for(client, url))
    assert counts[0] == counts[1] == counts[2], counts


def test_filter_values_never_reach_the_orm_unchecked(corpus, client):
    """A value that is not a slug is never looked up: the query log shows no trace of it."""
    with CaptureQueriesContext(connection) as ctx:
        client.get("/publications/?region=%27%20OR%201%3D1%20--&expert=a%20b")
    assert not any(re.search(r"OR 1=1|a b", q["sql"]) for q in ctx.captured_queries)
