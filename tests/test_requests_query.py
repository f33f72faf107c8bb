"""Query-parameter conversion: pagination, sorting, renames, removals, values."""

from __future__ import annotations

import pytest

from pipedrive_shapes._query import normalize_query
from pipedrive_shapes._query_tables import INCLUDE_FIELDS, SORT_FIELDS
from pipedrive_shapes._requests import convert_query, convert_request
from pipedrive_shapes.errors import ConversionError

DEAL_KEY = "d4de1c1518b4531717c676029a45911c340390a6"
TEXT_KEY = "53c2f18db6a1655d6af8bba77d9679565f975fd8"

# v1 -> v2: (path with query, expected v2 query).
TO_V2 = [
    # Pagination: start=0 or no start means the first page, so no cursor.
    ("/v1/deals?start=0&limit=50", {"limit": "50"}),
    ("/v1/deals?limit=500", {"limit": "500"}),
    ("/v1/deals", {}),
    ("/v1/deals/search?term=acme&start=0", {"term": "acme"}),
    ("/v1/itemSearch?term=acme&start=0&limit=10", {"term": "acme", "limit": "10"}),
    # Sorting: one field, lower-case direction, default asc.
    (
        "/v1/deals?sort=add_time DESC",
        {"sort_by": "add_time", "sort_direction": "desc"},
    ),
    (
        "/v1/persons?sort=update_time",
        {"sort_by": "update_time", "sort_direction": "asc"},
    ),
    ("/v1/organizations?sort=id asc", {"sort_by": "id", "sort_direction": "asc"}),
    (
        "/v1/persons/5/deals?sort=add_time DESC",
        {"person_id": "5", "sort_by": "add_time", "sort_direction": "desc"},
    ),
    (
        "/v1/deals/7/products?sort=order_nr ASC",
        {"sort_by": "order_nr", "sort_direction": "asc"},
    ),
    # Renamed parameters.
    ("/v1/deals?user_id=3", {"owner_id": "3"}),
    ("/v1/persons?user_id=3", {"owner_id": "3"}),
    ("/v1/organizations?user_id=3", {"owner_id": "3"}),
    ("/v1/products?user_id=3", {"owner_id": "3"}),
    ("/v1/activities?user_id=3", {"owner_id": "3"}),
    ("/v1/pipelines/1/deals?user_id=3", {"pipeline_id": "1", "owner_id": "3"}),
    ("/v1/persons/collection?owner_id=3", {"owner_id": "3"}),
    # v1 user_id=0 meant every user, which v2 lists by default.
    ("/v1/activities?user_id=0", {}),
    # Deal status.
    ("/v1/deals?status=all_not_deleted", {"status": "open,won,lost"}),
    ("/v1/deals?status=deleted", {"status": "deleted"}),
    (
        "/v1/organizations/4/deals?status=all_not_deleted",
        {"org_id": "4", "status": "open,won,lost"},
    ),
    ("/v1/deals/search?term=x&status=won", {"term": "x", "status": "won"}),
    ("/v1/deals/collection?status=lost", {"status": "lost"}),
    # Booleans become true/false.
    ("/v1/activities?user_id=0&done=1", {"done": "true"}),
    ("/v1/activities?user_id=0&done=0", {"done": "false"}),
    ("/v1/activities/collection?done=true", {"done": "true"}),
    ("/v1/deals/5/activities?done=0", {"deal_id": "5", "done": "false"}),
    ("/v1/persons/search?term=x&exact_match=1", {"term": "x", "exact_match": "true"}),
    (
        "/v1/itemSearch?term=x&search_for_related_items=0",
        {"term": "x", "search_for_related_items": "false"},
    ),
    # itemSearch/field renames and its match mode.
    (
        "/v1/itemSearch/field?term=x&field_type=dealField&field_key=title&exact_match=true",
        {"term": "x", "entity_type": "deal", "field": "title", "match": "exact"},
    ),
    (
        "/v1/itemSearch/field?term=x&field_type=personField&field_key=name&exact_match=0",
        {"term": "x", "entity_type": "person", "field": "name", "match": "middle"},
    ),
    (
        "/v1/itemSearch/field?term=x&field_type=organizationField&field_key=name",
        {
            "term": "x",
            "entity_type": "organization",
            "field": "name",
            "match": "middle",
        },
    ),
    # Collection endpoints: since/until become RFC 3339 updated_* filters.
    (
        "/v1/deals/collection?since=2024-01-01 10:00:00&until=2024-02-01 00:00:00",
        {
            "updated_since": "2024-01-01T10:00:00Z",
            "updated_until": "2024-02-01T00:00:00Z",
        },
    ),
    (
        "/v1/persons/collection?since=2024-01-01T12:00:00%2B02:00",
        {"updated_since": "2024-01-01T10:00:00Z"},
    ),
    # Lists: repeated ids become one comma list.
    ("/v1/products?ids[]=1&ids[]=2", {"ids": "1,2"}),
    ("/v1/products?ids=1&ids=2", {"ids": "1,2"}),
    # New v2 parameters pass when the endpoint has them.
    (
        "/v1/deals?include_fields=products_count,files_count",
        {"include_fields": "products_count,files_count"},
    ),
    ("/v1/activities/5?include_fields=attendees", {"include_fields": "attendees"}),
    (
        "/v1/persons/5?include_fields=marketing_status,doi_status",
        {"include_fields": "marketing_status,doi_status"},
    ),
    (
        "/v1/organizations?include_fields=people_count",
        {"include_fields": "people_count"},
    ),
    (
        "/v1/deals/search?term=x&include_fields=deal.cc_email",
        {"term": "x", "include_fields": "deal.cc_email"},
    ),
    (
        f"/v1/deals/5?custom_fields={DEAL_KEY},{TEXT_KEY}",
        {"custom_fields": f"{DEAL_KEY},{TEXT_KEY}"},
    ),
    (f"/v1/products?custom_fields={DEAL_KEY}", {"custom_fields": DEAL_KEY}),
    # Unchanged parameters.
    ("/v1/deals?filter_id=9&stage_id=4", {"filter_id": "9", "stage_id": "4"}),
    ("/v1/stages?pipeline_id=1", {"pipeline_id": "1"}),
    ("/v1/deals?api_token=secret", {"api_token": "secret"}),
]

# v1 -> v2 removals: (path with query, removed key, a word of the reason).
REMOVED_TO_V2 = [
    ("/v1/deals?owned_by_you=1", "query.owned_by_you", "owner_id"),
    ("/v1/products?get_summary=1", "query.get_summary", "summary"),
    ("/v1/products?first_char=a", "query.first_char", "first-letter"),
    ("/v1/persons?first_char=a", "query.first_char", "first-letter"),
    ("/v1/organizations?first_char=a", "query.first_char", "first-letter"),
    (
        "/v1/itemSearch/field?term=x&field_type=dealField&field_key=t&return_item_ids=1",
        "query.return_item_ids",
        "always",
    ),
    (
        "/v1/deals/5/products?include_product_data=1",
        "query.include_product_data",
        "product",
    ),
    ("/v1/activities?user_id=0&type=call", "query.type", "type"),
    ("/v1/activities?user_id=0&start_date=2024-01-01", "query.start_date", "due"),
    ("/v1/activities?user_id=0&end_date=2024-01-31", "query.end_date", "due"),
    ("/v1/pipelines/1/deals?everyone=1", "query.everyone", "owner_id"),
    (
        "/v1/pipelines/1/deals?totals_convert_currency=EUR",
        "query.totals_convert_currency",
        "summary",
    ),
    (
        "/v1/organizations/1/deals?only_primary_association=1",
        "query.only_primary_association",
        "not a parameter of v2 GET /deals",
    ),
    ("/v1/persons/1/activities?exclude=1,2", "query.exclude", "exclude"),
    ("/v1/deals?sparkles=1", "query.sparkles", "not a parameter of v2 GET /deals"),
    ("/v1/deals/search?term=x&sort=id", "query.sort", "does not sort"),
    ("/v1/activities", "query.user_id", "own activities"),
]

# v2 -> v1: (path with query, expected v1 path, expected v1 query).
TO_V1 = [
    ("/api/v2/deals", "/api/v1/deals", {"start": "0"}),
    ("/api/v2/deals?limit=20", "/api/v1/deals", {"start": "0", "limit": "20"}),
    (
        "/api/v2/deals?sort_by=add_time&sort_direction=desc",
        "/api/v1/deals",
        {"start": "0", "sort": "add_time DESC"},
    ),
    (
        "/api/v2/persons?sort_direction=desc",
        "/api/v1/persons",
        {"start": "0", "sort": "id DESC"},
    ),
    (
        "/api/v2/organizations?sort_by=update_time",
        "/api/v1/organizations",
        {"start": "0", "sort": "update_time ASC"},
    ),
    ("/api/v2/deals?owner_id=3", "/api/v1/deals", {"start": "0", "user_id": "3"}),
    ("/api/v2/products?owner_id=3", "/api/v1/products", {"start": "0", "user_id": "3"}),
    ("/api/v2/activities", "/api/v1/activities", {"start": "0", "user_id": "0"}),
    (
        "/api/v2/activities?owner_id=3",
        "/api/v1/activities",
        {"start": "0", "user_id": "3"},
    ),
    (
        "/api/v2/activities?owner_id=3&done=true",
        "/api/v1/activities",
        {"start": "0", "user_id": "3", "done": "1"},
    ),
    (
        "/api/v2/activities?person_id=8&done=false",
        "/api/v1/persons/8/activities",
        {"start": "0", "done": "0"},
    ),
    (
        "/api/v2/deals?status=open,won,lost",
        "/api/v1/deals",
        {"start": "0", "status": "all_not_deleted"},
    ),
    (
        "/api/v2/deals?status=lost,open,won",
        "/api/v1/deals",
        {"start": "0", "status": "all_not_deleted"},
    ),
    (
        "/api/v2/deals?status=deleted",
        "/api/v1/deals",
        {"start": "0", "status": "deleted"},
    ),
    (
        "/api/v2/deals?person_id=5&status=won",
        "/api/v1/persons/5/deals",
        {"start": "0", "status": "won"},
    ),
    (
        "/api/v2/persons?org_id=4&limit=5",
        "/api/v1/organizations/4/persons",
        {"start": "0", "limit": "5"},
    ),
    (
        "/api/v2/stages?pipeline_id=1",
        "/api/v1/stages",
        {"start": "0", "pipeline_id": "1"},
    ),
    ("/api/v2/pipelines", "/api/v1/pipelines", {}),
    ("/api/v2/deals/5", "/api/v1/deals/5", {}),
    (
        "/api/v2/itemSearch/field?term=x&entity_type=deal&field=title",
        "/api/v1/itemSearch/field",
        {
            "start": "0",
            "term": "x",
            "field_type": "dealField",
            "field_key": "title",
            "exact_match": "true",
        },
    ),
    (
        "/api/v2/itemSearch/field?term=x&entity_type=product&field=code&match=middle",
        "/api/v1/itemSearch/field",
        {
            "start": "0",
            "term": "x",
            "field_type": "productField",
            "field_key": "code",
            "exact_match": "false",
        },
    ),
    (
        "/api/v2/deals/search?term=x&exact_match=1&include_fields=deal.cc_email",
        "/api/v1/deals/search",
        {
            "start": "0",
            "term": "x",
            "exact_match": "true",
            "include_fields": "deal.cc_email",
        },
    ),
    (
        "/api/v2/deals/3/products?limit=10",
        "/api/v1/deals/3/products",
        {"start": "0", "limit": "10"},
    ),
]

# v2 -> v1 removals of parameters that v1 covers by default.
REMOVED_TO_V1 = [
    ("/api/v2/deals?include_fields=products_count", "query.include_fields"),
    ("/api/v2/deals/5?custom_fields=" + DEAL_KEY, "query.custom_fields"),
    ("/api/v2/pipelines?limit=5", "query.limit"),
    ("/api/v2/deals/5/followers?limit=5", "query.limit"),
]


@pytest.mark.parametrize(("path", "expected"), TO_V2, ids=[row[0] for row in TO_V2])
def test_query_to_v2_table(path, expected):
    call = convert_request("GET", path)
    assert call.query == expected


@pytest.mark.parametrize(("path", "expected"), TO_V2, ids=[row[0] for row in TO_V2])
def test_query_to_v2_reports_nothing(path, expected):
    assert convert_request("GET", path).removed == {}


@pytest.mark.parametrize(
    ("path", "key", "word"),
    REMOVED_TO_V2,
    ids=[row[1] + " " + row[0] for row in REMOVED_TO_V2],
)
def test_query_to_v2_removed_reported(path, key, word):
    call = convert_request("GET", path)
    assert word in call.removed[key]


@pytest.mark.parametrize(
    ("path", "key", "word"),
    REMOVED_TO_V2,
    ids=[row[1] + " " + row[0] for row in REMOVED_TO_V2],
)
def test_query_to_v2_removed_strict_raises(path, key, word):
    name = key.removeprefix("query.")
    with pytest.raises(ConversionError, match=f"query parameter {name}") as caught:
        convert_request("GET", path, strict=True)
    assert caught.value.path == ("query", name)


@pytest.mark.parametrize(
    ("path", "v1_path", "expected"), TO_V1, ids=[row[0] for row in TO_V1]
)
def test_query_to_v1_table(path, v1_path, expected):
    call = convert_request("GET", path, to="v1")
    assert (call.path, call.query) == (v1_path, expected)


@pytest.mark.parametrize(
    ("path", "key"), REMOVED_TO_V1, ids=[row[0] for row in REMOVED_TO_V1]
)
def test_query_to_v1_removed_reported(path, key):
    assert key in convert_request("GET", path, to="v1").removed


@pytest.mark.parametrize(
    ("path", "key"), REMOVED_TO_V1, ids=[row[0] for row in REMOVED_TO_V1]
)
def test_query_to_v1_lossless_removal_strict(path, key):
    # v1 returns these fields and records anyway, so strict mode still passes.
    assert key in convert_request("GET", path, to="v1", strict=True).removed


ROUND_TRIPS = [
    "/api/v1/deals?start=0&limit=50&sort=add_time DESC&user_id=3&status=won&filter_id=2",
    "/api/v1/deals?start=0&status=all_not_deleted",
    "/api/v1/persons/5/deals?start=0&status=lost&sort=id ASC",
    "/api/v1/activities?start=0&user_id=4&done=1",
    "/api/v1/activities?start=0&user_id=0",
    "/api/v1/itemSearch/field?start=0&term=x&field_type=leadField&field_key=title&exact_match=false",
    "/api/v1/stages?start=0&pipeline_id=3&limit=100",
]


@pytest.mark.parametrize("path", ROUND_TRIPS)
def test_query_round_trip_v1_v2_v1(path):
    v2 = convert_request("GET", path)
    back = convert_request("GET", v2.target, to="v1")
    original = convert_request("GET", path).query  # Parsed form, for the comparison.
    assert back.target.split("?")[0] == path.split("?")[0]
    assert back.query == normalize_query(None, path.split("?")[1])
    assert original == v2.query


# Errors, each with its message and path.


@pytest.mark.parametrize("start", ["50", "1"])
def test_query_nonzero_start_raises(start):
    with pytest.raises(ConversionError, match="non-zero start") as caught:
        convert_request("GET", f"/v1/deals?start={start}")
    assert caught.value.path == ("query", "start")
    assert "next_cursor" in (caught.value.hint or "")


@pytest.mark.parametrize("start", ["-1", "abc", ""])
def test_query_invalid_start_raises(start):
    with pytest.raises(ConversionError, match="invalid start") as caught:
        convert_request("GET", f"/v1/deals?start={start}")
    assert caught.value.path == ("query", "start")


@pytest.mark.parametrize("limit", ["0", "x", "-5"])
def test_query_invalid_limit_raises(limit):
    with pytest.raises(ConversionError, match="invalid limit") as caught:
        convert_request("GET", f"/v1/deals?limit={limit}")
    assert caught.value.path == ("query", "limit")


def test_query_limit_above_maximum_raises():
    with pytest.raises(ConversionError, match="above the v2 maximum") as caught:
        convert_request("GET", "/v1/deals?limit=501")
    assert caught.value.expected == "at most 500"


def test_query_collection_cursor_raises():
    with pytest.raises(ConversionError, match="v1 cursor cannot be reused") as caught:
        convert_request("GET", "/v1/deals/collection?cursor=eyJpZCI6MX0")
    assert caught.value.path == ("query", "cursor")


def test_query_sort_by_two_fields_raises():
    with pytest.raises(ConversionError, match="one field only") as caught:
        convert_request("GET", "/v1/deals?sort=id ASC, add_time DESC")
    assert caught.value.path == ("query", "sort")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/deals?sort=title ASC", "title"),
        ("/v1/persons?sort=name", "name"),
        ("/v1/deals?sort=" + DEAL_KEY, DEAL_KEY),
        ("/v1/stages?sort=due_date", "due_date"),
    ],
)
def test_query_sort_field_not_allowed_raises(path, field):
    with pytest.raises(ConversionError, match="cannot sort by this field") as caught:
        convert_request("GET", path)
    assert caught.value.value == field


def test_query_sort_field_lists_allowed_fields():
    with pytest.raises(ConversionError) as caught:
        convert_request("GET", "/v1/products?sort=code")
    assert caught.value.expected == "one of id, name, add_time, update_time"


@pytest.mark.parametrize("sort", ["id sideways", "id ASC extra", ","])
def test_query_invalid_sort_raises(sort):
    with pytest.raises(ConversionError, match="sort") as caught:
        convert_request("GET", "/v1/deals", query={"sort": sort})
    assert caught.value.path == ("query", "sort")


@pytest.mark.parametrize(
    ("endpoint", "field"),
    [(key, field) for key, fields in SORT_FIELDS.items() for field in fields],
)
def test_query_every_allowed_sort_field_converts(endpoint, field):
    template = endpoint.split(" ")[1].replace("{id}", "3")
    if template == "/deals/products":
        pytest.skip("no v1 endpoint maps to the bulk deal products list")
    call = convert_request("GET", "/v1" + template, query={"sort": f"{field} DESC"})
    assert (call.query["sort_by"], call.query["sort_direction"]) == (field, "desc")


@pytest.mark.parametrize("status", ["all", "open,bogus", ""])
def test_query_invalid_deal_status_raises(status):
    with pytest.raises(ConversionError, match="invalid deal status") as caught:
        convert_request("GET", "/v1/deals", query={"status": status})
    assert caught.value.path == ("query", "status")


def test_query_search_status_deleted_raises():
    with pytest.raises(ConversionError, match="invalid deal status") as caught:
        convert_request("GET", "/v1/deals/search?term=x&status=deleted")
    assert caught.value.expected == "one or more of open, won, lost"


def test_query_invalid_boolean_raises():
    with pytest.raises(ConversionError, match="invalid boolean") as caught:
        convert_request("GET", "/v1/activities?user_id=0&done=maybe")
    assert caught.value.path == ("query", "done")


def test_query_invalid_field_type_raises():
    with pytest.raises(ConversionError, match="invalid field_type") as caught:
        convert_request(
            "GET", "/v1/itemSearch/field?term=x&field_type=dealFields&field_key=t"
        )
    assert caught.value.value == "dealFields"


def test_query_include_fields_unknown_name_raises():
    with pytest.raises(
        ConversionError, match="not available through include_fields"
    ) as caught:
        convert_request("GET", "/v1/deals?include_fields=products_count,weighted_value")
    assert caught.value.value == "weighted_value"


def test_query_org_participant_count_raises():
    # The official organization list has no participant counts.
    with pytest.raises(ConversionError, match="include_fields"):
        convert_request(
            "GET", "/v1/organizations?include_fields=participant_open_deals_count"
        )


@pytest.mark.parametrize(
    "path", ["/v1/products", "/v1/pipelines", "/v1/stages/3", "/v1/deals/3/products"]
)
def test_query_include_fields_unsupported(path):
    with pytest.raises(ConversionError, match="accepts no include_fields") as caught:
        convert_request("GET", path, query={"include_fields": "products_count"})
    assert caught.value.path == ("query", "include_fields")


@pytest.mark.parametrize(
    ("endpoint", "name"),
    [(key, name) for key, names in INCLUDE_FIELDS.items() for name in sorted(names)],
)
def test_query_every_include_field_converts(endpoint, name):
    template = endpoint.split(" ")[1].replace("{id}", "3")
    query = (
        {"include_fields": name, "term": "x"}
        if "search" in template.lower()
        else {"include_fields": name}
    )
    assert (
        convert_request("GET", "/v1" + template, query=query).query["include_fields"]
        == name
    )


def test_query_custom_fields_limit_raises():
    keys = ",".join(f"{index:040x}" for index in range(16))
    with pytest.raises(ConversionError, match="too many custom field keys") as caught:
        convert_request("GET", "/v1/deals", query={"custom_fields": keys})
    assert caught.value.expected == "at most 15"


def test_query_custom_fields_fifteen_keys_pass():
    keys = [f"{index:040x}" for index in range(15)]
    call = convert_request("GET", "/v1/persons", query={"custom_fields": keys})
    assert call.query["custom_fields"] == ",".join(keys)


@pytest.mark.parametrize(
    "path", ["/v1/pipelines", "/v1/activities", "/v1/products/3", "/v1/stages"]
)
def test_query_custom_fields_unsupported(path):
    with pytest.raises(ConversionError, match="accepts no custom_fields") as caught:
        convert_request("GET", path, query={"custom_fields": DEAL_KEY})
    assert caught.value.path == ("query", "custom_fields")


def test_query_invalid_since_raises():
    with pytest.raises(ConversionError, match="invalid timestamp") as caught:
        convert_request("GET", "/v1/deals/collection?since=yesterday")
    assert caught.value.path == ("query", "since")


def test_query_since_without_offset_raises():
    with pytest.raises(ConversionError, match="invalid timestamp"):
        convert_request("GET", "/v1/deals/collection?since=2024-01-01T10:00:00")


def test_query_too_many_ids_raises():
    ids = ",".join(str(number) for number in range(101))
    with pytest.raises(ConversionError, match="too many ids") as caught:
        convert_request("GET", "/v1/products", query={"ids": ids})
    assert caught.value.expected == "at most 100"


def test_query_non_integer_ids_raise():
    with pytest.raises(ConversionError, match="invalid ids"):
        convert_request("GET", "/v1/products?ids=a,b")


def test_query_filter_disagreeing_with_path_raises():
    with pytest.raises(
        ConversionError, match="disagrees with the id in the path"
    ) as caught:
        convert_request("GET", "/v1/persons/5/deals?person_id=6")
    assert caught.value.path == ("query", "person_id")


# v2 -> v1 errors.


def test_query_cursor_to_v1_raises():
    with pytest.raises(
        ConversionError, match="cursor cannot become a v1 offset"
    ) as caught:
        convert_request("GET", "/api/v2/deals?cursor=abc", to="v1")
    assert caught.value.path == ("query", "cursor")


def test_query_sort_on_v1_endpoint_without_sort_raises():
    with pytest.raises(ConversionError, match="does not sort") as caught:
        convert_request("GET", "/api/v2/stages?sort_by=order_nr", to="v1")
    assert caught.value.path == ("query", "sort_by")


def test_query_invalid_v2_sort_by_raises():
    with pytest.raises(ConversionError, match="invalid v2 sort_by") as caught:
        convert_request("GET", "/api/v2/deals?sort_by=title", to="v1")
    assert caught.value.value == "title"


def test_query_invalid_v2_sort_direction_raises():
    with pytest.raises(ConversionError, match="invalid v2 sort_direction"):
        convert_request("GET", "/api/v2/deals?sort_direction=DESC", to="v1")


def test_query_several_statuses_to_v1_raises():
    with pytest.raises(ConversionError, match="one status") as caught:
        convert_request("GET", "/api/v2/deals?status=won,lost", to="v1")
    assert caught.value.path == ("query", "status")


@pytest.mark.parametrize("name", ["updated_since", "updated_until"])
def test_query_updated_filter_to_v1_raises(name):
    with pytest.raises(ConversionError, match="cannot filter by update time") as caught:
        convert_request("GET", f"/api/v2/deals?{name}=2024-01-01T00:00:00Z", to="v1")
    assert "/api/v1/deals/collection" in (caught.value.hint or "")


def test_query_ids_to_v1_raises():
    with pytest.raises(ConversionError, match="comma-list ids") as caught:
        convert_request("GET", "/api/v2/deals?ids=1,2", to="v1")
    assert caught.value.path == ("query", "ids")


def test_query_beginning_match_to_v1_raises():
    with pytest.raises(ConversionError, match="match mode") as caught:
        convert_request(
            "GET",
            "/api/v2/itemSearch/field?term=x&entity_type=deal&field=t&match=beginning",
            to="v1",
        )
    assert caught.value.value == "beginning"


def test_query_invalid_entity_type_to_v1_raises():
    with pytest.raises(ConversionError, match="invalid v2 entity_type"):
        convert_request(
            "GET",
            "/api/v2/itemSearch/field?term=x&entity_type=dealField&field=t",
            to="v1",
        )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/activities?lead_id=abc",
        "/api/v2/deals?person_id=5&owner_id=3",
        "/api/v2/persons?deal_id=5&owner_id=3",
    ],
)
def test_query_filter_without_v1_equivalent_raises(path):
    with pytest.raises(ConversionError, match="has no equivalent of query parameter"):
        convert_request("GET", path, to="v1")


# Input forms.


def test_query_mapping_values_are_normalized():
    call = convert_request(
        "GET",
        "/v1/activities",
        query={"user_id": 3, "done": True, "limit": 10, "filter_id": None},
    )
    assert call.query == {"owner_id": "3", "done": "true", "limit": "10"}


def test_query_mapping_list_becomes_comma_list():
    call = convert_request("GET", "/v1/products", query={"ids": [1, 2, 3]})
    assert call.query == {"ids": "1,2,3"}


def test_query_repeated_scalar_parameter_raises():
    with pytest.raises(ConversionError, match="repeated query parameter") as caught:
        convert_request("GET", "/v1/deals?limit=1&limit=2")
    assert caught.value.path == ("query", "limit")


def test_query_parameter_in_path_and_mapping_raises():
    with pytest.raises(ConversionError, match="in the path and in query"):
        convert_request("GET", "/v1/deals?limit=1", query={"limit": 2})


def test_query_invalid_value_type_raises():
    with pytest.raises(ConversionError, match="invalid query parameter value"):
        convert_request("GET", "/v1/deals", query={"limit": 1.5})


def test_convert_query_alone_includes_route_filter():
    converted = convert_query(
        "GET", "/v1/persons/5/deals", {"start": 0, "status": "won"}
    )
    assert converted.query == {"person_id": "5", "status": "won"}


def test_convert_query_alone_to_v1_consumes_filter():
    converted = convert_query("GET", "/api/v2/deals", {"person_id": 5}, to="v1")
    assert converted.query == {"start": "0"}


def test_convert_query_skips_followers():
    converted = convert_query("DELETE", "/v1/deals/5/followers/77", {"api_token": "t"})
    assert converted.query == {"api_token": "t"}


def test_query_target_encoding():
    call = convert_request(
        "GET", "/api/v2/deals?sort_by=add_time&status=open,won,lost", to="v1"
    )
    assert (
        call.target
        == "/api/v1/deals?start=0&sort=add_time%20ASC&status=all_not_deleted"
    )
