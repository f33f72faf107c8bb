"""Request bodies: the v2 request rules on top of the entity converters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipedrive_shapes._requests import convert_body, convert_request
from pipedrive_shapes.errors import ConversionError

GUIDE = Path(__file__).parent / "fixtures" / "guide"


def guide(name: str) -> dict[str, Any]:
    """Load one of the guide's JSON examples."""
    return json.loads((GUIDE / f"{name}.json").read_text(encoding="utf-8"))


def to_v2(entity: str, body: dict[str, Any], method: str = "POST", **options: Any):
    return convert_body(entity, body, method, **options)


# Required fields on POST.

REQUIRED = [
    ("product", "name"),
    ("product_variation", "name"),
    ("pipeline", "name"),
    ("stage", "name"),
    ("deal", "title"),
    ("organization", "name"),
    ("follower", "user_id"),
]


@pytest.mark.parametrize(("entity", "key"), REQUIRED)
def test_body_post_without_required_field_raises(entity, key):
    with pytest.raises(ConversionError, match=f"missing {key}") as caught:
        to_v2(entity, {})
    assert caught.value.path == (key,)


@pytest.mark.parametrize(("entity", "key"), REQUIRED)
def test_body_post_with_blank_required_field_raises(entity, key):
    with pytest.raises(ConversionError, match=f"missing {key}"):
        to_v2(entity, {key: "  "})


@pytest.mark.parametrize(("entity", "key"), REQUIRED)
def test_body_update_without_required_field_passes(entity, key):
    assert to_v2(entity, {}, "PUT").body == {}


def test_body_activity_post_needs_no_field():
    assert to_v2("activity", {}).body == {}


def test_body_deal_product_post_requires_nothing_extra():
    body = to_v2("deal_product", {"product_id": 1}).body
    assert body == {"product_id": 1}


# Persons: name, or first_name and last_name.


def test_body_person_name_only_passes():
    assert to_v2("person", {"name": "Ada Lovelace"}).body == {"name": "Ada Lovelace"}


def test_body_person_parts_join_into_name():
    body = to_v2("person", {"first_name": "Ada", "last_name": "Lovelace"}).body
    assert body["name"] == "Ada Lovelace"


def test_body_person_one_empty_part_is_accepted():
    body = to_v2("person", {"first_name": "", "last_name": "Lovelace"}).body
    assert body["name"] == "Lovelace"


def test_body_person_both_parts_empty_raises():
    with pytest.raises(ConversionError, match="both empty") as caught:
        to_v2("person", {"first_name": "", "last_name": ""})
    assert caught.value.path == ("first_name",)


def test_body_person_post_without_name_raises():
    with pytest.raises(ConversionError, match="missing name") as caught:
        to_v2("person", {"email": "ada@example.com"})
    assert caught.value.path == ("name",)


def test_body_person_post_with_one_part_raises():
    with pytest.raises(ConversionError, match="missing name") as caught:
        to_v2("person", {"first_name": "Ada"})
    assert caught.value.expected == "name, or both first_name and last_name"


def test_body_person_update_with_one_part_raises():
    with pytest.raises(ConversionError, match="missing name"):
        to_v2("person", {"last_name": "Byron"}, "PUT")


def test_body_person_update_with_empty_name_raises():
    with pytest.raises(ConversionError, match="missing name"):
        to_v2("person", {"name": ""}, "PUT")


def test_body_person_update_without_name_passes():
    assert to_v2("person", {"org_id": 3}, "PUT").body == {"org_id": 3}


def test_body_person_name_with_one_part_passes():
    body = to_v2("person", {"name": "Ada Lovelace", "first_name": "Ada"}).body
    assert body == {"name": "Ada Lovelace", "first_name": "Ada"}


def test_body_person_name_agreeing_with_parts_passes():
    payload = {"name": "Ada Lovelace", "first_name": "Ada", "last_name": "Lovelace"}
    assert to_v2("person", payload).body == payload


def test_body_person_name_disagreeing_with_parts_raises():
    with pytest.raises(ConversionError, match="name disagrees") as caught:
        to_v2(
            "person", {"name": "Ada King", "first_name": "Ada", "last_name": "Lovelace"}
        )
    assert caught.value.expected == "'Ada Lovelace'"


def test_body_person_non_string_part_raises():
    with pytest.raises(ConversionError, match="invalid last_name") as caught:
        to_v2("person", {"first_name": "Ada", "last_name": 7})
    assert caught.value.path == ("last_name",)


# Deleted state: POST cannot create it, PATCH cannot set it.

DELETED_FLAGS = [
    ("product", {"name": "P", "active_flag": False}),
    ("product", {"name": "P", "active_flag": 0}),
    ("stage", {"name": "S", "active_flag": "0"}),
    ("person", {"name": "N", "active_flag": False}),
    ("person", {"name": "N", "is_active": False}),
    ("organization", {"name": "O", "active_flag": "false"}),
    ("activity", {"subject": "S", "active_flag": 0}),
    ("pipeline", {"name": "P", "active": 0}),
    ("pipeline", {"name": "P", "active_flag": False}),
    ("deal", {"title": "D", "deleted": True}),
    ("deal", {"title": "D", "deleted": 1}),
    ("deal", {"title": "D", "status": "deleted"}),
    ("deal_product", {"product_id": 1, "is_deleted": True}),
    ("follower", {"user_id": 1, "is_deleted": True}),
]


@pytest.mark.parametrize(("entity", "payload"), DELETED_FLAGS)
def test_body_post_deleted_record_raises(entity, payload):
    with pytest.raises(ConversionError, match="POST cannot create") as caught:
        to_v2(entity, payload)
    assert caught.value.path[0] in payload
    assert "DELETE /api/v2/" in (caught.value.hint or "")


@pytest.mark.parametrize(("entity", "payload"), DELETED_FLAGS)
def test_body_update_deleting_record_raises(entity, payload):
    with pytest.raises(ConversionError, match="an update cannot delete") as caught:
        to_v2(entity, payload, "PUT")
    assert (caught.value.hint or "").startswith("send DELETE /api/v2/")


NOT_DELETED_FLAGS = [
    ("product", "active_flag", True),
    ("stage", "active_flag", 1),
    ("person", "active_flag", "1"),
    ("person", "is_active", True),
    ("organization", "active_flag", True),
    ("activity", "active_flag", "true"),
    ("pipeline", "active", True),
    ("deal", "deleted", False),
    ("deal", "is_deleted", False),
    ("product", "is_deleted", False),
    ("person", "active_flag", None),
]


@pytest.mark.parametrize(("entity", "key", "value"), NOT_DELETED_FLAGS)
def test_body_not_deleted_flag_dropped(entity, key, value):
    body = to_v2(entity, {key: value}, "PUT").body
    assert body == {}


@pytest.mark.parametrize(("entity", "key", "value"), NOT_DELETED_FLAGS)
def test_body_not_deleted_flag_reported(entity, key, value):
    removed = to_v2(entity, {key: value}, "PUT").removed
    assert "deleted state" in removed[f"body.{key}"]


def test_body_deal_deleted_status_hint():
    with pytest.raises(ConversionError) as caught:
        convert_request("PUT", "/v1/deals/5", body={"status": "deleted"})
    assert caught.value.path == ("body", "status")
    assert caught.value.hint == "send DELETE /api/v2/deals/:id instead"


def test_body_invalid_deleted_flag_raises():
    with pytest.raises(ConversionError, match="invalid boolean") as caught:
        to_v2("product", {"name": "P", "active_flag": "maybe"})
    assert caught.value.path == ("active_flag",)


@pytest.mark.parametrize(
    "entity", ["product", "deal", "person", "activity", "pipeline"]
)
def test_body_never_emits_is_deleted(entity):
    payload = guide(f"{entity}.v1")
    payload.pop("status", None)
    body = to_v2(entity, payload, "PUT").body
    assert "is_deleted" not in body


# Phones, emails and ims.


def test_body_phone_plain_string_becomes_object():
    body = to_v2("person", {"name": "N", "phone": "555-0172"}).body
    assert body["phones"] == [{"value": "555-0172", "label": "work", "primary": True}]


def test_body_email_list_of_strings_becomes_objects():
    body = to_v2(
        "person", {"name": "N", "email": ["a@example.com", "b@example.com"]}
    ).body
    assert body["emails"] == [
        {"value": "a@example.com", "label": "work", "primary": True},
        {"value": "b@example.com", "label": "work", "primary": False},
    ]


def test_body_im_single_object_becomes_list():
    body = to_v2("person", {"name": "N", "im": {"value": "ada", "label": "skype"}}).body
    assert body["ims"] == [{"value": "ada", "label": "skype", "primary": True}]


def test_body_contact_mixed_list_converts():
    body = to_v2(
        "person", {"name": "N", "phone": ["1", {"value": "2", "primary": True}]}
    ).body
    assert [entry["primary"] for entry in body["phones"]] == [False, True]


def test_body_contact_guide_example():
    person = guide("person.v1")
    body = to_v2(
        "person", {"name": "N", "phone": person["phone"], "email": person["email"]}
    ).body
    assert body["phones"] == guide("person.v2")["phones"]
    assert body["emails"] == guide("person.v2")["emails"]


def test_body_contact_string_primary_becomes_boolean():
    body = to_v2(
        "person",
        {
            "name": "N",
            "email": [
                {"value": "a@x.com", "primary": "false"},
                {"value": "b@x.com", "primary": "true"},
            ],
        },
    ).body
    assert [entry["primary"] for entry in body["emails"]] == [False, True]


def test_body_contact_empty_label_defaults_to_work():
    body = to_v2("person", {"name": "N", "phone": [{"value": "1", "label": ""}]}).body
    assert body["phones"][0]["label"] == "work"


def test_body_contact_first_entry_primary_when_none_marked():
    body = to_v2(
        "person",
        {"name": "N", "phone": [{"value": "1"}, {"value": "2", "primary": False}]},
    ).body
    assert [entry["primary"] for entry in body["phones"]] == [True, False]


def test_body_contact_two_primaries_raise():
    with pytest.raises(
        ConversionError, match="more than one primary entry in phones"
    ) as caught:
        to_v2(
            "person",
            {
                "name": "N",
                "phone": [
                    {"value": "1", "primary": True},
                    {"value": "2", "primary": "true"},
                ],
            },
        )
    assert caught.value.path == ("phones", 1, "primary")


def test_body_contact_entry_without_value_raises():
    with pytest.raises(ConversionError, match="without a value") as caught:
        to_v2("person", {"name": "N", "email": [{"label": "work"}]})
    assert caught.value.path == ("emails", 0)


def test_body_contact_invalid_entry_raises():
    with pytest.raises(ConversionError, match="invalid phone entry") as caught:
        to_v2("person", {"name": "N", "phone": ["1", 2]})
    assert caught.value.path == ("phone", 1)


def test_body_contact_invalid_value_raises():
    with pytest.raises(ConversionError, match="invalid email") as caught:
        to_v2("person", {"name": "N", "email": 42})
    assert caught.value.path == ("email",)


def test_body_contact_empty_string_becomes_empty_list():
    assert to_v2("person", {"phone": ""}, "PUT").body == {"phones": []}


def test_body_contact_null_stays_null():
    assert to_v2("person", {"phone": None}, "PUT").body == {"phones": None}


# Activities: person_id becomes a primary participant.


def test_body_activity_person_becomes_primary_participant():
    body = to_v2("activity", {"subject": "Call", "person_id": 5}).body
    assert body == {
        "subject": "Call",
        "participants": [{"person_id": 5, "primary": True}],
    }


def test_body_activity_agreeing_participant():
    payload = {
        "person_id": 5,
        "participants": [
            {"person_id": 5, "primary_flag": True},
            {"person_id": 6, "primary_flag": False},
        ],
    }
    body = to_v2("activity", payload).body
    assert body == {
        "participants": [
            {"person_id": 5, "primary": True},
            {"person_id": 6, "primary": False},
        ]
    }


def test_body_activity_marks_participant_primary():
    body = to_v2(
        "activity",
        {"person_id": 6, "participants": [{"person_id": 5}, {"person_id": 6}]},
    ).body
    assert body["participants"] == [{"person_id": 5}, {"person_id": 6, "primary": True}]


def test_body_activity_disagreeing_participant():
    with pytest.raises(
        ConversionError, match="person_id disagrees with participants"
    ) as caught:
        to_v2(
            "activity",
            {"person_id": 5, "participants": [{"person_id": 6, "primary_flag": True}]},
        )
    assert caught.value.path == ("person_id",)


def test_body_activity_person_missing_from_participants_raises():
    with pytest.raises(ConversionError, match="person_id disagrees"):
        to_v2("activity", {"person_id": 5, "participants": [{"person_id": 6}]})


def test_body_activity_null_person_reported():
    result = to_v2("activity", {"person_id": None}, "PUT")
    assert (result.body, list(result.removed)) == ({}, ["body.person_id"])


def test_body_activity_renames_from_guide_example():
    body = to_v2(
        "activity", {"subject": "Call", "user_id": 123, "busy_flag": True, "done": 0}
    ).body
    assert body == {"subject": "Call", "owner_id": 123, "busy": True, "done": False}


def test_body_activity_attendees_are_writable():
    attendees = [{"email_address": "some@attendee.com", "is_organizer": 0}]
    body = to_v2("activity", {"attendees": attendees}).body
    assert body["attendees"] == [
        {"email_address": "some@attendee.com", "is_organizer": False}
    ]


# Read-only fields.


def test_body_pipeline_order_nr_dropped_and_reported():
    result = to_v2("pipeline", {"name": "Sales", "order_nr": 2, "deal_probability": 0})
    assert result.body == {"name": "Sales", "is_deal_probability_enabled": False}
    assert "read-only" in result.removed["body.order_nr"]


def test_body_pipeline_order_nr_strict_raises():
    with pytest.raises(ConversionError, match="no equivalent of this field") as caught:
        to_v2("pipeline", {"name": "Sales", "order_nr": 2}, strict=True)
    assert caught.value.path == ("order_nr",)


@pytest.mark.parametrize("key", ["add_time", "update_time", "stage_change_time"])
def test_body_deal_patch_read_only_time_dropped(key):
    result = to_v2("deal", {"title": "D", key: "2024-07-01 05:46:33"}, "PUT")
    assert result.body == {"title": "D"}
    assert "PATCH" in result.removed[f"body.{key}"]


def test_body_deal_patch_read_only_time_strict_raises():
    with pytest.raises(ConversionError) as caught:
        to_v2("deal", {"add_time": "2024-07-01 05:46:33"}, "PATCH", strict=True)
    assert caught.value.path == ("add_time",)


def test_body_deal_archive_time_stays_plain():
    body = to_v2("deal", {"title": "D", "archive_time": "2024-07-01 05:46:33"}).body
    assert body["archive_time"] == "2024-07-01 05:46:33"


def test_body_deal_archive_time_rfc3339_becomes_plain():
    body = to_v2(
        "deal", {"title": "D", "archive_time": "2024-07-01T07:46:33+02:00"}
    ).body
    assert body["archive_time"] == "2024-07-01 05:46:33"


def test_body_deal_invalid_archive_time_raises():
    with pytest.raises(ConversionError) as caught:
        to_v2("deal", {"title": "D", "archive_time": "July"})
    assert caught.value.path == ("archive_time",)


# Products: prices replace the stored list.


def test_body_product_patch_prices_sent_whole():
    prices = [
        {"currency": "EUR", "price": 10, "overhead_cost": 1},
        {"currency": "USD", "price": 12},
    ]
    body = to_v2("product", {"prices": prices}, "PUT").body
    assert body == {
        "prices": [
            {"currency": "EUR", "price": 10, "direct_cost": 1},
            {"currency": "USD", "price": 12},
        ]
    }


def test_body_product_prices_replacement_documented():
    assert "replaces the whole stored list" in " ".join(
        (convert_body.__doc__ or "").split()
    )


def test_body_product_duplicate_currency_raises():
    with pytest.raises(ConversionError, match="same currency") as caught:
        to_v2(
            "product",
            {
                "prices": [
                    {"currency": "EUR", "price": 1},
                    {"currency": "EUR", "price": 2},
                ]
            },
            "PUT",
        )
    assert caught.value.path == ("prices", 1, "currency")


def test_body_product_price_id_reported():
    result = to_v2(
        "product", {"name": "P", "prices": [{"id": 3, "currency": "EUR", "price": 1}]}
    )
    assert result.body["prices"] == [{"currency": "EUR", "price": 1}]
    assert "body.prices[0].id" in result.removed


def test_body_product_variations_reported_with_advice():
    result = to_v2("product", {"name": "P", "product_variations": [{"name": "Small"}]})
    assert "/variations" in result.removed["body.product_variations"]


def test_body_product_variation_price_fields_reported():
    result = to_v2(
        "product_variation",
        {"name": "Small", "prices": [{"currency": "EUR", "price": 1, "comment": ""}]},
    )
    assert list(result.removed) == ["body.prices[0].comment"]


# Dropped fields and entity renames.


def test_body_deal_guide_example_as_update():
    deal = guide("deal.v1")
    deal.pop("status")
    result = to_v2("deal", deal, "PUT")
    assert result.body["owner_id"] == 18
    assert "weighted_value" not in result.body
    assert "body.weighted_value" in result.removed
    assert "body.active" in result.removed
    assert "body.products_count" in result.removed


def test_body_deal_renames():
    body = to_v2(
        "deal",
        {"title": "D", "value": "500", "user_id": 3, "label": "2,3", "visible_to": "3"},
    ).body
    assert body == {
        "title": "D",
        "value": 500,
        "owner_id": 3,
        "label_ids": [2, 3],
        "visible_to": 3,
    }


def test_body_deal_custom_field_moves_into_custom_fields():
    body = to_v2(
        "deal", {"title": "D", "d4de1c1518b4531717c676029a45911c340390a6": 2300}
    ).body
    assert body["custom_fields"] == {"d4de1c1518b4531717c676029a45911c340390a6": 2300}


def test_body_empty_custom_fields_left_out():
    assert "custom_fields" not in to_v2("organization", {"name": "O"}).body


def test_body_removed_field_strict_raises():
    with pytest.raises(ConversionError, match="no equivalent of this field") as caught:
        to_v2("person", {"name": "N", "first_char": "n"}, strict=True)
    assert caught.value.path == ("first_char",)


def test_body_entity_error_names_body_path():
    with pytest.raises(ConversionError, match="visible_to") as caught:
        convert_request(
            "POST", "/v1/deals", body={"title": "D", "visible_to": "everyone"}
        )
    assert caught.value.path == ("body", "visible_to")


def test_body_follower_user_id_becomes_integer():
    call = convert_request("POST", "/v1/deals/5/followers", body={"user_id": "7"})
    assert call.body == {"user_id": 7}


# convert_request and argument checks.


def test_body_request_uses_route_entity():
    call = convert_request(
        "POST", "/v1/deals/5/products", body={"product_id": 1, "enabled_flag": 1}
    )
    assert call.body == {"product_id": 1, "is_enabled": True}


def test_body_request_merges_removed_maps():
    call = convert_request(
        "PUT", "/v1/pipelines/1:(id)?sparkles=1", body={"order_nr": 3}
    )
    assert set(call.removed) == {"path:(id)", "query.sparkles", "body.order_nr"}


def test_body_request_entity_matching_route_passes():
    call = convert_request(
        "POST", "/v1/stages", body={"name": "S", "pipeline_id": 1}, entity="stage"
    )
    assert call.body == {"name": "S", "pipeline_id": 1}


def test_body_request_entity_mismatch_is_value_error():
    with pytest.raises(ValueError, match="does not match the route"):
        convert_request("POST", "/v1/stages", body={"name": "S"}, entity="deal")


def test_body_on_get_route_raises():
    with pytest.raises(ConversionError, match="takes no request body") as caught:
        convert_request("GET", "/v1/deals", body={"title": "D"})
    assert caught.value.path == ("body",)


def test_body_none_stays_none():
    assert convert_body("deal", None, "POST") == (None, {})


def test_body_unknown_entity_is_value_error():
    with pytest.raises(ValueError, match="unknown entity"):
        convert_body("note", {"content": "x"}, "POST")


def test_body_get_method_is_value_error():
    with pytest.raises(ValueError, match="carry a body"):
        convert_body("deal", {"title": "D"}, "GET")


def test_body_non_object_raises():
    with pytest.raises(ConversionError, match="invalid request body"):
        convert_body("deal", ["title"], "POST")  # type: ignore[arg-type]


def test_body_input_not_changed():
    payload = {"name": "N", "phone": "1", "active_flag": True}
    to_v2("person", payload)
    assert payload == {"name": "N", "phone": "1", "active_flag": True}


# v2 -> v1.


def test_body_to_v1_deal_update():
    call = convert_request(
        "PATCH",
        "/api/v2/deals/5",
        body={
            "title": "D",
            "owner_id": 3,
            "label_ids": [2, 3],
            "visible_to": 3,
            "status": "open",
        },
        to="v1",
    )
    assert (call.method, call.body) == (
        "PUT",
        {
            "title": "D",
            "user_id": 3,
            "label": "2,3",
            "visible_to": "3",
            "status": "open",
        },
    )


def test_body_to_v1_leaves_out_derived_response_fields():
    body = convert_body(
        "activity", {"subject": "S", "owner_id": 3}, "POST", to="v1"
    ).body
    assert body == {"subject": "S", "user_id": 3}


def test_body_to_v1_leaves_out_null_subpremise():
    body = convert_body(
        "organization", {"name": "O", "address": {"value": "Paris"}}, "POST", to="v1"
    ).body
    assert "address_subpremise" not in body


def test_body_to_v1_person_parts_get_name():
    body = convert_body(
        "person", {"first_name": "Ada", "last_name": "Lovelace"}, "POST", to="v1"
    ).body
    assert body == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "name": "Ada Lovelace",
    }


def test_body_to_v1_deleted_raises():
    with pytest.raises(ConversionError, match="an update cannot delete") as caught:
        convert_body("organization", {"is_deleted": True}, "PATCH", to="v1")
    assert caught.value.hint == "send DELETE /api/v1/organizations/:id instead"


def test_body_to_v1_not_deleted_dropped():
    result = convert_body("stage", {"is_deleted": False}, "PATCH", to="v1")
    assert (result.body, list(result.removed)) == ({}, ["body.is_deleted"])


def test_body_to_v1_archive_time_stays_plain():
    body = convert_body(
        "deal", {"archive_time": "2024-07-01 05:46:33"}, "PATCH", to="v1"
    ).body
    assert body == {"archive_time": "2024-07-01 05:46:33"}


def test_body_to_v1_participants_keep_primary_flag():
    body = convert_body(
        "activity",
        {"participants": [{"person_id": 1, "primary": True}]},
        "POST",
        to="v1",
    ).body
    assert body == {"participants": [{"person_id": 1, "primary_flag": True}]}
