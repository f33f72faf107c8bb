"""API response envelopes: REST v1 <-> REST v2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipedrive_shapes import ConversionError, to_v2
from pipedrive_shapes._envelopes import convert_envelope, convert_envelope_lossless

REAL = Path(__file__).parent / "fixtures" / "real-v1"
REAL_ENTITIES = {
    "activity": "v1-activity-airbyte-1.json",
    "deal": "v1-deal-airbyte-1.json",
    "organization": "v1-organization-airbyte-1.json",
    "person": "v1-person-airbyte-1.json",
    "pipeline": "v1-pipeline-airbyte-1.json",
    "product": "v1-product-airbyte-1.json",
    "stage": "v1-stage-airbyte-1.json",
}
CURSOR = "eyJmaWVsZCI6ImlkIiwiZmllbGRWYWx1ZSI6NywiaWQiOjd9"


def record(entity: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REAL / REAL_ENTITIES[entity]).read_text())
    return data


def v1_page(entity: str, *, more: bool) -> dict[str, Any]:
    """A v1 list response around one real v1 record."""
    pagination: dict[str, Any] = {
        "start": 0,
        "limit": 100,
        "more_items_in_collection": more,
    }
    if more:
        pagination["next_start"] = 100
    return {
        "success": True,
        "data": [record(entity)],
        "additional_data": {"pagination": pagination},
        "related_objects": {"user": {"11884360": {"id": 11884360, "name": "Sam"}}},
    }


def v2_page(cursor: str | None) -> dict[str, Any]:
    return {
        "success": True,
        "data": [{"id": 1, "is_deleted": False, "name": "Sales"}],
        "additional_data": {"next_cursor": cursor},
    }


# v1 -> v2: lists


@pytest.mark.parametrize("entity", sorted(REAL_ENTITIES))
def test_v1_list_records_converted(entity: str) -> None:
    envelope = convert_envelope(entity, v1_page(entity, more=False))
    assert envelope["data"] == [to_v2(entity, record(entity))]


def test_v1_last_page_null_cursor() -> None:
    envelope = convert_envelope("deal", v1_page("deal", more=False))
    assert envelope["additional_data"] == {"next_cursor": None}


def test_v1_list_drops_v1_keys() -> None:
    envelope = convert_envelope("deal", v1_page("deal", more=False))
    assert set(envelope) == {"success", "data", "additional_data"}


def test_v1_list_removed_parts_reported() -> None:
    page = v1_page("deal", more=False)
    _, removed = convert_envelope_lossless("deal", page)
    assert removed["source"] == "v1"
    assert removed["related_objects"] == page["related_objects"]
    assert removed["additional_data"] == page["additional_data"]
    assert isinstance(removed["data"], list)
    assert len(removed["data"]) == 1


def test_v1_more_items_without_cursor_raise() -> None:
    with pytest.raises(ConversionError, match="missing next_cursor") as caught:
        convert_envelope("deal", v1_page("deal", more=True))
    assert caught.value.path == (
        "additional_data",
        "pagination",
        "more_items_in_collection",
    )
    assert "cannot be computed from a v1 offset" in str(caught.value)


def test_v1_more_items_with_cursor() -> None:
    envelope = convert_envelope("deal", v1_page("deal", more=True), next_cursor=CURSOR)
    assert envelope["additional_data"] == {"next_cursor": CURSOR}


def test_v1_last_page_with_cursor_raises() -> None:
    with pytest.raises(ConversionError, match="last page"):
        convert_envelope("deal", v1_page("deal", more=False), next_cursor=CURSOR)


def test_v1_missing_more_items_raises() -> None:
    page = v1_page("deal", more=False)
    del page["additional_data"]["pagination"]["more_items_in_collection"]
    with pytest.raises(ConversionError, match="more_items_in_collection"):
        convert_envelope("deal", page)


def test_v1_cursor_endpoint_keeps_cursor() -> None:
    page = {
        "success": True,
        "data": [{"id": 1, "active": True, "name": "Sales"}],
        "additional_data": {"next_cursor": CURSOR},
    }
    envelope = convert_envelope("pipeline", page)
    assert envelope["additional_data"] == {"next_cursor": CURSOR}


def test_v1_list_without_paging_uses_argument() -> None:
    page = {"success": True, "data": [{"id": 1, "active": True, "name": "Sales"}]}
    assert convert_envelope("pipeline", page)["additional_data"] == {
        "next_cursor": None
    }
    converted = convert_envelope("pipeline", page, next_cursor=CURSOR)
    assert converted["additional_data"] == {"next_cursor": CURSOR}


def test_v1_empty_page_null_data() -> None:
    page = {
        "success": True,
        "data": None,
        "additional_data": {
            "pagination": {"start": 0, "limit": 100, "more_items_in_collection": False}
        },
    }
    envelope = convert_envelope("deal", page)
    assert envelope == {
        "success": True,
        "data": None,
        "additional_data": {"next_cursor": None},
    }


def test_v1_record_error_path() -> None:
    page = v1_page("deal", more=False)
    page["data"].append({"id": 2, "add_time": "soon"})
    with pytest.raises(ConversionError) as caught:
        convert_envelope("deal", page)
    assert caught.value.path == ("data", 1, "add_time")


def test_v1_include_fields_kept() -> None:
    page = v1_page("deal", more=False)
    page["data"][0]["notes_count"] = 4
    envelope, removed = convert_envelope_lossless(
        "deal", page, include_fields=["notes_count"]
    )
    assert envelope["data"][0]["notes_count"] == 4
    assert "notes_count" not in removed["data"][0]
    assert convert_envelope("deal", envelope, to="v1", removed=removed) == page


@pytest.mark.parametrize("entity", sorted(REAL_ENTITIES))
def test_plain_and_lossless_agree(entity: str) -> None:
    page = v1_page(entity, more=False)
    assert convert_envelope(entity, page) == convert_envelope_lossless(entity, page)[0]


# v1 -> v2: single records, search results, errors


def test_v1_single_record() -> None:
    response = {
        "success": True,
        "data": record("deal"),
        "additional_data": {"dropbox_email": "deal11@example.pipedrivemail.com"},
        "related_objects": {"person": {}},
    }
    envelope, removed = convert_envelope_lossless("deal", response)
    assert envelope == {"success": True, "data": to_v2("deal", record("deal"))}
    assert removed["additional_data"] == response["additional_data"]
    assert removed["related_objects"] == {"person": {}}


@pytest.mark.parametrize("target", ["v1", "v2"])
@pytest.mark.parametrize("deleted", [{"id": 11}, {"id": [11, 12]}])
def test_delete_response_unchanged(target: str, deleted: dict[str, Any]) -> None:
    response = {"success": True, "data": deleted}
    assert convert_envelope("deal", response, to=target) == response  # type: ignore[arg-type]


def test_v1_single_with_cursor_raises() -> None:
    with pytest.raises(ValueError, match="list and search"):
        convert_envelope(
            "deal", {"success": True, "data": {"id": 1}}, next_cursor=CURSOR
        )


def test_v1_search_items_unchanged() -> None:
    items = [
        {
            "result_score": 1.2,
            "item": {
                "id": 11,
                "type": "deal",
                "title": "Example deal",
                "visible_to": 3,
                "owner": {"id": 4000001},
                "custom_fields": [],
            },
        }
    ]
    response = {
        "success": True,
        "data": {"items": items},
        "additional_data": {
            "pagination": {"start": 0, "limit": 100, "more_items_in_collection": False}
        },
    }
    envelope = convert_envelope("deal", response)
    assert envelope["data"] == {"items": items}
    assert envelope["additional_data"] == {"next_cursor": None}


@pytest.mark.parametrize("target", ["v1", "v2"])
@pytest.mark.parametrize(
    "error",
    [
        {
            "success": False,
            "error": "Entity was not found",
            "error_info": "Please check developers.pipedrive.com",
            "data": None,
            "additional_data": None,
        },
        {
            "success": False,
            "error": "Usage limit reached",
            "code": "feature_capping_deals_limit",
        },
        {"success": False, "error": "unauthorized access", "errorCode": 401},
    ],
)
def test_error_envelope_passes_through(target: str, error: dict[str, Any]) -> None:
    envelope, removed = convert_envelope_lossless("deal", error, to=target)  # type: ignore[arg-type]
    assert envelope == error
    assert removed == {}


def test_not_an_envelope_raises() -> None:
    with pytest.raises(ConversionError, match="not an API response envelope") as caught:
        convert_envelope("deal", {"data": []})
    assert caught.value.path == ("success",)


def test_invalid_data_raises() -> None:
    with pytest.raises(ConversionError, match="invalid envelope data"):
        convert_envelope("deal", {"success": True, "data": "deal"})


def test_non_mapping_raises_conversion_error() -> None:
    with pytest.raises(ConversionError, match="invalid payload"):
        convert_envelope("deal", [])  # type: ignore[arg-type]


# v2 -> v1


def test_v2_cursor_sets_more_items() -> None:
    envelope = convert_envelope("pipeline", v2_page(CURSOR), to="v1")
    assert envelope["additional_data"] == {
        "pagination": {"more_items_in_collection": True},
        "next_cursor": CURSOR,
    }


def test_v2_null_cursor_ends_list() -> None:
    envelope = convert_envelope("pipeline", v2_page(None), to="v1")
    assert envelope["additional_data"]["pagination"] == {
        "more_items_in_collection": False
    }


def test_v2_never_puts_cursor_in_next_start() -> None:
    pagination = convert_envelope("pipeline", v2_page(CURSOR), to="v1")[
        "additional_data"
    ]["pagination"]
    assert "next_start" not in pagination
    assert "start" not in pagination


def test_v2_records_converted() -> None:
    envelope = convert_envelope("pipeline", v2_page(None), to="v1")
    assert envelope["data"] == [{"id": 1, "active": True, "name": "Sales"}]


def test_v2_single_record_has_no_paging() -> None:
    envelope = convert_envelope(
        "pipeline", {"success": True, "data": {"id": 1, "is_deleted": True}}, to="v1"
    )
    assert envelope == {"success": True, "data": {"id": 1, "active": False}}


def test_v2_invalid_cursor_raises() -> None:
    with pytest.raises(ConversionError, match="invalid next_cursor"):
        convert_envelope("pipeline", v2_page(7), to="v1")  # type: ignore[arg-type]


def test_v2_input_with_related_objects_raises() -> None:
    with pytest.raises(ConversionError, match="already has v1 keys") as caught:
        convert_envelope("deal", v1_page("deal", more=False), to="v1")
    assert caught.value.path == ("related_objects",)


def test_v2_cursor_argument_rejected() -> None:
    with pytest.raises(ValueError, match="v1 -> v2"):
        convert_envelope("pipeline", v2_page(None), to="v1", next_cursor=CURSOR)


def test_v2_extra_additional_data_kept() -> None:
    page = v2_page(None)
    page["additional_data"]["more_items_in_collection"] = False
    extra = convert_envelope("pipeline", page, to="v1")["additional_data"]
    assert extra["more_items_in_collection"] is False


# Round trips


@pytest.mark.parametrize("entity", sorted(REAL_ENTITIES))
@pytest.mark.parametrize("more", [False, True])
def test_v1_page_lossless_round_trip(entity: str, more: bool) -> None:
    page = v1_page(entity, more=more)
    cursor = CURSOR if more else None
    envelope, removed = convert_envelope_lossless(entity, page, next_cursor=cursor)
    assert convert_envelope(entity, envelope, to="v1", removed=removed) == page


def test_v1_single_lossless_round_trip() -> None:
    response = {
        "success": True,
        "data": record("person"),
        "additional_data": {"dropbox_email": "person@example.pipedrivemail.com"},
        "related_objects": {"organization": {"7": {"id": 7, "name": "Example"}}},
    }
    envelope, removed = convert_envelope_lossless("person", response)
    assert convert_envelope("person", envelope, to="v1", removed=removed) == response


def test_removed_from_wrong_direction_raises() -> None:
    _, removed = convert_envelope_lossless("deal", v1_page("deal", more=False))
    with pytest.raises(ValueError, match="does not come from a conversion from v2"):
        convert_envelope("deal", v1_page("deal", more=False), removed=removed)


@given(st.one_of(st.none(), st.text(min_size=1, max_size=40)))
def test_v2_cursor_round_trip_property(cursor: str | None) -> None:
    """A v2 page's cursor survives v2 -> v1 -> v2 and sets more_items_in_collection."""
    v1 = convert_envelope("pipeline", v2_page(cursor), to="v1")
    assert v1["additional_data"]["pagination"]["more_items_in_collection"] is (
        cursor is not None
    )
    assert convert_envelope("pipeline", v1, next_cursor=cursor) == v2_page(cursor)
