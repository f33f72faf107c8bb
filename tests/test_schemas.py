"""The v1 and v2 marshmallow schemas: what they accept, reject and convert."""

from __future__ import annotations

import copy
import doctest
import json
from pathlib import Path
from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields

from pipedrive_shapes import ENTITIES, FieldCatalog, FieldDefinition, to_v1, to_v2
from pipedrive_shapes._entities import SPECS
from pipedrive_shapes._rules import Field, IncludeOnly, Items, Labels, Nested, Removed
from pipedrive_shapes.schemas import EntitySchema, schema_for, v1, v2

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = Path(__file__).parent.parent / "docs"
REAL_FILES = {
    "activity": "v1-activity-airbyte-1.json",
    "deal": "v1-deal-airbyte-1.json",
    "deal_product": "v1-dealProduct-airbyte-1.json",
    "organization": "v1-organization-airbyte-1.json",
    "person": "v1-person-airbyte-1.json",
    "pipeline": "v1-pipeline-airbyte-1.json",
    "product": "v1-product-airbyte-1.json",
    "stage": "v1-stage-airbyte-1.json",
}
MONEY = "d4de1c1518b4531717c676029a45911c340390a6"
TEXT = "53c2f18db6a1655d6af8bba77d9679565f975fd8"
OPTION = "140b254faa7e7dae05c77e386c0c88a689e0bf29"


def guide(entity: str, version: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (FIXTURES / "guide" / f"{entity}.{version}.json").read_text()
    )
    return data


def real(entity: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (FIXTURES / "real-v1" / REAL_FILES[entity]).read_text()
    )
    return data


def errors(schema: Schema, payload: Any) -> Any:
    with pytest.raises(ValidationError) as caught:
        schema.load(payload)
    return caught.value.messages


def deal_catalog() -> FieldCatalog:
    return FieldCatalog(
        [
            FieldDefinition(MONEY, "Budget", "monetary", "deal", True),
            FieldDefinition(TEXT, "Notes", "varchar", "deal", True),
            FieldDefinition(OPTION, "Size", "enum", "deal", True, {1: "S", 2: "M"}),
        ]
    )


# Real payloads.


@pytest.mark.parametrize("entity", ENTITIES)
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_schema_accepts_guide_example(entity: str, version: str) -> None:
    record = guide(entity, version)
    assert schema_for(entity, version)().load(record) == record


@pytest.mark.parametrize("entity", sorted(REAL_FILES))
def test_v1_schema_accepts_real_record(entity: str) -> None:
    record = real(entity)
    assert v1_schema(entity).load(record) == record


@pytest.mark.parametrize("entity", sorted(REAL_FILES))
def test_v2_schema_accepts_converted_real_record(entity: str) -> None:
    converted = to_v2(entity, real(entity))
    assert schema_for(entity, "v2")().load(converted) == converted


def v1_schema(entity: str, **options: Any) -> EntitySchema:
    return schema_for(entity, "v1")(**options)


# v2 is strict.


@pytest.mark.parametrize("value", [1, 0, "true", "false", None])
def test_v2_boolean_rejects_non_boolean(value: Any) -> None:
    assert "is_deleted" in errors(v2.DealSchema(), {"is_deleted": value})


@pytest.mark.parametrize("value", ["500", True, float("nan"), float("inf")])
def test_v2_number_rejects_strings_booleans_and_non_finite(value: Any) -> None:
    assert errors(v2.DealSchema(), {"value": value}) == {
        "value": ["Not a valid number."]
    }


@pytest.mark.parametrize("value", [0, -1, "1", 1.0, True])
def test_v2_id_rejects_non_positive_or_non_integer(value: Any) -> None:
    assert "id" in errors(v2.DealSchema(), {"id": value})


@pytest.mark.parametrize(
    "value",
    [
        "2024-01-01 00:00:00",
        "2024-01-01T00:00:00",
        "2024-13-01T00:00:00Z",
        "",
        1719812793,
    ],
)
def test_v2_timestamp_rejects_non_rfc3339(value: Any) -> None:
    assert "add_time" in errors(v2.DealSchema(), {"add_time": value})


@pytest.mark.parametrize(
    "value",
    ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z", "2024-01-01T02:00:00+02:00"],
)
def test_v2_timestamp_accepts_rfc3339(value: Any) -> None:
    assert v2.DealSchema().load({"add_time": value}) == {"add_time": value}


def test_v2_timestamp_rejects_utc_time_before_year_1() -> None:
    messages = errors(v2.DealSchema(), {"add_time": "0001-01-01T00:30:00+01:00"})
    assert messages == {
        "add_time": ["Not a valid RFC 3339 timestamp, such as 2024-01-01T00:00:00Z."]
    }


@pytest.mark.parametrize("value", [0, 2, "3", 3.0])
def test_v2_visible_to_rejects_other_values(value: Any) -> None:
    messages = errors(v2.DealSchema(), {"visible_to": value})
    assert messages == {"visible_to": ["Must be one of: 1, 3, 5, 7."]}


def test_v2_deal_status_rejects_unknown_status() -> None:
    messages = errors(v2.DealSchema(), {"status": "closed"})
    assert messages == {"status": ["Must be one of: open, won, lost, deleted."]}


def test_v2_schema_rejects_unknown_root_key() -> None:
    assert errors(v2.DealSchema(), {"id": 1, "owner_name": "A"}) == {
        "owner_name": ["Unknown field."]
    }


def test_v2_schema_rejects_v1_key() -> None:
    assert errors(v2.DealSchema(), {"user_id": 1}) == {"user_id": ["Unknown field."]}


@pytest.mark.parametrize(
    "key", ["origin", "origin_id", "channel", "channel_id", "cc_email", "rotten_time"]
)
def test_v2_deal_accepts_passed_through_key(key: str) -> None:
    assert key in v2.DealSchema().load({key: None})


def test_v2_nested_error_is_keyed_by_path() -> None:
    messages = errors(v2.ProductSchema(), {"prices": [{"price": 1}, {"price": "54"}]})
    assert messages == {"prices": {1: {"price": ["Not a valid number."]}}}


def test_v2_label_ids_reject_zero() -> None:
    messages = errors(v2.DealSchema(), {"label_ids": [3, 0]})
    assert messages == {"label_ids": {1: ["Must be greater than or equal to 1."]}}


def test_v2_deal_product_comments_reject_null() -> None:
    assert errors(v2.DealProductSchema(), {"comments": None}) == {
        "comments": ["Field may not be null."]
    }


def test_v2_attendee_accepts_guide_organizer_zero() -> None:
    attendee = {"email_address": "a@b.c", "is_organizer": 0}
    assert v2.AttendeeSchema().load(attendee) == attendee


def test_v2_attendee_rejects_organizer_two() -> None:
    assert "is_organizer" in errors(v2.AttendeeSchema(), {"is_organizer": 2})


def test_v2_person_accepts_im_spelling() -> None:
    person = {"im": [{"value": "skype:me", "primary": True}]}
    assert v2.PersonSchema().load(person) == person


def test_v2_person_rejects_ims_and_im_together() -> None:
    person = {"ims": [], "im": []}
    assert errors(v2.PersonSchema(), person) == {
        "im": ["Duplicate of 'ims': give only one of the two."]
    }


def test_v2_address_accepts_subpremise() -> None:
    organization = {"address": {"value": "1 Main St", "subpremise": "Flat 2"}}
    assert v2.OrganizationSchema().load(organization) == organization


def test_v2_address_rejects_unknown_part() -> None:
    messages = errors(v2.OrganizationSchema(), {"address": {"city": "Paris"}})
    assert messages == {"address": {"city": ["Unknown field."]}}


def test_v2_schema_rejects_non_object() -> None:
    assert errors(v2.DealSchema(), [1]) == {"_schema": ["Invalid input type."]}


# v1 accepts what v1 sent.


@pytest.mark.parametrize("value", [True, 1, "1", "true", False, 0, "0", "false"])
def test_v1_flag_accepts_v1_spellings(value: Any) -> None:
    assert v1.StageSchema().load({"active_flag": value}) == {"active_flag": value}


@pytest.mark.parametrize("value", [2, "yes", None])
def test_v1_flag_rejects_other_values(value: Any) -> None:
    assert "active_flag" in errors(v1.StageSchema(), {"active_flag": value})


@pytest.mark.parametrize("value", [500, 1.5, "500", "1.5", "", None])
def test_v1_number_accepts_v1_spellings(value: Any) -> None:
    assert v1.DealSchema().load({"value": value}) == {"value": value}


def test_v1_number_rejects_text() -> None:
    assert errors(v1.DealSchema(), {"value": "abc"}) == {
        "value": ["Invalid number: expected a finite number or a numeric string."]
    }


@pytest.mark.parametrize(
    "value", [18, "18", {"id": 18, "name": "A", "value": 18}, {"value": 18}, {"id": 18}]
)
def test_v1_related_accepts_object_or_id(value: Any) -> None:
    assert v1.DealSchema().load({"user_id": value}) == {"user_id": value}


@pytest.mark.parametrize("value", [{"name": "A"}, 0, "0", {"value": 0}])
def test_v1_related_rejects_object_without_positive_id(value: Any) -> None:
    assert "user_id" in errors(v1.DealSchema(), {"user_id": value})


@pytest.mark.parametrize(
    "value", ["2024-07-01 05:46:33", "", "0000-00-00 00:00:00", None]
)
def test_v1_timestamp_accepts_v1_spellings(value: Any) -> None:
    assert v1.DealSchema().load({"add_time": value}) == {"add_time": value}


@pytest.mark.parametrize(
    "value", ["2024-07-01T05:46:33Z", "2024-07-01", "2024-07-01 05:46:33.047"]
)
def test_v1_timestamp_rejects_other_forms(value: Any) -> None:
    assert "add_time" in errors(v1.DealSchema(), {"add_time": value})


@pytest.mark.parametrize("value", ["0", "1", "3", "5", "7", 3])
def test_v1_visible_to_accepts_groups_and_zero(value: Any) -> None:
    assert v1.DealSchema().load({"visible_to": value}) == {"visible_to": value}


@pytest.mark.parametrize("value", ["2", 9, "x"])
def test_v1_visible_to_rejects_unknown_group(value: Any) -> None:
    assert "visible_to" in errors(v1.DealSchema(), {"visible_to": value})


@pytest.mark.parametrize("value", ["2,3", 7, [2, 3], "", None])
def test_v1_label_accepts_v1_spellings(value: Any) -> None:
    assert v1.DealSchema().load({"label": value}) == {"label": value}


def test_v1_schema_keeps_undocumented_keys() -> None:
    record = {"id": 1, "some_new_key": {"a": 1}, TEXT: "x"}
    assert v1.DealSchema().load(record) == record


def test_v1_schema_rejects_v2_only_key() -> None:
    assert errors(v1.DealSchema(), {"owner_id": 1}) == {
        "owner_id": ["Field of the v2 shape: v1 records do not have it."]
    }


def test_v1_schema_rejects_custom_fields_object() -> None:
    assert "custom_fields" in errors(v1.DealSchema(), {"custom_fields": {}})


def test_v1_pipeline_rejects_both_flag_spellings() -> None:
    assert errors(v1.PipelineSchema(), {"active": True, "active_flag": True}) == {
        "active_flag": ["Duplicate of 'active': give only one of the two."]
    }


def test_v1_follower_accepts_bare_user_id() -> None:
    assert v1.FollowerSchema().load(456) == {"user_id": 456, "add_time": None}


def test_v1_follower_converts_bare_user_id() -> None:
    assert v1.FollowerSchema(to="v2").load(456) == to_v2("follower", 456)


# Custom fields.


def test_v2_custom_fields_accept_catalog_types() -> None:
    deal = {"custom_fields": {MONEY: {"value": 2300, "currency": "EUR"}, OPTION: 2}}
    assert v2.DealSchema(fields_catalog=deal_catalog()).load(deal) == deal


def test_v2_custom_fields_reject_unknown_key_with_catalog() -> None:
    deal = {"custom_fields": {"f" * 40: "x"}}
    assert errors(v2.DealSchema(fields_catalog=deal_catalog()), deal) == {
        "custom_fields": {
            "f" * 40: ["Unknown custom field: the field definitions have no such key."]
        }
    }


def test_v2_custom_fields_reject_unknown_option() -> None:
    deal = {"custom_fields": {OPTION: 9}}
    assert errors(v2.DealSchema(fields_catalog=deal_catalog()), deal) == {
        "custom_fields": {OPTION: ["Not a valid option id: expected one of 1, 2."]}
    }


def test_v2_custom_fields_reject_option_id_string() -> None:
    deal = {"custom_fields": {OPTION: "2"}}
    assert (
        OPTION
        in errors(v2.DealSchema(fields_catalog=deal_catalog()), deal)["custom_fields"]
    )


def test_v2_custom_fields_reject_monetary_amount_string() -> None:
    deal = {"custom_fields": {MONEY: {"value": "2300", "currency": "EUR"}}}
    assert errors(v2.DealSchema(fields_catalog=deal_catalog()), deal) == {
        "custom_fields": {MONEY: {"value": ["Not a valid number."]}}
    }


def test_v2_custom_fields_reject_text_number_with_catalog() -> None:
    deal = {"custom_fields": {TEXT: 5}}
    assert errors(v2.DealSchema(fields_catalog=deal_catalog()), deal) == {
        "custom_fields": {TEXT: ["Not a valid string."]}
    }


def test_v2_custom_fields_without_catalog_check_shape() -> None:
    deal = {"custom_fields": {MONEY: {"value": 1, "currency": "eur"}}}
    assert errors(v2.DealSchema(), deal) == {
        "custom_fields": {
            MONEY: {
                "currency": [
                    "Not a valid currency code: expected 3 upper-case letters such as EUR."
                ]
            }
        }
    }


def test_v2_custom_fields_without_catalog_reject_unknown_object() -> None:
    deal = {"custom_fields": {MONEY: {"foo": 1}}}
    assert MONEY in errors(v2.DealSchema(), deal)["custom_fields"]


def test_v1_custom_fields_accept_guide_snippets() -> None:
    for example in json.loads((FIXTURES / "guide" / "custom_fields.json").read_text()):
        for field_type in example["field_types"]:
            catalog = FieldCatalog(
                [
                    FieldDefinition(
                        MONEY, "Field", field_type, "deal", True, {123: "A", 456: "B"}
                    )
                ]
            )
            assert (
                v1.DealSchema(fields_catalog=catalog).load(example["v1"])
                == example["v1"]
            )


def test_v2_custom_fields_accept_guide_snippets() -> None:
    for example in json.loads((FIXTURES / "guide" / "custom_fields.json").read_text()):
        for field_type in example["field_types"]:
            catalog = FieldCatalog(
                [
                    FieldDefinition(
                        MONEY, "Field", field_type, "deal", True, {123: "A", 456: "B"}
                    )
                ]
            )
            assert (
                v2.DealSchema(fields_catalog=catalog).load(example["v2"])
                == example["v2"]
            )


def test_v1_custom_field_error_names_subfield_key() -> None:
    record = {MONEY: 5, f"{MONEY}_currency": "euro"}
    assert errors(v1.DealSchema(fields_catalog=deal_catalog()), record) == {
        f"{MONEY}_currency": [
            "Invalid currency for custom field 'Budget' (monetary): expected a "
            "3-letter currency code such as 'EUR'."
        ]
    }


def test_v1_custom_field_rejects_unknown_option() -> None:
    assert errors(v1.DealSchema(fields_catalog=deal_catalog()), {OPTION: "9"}) == {
        OPTION: [
            "Unknown option id for custom field 'Size' (enum): expected one of the "
            "field's option ids (1, 2)."
        ]
    }


def test_v1_custom_field_rejects_unknown_key_with_catalog() -> None:
    assert errors(v1.DealSchema(fields_catalog=deal_catalog()), {"e" * 40: "x"}) == {
        "e" * 40: ["Unknown custom field: the field definitions have no such key."]
    }


def test_v1_custom_field_without_catalog_rejects_list() -> None:
    assert "e" * 40 in errors(v1.DealSchema(), {"e" * 40: [1, 2]})


# Conversion on load.


@pytest.mark.parametrize("entity", ENTITIES)
def test_v1_schema_to_v2_equals_to_v2(entity: str) -> None:
    record = guide(entity, "v1")
    assert v1_schema(entity, to="v2").load(record) == to_v2(entity, record)


@pytest.mark.parametrize("entity", ENTITIES)
def test_v2_schema_to_v1_equals_to_v1(entity: str) -> None:
    record = guide(entity, "v2")
    assert schema_for(entity, "v2")(to="v1").load(record) == to_v1(entity, record)


def test_v1_schema_to_v2_keeps_include_fields() -> None:
    record = guide("deal", "v1")
    loaded = v1.DealSchema(to="v2", include_fields=["notes_count"]).load(record)
    assert loaded["notes_count"] == 0


def test_v1_schema_to_v2_uses_catalog() -> None:
    loaded = v1.DealSchema(to="v2", fields_catalog=deal_catalog()).load({OPTION: "2"})
    assert loaded["custom_fields"] == {OPTION: 2}


def test_v1_schema_to_v2_loads_many() -> None:
    records = [guide("stage", "v1"), real("stage")]
    loaded = v1.StageSchema(to="v2", many=True).load(records)
    assert loaded == [to_v2("stage", record) for record in records]


def test_schema_conversion_error_is_validation_error() -> None:
    schema = v1.DealSchema(to="v2", include_fields=["bogus"])
    messages = errors(schema, guide("deal", "v1"))
    assert messages["_schema"][0].startswith("Unknown include_fields name for deal")


def test_schema_load_copies_nested_values() -> None:
    record = {"id": 1, "x": [1], "user_id": {"id": 2, "value": 2}}
    loaded = v1.DealSchema().load(record)
    assert loaded["x"] is not record["x"]
    assert loaded["user_id"] is not record["user_id"]


def test_schema_load_does_not_mutate_input() -> None:
    record = guide("person", "v1")
    before = copy.deepcopy(record)
    v1.PersonSchema(to="v2").load(record)
    assert record == before


def test_schema_rejects_wrong_target_version() -> None:
    with pytest.raises(ValueError, match="to must be 'v2' or None"):
        v1.DealSchema(to="v1")


def test_schema_rejects_catalog_of_wrong_type() -> None:
    with pytest.raises(TypeError, match="fields_catalog must be a FieldCatalog"):
        v2.DealSchema(fields_catalog={"a": 1})  # type: ignore[arg-type]


def test_user_schema_nests_deal_schema() -> None:
    class Envelope(Schema):
        success = fields.Boolean()
        data = fields.Nested(v2.DealSchema(fields_catalog=deal_catalog()))

    envelope = {"success": True, "data": {"id": 1, "custom_fields": {OPTION: 9}}}
    assert errors(Envelope(), envelope) == {
        "data": {
            "custom_fields": {OPTION: ["Not a valid option id: expected one of 1, 2."]}
        }
    }


def test_schema_dump_returns_declared_fields() -> None:
    record = guide("stage", "v2")
    assert v2.StageSchema().dump(record) == record


def test_schema_for_rejects_unknown_entity() -> None:
    with pytest.raises(ValueError, match="unknown entity"):
        schema_for("lead", "v2")


def test_schema_for_rejects_unknown_version() -> None:
    with pytest.raises(ValueError, match="unknown version"):
        schema_for("deal", "v3")


# The schemas cover every key of the rule tables.


def _rule_keys(rules: tuple[Any, ...], version: str) -> set[str]:
    keys: set[str] = set()
    for rule in rules:
        if isinstance(rule, Field):
            names = (
                (rule.v1, *rule.v1_aliases)
                if version == "v1"
                else (rule.v2_key, *rule.v2_aliases)
            )
            keys.update(names)
        elif isinstance(rule, Removed):
            if version == "v1":
                keys.update((rule.v1, *rule.v1_aliases))
            elif rule.v2_passthrough:
                keys.add(rule.v1)
        elif isinstance(rule, IncludeOnly):
            keys.add(rule.v1)
        elif isinstance(rule, Nested):
            keys.update(rule.v1_keys() if version == "v1" else {rule.v2})
        elif isinstance(rule, Items):
            keys.update(
                {rule.v1} if version == "v1" else {rule.v2_key, *rule.v2_aliases}
            )
        elif isinstance(rule, Labels):
            keys.add(rule.v1 if version == "v1" else rule.v2)
    return keys


def _declared(schema: type[Schema]) -> set[str]:
    return {field.data_key or name for name, field in schema().fields.items()}


@pytest.mark.parametrize("entity", ENTITIES)
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_schema_declares_every_rule_key(entity: str, version: str) -> None:
    expected = _rule_keys(SPECS[entity].rules, version)
    assert expected - _declared(schema_for(entity, version)) == set()


def _nested_schema(schema: type[Schema], key: str) -> type[Schema]:
    field = schema().fields[key]
    inner = field.inner if isinstance(field, fields.List) else field
    nested = inner.nested
    return nested if isinstance(nested, type) else type(nested)


@pytest.mark.parametrize("entity", ENTITIES)
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_nested_schema_declares_every_item_rule_key(entity: str, version: str) -> None:
    schema = schema_for(entity, version)
    for rule in SPECS[entity].rules:
        items = rule.rules if isinstance(rule, Items) else getattr(rule, "items", None)
        if not items:
            continue
        key = (
            rule.v1 if version == "v1" or isinstance(rule, IncludeOnly) else rule.v2_key
        )
        missing = _rule_keys(items, version) - _declared(_nested_schema(schema, key))
        assert missing == set(), f"{entity}.{key}"


@pytest.mark.parametrize("entity", ENTITIES)
def test_v2_custom_fields_match_entity(entity: str) -> None:
    declared = "custom_fields" in _declared(schema_for(entity, "v2"))
    assert declared is SPECS[entity].custom_fields


def test_docs_schemas_examples_run() -> None:
    """The examples in docs/schemas.md produce the output they show."""
    result = doctest.testfile(
        str(DOCS / "schemas.md"),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE,
    )
    assert result.failed == 0
    assert result.attempted > 0
