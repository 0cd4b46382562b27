"""Hypothesis-generated query strings and paths against every public URL: never a 5xx.

FUZZ_REQUESTS (default 1,000; CI runs 10,000 on PostgreSQL) sets how many requests a run makes.
"""

import os
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

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
