"""Hostile input to the webhook and envelope converters.

Each public function (normalize_webhook, normalize_webhook_lossless,
convert_webhook_subscription, convert_envelope, convert_envelope_lossless)
returns or raises ConversionError with a short message, whatever JSON value
or wrongly typed Python value it gets. Results share no lists or dicts with
the input, and the lossless pairs add nothing that the input lacked.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipedrive_shapes import (
    ConversionError,
    FieldCatalog,
    LossyConversionWarning,
    convert_envelope,
    convert_envelope_lossless,
    convert_webhook_subscription,
    normalize_webhook,
    normalize_webhook_lossless,
)
from pipedrive_shapes._api import same_json
from pipedrive_shapes._webhooks import (
    custom_fields_to_rest,
    custom_fields_to_typed,
    rest_field_to_typed,
    typed_field_to_rest,
)

FIXTURES = Path(__file__).parent / "fixtures" / "webhooks"
CATALOG = FieldCatalog.from_file(FIXTURES / "deal_fields.v1.json")
CURSOR = "eyJmaWVsZCI6ImlkIiwiZmllbGRWYWx1ZSI6NywiaWQiOjd9"

#: More digits than int() and str() convert by default (the limit is 4300).
HUGE_DIGITS = 5_000
MEGABYTE = 1_000_000
#: Maximum length of an error message, whatever the size of the value.
MAX_MESSAGE = 1_000

NOT_MAPPINGS = [None, 5, 1.5, True, "deal", b"{}", [], [{"id": 1}], (), {1, 2}]
WRONG_TARGETS = [
    "v3",
    "",
    None,
    2,
    ["v2"],
    {"v2": 1},
    pytest.param(10**HUGE_DIGITS, id="huge_int"),
    pytest.param("v" * MEGABYTE, id="megabyte"),
]


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def quietly(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``function`` with LossyConversionWarning silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossyConversionWarning)
        return function(*args, **kwargs)


def containers(value: Any) -> Iterator[Any]:
    """Yield every list and dict inside ``value``, without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            yield item
            stack.extend(item)
        elif isinstance(item, tuple):
            stack.extend(item)


def shared(result: Any, payload: Any) -> list[Any]:
    """Return the lists and dicts of ``result`` that are also in ``payload``."""
    inputs = {id(item) for item in containers(payload)}
    return [item for item in containers(result) if id(item) in inputs]


def v1_deal(**meta: Any) -> dict[str, Any]:
    """The v1 added-deal delivery with ``meta`` keys replaced."""
    payload = load("v1_added_deal.json")
    payload["meta"].update(meta)
    return payload


def v2_deal(**meta: Any) -> dict[str, Any]:
    """The v2 created-deal delivery with ``meta`` keys replaced."""
    payload = load("v2_create_deal.json")
    payload["meta"].update(meta)
    return payload


def v1_page(**additional: Any) -> dict[str, Any]:
    pagination = {"start": 0, "limit": 100, "more_items_in_collection": False}
    return {
        "success": True,
        "data": [{"id": 1, "title": "Example Ltd annual plan"}],
        "additional_data": {"pagination": pagination, **additional},
    }


# normalize_webhook: arguments


@pytest.mark.parametrize("payload", NOT_MAPPINGS, ids=repr)
def test_normalize_webhook_payload_not_mapping(payload: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid payload") as caught:
        normalize_webhook(payload)
    assert caught.value.value is payload


@pytest.mark.parametrize("payload", NOT_MAPPINGS, ids=repr)
def test_normalize_webhook_lossless_payload_not_mapping(payload: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid payload"):
        normalize_webhook_lossless(payload)


def test_normalize_webhook_mixed_key_types() -> None:
    """Keys of several types cannot be sorted; the error must not try."""
    with pytest.raises(ConversionError, match=r"^not a webhook delivery"):
        normalize_webhook({1: 2, "x": 3})  # type: ignore[dict-item]


@pytest.mark.parametrize("to", WRONG_TARGETS, ids=repr)
def test_normalize_webhook_target_invalid(to: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid target version") as caught:
        normalize_webhook(v1_deal(), to=to)
    assert len(str(caught.value)) < MAX_MESSAGE


@pytest.mark.parametrize("fields", [5, "fields", {}, [CATALOG]], ids=repr)
def test_normalize_webhook_fields_not_catalog(fields: Any) -> None:
    """The argument is checked even for objects without entity rules."""
    payload = v1_deal(object="note")
    payload["event"] = "added.note"
    with pytest.raises(ConversionError, match=r"^invalid fields argument"):
        quietly(normalize_webhook, payload, fields=fields)


@pytest.mark.parametrize("removed", [5, "v1", [("source", "v1")], True], ids=repr)
def test_normalize_webhook_removed_not_mapping(removed: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid removed map") as caught:
        normalize_webhook(v2_deal(), to="v1", removed=removed)
    assert caught.value.path == ("removed",)


def test_normalize_webhook_removed_wrong_direction() -> None:
    _, removed = normalize_webhook_lossless(v1_deal())
    with pytest.raises(ConversionError, match="cannot restore a conversion to v2"):
        normalize_webhook(v1_deal(), removed=removed)


@pytest.mark.parametrize("part", ["meta", "current", "previous"])
def test_normalize_webhook_removed_part_not_object(part: str) -> None:
    removed = {"source": "v1", part: [1]}
    with pytest.raises(ConversionError, match=r"^invalid removed map") as caught:
        normalize_webhook(v2_deal(), to="v1", removed=removed)
    assert caught.value.path == ("removed", part)


def test_normalize_webhook_removed_meta_key_not_string() -> None:
    removed = {"source": "v1", "meta": {1: "x"}}
    with pytest.raises(ConversionError, match=r"^invalid removed map") as caught:
        normalize_webhook(v2_deal(), to="v1", removed=removed)
    assert caught.value.path == ("removed", "meta")


# normalize_webhook: meta values


@pytest.mark.parametrize("action", [[], {}, ["added"], 1, None], ids=repr)
def test_normalize_webhook_v1_action_not_string(action: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid webhook action") as caught:
        normalize_webhook(v1_deal(action=action))
    assert caught.value.path == ("meta", "action")


@pytest.mark.parametrize("action", [[], {}, {"create": 1}, 1], ids=repr)
def test_normalize_webhook_v2_action_not_string(action: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid webhook action") as caught:
        normalize_webhook(v2_deal(action=action))
    assert caught.value.path == ("meta", "action")


@pytest.mark.parametrize("key", ["id", "company_id", "user_id", "webhook_id"])
def test_normalize_webhook_v1_huge_int_id(key: str) -> None:
    with pytest.raises(ConversionError, match=r"^invalid id") as caught:
        normalize_webhook(v1_deal(**{key: 10**HUGE_DIGITS}))
    assert caught.value.path == ("meta", key)
    assert len(str(caught.value)) < MAX_MESSAGE


def test_normalize_webhook_v1_huge_permitted_user_id() -> None:
    payload = v1_deal(permitted_user_ids=[1, 10**HUGE_DIGITS])
    with pytest.raises(ConversionError, match=r"^invalid id") as caught:
        normalize_webhook(payload)
    assert caught.value.path == ("meta", "permitted_user_ids", 1)


@pytest.mark.parametrize("to", ["v1", "v2"])
@pytest.mark.parametrize("key", ["entity_id", "user_id", "merged_from_id"])
def test_normalize_webhook_v2_huge_digit_string_id(key: str, to: str) -> None:
    with pytest.raises(ConversionError, match=r"^invalid id") as caught:
        normalize_webhook(v2_deal(**{key: "1" * HUGE_DIGITS}), to=to)  # type: ignore[arg-type]
    assert caught.value.path == ("meta", key)


def test_normalize_webhook_v2_uuid_id_kept() -> None:
    """Non-numeric ids, such as a lead's UUID, stay strings in v1."""
    lead_id = "adf21080-0e10-11eb-879b-05d71fb426ec"
    payload = v2_deal(entity="lead", entity_id=lead_id)
    assert quietly(normalize_webhook, payload, to="v1")["meta"]["id"] == lead_id


def test_normalize_webhook_v2_long_id_round_trip() -> None:
    """A numeric id of some hundred digits still converts both ways."""
    number = 10**400
    converted = normalize_webhook(v1_deal(id=number))
    assert normalize_webhook(converted, to="v1")["meta"]["id"] == number


@pytest.mark.parametrize(
    "timestamp", ["9" * HUGE_DIGITS, 10**HUGE_DIGITS], ids=["string", "int"]
)
def test_normalize_webhook_v2_huge_timestamp(timestamp: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid timestamp") as caught:
        normalize_webhook(v2_deal(timestamp=timestamp))
    assert caught.value.path == ("meta", "timestamp")
    assert len(str(caught.value)) < MAX_MESSAGE


def test_normalize_webhook_v1_huge_timestamp_string() -> None:
    with pytest.raises(ConversionError, match=r"^invalid timestamp") as caught:
        normalize_webhook(v1_deal(timestamp="9" * HUGE_DIGITS))
    assert caught.value.path == ("meta", "timestamp")


def test_normalize_webhook_v2_timestamp_before_year_one() -> None:
    payload = v2_deal(timestamp="0001-01-01T00:00:00+01:00")
    with pytest.raises(ConversionError, match=r"^invalid timestamp") as caught:
        normalize_webhook(payload, to="v1")
    assert caught.value.path == ("meta", "timestamp")


def test_normalize_webhook_huge_retry() -> None:
    payload = v1_deal()
    payload["retry"] = 10**HUGE_DIGITS
    with pytest.raises(ConversionError, match=r"^invalid retry"):
        normalize_webhook(payload)


def test_normalize_webhook_huge_attempt() -> None:
    with pytest.raises(ConversionError, match=r"^invalid attempt"):
        normalize_webhook(v2_deal(attempt=10**HUGE_DIGITS), to="v1")


@pytest.mark.parametrize("version", [True, 1.0, "1"], ids=repr)
def test_normalize_webhook_v1_version_not_int(version: Any) -> None:
    payload = v1_deal()
    payload["v"] = version
    with pytest.raises(ConversionError, match=r"^unsupported webhook version"):
        normalize_webhook(payload)


@pytest.mark.parametrize("make", [v1_deal, v2_deal])
def test_normalize_webhook_meta_key_not_string(make: Any) -> None:
    payload = make()
    payload["meta"][1] = "x"
    with pytest.raises(ConversionError, match=r"^invalid meta key") as caught:
        normalize_webhook(payload, to="v1" if make is v2_deal else "v2")
    assert caught.value.path == ("meta",)


# normalize_webhook: short messages


def test_normalize_webhook_event_mismatch_message_short() -> None:
    payload = v1_deal(object="x" * MEGABYTE)
    with pytest.raises(ConversionError, match=r"^event does not match") as caught:
        normalize_webhook(payload)
    assert len(str(caught.value)) < MAX_MESSAGE


def test_normalize_webhook_passthrough_warning_short() -> None:
    entity = "x" * MEGABYTE
    payload = v1_deal(object=entity)
    payload["event"] = f"added.{entity}"
    with pytest.warns(LossyConversionWarning) as caught:
        normalize_webhook(payload)
    assert len(str(caught[0].message)) < MAX_MESSAGE


def test_normalize_webhook_custom_field_type_message_short() -> None:
    payload = v2_deal()
    payload["data"]["custom_fields"] = {"a" * 40: {"type": "x" * MEGABYTE, "a": 1}}
    with pytest.raises(ConversionError, match=r"^unknown webhook v2") as caught:
        normalize_webhook(payload)
    assert len(str(caught.value)) < MAX_MESSAGE


# normalize_webhook: no shared containers


@pytest.mark.parametrize(
    "key", ["change_source", "host", "type", "is_bulk_update", "unknown_key"]
)
def test_normalize_webhook_v1_meta_value_copied(key: str) -> None:
    payload = v1_deal(**{key: ["app"]})
    assert shared(normalize_webhook(payload), payload) == []


def test_normalize_webhook_v1_removed_meta_copied() -> None:
    payload = v1_deal(timestamp_micro=[1], matches_filters={"current": [1]})
    assert shared(normalize_webhook_lossless(payload), payload) == []


@pytest.mark.parametrize("key", ["change_source", "host", "type", "unknown_key"])
def test_normalize_webhook_v2_meta_value_copied(key: str) -> None:
    payload = v2_deal(**{key: {"a": [1]}})
    assert shared(normalize_webhook_lossless(payload, to="v1"), payload) == []


def test_normalize_webhook_v2_extra_key_copied() -> None:
    payload = v2_deal()
    payload["extra"] = {"a": [1]}
    assert shared(normalize_webhook_lossless(payload), payload) == []


def test_normalize_webhook_removed_map_copied() -> None:
    _, removed = normalize_webhook_lossless(v1_deal())
    delivery = normalize_webhook(v1_deal())
    restored = normalize_webhook(delivery, to="v1", removed=removed)
    assert shared(restored, removed) == []


# Custom field codecs


def test_typed_field_to_rest_time_value_copied() -> None:
    typed = {"type": "time", "value": ["09:00"], "timezone_id": [318]}
    assert shared(typed_field_to_rest(typed), typed) == []


def test_typed_field_to_rest_unknown_type_value_copied() -> None:
    typed = {"type": "future", "value": {"a": [1]}}
    assert shared(typed_field_to_rest(typed), typed) == []


@pytest.mark.parametrize(
    "value",
    [
        {"value": ["09:00"], "timezone_id": [318]},
        {"value": 1, "currency": ["EUR"]},
        {"value": ["2025-01-01"], "until": ["2025-01-02"]},
    ],
    ids=["time", "monetary", "daterange"],
)
def test_rest_field_to_typed_value_copied(value: Any) -> None:
    field_type = {"timezone_id": "time", "currency": "monetary"}.get(
        next(iter(value.keys() - {"value"})), "daterange"
    )
    assert shared(rest_field_to_typed(value, field_type), value) == []


@pytest.mark.parametrize("field_type", [["enum"], {"type": "enum"}, 5], ids=repr)
def test_rest_field_to_typed_field_type_invalid(field_type: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid field type"):
        rest_field_to_typed(17, field_type)


def test_rest_field_to_typed_removed_not_mapping() -> None:
    with pytest.raises(ConversionError, match=r"^invalid removed map"):
        rest_field_to_typed(17, "enum", removed=[1])  # type: ignore[arg-type]


@pytest.mark.parametrize("custom_fields", [None, [], "x"], ids=repr)
def test_custom_fields_to_rest_not_mapping(custom_fields: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid custom_fields"):
        custom_fields_to_rest(custom_fields)


@pytest.mark.parametrize("custom_fields", [None, [], "x"], ids=repr)
def test_custom_fields_to_typed_not_mapping(custom_fields: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid custom_fields"):
        custom_fields_to_typed("deal", custom_fields)


def test_custom_fields_to_typed_removed_not_mapping() -> None:
    with pytest.raises(ConversionError, match=r"^invalid removed map"):
        custom_fields_to_typed("deal", {"a": 1.5}, removed=[1])  # type: ignore[arg-type]


def test_custom_fields_to_typed_fields_not_catalog() -> None:
    with pytest.raises(ConversionError, match=r"^invalid fields argument"):
        custom_fields_to_typed("deal", {"a": 1.5}, fields=5)  # type: ignore[arg-type]


# convert_webhook_subscription


@pytest.mark.parametrize("body", NOT_MAPPINGS, ids=repr)
def test_convert_webhook_subscription_body_not_mapping(body: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid subscription body"):
        convert_webhook_subscription(body)


@pytest.mark.parametrize("action", [[], {}, ["added"], 1, None], ids=repr)
def test_convert_webhook_subscription_action_not_string(action: Any) -> None:
    body = {"event_action": action, "event_object": "deal"}
    with pytest.raises(ConversionError, match=r"^invalid event_action"):
        convert_webhook_subscription(body)


@pytest.mark.parametrize("to", WRONG_TARGETS, ids=repr)
def test_convert_webhook_subscription_target_invalid(to: Any) -> None:
    body = {"event_action": "added", "event_object": "deal"}
    with pytest.raises(ConversionError, match=r"^invalid target version"):
        convert_webhook_subscription(body, to=to)


def test_convert_webhook_subscription_object_message_short() -> None:
    body = {"event_action": "create", "event_object": "x" * MEGABYTE}
    with pytest.raises(ConversionError, match=r"^webhook v1 has no events") as caught:
        convert_webhook_subscription(body, to="v1")
    assert len(str(caught.value)) < MAX_MESSAGE


def test_convert_webhook_subscription_value_copied() -> None:
    body = {"event_action": "added", "event_object": "deal", "extra": [1]}
    assert shared(convert_webhook_subscription(body), body) == []


# convert_envelope: arguments


@pytest.mark.parametrize("function", [convert_envelope, convert_envelope_lossless])
@pytest.mark.parametrize("payload", NOT_MAPPINGS, ids=repr)
def test_convert_envelope_payload_not_mapping(function: Any, payload: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid payload"):
        function("deal", payload)


@pytest.mark.parametrize("to", WRONG_TARGETS, ids=repr)
def test_convert_envelope_target_invalid(to: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid target version") as caught:
        convert_envelope("deal", v1_page(), to=to)
    assert len(str(caught.value)) < MAX_MESSAGE


@pytest.mark.parametrize("entity", [5, None, "deals", ["deal"]], ids=repr)
def test_convert_envelope_entity_unknown(entity: Any) -> None:
    """The entity is checked even when no record would need it."""
    with pytest.raises(ConversionError, match=r"^unknown entity"):
        convert_envelope(entity, {"success": True, "data": []})


def test_convert_envelope_fields_not_catalog() -> None:
    """The argument is checked even when no record would need it."""
    page = {"success": True, "data": []}
    with pytest.raises(ConversionError, match=r"^invalid fields argument"):
        convert_envelope("deal", page, fields=5)  # type: ignore[arg-type]


@pytest.mark.parametrize("cursor", [[1], 5, b"x", {"a": 1}], ids=repr)
def test_convert_envelope_next_cursor_not_string(cursor: Any) -> None:
    page = v1_page()
    page["additional_data"]["pagination"]["more_items_in_collection"] = True
    with pytest.raises(ConversionError, match=r"^invalid next_cursor argument"):
        convert_envelope("deal", page, next_cursor=cursor)


def test_convert_envelope_next_cursor_for_single_record() -> None:
    page = {"success": True, "data": {"id": 1}}
    with pytest.raises(ConversionError, match="list and search responses"):
        convert_envelope("deal", page, next_cursor=CURSOR)


def test_convert_envelope_next_cursor_for_v2_input() -> None:
    page = {"success": True, "data": [], "additional_data": {"next_cursor": None}}
    with pytest.raises(ConversionError, match=r"v1 -> v2"):
        convert_envelope("deal", page, to="v1", next_cursor=CURSOR)


@pytest.mark.parametrize("cursor", [[1], 5, {"a": [1]}], ids=repr)
def test_convert_envelope_own_cursor_not_string(cursor: Any) -> None:
    page = {"success": True, "data": [], "additional_data": {"next_cursor": cursor}}
    with pytest.raises(ConversionError, match=r"^invalid next_cursor") as caught:
        convert_envelope("deal", page)
    assert caught.value.path == ("additional_data", "next_cursor")


def test_convert_envelope_cursor_disagreement_message_short() -> None:
    page = {"success": True, "data": [], "additional_data": {"next_cursor": CURSOR}}
    with pytest.raises(ConversionError, match=r"^next_cursor disagrees") as caught:
        convert_envelope("deal", page, next_cursor="c" * MEGABYTE)
    assert len(str(caught.value)) < MAX_MESSAGE


@pytest.mark.parametrize("removed", [5, "v2", [("source", "v2")]], ids=repr)
def test_convert_envelope_removed_not_mapping(removed: Any) -> None:
    page = {"success": True, "data": [], "additional_data": {"next_cursor": None}}
    with pytest.raises(ConversionError, match=r"^invalid removed map") as caught:
        convert_envelope("deal", page, to="v1", removed=removed)
    assert caught.value.path == ("removed",)


def test_convert_envelope_removed_wrong_direction() -> None:
    _, removed = convert_envelope_lossless("deal", v1_page())
    with pytest.raises(ConversionError, match="does not come from a conversion"):
        convert_envelope("deal", v1_page(), removed=removed)


@pytest.mark.parametrize("absent", ["additional_data", [1], {"a": 1}], ids=repr)
def test_convert_envelope_removed_absent_not_list(absent: Any) -> None:
    page = {"success": True, "data": [], "additional_data": {"next_cursor": None}}
    removed = {"source": "v1", "__absent__": absent}
    with pytest.raises(ConversionError, match=r"^invalid removed map") as caught:
        convert_envelope("deal", page, to="v1", removed=removed)
    assert caught.value.path == ("removed", "__absent__")


# convert_envelope: round trips and copies


@pytest.mark.parametrize(
    "data",
    [[{"id": 1}], {"items": [{"result_score": 1.0, "item": {"id": 1}}]}],
    ids=["list", "search"],
)
def test_convert_envelope_lossless_no_additional_data(data: Any) -> None:
    """A v1 response without additional_data gets none on the way back."""
    page = {"success": True, "data": data}
    envelope, removed = convert_envelope_lossless("deal", page)
    assert convert_envelope("deal", envelope, to="v1", removed=removed) == page


def test_convert_envelope_lossless_absent_keeps_new_cursor() -> None:
    """A cursor that the v2 side gained later is not dropped on the way back."""
    page = {"success": True, "data": [{"id": 1}]}
    envelope, removed = convert_envelope_lossless("deal", page)
    envelope["additional_data"]["next_cursor"] = CURSOR
    back = convert_envelope("deal", envelope, to="v1", removed=removed)
    assert back["additional_data"]["next_cursor"] == CURSOR


def test_convert_envelope_lossless_null_additional_data() -> None:
    page = {"success": True, "data": [{"id": 1}], "additional_data": None}
    envelope, removed = convert_envelope_lossless("deal", page)
    assert convert_envelope("deal", envelope, to="v1", removed=removed) == page


def test_convert_envelope_restored_parts_copied() -> None:
    page = v1_page(summary={"total": [1]})
    page["related_objects"] = {"user": {"1": {"id": 1}}}
    envelope, removed = convert_envelope_lossless("deal", page)
    back = convert_envelope("deal", envelope, to="v1", removed=removed)
    assert shared(back, removed) == []


def test_convert_envelope_v2_extra_additional_data_copied() -> None:
    page = {
        "success": True,
        "data": [],
        "additional_data": {"next_cursor": None, "extra": [1]},
    }
    assert shared(convert_envelope("deal", page, to="v1"), page) == []


# Command line


def test_cli_webhook_list_action(tmp_path: Path, capsys: Any) -> None:
    from pipedrive_shapes.cli import main

    source = tmp_path / "delivery.json"
    source.write_text(json.dumps(v1_deal(action=[])), encoding="utf-8")
    assert main(["webhook", "--to", "v2", str(source)]) == 1
    assert "invalid webhook action" in capsys.readouterr().err


def test_v1_delivery_unknown_top_level_key_round_trips() -> None:
    """A top-level key no v1 delivery documents goes to the removed map and back."""
    path = Path(__file__).parent / "fixtures" / "webhooks" / "v1_added_deal.json"
    delivery = json.loads(path.read_text())
    delivery["x_extra"] = {"a": [1]}
    v2, removed = normalize_webhook_lossless(delivery)
    assert removed["unknown_keys"] == {"x_extra": {"a": [1]}}
    assert same_json(normalize_webhook(v2, to="v1", removed=removed), delivery)
