"""Field rules on small records: real-world v1 quirks, derivations and errors."""

from __future__ import annotations

from typing import Any

import pytest

from pipedrive_shapes import ConversionError, to_v1, to_v2, to_v2_lossless

# Real-world v1 quirks


def test_related_object_or_bare_id() -> None:
    first = to_v2("deal", {"person_id": {"value": 1, "name": "Person"}})
    second = to_v2("deal", {"person_id": 1})
    assert first["person_id"] == second["person_id"] == 1


def test_user_object_id_read_from_id_key() -> None:
    assert to_v2("deal", {"user_id": {"id": 18, "name": "User"}})["owner_id"] == 18


def test_person_label_single_number() -> None:
    assert to_v2("person", {"label": 3})["label_ids"] == [3]


def test_person_label_ids_win_over_label() -> None:
    out = to_v2("organization", {"label": 3, "label_ids": [3, 4]})
    assert out["label_ids"] == [3, 4]


def test_person_label_ids_win_when_listed_first() -> None:
    out = to_v2("organization", {"label_ids": [3, 4], "label": 3})
    assert out["label_ids"] == [3, 4]


def test_label_absent_gives_no_label_ids() -> None:
    assert "label_ids" not in to_v2("deal", {"id": 1})


def test_visible_to_zero_from_old_accounts_is_kept() -> None:
    assert to_v2("person", {"visible_to": "0"})["visible_to"] == 0


def test_empty_string_timestamp_becomes_null() -> None:
    assert to_v2("deal", {"close_time": ""})["close_time"] is None


def test_picture_zero_timestamp_dropped_with_picture_object() -> None:
    picture = {"value": 2, "update_time": "0000-00-00 00:00:00"}
    assert to_v2("person", {"picture_id": picture})["picture_id"] == 2


def test_contact_primary_string_becomes_boolean() -> None:
    out = to_v2(
        "person", {"phone": [{"value": "555", "primary": "true", "label": "work"}]}
    )
    assert out["phones"] == [{"value": "555", "primary": True, "label": "work"}]


def test_im_accepted_as_v2_spelling() -> None:
    out = to_v1("person", {"im": [{"value": "nick", "primary": True}]})
    assert out["im"] == [{"value": "nick", "primary": True}]


def test_attendee_email_accepted_as_v2_spelling() -> None:
    out = to_v1(
        "activity", {"attendees": [{"email": "a@example.com", "is_organizer": True}]}
    )
    assert out["attendees"] == [{"email_address": "a@example.com", "is_organizer": 1}]


def test_pipeline_active_flag_alias() -> None:
    assert to_v2("pipeline", {"active_flag": False}) == {"is_deleted": True}


def test_person_is_active_alias() -> None:
    assert to_v2("person", {"is_active": True})["is_deleted"] is False


def test_activity_location_guide_spelling_is_read() -> None:
    out = to_v2(
        "activity", {"location": "x", "location_formatted_location": "X, France"}
    )
    assert out["location"]["formatted_address"] == "X, France"


def test_unmentioned_fields_pass_through() -> None:
    record = {"id": 1, "owner_name": "Team", "discount_percentage": 0}
    assert to_v2("product", record)["owner_name"] == "Team"


def test_hex_key_with_unknown_suffix_passes_through() -> None:
    key = "d4de1c1518b4531717c676029a45911c340390a6_colour"
    assert to_v2("deal", {key: "red"})[key] == "red"


# Include-only fields


def test_include_fields_keeps_named_field() -> None:
    out = to_v2(
        "deal",
        {"products_count": 2, "files_count": 1},
        include_fields=["products_count"],
    )
    assert out["products_count"] == 2


def test_include_fields_leaves_out_unnamed_field() -> None:
    out = to_v2(
        "deal",
        {"products_count": 2, "files_count": 1},
        include_fields=["products_count"],
    )
    assert "files_count" not in out


def test_include_fields_accepts_comma_string() -> None:
    out = to_v2(
        "deal",
        {"first_won_time": "2024-01-01 00:00:00"},
        include_fields="first_won_time",
    )
    assert out["first_won_time"] == "2024-01-01T00:00:00Z"


def test_include_fields_unknown_name_raises() -> None:
    with pytest.raises(ConversionError, match="unknown include_fields name"):
        to_v2("deal", {}, include_fields=["products_cnt"])


def test_include_only_field_lands_in_removed() -> None:
    _, removed = to_v2_lossless("deal", {"products_count": 2})
    assert removed["products_count"] == 2


# Derivations on the way back


def _deal_v2(**fields: Any) -> dict[str, Any]:
    return {
        "value": 1000,
        "currency": "EUR",
        "status": "open",
        "probability": None,
        **fields,
    }


def test_deal_active_derived_from_open_status() -> None:
    assert to_v1("deal", _deal_v2())["active"] is True


def test_deal_active_false_for_won() -> None:
    assert to_v1("deal", _deal_v2(status="won"))["active"] is False


def test_deal_weighted_value_uses_probability() -> None:
    assert to_v1("deal", _deal_v2(probability=25))["weighted_value"] == 250


def test_deal_weighted_value_without_probability_is_value() -> None:
    assert to_v1("deal", _deal_v2())["weighted_value"] == 1000


def test_deal_weighted_value_keeps_fraction() -> None:
    assert to_v1("deal", _deal_v2(value=10, probability=25))["weighted_value"] == 2.5


def test_deal_weighted_value_currency_is_currency() -> None:
    assert to_v1("deal", _deal_v2())["weighted_value_currency"] == "EUR"


def test_deal_acv_currency_follows_currency() -> None:
    assert to_v1("deal", _deal_v2(acv=42))["acv_currency"] == "EUR"


def test_deal_acv_currency_null_without_amount() -> None:
    assert to_v1("deal", _deal_v2(acv=None))["acv_currency"] is None


def test_deal_acv_currency_absent_without_acv_key() -> None:
    assert "acv_currency" not in to_v1("deal", _deal_v2())


def test_activity_assigned_to_user_id_equals_owner() -> None:
    assert to_v1("activity", {"owner_id": 5})["assigned_to_user_id"] == 5


def test_person_delete_time_of_deleted_record() -> None:
    out = to_v1("person", {"is_deleted": True, "update_time": "2024-07-01T11:29:32Z"})
    assert out["delete_time"] == "2024-07-01 11:29:32"


def test_person_delete_time_null_when_not_deleted() -> None:
    out = to_v1("person", {"is_deleted": False, "update_time": "2024-07-01T11:29:32Z"})
    assert out["delete_time"] is None


def test_variation_price_product_id_from_variation() -> None:
    out = to_v1("product_variation", {"product_id": 9, "prices": [{"price": 10}]})
    assert out["prices"][0]["product_id"] == 9


def test_deal_product_active_flag_always_true() -> None:
    assert to_v1("deal_product", {"id": 1})["active_flag"] is True


def test_deal_product_order_nr_passes_back() -> None:
    assert to_v1("deal_product", {"order_nr": 3})["order_nr"] == 3


def test_address_null_flattens_to_null_parts() -> None:
    out = to_v1("organization", {"address": None})
    assert out["address_locality"] is None


def test_address_subpremise_comes_back_null() -> None:
    out = to_v1("organization", {"address": {"value": "x"}})
    assert out["address_subpremise"] is None


def test_address_only_value_fills_null_subfields() -> None:
    out = to_v2("organization", {"address": "Main St 1"})
    assert out["address"]["route"] is None


def test_address_all_null_becomes_null() -> None:
    assert (
        to_v2("activity", {"location": None, "location_route": None})["location"]
        is None
    )


def test_user_follower_bare_id() -> None:
    assert to_v2("follower", 456) == {"user_id": 456, "add_time": None}


# Errors name the path, the value and the fix


@pytest.mark.parametrize(
    ("entity", "record", "path"),
    [
        ("deal", {"add_time": "01/07/2024"}, ("add_time",)),
        ("deal", {"deleted": "maybe"}, ("deleted",)),
        ("deal", {"value": "a lot"}, ("value",)),
        ("deal", {"visible_to": "everyone"}, ("visible_to",)),
        ("deal", {"user_id": {"name": "nobody"}}, ("user_id",)),
        ("product", {"prices": [{"price": "cheap"}]}, ("prices", 0, "price")),
        ("product", {"prices": {"price": 1}}, ("prices",)),
        ("product", {"prices": ["54"]}, ("prices", 0)),
        (
            "activity",
            {"participants": [{"primary_flag": 2}]},
            ("participants", 0, "primary_flag"),
        ),
        ("organization", {"address_route": ["x"]}, ("address_route",)),
        ("stage", {"id": 1.5}, ("id",)),
    ],
)
def test_to_v2_bad_value_raises_with_path(
    entity: str, record: Any, path: tuple[Any, ...]
) -> None:
    with pytest.raises(ConversionError) as caught:
        to_v2(entity, record)
    assert caught.value.path == path


@pytest.mark.parametrize(
    ("entity", "record", "path"),
    [
        ("deal", {"add_time": "2024-07-01 05:46:33"}, ("add_time",)),
        ("deal", {"is_deleted": 0}, ("is_deleted",)),
        ("deal", {"value": "500"}, ("value",)),
        ("deal", {"owner_id": {"id": 1}}, ("owner_id",)),
        ("deal", {"label_ids": "2,3"}, ("label_ids",)),
        ("person", {"phones": [{"primary": "true"}]}, ("phones", 0, "primary")),
        ("organization", {"address": "Main St 1"}, ("address",)),
    ],
)
def test_to_v1_bad_value_raises_with_path(
    entity: str, record: Any, path: tuple[Any, ...]
) -> None:
    with pytest.raises(ConversionError) as caught:
        to_v1(entity, record)
    assert caught.value.path == path


@pytest.mark.parametrize("payload", [[{"id": 1}], "deal", 5, None])
def test_wrong_container_raises(payload: Any) -> None:
    with pytest.raises(ConversionError, match="invalid payload"):
        to_v2("deal", payload)


def test_unknown_entity_raises() -> None:
    with pytest.raises(ConversionError, match="unknown entity") as caught:
        to_v2("deals", {})
    assert caught.value.value == "deals"


def test_error_message_names_path_value_and_fix() -> None:
    with pytest.raises(ConversionError) as caught:
        to_v2("product", {"prices": [{"price": "cheap"}]})
    assert str(caught.value).startswith("invalid number: expected a finite number")
    assert "'cheap'" in str(caught.value)
    assert "@ $.prices[0].price" in str(caught.value)


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        to_v2("deal", {"value": "x"})


def test_long_value_is_shortened_in_message() -> None:
    with pytest.raises(ConversionError) as caught:
        to_v2("deal", {"value": "x" * 1_000_000})
    assert len(str(caught.value)) < 400


# Mixed v1 and v2 keys


def test_v1_and_v2_key_agreeing_is_accepted() -> None:
    assert to_v2("deal", {"user_id": 5, "owner_id": 5})["owner_id"] == 5


def test_v1_and_v2_key_disagreeing_raises() -> None:
    with pytest.raises(ConversionError, match="conflicting values") as caught:
        to_v2("deal", {"user_id": 5, "owner_id": 6})
    assert caught.value.path == ("owner_id",)


def test_v2_payload_given_to_to_v2_raises() -> None:
    with pytest.raises(ConversionError, match="v2 field in a v1 payload"):
        to_v2("product", {"id": 1, "is_deleted": False})


def test_custom_fields_key_in_v1_payload_raises() -> None:
    with pytest.raises(ConversionError, match="v2 field in a v1 payload"):
        to_v2("deal", {"title": "x", "custom_fields": {}})


def test_custom_fields_beside_flat_keys_disagreeing_raises() -> None:
    key = "d4de1c1518b4531717c676029a45911c340390a6"
    with pytest.raises(ConversionError, match="conflicting values"):
        to_v2("deal", {"custom_fields": {key: 2}, key: 1})


def test_v1_payload_given_to_to_v1_raises() -> None:
    with pytest.raises(ConversionError, match="v1 field in a v2 payload"):
        to_v1("deal", {"id": 1, "user_id": 5})


@pytest.mark.parametrize(("value", "probability"), [(1e308, 200), (2666, 1e306)])
def test_deal_weighted_value_past_float_range_left_out(
    value: Any, probability: Any
) -> None:
    assert "weighted_value" not in to_v1(
        "deal", _deal_v2(value=value, probability=probability)
    )


def test_lossless_deep_nesting_raises_conversion_error() -> None:
    deep: list[Any] = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ConversionError, match="nested too deeply"):
        to_v2_lossless("deal", {"x": deep})
