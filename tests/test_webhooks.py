"""Webhook deliveries: webhook v1 <-> webhook v2 with REST v2 entity shapes."""

from __future__ import annotations

import argparse
import copy
import json
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipedrive_shapes import ConversionError, FieldCatalog, LossyConversionWarning
from pipedrive_shapes._webhooks import (
    WEBHOOK_FIELD_TYPES,
    changed_fields,
    convert_webhook_subscription,
    custom_fields_to_rest,
    custom_fields_to_typed,
    detect_webhook_version,
    normalize_webhook,
    normalize_webhook_lossless,
    rest_field_to_typed,
    typed_field_to_rest,
)
from pipedrive_shapes._webhooks_cli import register_webhook_command

FIXTURES = Path(__file__).parent / "fixtures" / "webhooks"
CATALOG = FieldCatalog.from_file(FIXTURES / "deal_fields.v1.json")

MONEY = "25fb100c9171e1fbe8756437559309589e1177af"
TIER = "c1fe67567a4c5dd28f4d7762c06affb142ea91f7"
REGIONS = "c6722d2754e6324e5d51933529cf3960e0a4cea6"
WEBSITE = "4ccdf51ea4923a9e1533bdc8da4cb2461e2016d6"

V1_FIXTURES = sorted(path.name for path in FIXTURES.glob("v1_*.json"))
V2_FIXTURES = sorted(path.name for path in FIXTURES.glob("v2_*.json"))
PASSTHROUGH = {"user", "note", "lead"}


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def quietly(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``function`` with LossyConversionWarning silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossyConversionWarning)
        return function(*args, **kwargs)


def every_type_keys() -> dict[str, str]:
    """Map field type -> key in the every-custom-field-type fixture."""
    data = load("v2_change_deal_every_custom_field_type.json")["data"]
    return {value["type"]: key for key, value in data["custom_fields"].items()}


# Format detection


@pytest.mark.parametrize("name", V1_FIXTURES)
def test_detect_version_v1_fixtures(name: str) -> None:
    assert detect_webhook_version(load(name)) == "v1"


@pytest.mark.parametrize("name", V2_FIXTURES)
def test_detect_version_v2_fixtures(name: str) -> None:
    assert detect_webhook_version(load(name)) == "v2"


def test_detect_version_mixed_keys_raise() -> None:
    delivery = load("v1_added_deal.json")
    delivery["data"] = delivery["current"]
    with pytest.raises(ConversionError, match="mixes webhook v1 and v2") as caught:
        normalize_webhook(delivery)
    assert caught.value.path == ()


def test_detect_version_unknown_body_raises() -> None:
    with pytest.raises(ConversionError, match="not a webhook delivery"):
        normalize_webhook({"id": 1})


def test_normalize_non_mapping_raises_conversion_error() -> None:
    with pytest.raises(ConversionError, match="invalid payload"):
        normalize_webhook([load("v1_added_deal.json")])  # type: ignore[arg-type]


def test_normalize_invalid_target_raises_value_error() -> None:
    with pytest.raises(ValueError, match="invalid target"):
        normalize_webhook(load("v1_added_deal.json"), to="v3")  # type: ignore[arg-type]


# v1 -> v2: meta


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("v1_added_deal.json", "create"),
        ("v1_updated_deal.json", "change"),
        ("v1_deleted_deal.json", "delete"),
        ("v1_merged_deal.json", "change"),
        ("v1_added_person.json", "create"),
        ("v1_updated_person.json", "change"),
        ("v1_deleted_person.json", "delete"),
        ("v1_merged_person.json", "change"),
    ],
)
def test_v1_meta_action_renamed(name: str, action: str) -> None:
    assert normalize_webhook(load(name))["meta"]["action"] == action


def test_v1_meta_renamed_keys() -> None:
    meta = normalize_webhook(load("v1_updated_deal.json"))["meta"]
    assert meta["entity"] == "deal"
    assert meta["entity_id"] == "501"
    assert meta["is_bulk_edit"] is False
    assert meta["version"] == "2.0"
    assert "object" not in meta
    assert "is_bulk_update" not in meta
    assert "v" not in meta


def test_v1_meta_ids_become_strings() -> None:
    meta = normalize_webhook(load("v1_updated_deal.json"))["meta"]
    assert meta["company_id"] == "9000001"
    assert meta["user_id"] == "4000002"
    assert meta["webhook_id"] == "700001"
    assert meta["permitted_user_ids"] == ["4000001", "4000002"]


def test_v1_meta_string_ids_accepted() -> None:
    delivery = load("v1_added_deal.json")
    delivery["meta"].update(id="501", company_id="9000001", permitted_user_ids=["7"])
    meta = normalize_webhook(delivery)["meta"]
    assert meta["entity_id"] == "501"
    assert meta["company_id"] == "9000001"
    assert meta["permitted_user_ids"] == ["7"]


@pytest.mark.parametrize(("retry", "attempt"), [(0, 1), (1, 2), (2, 3), (3, 4)])
def test_v1_retry_becomes_attempt(retry: int, attempt: int) -> None:
    delivery = load("v1_updated_deal.json")
    delivery["retry"] = retry
    assert normalize_webhook(delivery)["meta"]["attempt"] == attempt


def test_v1_timestamp_becomes_rfc3339() -> None:
    meta = normalize_webhook(load("v1_added_deal.json"))["meta"]
    assert meta["timestamp"] == "2025-01-01T10:00:00Z"


def test_v1_meta_leaves_out_event_ids() -> None:
    meta = normalize_webhook(load("v1_added_deal.json"))["meta"]
    assert "id" not in meta
    assert "correlation_id" not in meta
    assert "webhook_owner_id" not in meta
    assert "type" not in meta


def test_v1_meta_removed_keys_reported() -> None:
    _, removed = normalize_webhook_lossless(load("v1_added_deal.json"))
    assert removed["source"] == "v1"
    assert removed["meta"] == {
        "timestamp_micro": 1735725600123456,
        "trans_pending": False,
        "pipedrive_service_name": False,
        "matches_filters": {"current": []},
        "prepublish_timestamp": 1735725600140,
    }
    assert removed["matches_filters"] == {"current": []}


def test_v1_merged_has_no_merged_from_id() -> None:
    delivery, removed = normalize_webhook_lossless(load("v1_merged_deal.json"))
    assert "merged_from_id" not in delivery["meta"]
    assert removed["meta"]["action"] == "merged"


def test_v1_unknown_meta_key_passes_through() -> None:
    delivery = load("v1_added_deal.json")
    delivery["meta"]["type"] = "general"
    delivery["meta"]["future_key"] = 1
    meta = normalize_webhook(delivery)["meta"]
    assert meta["type"] == "general"
    assert meta["future_key"] == 1


# v1 -> v2: data and previous


def test_v1_updated_deal_previous_lists_changes() -> None:
    delivery = normalize_webhook(load("v1_updated_deal.json"), fields=CATALOG)
    assert delivery["previous"] == {
        "stage_id": 1,
        "update_time": "2025-01-01T10:00:00Z",
        "stage_change_time": None,
    }


def test_v1_updated_deal_data_is_rest_v2() -> None:
    data = normalize_webhook(load("v1_updated_deal.json"), fields=CATALOG)["data"]
    assert data["owner_id"] == 4000001
    assert data["visible_to"] == 3
    assert data["label_ids"] == []
    assert data["update_time"] == "2025-01-02T10:00:00Z"
    assert "user_id" not in data
    assert "owner_name" not in data


def test_v1_custom_fields_with_catalog() -> None:
    custom = normalize_webhook(load("v1_added_deal.json"), fields=CATALOG)["data"][
        "custom_fields"
    ]
    assert custom[MONEY] == {"value": 5000, "currency": "EUR"}
    assert custom[TIER] == 17
    assert custom[REGIONS] == [13, 14]


def test_v1_and_v2_create_agree() -> None:
    from_v1 = normalize_webhook(load("v1_added_deal.json"), fields=CATALOG)["data"]
    from_v2 = normalize_webhook(load("v2_create_deal.json"))["data"]
    for key in ("id", "title", "owner_id", "visible_to", "label_ids", "custom_fields"):
        assert from_v1[key] == from_v2[key], key


def test_v1_changed_custom_field_nested() -> None:
    delivery = load("v1_updated_deal.json")
    delivery["current"][WEBSITE] = "https://example.com"
    delivery["previous"][WEBSITE] = None
    previous = normalize_webhook(delivery, fields=CATALOG)["previous"]
    assert previous["custom_fields"] == {WEBSITE: None}


def test_v1_added_previous_is_null() -> None:
    assert normalize_webhook(load("v1_added_deal.json"))["previous"] is None


def test_v1_deleted_data_is_null() -> None:
    delivery = normalize_webhook(load("v1_deleted_deal.json"), fields=CATALOG)
    assert delivery["data"] is None
    assert delivery["previous"]["id"] == 501
    assert delivery["previous"]["visible_to"] == 3


def test_v1_updated_person_previous() -> None:
    previous = normalize_webhook(load("v1_updated_person.json"))["previous"]
    assert previous == {
        "job_title": None,
        "label_ids": [],
        "update_time": "2025-01-01T09:55:00Z",
    }


def test_v1_removed_fields_reported() -> None:
    _, removed = normalize_webhook_lossless(load("v1_updated_deal.json"))
    assert removed["current"]["owner_name"] == "Sam Sample"
    assert removed["current"]["stage_order_nr"] == 1
    assert removed["previous"]["stage_order_nr"] == 0


def test_v1_user_event_unwrapped() -> None:
    with pytest.warns(LossyConversionWarning, match="'user'"):
        delivery = normalize_webhook(load("v1_updated_user.json"))
    assert delivery["data"]["id"] == 4000002
    assert delivery["previous"] == {
        "locale": "en_US",
        "modified": "2025-01-01 08:00:00",
    }


def test_v1_user_event_several_users_raise() -> None:
    delivery = load("v1_updated_user.json")
    delivery["current"].append(delivery["current"][0])
    with pytest.raises(ConversionError, match="more than one user") as caught:
        quietly(normalize_webhook, delivery)
    assert caught.value.path == ("current",)


def test_v1_event_mismatch_raises() -> None:
    delivery = load("v1_added_deal.json")
    delivery["event"] = "updated.deal"
    with pytest.raises(ConversionError, match="event does not match") as caught:
        normalize_webhook(delivery)
    assert caught.value.path == ("event",)


def test_v1_invalid_action_raises() -> None:
    delivery = load("v1_added_deal.json")
    delivery["meta"]["action"] = "create"
    with pytest.raises(ConversionError, match="invalid webhook action") as caught:
        normalize_webhook(delivery)
    assert caught.value.path == ("meta", "action")


def test_v1_negative_retry_raises() -> None:
    delivery = load("v1_added_deal.json")
    delivery["retry"] = -1
    with pytest.raises(ConversionError, match="invalid retry"):
        normalize_webhook(delivery)


def test_v1_invalid_timestamp_raises() -> None:
    delivery = load("v1_added_deal.json")
    delivery["meta"]["timestamp"] = "yesterday"
    with pytest.raises(ConversionError, match="invalid timestamp") as caught:
        normalize_webhook(delivery)
    assert caught.value.path == ("meta", "timestamp")


def test_v1_entity_error_path_starts_with_part() -> None:
    delivery = load("v1_added_deal.json")
    delivery["current"]["add_time"] = "not a time"
    with pytest.raises(ConversionError) as caught:
        normalize_webhook(delivery)
    assert caught.value.path == ("current", "add_time")


def test_v1_activity_type_warns() -> None:
    delivery = {
        "v": 1,
        "meta": {"action": "added", "object": "activityType", "id": 5},
        "current": {"id": 5, "name": "Demo"},
        "previous": None,
        "event": "added.activityType",
    }
    with pytest.warns(LossyConversionWarning, match="no activityType events"):
        result = normalize_webhook(delivery)
    assert result["data"] == {"id": 5, "name": "Demo"}


def test_changed_fields_only_differences() -> None:
    data = {"a": 1, "b": 2, "custom_fields": {"x": 1, "y": 2}}
    previous = {"a": 1, "b": 3, "custom_fields": {"x": 1, "y": None}}
    assert changed_fields(data, previous) == {"b": 3, "custom_fields": {"y": None}}


def test_changed_fields_new_key_counts_as_null() -> None:
    assert changed_fields({"a": 1, "b": 2}, {"a": 1}) == {"b": None}


# Webhook v2 -> REST v2


def test_v2_every_custom_field_type() -> None:
    keys = every_type_keys()
    custom = normalize_webhook(load("v2_change_deal_every_custom_field_type.json"))[
        "data"
    ]["custom_fields"]
    expected = {
        "varchar": "Priority customer",
        "text": "Signed after the January workshop.",
        "varchar_auto": "Referral",
        "double": 42.5,
        "monetary": {"value": 200, "currency": "EUR"},
        "people": 301,
        "org": 201,
        "user": 4000002,
        "phone": "+1 555 0199",
        "time": {"value": "09:30:00", "timezone_id": 318, "timezone_name": None},
        "timerange": {
            "value": "09:00:00",
            "until": "11:15:00",
            "timezone_id": 318,
            "timezone_name": None,
        },
        "date": "2025-02-14",
        "daterange": {"value": "2025-02-01", "until": "2025-02-28"},
        "address": {
            "value": "1 Example Street, Springfield",
            "street_number": "1",
            "route": "Example Street",
            "sublocality": "",
            "locality": "Springfield",
            "admin_area_level_1": "Example County",
            "admin_area_level_2": "",
            "country": "Exampleland",
            "postal_code": "12345",
            "formatted_address": "1 Example St, Springfield 12345, Exampleland",
        },
        "enum": 17,
        "set": [13, 14],
    }
    assert set(keys) == WEBHOOK_FIELD_TYPES
    for field_type, value in expected.items():
        assert custom[keys[field_type]] == value, field_type


def test_v2_previous_custom_fields_converted() -> None:
    keys = every_type_keys()
    previous = normalize_webhook(load("v2_change_deal_every_custom_field_type.json"))[
        "previous"
    ]
    assert previous["custom_fields"] == {
        keys["double"]: 40,
        keys["set"]: [13],
        keys["time"]: None,
    }


def test_v2_address_subpremise_reported() -> None:
    keys = every_type_keys()
    _, removed = normalize_webhook_lossless(
        load("v2_change_deal_every_custom_field_type.json")
    )
    assert removed["data"]["custom_fields"] == {keys["address"]: {"subpremise": ""}}


def test_v2_meta_kept() -> None:
    original = load("v2_change_deal.json")
    assert normalize_webhook(original)["meta"] == original["meta"]


def test_v2_numeric_meta_ids_become_strings() -> None:
    delivery = load("v2_create_deal.json")
    delivery["meta"].update(entity_id=501, company_id=9000001, webhook_id=700002)
    meta = normalize_webhook(delivery)["meta"]
    assert meta["entity_id"] == "501"
    assert meta["company_id"] == "9000001"
    assert meta["webhook_id"] == "700002"


def test_v2_unix_timestamp_becomes_rfc3339() -> None:
    with pytest.warns(LossyConversionWarning):
        meta = normalize_webhook(load("v2_change_user.json"))["meta"]
    assert meta["timestamp"] == "2025-01-06T08:00:00Z"


def test_v2_deal_visible_to_becomes_int() -> None:
    assert normalize_webhook(load("v2_create_deal.json"))["data"]["visible_to"] == 3


def test_v2_person_label_becomes_label_ids() -> None:
    data = normalize_webhook(load("v2_change_person.json"))["data"]
    assert data["label_ids"] == []
    assert "label" not in data


def test_v2_organization_quirks() -> None:
    delivery, removed = normalize_webhook_lossless(load("v2_create_organization.json"))
    assert delivery["data"]["label_ids"] == [7]
    assert "country_code" not in delivery["data"]
    assert removed["data"] == {"country_code": None}


def test_v2_product_selectable_renamed() -> None:
    data = normalize_webhook(load("v2_create_product.json"))["data"]
    assert data["is_linkable"] is True
    assert "selectable" not in data


def test_v2_activity_quirks() -> None:
    delivery, removed = normalize_webhook_lossless(load("v2_change_activity.json"))
    data = delivery["data"]
    assert data["busy"] is True
    assert data["is_deleted"] is False
    assert data["due_time"] == "09:30"
    assert data["duration"] == "00:30"
    assert "update_user_id" not in data
    assert removed["data"]["due_time"] == {"timezone_id": 318}
    assert removed["data"]["update_user_id"] == 4000002


def test_v2_activity_previous_quirks() -> None:
    previous = normalize_webhook(load("v2_change_activity.json"))["previous"]
    assert previous == {
        "subject": "Intro call",
        "busy": False,
        "due_time": "09:00",
        "update_time": "2025-01-02T09:00:00Z",
    }


def test_v2_pipeline_v1_names_renamed() -> None:
    delivery, removed = normalize_webhook_lossless(load("v2_change_pipeline.json"))
    assert delivery["data"]["is_deal_probability_enabled"] is False
    assert delivery["data"]["is_deleted"] is False
    assert delivery["previous"]["is_deal_probability_enabled"] is True
    assert removed["data"] == {"url_title": "Renewals"}


def test_v2_stage_v1_names_renamed() -> None:
    delivery = normalize_webhook(load("v2_change_stage.json"))
    assert delivery["data"]["is_deal_rot_enabled"] is True
    assert delivery["data"]["days_to_rotten"] == 14
    assert delivery["previous"]["is_deal_rot_enabled"] is False
    assert delivery["previous"]["days_to_rotten"] is None


@pytest.mark.parametrize(
    "name", ["v2_create_note.json", "v2_create_lead.json", "v2_change_user.json"]
)
def test_v2_passthrough_entities_warn(name: str) -> None:
    with pytest.warns(LossyConversionWarning, match="no entity rules exist"):
        normalize_webhook(load(name))


def test_v2_lead_custom_fields_converted() -> None:
    delivery = quietly(normalize_webhook, load("v2_create_lead.json"))
    assert list(delivery["data"]["custom_fields"].values()) == ["Inbound"]


@pytest.mark.parametrize("name", V2_FIXTURES)
def test_v2_normalize_twice_same(name: str) -> None:
    once = quietly(normalize_webhook, load(name))
    assert quietly(normalize_webhook, once) == once


def test_v2_invalid_action_raises() -> None:
    delivery = load("v2_create_deal.json")
    delivery["meta"]["action"] = "added"
    with pytest.raises(ConversionError, match="invalid webhook action"):
        normalize_webhook(delivery)


def test_v2_invalid_attempt_raises() -> None:
    delivery = load("v2_create_deal.json")
    delivery["meta"]["attempt"] = 0
    with pytest.raises(ConversionError, match="invalid attempt"):
        normalize_webhook(delivery)


def test_v2_extra_top_level_key_reported() -> None:
    delivery = load("v2_create_deal.json")
    delivery["extra"] = {"a": 1}
    result, removed = normalize_webhook_lossless(delivery)
    assert "extra" not in result
    assert removed["extra"] == {"a": 1}


# Webhook v2 -> v1


def test_v2_create_to_v1_envelope() -> None:
    delivery = normalize_webhook(load("v2_create_deal.json"), to="v1", fields=CATALOG)
    assert delivery["v"] == 1
    assert delivery["event"] == "added.deal"
    assert delivery["retry"] == 0
    assert delivery["previous"] is None
    assert delivery["meta"]["object"] == "deal"
    assert delivery["meta"]["id"] == 501
    assert delivery["meta"]["company_id"] == 9000001
    assert delivery["meta"]["permitted_user_ids"] == [4000001, 4000002]
    assert delivery["meta"]["timestamp"] == 1735725600


def test_v2_to_v1_custom_fields_flat() -> None:
    current = normalize_webhook(load("v2_create_deal.json"), to="v1", fields=CATALOG)[
        "current"
    ]
    assert current[MONEY] == 5000
    assert current[f"{MONEY}_currency"] == "EUR"
    assert current[TIER] == "17"
    assert current[REGIONS] == "13,14"


def test_v2_to_v1_previous_rebuilt() -> None:
    delivery = normalize_webhook(load("v2_change_deal.json"), to="v1", fields=CATALOG)
    assert delivery["previous"]["stage_id"] == 1
    assert delivery["previous"]["title"] == delivery["current"]["title"]
    assert delivery["previous"][WEBSITE] is None
    assert delivery["current"][WEBSITE] == "https://example.com/example-ltd"


def test_v2_merge_change_becomes_merged() -> None:
    delivery, removed = normalize_webhook_lossless(
        load("v2_change_deal_merged.json"), to="v1", fields=CATALOG
    )
    assert delivery["meta"]["action"] == "merged"
    assert delivery["event"] == "merged.deal"
    assert removed["meta"]["merged_from_id"] == "502"


def test_v2_merge_delete_stays_deleted() -> None:
    delivery, removed = normalize_webhook_lossless(
        load("v2_delete_deal_merged.json"), to="v1", fields=CATALOG
    )
    assert delivery["meta"]["action"] == "deleted"
    assert delivery["current"] is None
    assert removed["meta"]["merged_to_id"] == "501"


def test_v2_to_v1_event_ids_reported() -> None:
    original = load("v2_create_deal.json")
    _, removed = normalize_webhook_lossless(original, to="v1", fields=CATALOG)
    assert removed["meta"]["id"] == original["meta"]["id"]
    assert removed["meta"]["correlation_id"] == original["meta"]["correlation_id"]
    assert removed["meta"]["webhook_owner_id"] == "4000001"
    assert removed["meta"]["timestamp"] == "2025-01-01T10:00:00.412Z"


def test_v2_to_v1_pipeline_url_title_restored() -> None:
    current = normalize_webhook(load("v2_change_pipeline.json"), to="v1")["current"]
    assert current["url_title"] == "Renewals"
    assert current["active"] is True
    assert current["deal_probability"] is False


def test_v2_to_v1_user_wrapped_in_list() -> None:
    with pytest.warns(LossyConversionWarning):
        delivery = normalize_webhook(load("v2_change_user.json"), to="v1")
    assert delivery["current"][0]["id"] == "4000002"
    assert delivery["previous"][0]["locale"] == "en_US"
    assert delivery["meta"]["timestamp"] == 1736150400


def test_v1_to_v1_copies_input() -> None:
    original = load("v1_added_deal.json")
    assert normalize_webhook(original, to="v1") == original


# Lossless round trips


@pytest.mark.parametrize("name", V1_FIXTURES)
def test_v1_lossless_round_trip(name: str) -> None:
    original = load(name)
    delivery, removed = quietly(normalize_webhook_lossless, original, fields=CATALOG)
    back = quietly(
        normalize_webhook, delivery, to="v1", fields=CATALOG, removed=removed
    )
    assert back == original


@pytest.mark.parametrize("name", V2_FIXTURES)
def test_v2_lossless_round_trip_meta(name: str) -> None:
    normalized = quietly(normalize_webhook, load(name), fields=CATALOG)
    v1, removed = quietly(
        normalize_webhook_lossless, normalized, to="v1", fields=CATALOG
    )
    again = quietly(normalize_webhook, v1, fields=CATALOG, removed=removed)
    assert again["meta"] == normalized["meta"]


@pytest.mark.parametrize("name", V1_FIXTURES + V2_FIXTURES)
def test_plain_and_lossless_agree(name: str) -> None:
    plain = quietly(normalize_webhook, load(name), fields=CATALOG)
    assert plain == quietly(normalize_webhook_lossless, load(name), fields=CATALOG)[0]


def test_removed_from_wrong_direction_raises() -> None:
    _, removed = normalize_webhook_lossless(load("v1_added_deal.json"))
    with pytest.raises(ValueError, match="cannot restore a conversion to v2"):
        normalize_webhook(load("v1_added_deal.json"), removed=removed)


# Custom field codecs


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ({"type": "varchar", "value": "a"}, "a"),
        ({"type": "double", "value": 123}, 123),
        ({"type": "people", "id": 17}, 17),
        ({"type": "enum", "id": 17}, 17),
        ({"type": "set", "values": [{"id": 13}, {"id": 14}]}, [13, 14]),
        ({"type": "set", "values": []}, None),
        ({"type": "time", "value": "00:45:00"}, "00:45:00"),
        (
            {"type": "daterange", "from": "2023-06-06", "until": "2023-06-14"},
            {"value": "2023-06-06", "until": "2023-06-14"},
        ),
        ({"type": "monetary", "value": None, "currency": None}, None),
        (None, None),
    ],
)
def test_typed_field_to_rest_values(typed: Any, value: Any) -> None:
    assert typed_field_to_rest(typed) == (value, {})


def test_typed_field_option_label_kept_aside() -> None:
    typed = {"type": "set", "values": [{"id": 13, "label": "North"}]}
    value, removed = typed_field_to_rest(typed)
    assert value == [13]
    assert removed == {"values": [{"id": 13, "label": "North"}]}


def test_typed_field_unknown_type_value_pair() -> None:
    assert typed_field_to_rest({"type": "int", "value": 5}) == (5, {})


def test_typed_field_unknown_type_shape_raises() -> None:
    with pytest.raises(ConversionError, match="unknown webhook v2 custom field type"):
        typed_field_to_rest({"type": "mystery", "a": 1, "b": 2})


def test_typed_field_without_type_raises() -> None:
    with pytest.raises(
        ConversionError, match="invalid webhook v2 custom field"
    ) as caught:
        typed_field_to_rest({"value": 1}, path=("custom_fields", "abc"))
    assert caught.value.path == ("custom_fields", "abc")


def test_typed_field_invalid_enum_id_raises() -> None:
    with pytest.raises(ConversionError) as caught:
        typed_field_to_rest({"type": "enum", "id": "gold"}, path=("k",))
    assert caught.value.path == ("k", "id")


@pytest.mark.parametrize(
    ("value", "field_type"),
    [
        ({"value": 200, "currency": "EUR"}, "monetary"),
        ([13, 14], "set"),
        (42.5, "double"),
        ({"value": "2025-01-01", "until": "2025-01-31"}, "daterange"),
        ({"value": "09:00:00", "until": "10:00:00"}, "timerange"),
        (
            {"value": "09:00:00", "timezone_id": 318, "timezone_name": "Europe/London"},
            "time",
        ),
        ({"value": "1 Example Street", "locality": "Springfield"}, "address"),
    ],
)
def test_rest_field_type_inferred(value: Any, field_type: str) -> None:
    typed = rest_field_to_typed(value, None)
    assert typed is not None
    assert typed["type"] == field_type


@pytest.mark.parametrize("value", [17, "text", "2025-01-01", {"value": "x"}])
def test_rest_field_ambiguous_raises(value: Any) -> None:
    with pytest.raises(ConversionError, match="ambiguous") as caught:
        rest_field_to_typed(value, None, path=("custom_fields", "k"))
    assert "fields=" in str(caught.value)
    assert caught.value.path == ("custom_fields", "k")


def test_rest_field_time_drops_timezone_name() -> None:
    value = {"value": "09:00:00", "timezone_id": 318, "timezone_name": "Europe/London"}
    assert rest_field_to_typed(value, "time") == {
        "type": "time",
        "value": "09:00:00",
        "timezone_id": 318,
    }


def test_rest_field_wrong_shape_raises() -> None:
    with pytest.raises(ConversionError, match="invalid webhook v2 custom field value"):
        rest_field_to_typed(5, "monetary")


def test_custom_fields_to_typed_uses_catalog() -> None:
    typed = custom_fields_to_typed(
        "deal", {TIER: 17, REGIONS: [13], MONEY: None}, fields=CATALOG
    )
    assert typed == {
        TIER: {"type": "enum", "id": 17},
        REGIONS: {"type": "set", "values": [{"id": 13}]},
        MONEY: None,
    }


def test_custom_fields_to_typed_without_catalog_raises() -> None:
    with pytest.raises(ConversionError, match="pass fields="):
        custom_fields_to_typed("deal", {TIER: 17})


def test_custom_fields_to_typed_unknown_entity_infers() -> None:
    typed = custom_fields_to_typed("lead", {"k": [1]}, fields=CATALOG)
    assert typed == {"k": {"type": "set", "values": [{"id": 1}]}}


def test_custom_fields_round_trip_fixture() -> None:
    original = load("v2_change_deal_every_custom_field_type.json")["data"][
        "custom_fields"
    ]
    values, removed = custom_fields_to_rest(original)
    assert (
        custom_fields_to_typed("deal", values, fields=CATALOG, removed=removed)
        == original
    )


# Properties

TEXT = st.text(max_size=20)
IDS = st.integers(min_value=1, max_value=2**40)
DATES = st.dates().map(lambda day: day.isoformat())
TIMES = st.times().map(lambda moment: moment.strftime("%H:%M:%S"))
ZONES = st.one_of(st.none(), st.integers(min_value=1, max_value=500))
NUMBERS = st.one_of(
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
)


def _with_zone(
    strategy: st.SearchStrategy[dict[str, Any]],
) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        strategy,
        st.builds(lambda obj, zone: {**obj, "timezone_id": zone}, strategy, ZONES),
    )


ADDRESS_PARTS = (
    "formatted_address",
    "route",
    "street_number",
    "sublocality",
    "locality",
    "admin_area_level_1",
    "admin_area_level_2",
    "country",
    "postal_code",
)
TYPED_FIELDS = st.one_of(
    st.builds(
        lambda kind, text: {"type": kind, "value": text},
        st.sampled_from(["varchar", "text", "varchar_auto", "phone"]),
        TEXT,
    ),
    st.builds(lambda day: {"type": "date", "value": day}, DATES),
    st.builds(lambda number: {"type": "double", "value": number}, NUMBERS),
    st.builds(
        lambda number, currency: {
            "type": "monetary",
            "value": number,
            "currency": currency,
        },
        NUMBERS,
        st.sampled_from(["EUR", "USD", None]),
    ),
    st.builds(
        lambda kind, ident: {"type": kind, "id": ident},
        st.sampled_from(["people", "org", "user", "enum"]),
        IDS,
    ),
    _with_zone(st.builds(lambda clock: {"type": "time", "value": clock}, TIMES)),
    _with_zone(
        st.builds(
            lambda start, end: {"type": "timerange", "from": start, "until": end},
            TIMES,
            TIMES,
        )
    ),
    st.builds(
        lambda start, end: {"type": "daterange", "from": start, "until": end},
        DATES,
        DATES,
    ),
    st.builds(
        lambda text, parts, subpremise: {
            "type": "address",
            "value": text,
            **parts,
            **({} if subpremise is False else {"subpremise": subpremise}),
        },
        TEXT,
        st.fixed_dictionaries(
            {name: st.one_of(st.none(), TEXT) for name in ADDRESS_PARTS}
        ),
        st.one_of(st.just(False), st.none(), TEXT),
    ),
    st.builds(
        lambda ids: {"type": "set", "values": [{"id": ident} for ident in ids]},
        st.lists(IDS, min_size=1, max_size=5),
    ),
)


@given(TYPED_FIELDS)
def test_typed_field_round_trip_property(typed: dict[str, Any]) -> None:
    """A typed custom field object survives typed -> REST v2 -> typed unchanged."""
    value, removed = typed_field_to_rest(typed)
    assert rest_field_to_typed(value, typed["type"], removed=removed) == typed


V1_TIMESTAMPS = st.datetimes(
    min_value=datetime(2015, 1, 1),
    max_value=datetime(2035, 1, 1),
).map(lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S"))


@st.composite
def v1_deal_deliveries(draw: st.DrawFn) -> dict[str, Any]:
    """v1 deal deliveries built on the fixtures, with varied values."""
    delivery = load("v1_updated_deal.json")
    action = draw(st.sampled_from(["added", "updated", "merged", "deleted"]))
    current = delivery["current"]
    current.update(
        title=draw(TEXT),
        value=draw(st.integers(min_value=0, max_value=10**9)),
        stage_id=draw(IDS),
        status=draw(st.sampled_from(["open", "won", "lost"])),
        visible_to=draw(st.sampled_from(["1", "3", "5", "7"])),
        label=draw(st.sampled_from([None, "1", "2,3"])),
        update_time=draw(V1_TIMESTAMPS),
    )
    current[MONEY] = draw(st.integers(min_value=0, max_value=10**6))
    current[TIER] = draw(st.sampled_from(["16", "17"]))
    current[REGIONS] = draw(st.sampled_from(["13", "13,14", "14,15"]))
    current[WEBSITE] = draw(st.one_of(st.none(), TEXT))
    previous = copy.deepcopy(current)
    previous.update(stage_id=draw(IDS), update_time=draw(V1_TIMESTAMPS))
    delivery["meta"].update(
        action=action,
        id=current["id"],
        timestamp=draw(st.integers(min_value=10**9, max_value=2 * 10**9)),
        user_id=draw(IDS),
    )
    delivery["retry"] = draw(st.integers(min_value=0, max_value=3))
    delivery["event"] = f"{action}.deal"
    delivery["current"] = None if action == "deleted" else current
    delivery["previous"] = None if action == "added" else previous
    return delivery


@settings(max_examples=60, deadline=None)
@given(v1_deal_deliveries())
def test_v1_round_trip_keeps_carried_fields(delivery: dict[str, Any]) -> None:
    """v1 -> v2 -> v1 gives back every current and meta field that v2 carries."""
    v2, removed = normalize_webhook_lossless(delivery, fields=CATALOG)
    back = normalize_webhook(v2, to="v1", fields=CATALOG)
    original = delivery["current"]
    if original is None:
        assert back["current"] is None
    else:
        left_out = removed.get("current", {})
        for key, value in original.items():
            if key not in left_out:
                assert back["current"][key] == value, key
    for key, value in delivery["meta"].items():
        if key not in removed.get("meta", {}):
            assert back["meta"][key] == value, key


# Subscriptions


@pytest.mark.parametrize(
    ("v1_action", "v2_action"),
    [("added", "create"), ("updated", "change"), ("deleted", "delete"), ("*", "*")],
)
def test_subscription_actions_renamed(v1_action: str, v2_action: str) -> None:
    body = {
        "subscription_url": "https://example.com/hook",
        "event_action": v1_action,
        "event_object": "deal",
    }
    v2 = convert_webhook_subscription(body)
    assert v2["event_action"] == v2_action
    assert v2["version"] == "2.0"
    assert v2["subscription_url"] == body["subscription_url"]


@pytest.mark.parametrize(
    ("v2_action", "v1_action"), [("create", "added"), ("delete", "deleted"), ("*", "*")]
)
def test_subscription_actions_to_v1(v2_action: str, v1_action: str) -> None:
    body = {"event_action": v2_action, "event_object": "*", "version": "2.0"}
    assert convert_webhook_subscription(body, to="v1")["event_action"] == v1_action


def test_subscription_v1_version_set() -> None:
    body = {"event_action": "create", "event_object": "person", "version": "2.0"}
    assert convert_webhook_subscription(body, to="v1")["version"] == "1.0"


def test_subscription_merged_warns() -> None:
    with pytest.warns(LossyConversionWarning, match="ordinary edits"):
        body = convert_webhook_subscription(
            {"event_action": "merged", "event_object": "deal"}
        )
    assert body["event_action"] == "change"


def test_subscription_change_to_v1_warns() -> None:
    with pytest.warns(LossyConversionWarning, match="misses merges"):
        body = convert_webhook_subscription(
            {"event_action": "change", "event_object": "deal"}, to="v1"
        )
    assert body["event_action"] == "updated"


def test_subscription_activity_type_to_v2_raises() -> None:
    with pytest.raises(ConversionError, match="no activityType events"):
        convert_webhook_subscription(
            {"event_action": "added", "event_object": "activityType"}
        )


def test_subscription_lead_to_v1_raises() -> None:
    with pytest.raises(ConversionError, match="webhook v1 has no events") as caught:
        convert_webhook_subscription(
            {"event_action": "create", "event_object": "lead"}, to="v1"
        )
    assert caught.value.path == ("event_object",)
    assert caught.value.value == "lead"


def test_subscription_invalid_action_raises() -> None:
    with pytest.raises(ConversionError, match="invalid event_action"):
        convert_webhook_subscription({"event_action": "moved", "event_object": "deal"})


# Command line


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pipedrive-shapes")
    register_webhook_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    status: int = args.handler(args)
    return status


def test_cli_single_delivery(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    status = run_cli(
        ["webhook", "--to", "v2", str(FIXTURES / "v1_added_deal.json"), "--indent", "2"]
    )
    output = capsysbinary.readouterr().out
    assert status == 0
    assert json.loads(output) == normalize_webhook(load("v1_added_deal.json"))
    assert output.startswith(b"{\n  ")


def test_cli_ndjson_with_removed(tmp_path: Path) -> None:
    names = ["v1_updated_deal.json", "v1_updated_person.json", "v2_create_note.json"]
    source = tmp_path / "deliveries.ndjson"
    source.write_text("".join(json.dumps(load(name)) + "\n" for name in names))
    output, removed = tmp_path / "out.ndjson", tmp_path / "removed.ndjson"
    status = run_cli(
        [
            "webhook",
            "--to",
            "v2",
            str(source),
            "-o",
            str(output),
            "--removed",
            str(removed),
        ]
    )
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    removed_lines = [json.loads(line) for line in removed.read_text().splitlines()]
    assert status == 0
    assert [line["meta"]["entity"] for line in lines] == ["deal", "person", "note"]
    assert len(removed_lines) == 3
    assert removed_lines[0]["meta"]["timestamp_micro"] == 1735812000654321
    assert removed_lines[2] == {}


def test_cli_warning_reported_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notes.ndjson"
    source.write_text(
        json.dumps(load("v2_create_note.json"))
        + "\n" * 2
        + json.dumps(load("v2_create_note.json"))
        + "\n"
    )
    assert (
        run_cli(["webhook", "--to", "v2", str(source), "-o", str(tmp_path / "o")]) == 0
    )
    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        "line 1: warning: no entity rules exist for 'note' webhooks, so data and "
        "previous pass through unchanged apart from custom fields"
    ]


def test_cli_invalid_delivery_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.ndjson"
    source.write_text(json.dumps(load("v1_added_deal.json")) + "\n" + '{"id": 1}\n')
    status = run_cli(["webhook", "--to", "v2", str(source), "-o", str(tmp_path / "o")])
    assert status == 1
    assert capsys.readouterr().err.startswith("line 2: not a webhook delivery")
    assert not (tmp_path / "o").exists()


def test_cli_invalid_json_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.json"
    source.write_text('{"v": 1,\n')
    assert run_cli(["webhook", "--to", "v1", str(source)]) == 1
    assert capsys.readouterr().err.startswith("error: invalid JSON")


def test_cli_fields_file_used(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    argv = ["webhook", "--to", "v2", str(FIXTURES / "v1_added_deal.json")]
    status = run_cli([*argv, "--fields", str(FIXTURES / "deal_fields.v1.json")])
    custom = json.loads(capsysbinary.readouterr().out)["data"]["custom_fields"]
    assert status == 0
    assert custom[TIER] == 17
