"""Abuse of the read-only API (/api/v2/): malformed parameters are a short JSON 400, never the
static 500 page, and no anonymous request may ask for an unbounded amount of work."""

from django.test import Client

import pytest

from discovery.api import HEAVY_LIMIT_MAX, OFFSET_MAX

ENDPOINTS = ["pages", "images", "documents"]
COMMENTARIES = "/api/v2/pages/?type=publications.CommentaryPage"
HUGE = "1" + "0" * 30  # 10^30: past every database integer


@pytest.fixture
def api(db):
    # A 500 stays a response here (as a reader would see it), not a raised exception.
    return Client(raise_request_exception=False)


def bad_request(api, url):
    response = api.get(url)
    assert response.status_code == 400, (url, response.status_code)
    return response.json()["message"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("value", ["abc", "null", "1.5", "", "-1", "%00", HUGE])
def test_find_by_a_malformed_id_is_400(seeded, api, endpoint, value):
    message = bad_request(api, f"/api/v2/{endpoint}/find/?id={value}")
    assert message.startswith(("id must be a positive integer", "id cannot be higher than")) or (
        "null characters" in message
    )


@pytest.mark.parametrize("path", ["%00", "/publications/%00/", "/%00"])
def test_find_by_html_path_with_a_null_character_is_400(seeded, api, path):
    message = bad_request(api, f"/api/v2/pages/find/?html_path={path}")
    assert message == "null characters are not allowed in the query"


@pytest.mark.parametrize("key", ["locale", "site", "type", "order", "fields", "child_of"])
def test_a_null_character_in_any_parameter_is_400(seeded, api, key):
    message = bad_request(api, f"/api/v2/pages/?{key}=a%00b")
    assert message == "null characters are not allowed in the query"


@pytest.mark.parametrize(
    "query",
    [
        "&date=abc",
        "&date=2024-13-45",
        "&date=99999-01-01",
        "&first_published_at=abc",
        "&first_published_at=2024-02-30",
    ],
)
def test_malformed_date_filter_is_400(seeded, api, query):
    message = bad_request(api, COMMENTARIES + query)
    assert message.startswith("field filter error."), message
    assert "is not a valid value for" in message


def test_well_formed_date_filter_still_works(corpus, api):
    response = api.get(COMMENTARIES + "&date=2024-01-01")
    assert response.status_code == 200
    assert response.json()["meta"]["total_count"] >= 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/pages/?type=experts.ExpertPage&photo=" + HUGE,
        "/api/v2/pages/?alias_of=" + HUGE,
        COMMENTARIES + "&bylines=" + HUGE,
        "/api/v2/images/?width=" + HUGE,
    ],
)
def test_field_filter_past_the_integer_range_is_400(seeded, api, url):
    assert "is out of range for" in bad_request(api, url)


def test_field_filter_on_a_relation_with_text_is_400(seeded, api):
    assert "is not a valid value for bylines" in bad_request(api, COMMENTARIES + "&bylines=abc")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_huge_offset_is_400(seeded, api, endpoint):
    message = bad_request(api, f"/api/v2/{endpoint}/?offset={HUGE}")
    assert message == f"offset cannot be higher than {OFFSET_MAX}"


def test_offset_is_capped(corpus, api):
    assert api.get(f"{COMMENTARIES}&offset={OFFSET_MAX}").status_code == 200
    message = bad_request(api, f"{COMMENTARIES}&offset={OFFSET_MAX + 1}")
    assert message == f"offset cannot be higher than {OFFSET_MAX}"
    assert bad_request(api, COMMENTARIES + "&offset=1.5") == "offset must be a positive integer"
    assert bad_request(api, COMMENTARIES + "&offset=-1") == "offset must be a positive integer"


def test_star_fields_on_a_listing_leave_the_body_out(corpus, api):
    """fields=* was the slow request: on a listing it is every field but the body."""
    response = api.get(COMMENTARIES + "&fields=*&limit=50")
    assert response.status_code == 200
    items = response.json()["items"]
    assert items and all("body" not in item for item in items)
    assert all({"lead", "bylines", "regions"} <= item.keys() for item in items)
    # A single page still has everything.
    detail = api.get(items[0]["meta"]["detail_url"].replace("http://testserver", "")).json()
    assert "body" in detail


def test_listing_with_body_is_capped_at_twenty(corpus, api):
    url = COMMENTARIES + "&fields=body,lead"
    response = api.get(f"{url}&limit={HEAVY_LIMIT_MAX}")
    assert response.status_code == 200
    assert all("body" in item for item in response.json()["items"])
    message = bad_request(api, f"{url}&limit={HEAVY_LIMIT_MAX + 1}")
    assert message == f"limit cannot be higher than {HEAVY_LIMIT_MAX} with body"
    # Without the body the listing keeps its longer pages.
    assert api.get(COMMENTARIES + "&fields=lead&limit=50").status_code == 200


def test_deeply_nested_fields_are_400(seeded, api):
    message = bad_request(api, "/api/v2/pages/?fields=" + "title(" * 2000)
    assert message.startswith("fields cannot")


def test_overlong_fields_are_400(seeded, api):
    message = bad_request(api, "/api/v2/pages/?fields=" + ",".join(["title"] * 2000))
    assert message == "fields cannot be longer than 500 characters"


@pytest.mark.parametrize("value", ["body(x)", "lead(x)", "bylines(expert(x))", "-", ",", "*,*"])
def test_nested_or_broken_fields_syntax_is_400(corpus, api, value):
    assert bad_request(api, f"{COMMENTARIES}&fields={value}")


@pytest.mark.parametrize(
    "offset, limit, items",
    [(0, 3, 3), (3, 3, 1), (2, 2, 2), (4, 2, 0), (10, 2, 0), (0, 0, 0), (0, 20, 4)],
)
def test_total_count_is_exact_on_every_page(corpus, api, offset, limit, items):
    # The last page is counted from its length, the others with a COUNT: the same answer.
    data = api.get(f"{COMMENTARIES}&offset={offset}&limit={limit}").json()
    assert len(data["items"]) == items
    assert data["meta"]["total_count"] == 4
