"""Hypothesis-generated query strings and paths against every public URL: never a 5xx.

FUZZ_REQUESTS (default 1,000; CI runs 3,000 on PostgreSQL, within its 45-minute budget;
10,000 passed too) sets how many requests a run makes.
"""

import os
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from publications.models import CommentaryPage

from .surfaces import QUERY_KEYS, SEED_PUBLIC_URLS

TOTAL = int(os.environ.get("FUZZ_REQUESTS", "1000"))
BASES = SEED_PUBLIC_URLS
KEYS = QUERY_KEYS

text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60
) | st.sampled_from(
    [
        "0",
        "-1",
        "999999999999",
        "abc",
        "' OR 1=1 --",
        "%",
        "../..",
        "\x00",
        "a" * 5000,
        "日本",
        "🙂",
        "[]",
        "{}",
        "null",
        "2019",
        "japan",
    ]
)
query = st.lists(st.tuples(st.sampled_from(KEYS) | st.text(max_size=12), text), max_size=6)
segment = st.text(
    alphabet=st.characters(codec="ascii", exclude_characters="/?#"), min_size=1, max_size=30
)
counter = {"requests": 0}


@seed(20261128)
@settings(
    max_examples=max(1, TOTAL // (len(BASES) + 1)),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=query, extra=segment)
def test_no_public_url_answers_5xx(seeded, client, params, extra):
    encoded = urlencode(params)
    for base in BASES:
        response = client.get(f"{base}?{encoded}")
        assert response.status_code < 500, (base, encoded)
    odd_path = f"/{quote(extra)}/" if extra.strip(".") else "/x/"
    response = client.get(f"/publications{odd_path}?{encoded}")
    assert response.status_code < 500, (odd_path, encoded)
    counter["requests"] += len(BASES) + 1


def test_the_fuzzer_made_its_requests():
    # Runs after the fuzz test in file order; proves the figure quoted in the docs.
    assert counter["requests"] >= TOTAL - len(BASES) - 1, counter


# The API's own parameters (Wagtail's, its field filters, ours) with values aimed at its parsers:
# integers past every column, NUL, floats, the fields syntax.
API_KEYS = [
    "type", "fields", "limit", "offset", "order", "id", "html_path", "locale", "site",
    "child_of", "descendant_of", "ancestor_of", "translation_of", "date", "first_published_at",
    "search", "search_operator", "rich_text_format", "format", "slug", "title", "show_in_menus",
    "alias_of", "bylines", "regions", "competences", "photo", "width", "height", "tags",
    "expert", "region", "competence", "year",
]  # fmt: skip
api_value = (
    st.sampled_from(
        [
            "*",
            "_",
            "-",
            ",",
            "-title",
            "*,-body",
            "_,title",
            "body(x)",
            "bylines(*)",
            "bylines(expert(x))",
            "title(",
            "(((",
            ")",
            "*,*",
            "a" * 600,
            "title(" * 50,
            "publications.CommentaryPage",
            "experts.ExpertPage",
            "wagtailcore.Page",
            "a.b.c",
            "random",
            "-first_published_at,id",
            "root",
            "en",
            "xx",
            "\x00",
            "1\x00",
            "null",
            "true",
            "1.5",
            "-1",
            "1e5",
            "0x10",
            "+1",
            " 1",
            "１",
            "",
            "2024-01-01",
            "2024-13-45",
            "99999-01-01",
            "2024-01-01T00:00:00+25:00",
            "/publications/",
            "/publications/%00/",
            "//",
            "../..",
            "localhost:abc",
            "localhost:" + "9" * 30,
            "10000",
            "10001",
            "20",
            "21",
            "50",
            "51",
        ]
    )  # fmt: skip
    | st.integers(min_value=-(10**31), max_value=10**31).map(str)
    | st.floats(allow_nan=True, allow_infinity=True).map(str)
    | st.lists(st.sampled_from(["title", "body", "*", "-lead", "bylines(expert)"]), max_size=4).map(
        ",".join
    )
    | text
)
api_query = st.lists(st.tuples(st.sampled_from(API_KEYS), api_value), min_size=1, max_size=5)
API_URLS = [
    "/api/v2/pages/",
    "/api/v2/pages/?type=publications.CommentaryPage",
    "/api/v2/pages/find/",
    "/api/v2/pages/{pk}/",
    "/api/v2/images/",
    "/api/v2/images/find/",
    "/api/v2/documents/",
    "/api/v2/documents/find/",
]
API_TOTAL = TOTAL
api_counter = {"requests": 0}


@seed(20261202)
@settings(
    max_examples=max(1, API_TOTAL // len(API_URLS)),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=api_query)
def test_no_api_request_answers_5xx(seeded, client, params):
    pk = CommentaryPage.objects.values_list("pk", flat=True).first()
    encoded = urlencode(params)
    for url in API_URLS:
        url = url.format(pk=pk)
        response = client.get(f"{url}{'&' if '?' in url else '?'}{encoded}")
        assert response.status_code < 500, (url, encoded)
    api_counter["requests"] += len(API_URLS)


def test_the_api_fuzzer_made_its_requests():
    assert api_counter["requests"] >= API_TOTAL - len(API_URLS), api_counter
