"""Tests for FieldCatalog: loading v1 and v2 field definitions and lookups."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipedrive_shapes._catalog import (
    DEFAULT_SUBFIELDS,
    FieldCatalog,
    FieldDefinition,
)
from pipedrive_shapes.errors import UNSET, ConversionError

FIELDS = Path(__file__).parent / "fixtures" / "fields"

DEAL_MONETARY = "fe9feb26e7df581e80f30392241f4a8838971633"
DEAL_ADDRESS = "b7f1147861d4dfad2a6819727ab7a582eac4dedd"
DEAL_ENUM = "99722a1205feb1d12a5d34a6c4d87e0251be66f1"
DEAL_SET = "ee2400b321c143db98b8bea146aef0b301e08fd7"
DEAL_DATERANGE = "549aa60a1502921e15999e262b9b6e6f81852f99"
DEAL_TIME = "06ef31c6ff56a0219167827728c8ad6e0fb05c48"
DEAL_TIMERANGE = "aed792f3ec69d718ea0067e11575460407b54041"
DEAL_STRING_IDS = "511b4f8ee8709b462f2634ef3d7a643e08e61dd9"
DEAL_BOOLEAN_IDS = "f81606fc6a314d3e9c99ea62674133dfcd1b78c0"
ORG_ADDRESS = "c516f47c17ac0763ac6e0eae1079538555ac943b"
PERSON_MONETARY = "f200ef83a8cdd088599f1bb4ea3317eaaac36022"
HEX_A = "a" * 40
HEX_B = "b" * 40


def load(name: str) -> Any:
    return json.loads((FIELDS / name).read_text(encoding="utf-8"))


def v1_item(key: str, field_type: Any, **extra: Any) -> dict[str, Any]:
    return {"id": 1, "key": key, "name": key.title(), "field_type": field_type, **extra}


def v2_item(code: str, field_type: str, **extra: Any) -> dict[str, Any]:
    item = {
        "field_code": code,
        "field_name": code.title(),
        "field_type": field_type,
        "options": None,
        "subfields": None,
        "is_custom_field": False,
        "is_optional_response_field": False,
    }
    return {**item, **extra}


def definition(key: str = "title", **changes: Any) -> FieldDefinition:
    values: dict[str, Any] = {
        "key": key,
        "name": "Title",
        "field_type": "varchar",
        "entity": "deal",
        "is_custom": False,
    }
    values.update(changes)
    return FieldDefinition(**values)


@pytest.fixture(scope="module")
def deals_v1() -> FieldCatalog:
    return FieldCatalog.from_file(FIELDS / "dealFields.v1.json")


@pytest.fixture(scope="module")
def deals_v2() -> FieldCatalog:
    return FieldCatalog.from_file(FIELDS / "dealFields.v2.json")


# Loading the fixtures


def test_from_file_v1_deals_count(deals_v1: FieldCatalog) -> None:
    assert len(deals_v1) == 36


def test_from_file_v1_deals_builtin_fields(deals_v1: FieldCatalog) -> None:
    for key, field_type in [
        ("title", "varchar"),
        ("value", "monetary"),
        ("user_id", "user"),
        ("visible_to", "visible_to"),
        ("status", "status"),
        ("person_id", "people"),
        ("org_id", "org"),
    ]:
        found = deals_v1.get("deal", key)
        assert found is not None, key
        assert found.field_type == field_type, key
        assert found.is_custom is False, key


def test_readme_lists_deal_custom_keys(deals_v1: FieldCatalog) -> None:
    readme = (FIELDS / "README.md").read_text(encoding="utf-8")
    section = readme.split("### dealFields.v1.json")[1].split("###")[0]
    listed = dict(re.findall(r"\| `([0-9a-f]{40})` \| (\w+) \|", section))
    loaded = {key: deals_v1.get("deal", key) for key in deals_v1.custom_keys("deal")}
    assert set(listed) == set(loaded)
    for key, field_type in listed.items():
        found = loaded[key]
        assert found is not None
        assert found.field_type == field_type, key


@pytest.mark.parametrize(
    ("file_name", "entity", "count", "custom"),
    [
        ("personFields.v1.json", "person", 14, 4),
        ("organizationFields.v1.json", "organization", 10, 4),
        ("productFields.v1.json", "product", 12, 3),
        ("activityFields.v1.json", "activity", 14, 3),
    ],
)
def test_from_file_other_entities_load(
    file_name: str, entity: str, count: int, custom: int
) -> None:
    catalog = FieldCatalog.from_file(FIELDS / file_name)
    assert len(catalog) == count
    assert len(catalog.custom_keys(entity)) == custom
    assert {item.entity for item in catalog} == {entity}
    assert catalog.unattached_subfields == ()


def test_readme_lists_other_custom_keys() -> None:
    readme = (FIELDS / "README.md").read_text(encoding="utf-8")
    for stem, entity in [
        ("personFields", "person"),
        ("organizationFields", "organization"),
        ("productFields", "product"),
        ("activityFields", "activity"),
    ]:
        section = readme.split(f"### {stem}.v1.json")[1].split("##")[0]
        listed = dict(re.findall(r"\| `([0-9a-f]{40})` \| (\w+) \|", section))
        catalog = FieldCatalog.from_file(FIELDS / f"{stem}.v1.json")
        assert catalog.custom_keys(entity) == frozenset(listed), stem
        for key, field_type in listed.items():
            found = catalog.get(entity, key)
            assert found is not None
            assert found.field_type == field_type, key


# v1 and v2 give the same definitions


def test_from_json_v1_v2_same_definitions(
    deals_v1: FieldCatalog, deals_v2: FieldCatalog
) -> None:
    assert set(deals_v1) == set(deals_v2)


def test_from_json_v1_v2_same_fingerprint(
    deals_v1: FieldCatalog, deals_v2: FieldCatalog
) -> None:
    assert deals_v1.fingerprint == deals_v2.fingerprint


@pytest.mark.parametrize("key", [DEAL_MONETARY, DEAL_ADDRESS, DEAL_STRING_IDS, "value"])
def test_from_json_v1_v2_same_field(
    deals_v1: FieldCatalog, deals_v2: FieldCatalog, key: str
) -> None:
    assert deals_v1.get("deal", key) == deals_v2.get("deal", key)


def test_from_json_mixed_v1_v2_items() -> None:
    catalog = FieldCatalog.from_json(
        [v1_item("title", "varchar"), v2_item(HEX_A, "double", is_custom_field=True)],
        entity="deal",
    )
    assert catalog.get("deal", "title") is not None
    assert catalog.custom_keys("deal") == {HEX_A}


def test_from_json_envelope_and_bare_list_agree() -> None:
    envelope = load("dealFields.v1.json")
    from_envelope = FieldCatalog.from_json(envelope, entity="deal")
    from_list = FieldCatalog.from_json(envelope["data"], entity="deal")
    assert set(from_envelope) == set(from_list)
    assert from_envelope.fingerprint == from_list.fingerprint


def test_from_json_single_field_response() -> None:
    response = {"success": True, "data": v1_item("title", "varchar")}
    catalog = FieldCatalog.from_json(response, entity="deal")
    assert [item.key for item in catalog] == ["title"]


def test_from_json_null_data_is_empty() -> None:
    catalog = FieldCatalog.from_json({"success": True, "data": None})
    assert len(catalog) == 0


# Subfields


def test_from_json_subfield_rows_not_top_level(deals_v1: FieldCatalog) -> None:
    keys = {item.key for item in deals_v1}
    assert f"{DEAL_MONETARY}_currency" not in keys
    assert f"{DEAL_ADDRESS}_route" not in keys
    assert f"{DEAL_DATERANGE}_until" not in keys
    assert "weighted_value_currency" not in keys


def test_from_json_monetary_subfields(deals_v1: FieldCatalog) -> None:
    found = deals_v1.get("deal", DEAL_MONETARY)
    assert found is not None
    assert found.subfields == ("currency",)


def test_from_json_builtin_monetary_subfields(deals_v1: FieldCatalog) -> None:
    found = deals_v1.get("deal", "weighted_value")
    assert found is not None
    assert found.subfields == ("currency",)


def test_from_json_address_subfields_in_order(deals_v2: FieldCatalog) -> None:
    found = deals_v2.get("deal", DEAL_ADDRESS)
    assert found is not None
    assert found.subfields == (
        "subpremise",
        "street_number",
        "route",
        "sublocality",
        "locality",
        "admin_area_level_1",
        "admin_area_level_2",
        "country",
        "postal_code",
        "formatted_address",
    )


@pytest.mark.parametrize(
    ("key", "subfields"),
    [
        (DEAL_DATERANGE, ("until",)),
        (DEAL_TIMERANGE, ("until",)),
        (DEAL_TIME, ("timezone_id", "timezone_name")),
        (DEAL_ENUM, ()),
    ],
)
def test_from_json_default_subfields_by_type(
    deals_v1: FieldCatalog, key: str, subfields: tuple[str, ...]
) -> None:
    found = deals_v1.get("deal", key)
    assert found is not None
    assert found.subfields == subfields


def test_from_json_partial_address_rows_filled() -> None:
    catalog = FieldCatalog.from_file(FIELDS / "personFields.v1.json")
    found = catalog.get("person", "postal_address")
    assert found is not None
    assert found.subfields == DEFAULT_SUBFIELDS["address"]


def test_from_json_single_address_row_filled() -> None:
    catalog = FieldCatalog.from_file(FIELDS / "organizationFields.v1.json")
    found = catalog.get("organization", ORG_ADDRESS)
    assert found is not None
    assert found.subfields == DEFAULT_SUBFIELDS["address"]


def test_from_json_person_currency_row_attached() -> None:
    catalog = FieldCatalog.from_file(FIELDS / "personFields.v1.json")
    assert ("person", f"{PERSON_MONETARY}_currency") not in catalog
    assert catalog.unattached_subfields == ()


def test_from_json_v2_value_subfield_left_out(deals_v2: FieldCatalog) -> None:
    found = deals_v2.get("deal", "value")
    assert found is not None
    assert "value" not in found.subfields


def test_from_json_unflagged_currency_row_attaches() -> None:
    catalog = FieldCatalog.from_json(
        [
            v1_item(HEX_A, "monetary"),
            {"key": f"{HEX_A}_currency", "name": "Currency", "field_type": "varchar"},
        ],
        entity="deal",
    )
    assert len(catalog) == 1
    assert catalog.unattached_subfields == ()


def test_from_json_unknown_subfield_row_kept() -> None:
    catalog = FieldCatalog.from_json(
        [
            {"id": 5, "key": HEX_A, "name": "Budget", "field_type": "monetary"},
            {
                "id": None,
                "key": f"{HEX_A}_exchange_rate",
                "name": "Rate",
                "field_type": "double",
                "is_subfield": True,
                "parent_id": 5,
            },
        ],
        entity="deal",
    )
    found = catalog.get("deal", HEX_A)
    assert found is not None
    assert found.subfields == ("currency", "exchange_rate")


def test_from_json_v1_subfields_list_read() -> None:
    item = v1_item(HEX_A, "varchar", subfields=[{"key": f"{HEX_A}_extra"}])
    catalog = FieldCatalog.from_json([item], entity="deal")
    found = catalog.get("deal", HEX_A)
    assert found is not None
    assert found.subfields == ("extra",)


def test_from_json_orphan_subfield_kept() -> None:
    catalog = FieldCatalog.from_file(FIELDS / "v1-organizationFields-airbyte-1.json")
    assert catalog.unattached_subfields == (
        ("organization", "address_formatted_address"),
    )
    assert ("organization", "address_formatted_address") not in catalog


def test_merged_attaches_orphan_subfield() -> None:
    real = FieldCatalog.from_file(FIELDS / "v1-organizationFields-airbyte-1.json")
    address = FieldCatalog.from_json(
        [{"id": 4021, "key": "address", "name": "Address", "field_type": "address"}],
        entity="organization",
    )
    merged = real.merged(address)
    assert merged.unattached_subfields == ()
    assert len(merged) == 3


def test_merged_attaches_orphan_extra_suffix() -> None:
    orphan_row = {
        "id": None,
        "key": f"{HEX_A}_note",
        "name": "Note",
        "field_type": "varchar",
        "is_subfield": True,
        "parent_id": 7,
        "id_suffix": "note",
    }
    page_two = FieldCatalog.from_json([orphan_row], entity="deal")
    page_one = FieldCatalog.from_json(
        [{"id": 7, "key": HEX_A, "name": "Budget", "field_type": "monetary"}],
        entity="deal",
    )
    found = page_one.merged(page_two).get("deal", HEX_A)
    assert found is not None
    assert found.subfields == ("currency", "note")


def test_fingerprint_counts_unattached_subfields() -> None:
    real = FieldCatalog.from_file(FIELDS / "v1-organizationFields-airbyte-1.json")
    without_row = FieldCatalog(real)
    assert real.fingerprint != without_row.fingerprint


# Options


def test_from_json_numeric_string_ids(deals_v1: FieldCatalog) -> None:
    found = deals_v1.get("deal", DEAL_STRING_IDS)
    assert found is not None
    assert list(found.options) == [101, 102, 103]
    assert all(type(option_id) is int for option_id in found.options)


def test_from_json_boolean_ids_kept(deals_v1: FieldCatalog) -> None:
    found = deals_v1.get("deal", DEAL_BOOLEAN_IDS)
    assert found is not None
    assert [type(option_id) for option_id in found.options] == [bool, bool]
    assert found.options[True] == "Yes"
    assert found.options[False] == "No"


def test_from_json_string_ids_kept(deals_v1: FieldCatalog) -> None:
    found = deals_v1.get("deal", "status")
    assert found is not None
    assert list(found.options) == ["open", "lost", "won", "deleted"]


@pytest.mark.parametrize(
    ("raw_id", "loaded"),
    [(7, 7), (7.0, 7), ("7", 7), ("-3", -3), ("007", "007"), ("+5", "+5"), ("", "")],
)
def test_from_json_option_id_forms(raw_id: Any, loaded: Any) -> None:
    item = v1_item(HEX_A, "enum", options=[{"id": raw_id, "label": "X"}])
    found = FieldCatalog.from_json([item], entity="deal").get("deal", HEX_A)
    assert found is not None
    assert list(found.options) == [loaded]
    assert type(next(iter(found.options))) is type(loaded)


def test_from_json_option_extra_members_ignored() -> None:
    options = [{"id": 5, "label": "Customer", "color": "green"}]
    found = FieldCatalog.from_json(
        [v1_item("label_ids", "set", options=options)], entity="person"
    ).get("person", "label_ids")
    assert found is not None
    assert dict(found.options) == {5: "Customer"}


def test_from_json_repeated_identical_option_kept() -> None:
    options = [{"id": 1, "label": "A"}, {"id": "1", "label": "A"}]
    found = FieldCatalog.from_json(
        [v1_item(HEX_A, "enum", options=options)], entity="deal"
    ).get("deal", HEX_A)
    assert found is not None
    assert dict(found.options) == {1: "A"}


def test_option_label_int_id(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_label("deal", DEAL_ENUM, 32) == "Medium"


def test_option_label_numeric_string_id(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_label("deal", DEAL_ENUM, "32") == "Medium"


def test_option_label_set_option(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_label("deal", DEAL_SET, 43) == "Premium support"


def test_option_label_string_id(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_label("deal", "status", "won") == "Won"


def test_option_label_boolean_id(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_label("deal", DEAL_BOOLEAN_IDS, False) == "No"


def test_option_label_int_not_boolean(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_label("deal", DEAL_BOOLEAN_IDS, 1) is None


def test_option_label_boolean_not_int(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_label("deal", "visible_to", True) is None


def test_option_label_unknown_option(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_label("deal", DEAL_ENUM, 99) is None


def test_option_label_unknown_field(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_label("deal", HEX_A, 1) is None


def test_option_id_by_label(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_id("deal", DEAL_ENUM, "Large") == 33


def test_option_id_boolean(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_id("deal", DEAL_BOOLEAN_IDS, "Yes") is True


def test_option_id_unknown_label(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_id("deal", DEAL_ENUM, "Huge") is None


def test_option_id_unknown_field(deals_v1: FieldCatalog) -> None:
    assert deals_v1.option_id("deal", HEX_A, "Large") is None


def test_option_id_ambiguous_label_raises() -> None:
    options = [{"id": 1, "label": "Same"}, {"id": 2, "label": "Same"}]
    catalog = FieldCatalog.from_json(
        [v1_item(HEX_A, "enum", options=options)], entity="deal"
    )
    with pytest.raises(ConversionError, match="ambiguous") as caught:
        catalog.option_id("deal", HEX_A, "Same")
    assert caught.value.value == [1, 2]


# Other definition facts


def test_from_json_unknown_type_loads() -> None:
    catalog = FieldCatalog.from_json([v1_item("hologram", "hologram_3d")])
    found = catalog.get("deal", "hologram")
    assert found is not None
    assert found.field_type == "hologram_3d"


def test_from_json_hex_key_is_custom() -> None:
    catalog = FieldCatalog.from_json([v1_item(HEX_A, "varchar")], entity="deal")
    assert catalog.custom_keys("deal") == {HEX_A}


def test_from_json_uppercase_hex_not_custom() -> None:
    catalog = FieldCatalog.from_json([v1_item("A" * 40, "varchar")], entity="deal")
    assert catalog.custom_keys("deal") == frozenset()


def test_from_json_v2_custom_flag_is_custom() -> None:
    item = v2_item("project_code", "varchar", is_custom_field=True)
    catalog = FieldCatalog.from_json([item], entity="deal")
    assert catalog.custom_keys("deal") == {"project_code"}


def test_from_json_missing_name_uses_key() -> None:
    catalog = FieldCatalog.from_json([{"key": "title", "field_type": "varchar"}])
    found = catalog.get("deal", "title")
    assert found is not None
    assert found.name == "title"


def test_from_json_identical_duplicate_kept() -> None:
    catalog = FieldCatalog.from_json(
        [v1_item("title", "varchar"), v1_item("title", "varchar")], entity="deal"
    )
    assert len(catalog) == 1


def test_merged_same_key_two_entities() -> None:
    deals = FieldCatalog.from_json([v1_item("name", "varchar")], entity="deal")
    persons = FieldCatalog.from_json([v1_item("name", "text")], entity="person")
    merged = deals.merged(persons)
    assert len(merged) == 2


def test_from_json_org_alias_entity() -> None:
    catalog = FieldCatalog.from_json([v1_item("name", "varchar")], entity="org")
    assert [item.entity for item in catalog] == ["organization"]


def test_from_json_unknown_entity_raises() -> None:
    with pytest.raises(ValueError, match="unknown entity 'lead'"):
        FieldCatalog.from_json([], entity="lead")


# Errors while loading


@pytest.mark.parametrize(
    ("data", "path", "value", "message"),
    [
        ("fields", (), "fields", "invalid field definitions response"),
        ({"success": True}, ("data",), UNSET, "missing data"),
        ({"success": True, "data": "x"}, ("data",), "x", "invalid data"),
        (
            {"success": False, "error": "unauthorized", "data": None},
            ("success",),
            False,
            "reports a failure",
        ),
    ],
)
def test_from_json_bad_envelope_raises(
    data: Any, path: tuple[Any, ...], value: Any, message: str
) -> None:
    with pytest.raises(ConversionError, match=message) as caught:
        FieldCatalog.from_json(data)
    assert caught.value.path == path
    assert caught.value.value == value


def test_from_json_failure_hint_names_error() -> None:
    response = {"success": False, "error": "unauthorized", "data": None}
    with pytest.raises(ConversionError) as caught:
        FieldCatalog.from_json(response)
    assert caught.value.hint is not None
    assert "unauthorized" in caught.value.hint


def _envelope_with(item: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = copy.deepcopy(load("dealFields.v1.json"))
    envelope["data"][3] = item
    return envelope


@pytest.mark.parametrize(
    ("item", "path", "value", "message"),
    [
        ("title", ("data", 3), "title", "invalid field definition"),
        (None, ("data", 3), None, "invalid field definition"),
        (
            {"name": "Title", "field_type": "varchar"},
            ("data", 3, "key"),
            UNSET,
            "missing key",
        ),
        (
            {"field_name": "Title", "field_type": "varchar"},
            ("data", 3, "field_code"),
            UNSET,
            "missing field_code",
        ),
        (v1_item("", "varchar"), ("data", 3, "key"), "", "invalid key"),
        (
            {"key": 12, "name": "Title", "field_type": "varchar"},
            ("data", 3, "key"),
            12,
            "invalid key",
        ),
        (
            {"field_code": None, "field_type": "varchar"},
            ("data", 3, "field_code"),
            None,
            "invalid field_code",
        ),
        (
            {"key": "title", "name": "Title"},
            ("data", 3, "field_type"),
            UNSET,
            "missing field_type",
        ),
        (v1_item("title", 5), ("data", 3, "field_type"), 5, "invalid field_type"),
        (
            {"key": "title", "name": 5, "field_type": "varchar"},
            ("data", 3, "name"),
            5,
            "invalid name",
        ),
        (
            v2_item("title", "varchar", field_name=["Title"]),
            ("data", 3, "field_name"),
            ["Title"],
            "invalid field_name",
        ),
    ],
)
def test_from_json_bad_item_raises(
    item: Any, path: tuple[Any, ...], value: Any, message: str
) -> None:
    with pytest.raises(ConversionError, match=message) as caught:
        FieldCatalog.from_json(_envelope_with(item), entity="deal")
    assert caught.value.path == path
    assert caught.value.value == value
    assert caught.value.hint


def test_from_json_bare_list_error_path() -> None:
    with pytest.raises(ConversionError) as caught:
        FieldCatalog.from_json([v1_item("title", "varchar"), {"key": "x"}])
    assert caught.value.path == (1, "field_type")


def test_from_json_error_message_names_path() -> None:
    with pytest.raises(ConversionError) as caught:
        FieldCatalog.from_json(_envelope_with({"key": "title", "name": "Title"}))
    assert "$.data[3].field_type" in str(caught.value)


@pytest.mark.parametrize(
    ("options", "path", "value", "message"),
    [
        ({"1": "A"}, ("data", 3, "options"), {"1": "A"}, "invalid options"),
        ("1,2", ("data", 3, "options"), "1,2", "invalid options"),
        (["A"], ("data", 3, "options", 0), "A", "invalid option"),
        ([{"label": "A"}], ("data", 3, "options", 0, "id"), UNSET, "missing option id"),
        (
            [{"id": None, "label": "A"}],
            ("data", 3, "options", 0, "id"),
            None,
            "invalid option id",
        ),
        (
            [{"id": 1.5, "label": "A"}],
            ("data", 3, "options", 0, "id"),
            1.5,
            "invalid option id",
        ),
        (
            [{"id": [1], "label": "A"}],
            ("data", 3, "options", 0, "id"),
            [1],
            "invalid option id",
        ),
        (
            [{"id": 1}],
            ("data", 3, "options", 0, "label"),
            UNSET,
            "missing option label",
        ),
        (
            [{"id": 1, "label": 7}],
            ("data", 3, "options", 0, "label"),
            7,
            "invalid option label",
        ),
        (
            [{"id": 1, "label": "A"}, {"id": "1", "label": "B"}],
            ("data", 3, "options", 1, "id"),
            "1",
            "duplicate option id",
        ),
    ],
)
def test_from_json_bad_options_raise(
    options: Any, path: tuple[Any, ...], value: Any, message: str
) -> None:
    item = v1_item(HEX_A, "enum", options=options)
    with pytest.raises(ConversionError, match=message) as caught:
        FieldCatalog.from_json(_envelope_with(item), entity="deal")
    assert caught.value.path == path
    assert caught.value.value == value


@pytest.mark.parametrize(
    ("subfields", "path"),
    [
        ("currency", ("data", 3, "subfields")),
        ([{"field_name": "Currency"}], ("data", 3, "subfields", 0)),
        ([7], ("data", 3, "subfields", 0)),
    ],
)
def test_from_json_bad_subfields_raise(subfields: Any, path: tuple[Any, ...]) -> None:
    item = v2_item(HEX_A, "monetary", subfields=subfields)
    with pytest.raises(ConversionError, match="invalid subfield") as caught:
        FieldCatalog.from_json(_envelope_with(item), entity="deal")
    assert caught.value.path == path


def test_from_json_conflicting_duplicate_raises() -> None:
    items = [v1_item("title", "varchar"), v1_item("title", "text")]
    with pytest.raises(ConversionError, match="conflicting definitions") as caught:
        FieldCatalog.from_json({"success": True, "data": items}, entity="deal")
    assert caught.value.path == ("data", 1, "key")


# from_file


@pytest.mark.parametrize(
    ("file_name", "entity"),
    [
        ("dealFields.json", "deal"),
        ("v1-dealFields-airbyte-1.json", "deal"),
        ("DEALFIELDS.json", "deal"),
        ("deal_fields.json", "deal"),
        ("deal-fields.v2.json", "deal"),
        ("personFields.json", "person"),
        ("organizationFields.json", "organization"),
        ("orgFields.json", "organization"),
        ("org_fields.json", "organization"),
        ("productFields.json", "product"),
        ("activity_fields.json", "activity"),
        ("fields.json", None),
        ("dealProductFields.json", None),
    ],
)
def test_from_file_infers_entity(
    tmp_path: Path, file_name: str, entity: str | None
) -> None:
    path = tmp_path / file_name
    path.write_text(json.dumps([v1_item("title", "varchar")]), encoding="utf-8")
    catalog = FieldCatalog.from_file(path)
    assert [item.entity for item in catalog] == [entity]


def test_from_file_explicit_entity_wins(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.json"
    path.write_text(json.dumps([v1_item("title", "varchar")]), encoding="utf-8")
    catalog = FieldCatalog.from_file(path, entity="product")
    assert [item.entity for item in catalog] == ["product"]


def test_from_file_str_path() -> None:
    catalog = FieldCatalog.from_file(str(FIELDS / "productFields.v1.json"))
    assert len(catalog) == 12


def test_from_file_several_entities_raises(tmp_path: Path) -> None:
    path = tmp_path / "dealFields-personFields.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError, match="several entities"):
        FieldCatalog.from_file(path)


def test_from_file_not_json_raises(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.json"
    path.write_text('{"success": true, "data": [', encoding="utf-8")
    with pytest.raises(
        ConversionError, match=re.escape("'dealFields.json' is not valid JSON")
    ) as caught:
        FieldCatalog.from_file(path)
    assert caught.value.value == str(path)


def test_from_file_ndjson_raises(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.ndjson"
    lines = [
        json.dumps(v1_item("title", "varchar")),
        json.dumps(v1_item("value", "monetary")),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ConversionError, match="not valid JSON"):
        FieldCatalog.from_file(path)


def test_from_file_not_utf8_raises(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.json"
    path.write_bytes(b'[{"key": "\xff"}]')
    with pytest.raises(
        ConversionError, match=re.escape("'dealFields.json' is not UTF-8")
    ):
        FieldCatalog.from_file(path)


def test_from_file_bom_accepted(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.json"
    path.write_text(json.dumps([v1_item("title", "varchar")]), encoding="utf-8-sig")
    assert len(FieldCatalog.from_file(path)) == 1


def test_from_file_content_error_names_file(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.json"
    path.write_text(
        json.dumps({"success": True, "data": [{"key": "x"}]}), encoding="utf-8"
    )
    with pytest.raises(
        ConversionError, match=re.escape("in 'dealFields.json'")
    ) as caught:
        FieldCatalog.from_file(path)
    assert caught.value.path == ("data", 0, "field_type")


def test_from_file_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        FieldCatalog.from_file(tmp_path / "dealFields.json")


# Real responses


def test_from_file_real_deal_fields_load() -> None:
    catalog = FieldCatalog.from_file(FIELDS / "v1-dealFields-airbyte-1.json")
    assert catalog.custom_keys("deal") == {
        "eae9c2a5b618934581aebed0747cc33cd681379e",
        "bed1d9f4cfdaf761fab04b38df20144b0fd156d6",
        "41505adc22569bf93214dd7f7eaa10eaa387947d",
    }
    assert (
        catalog.option_label("deal", "eae9c2a5b618934581aebed0747cc33cd681379e", "23")
        == "Test"
    )


def test_from_file_real_organization_fields_load() -> None:
    catalog = FieldCatalog.from_file(FIELDS / "v1-organizationFields-airbyte-1.json")
    assert sorted(item.key for item in catalog) == [
        "16a9e1fcbccc7f7a5f429a1840c9f66db9ee901a",
        "label_ids",
    ]
    assert catalog.option_id("organization", "label_ids", "Hot lead") == 6


# Lookups


def test_get_unknown_key(deals_v1: FieldCatalog) -> None:
    assert deals_v1.get("deal", "nope") is None


def test_get_other_entity_misses(deals_v1: FieldCatalog) -> None:
    assert deals_v1.get("person", "title") is None


def test_get_falls_back_to_no_entity() -> None:
    catalog = FieldCatalog([definition(entity=None)])
    found = catalog.get("person", "title")
    assert found is not None
    assert found.entity is None


def test_get_prefers_entity_definition() -> None:
    catalog = FieldCatalog([definition(entity=None), definition(field_type="text")])
    found = catalog.get("deal", "title")
    assert found is not None
    assert found.field_type == "text"


def test_get_org_alias() -> None:
    catalog = FieldCatalog.from_file(FIELDS / "organizationFields.v1.json")
    assert catalog.get("org", "address") == catalog.get("organization", "address")


def test_get_unknown_entity_raises(deals_v1: FieldCatalog) -> None:
    with pytest.raises(ValueError, match="unknown entity 'deals'"):
        deals_v1.get("deals", "title")


def test_custom_keys_other_entity_empty(deals_v1: FieldCatalog) -> None:
    assert deals_v1.custom_keys("person") == frozenset()


def test_custom_keys_include_no_entity() -> None:
    catalog = FieldCatalog([definition(HEX_A, entity=None, is_custom=True)])
    assert catalog.custom_keys("product") == {HEX_A}


def test_by_name_finds_field(deals_v1: FieldCatalog) -> None:
    found = deals_v1.by_name("deal", "Deal size")
    assert found is not None
    assert found.key == DEAL_ENUM


def test_by_name_is_exact(deals_v1: FieldCatalog) -> None:
    assert deals_v1.by_name("deal", "deal size") is None


def test_by_name_ambiguous_raises() -> None:
    catalog = FieldCatalog(
        [definition(HEX_A, name="Budget"), definition(HEX_B, name="Budget")]
    )
    with pytest.raises(ConversionError, match="'Budget' is ambiguous") as caught:
        catalog.by_name("deal", "Budget")
    assert caught.value.value == [HEX_A, HEX_B]


def test_by_name_prefers_entity_definition() -> None:
    catalog = FieldCatalog(
        [
            definition(HEX_A, name="Budget", entity=None),
            definition(HEX_B, name="Budget"),
        ]
    )
    found = catalog.by_name("deal", "Budget")
    assert found is not None
    assert found.key == HEX_B


def test_contains_entity_key(deals_v1: FieldCatalog) -> None:
    assert ("deal", DEAL_ENUM) in deals_v1


@pytest.mark.parametrize(
    "item",
    [
        ("person", DEAL_ENUM),
        ("deals", DEAL_ENUM),
        DEAL_ENUM,
        ("deal",),
        (None, "title"),
    ],
)
def test_contains_misses(deals_v1: FieldCatalog, item: Any) -> None:
    assert item not in deals_v1


def test_iter_yields_definitions(deals_v1: FieldCatalog) -> None:
    items = list(deals_v1)
    assert len(items) == len(deals_v1)
    assert all(isinstance(item, FieldDefinition) for item in items)


def test_iter_keeps_response_order(deals_v1: FieldCatalog) -> None:
    assert [item.key for item in deals_v1][:3] == ["id", "title", "creator_user_id"]


# merged


def test_merged_unions_entities(deals_v1: FieldCatalog) -> None:
    persons = FieldCatalog.from_file(FIELDS / "personFields.v1.json")
    merged = deals_v1.merged(persons)
    assert len(merged) == len(deals_v1) + len(persons)
    assert merged.get("person", "postal_address") is not None
    assert merged.get("deal", DEAL_ENUM) is not None


def test_merged_leaves_inputs_unchanged(deals_v1: FieldCatalog) -> None:
    before = deals_v1.fingerprint
    persons = FieldCatalog.from_file(FIELDS / "personFields.v1.json")
    deals_v1.merged(persons)
    assert deals_v1.fingerprint == before
    assert len(persons) == 14


def test_merged_identical_overlap(
    deals_v1: FieldCatalog, deals_v2: FieldCatalog
) -> None:
    assert len(deals_v1.merged(deals_v2)) == len(deals_v1)


def test_merged_conflict_raises() -> None:
    first = FieldCatalog([definition()])
    second = FieldCatalog([definition(name="Deal title")])
    with pytest.raises(
        ConversionError, match="conflicting definitions of field 'title'"
    ):
        first.merged(second)


def test_init_conflict_raises() -> None:
    with pytest.raises(ConversionError, match="conflicting definitions"):
        FieldCatalog([definition(), definition(field_type="text")])


def test_merged_all_entities() -> None:
    catalog = FieldCatalog()
    for stem in ["deal", "person", "organization", "product", "activity"]:
        catalog = catalog.merged(
            FieldCatalog.from_file(FIELDS / f"{stem}Fields.v1.json")
        )
    assert len(catalog) == 36 + 14 + 10 + 12 + 14
    assert {item.entity for item in catalog} == {
        "deal",
        "person",
        "organization",
        "product",
        "activity",
    }


# Fingerprint


def test_fingerprint_hashable(deals_v1: FieldCatalog) -> None:
    assert hash(deals_v1.fingerprint) == hash(deals_v1.fingerprint)


def test_fingerprint_stable_across_loads(deals_v1: FieldCatalog) -> None:
    again = FieldCatalog.from_file(FIELDS / "dealFields.v1.json")
    assert again.fingerprint == deals_v1.fingerprint


def test_fingerprint_ignores_order(deals_v1: FieldCatalog) -> None:
    reversed_catalog = FieldCatalog(reversed(list(deals_v1)))
    assert reversed_catalog.fingerprint == deals_v1.fingerprint


@pytest.mark.parametrize(
    "changes",
    [
        {"key": "title2"},
        {"name": "Deal title"},
        {"field_type": "text"},
        {"entity": "person"},
        {"entity": None},
        {"is_custom": True},
        {"options": {1: "A"}},
        {"subfields": ("currency",)},
    ],
)
def test_fingerprint_changes_with_content(changes: dict[str, Any]) -> None:
    base = FieldCatalog([definition()])
    changed = FieldCatalog([definition(**changes)])
    assert base.fingerprint != changed.fingerprint


def test_fingerprint_changes_with_option_label() -> None:
    first = FieldCatalog([definition(options={1: "A"})])
    second = FieldCatalog([definition(options={1: "B"})])
    assert first.fingerprint != second.fingerprint


def test_fingerprint_boolean_and_int_ids_differ() -> None:
    boolean = FieldCatalog([definition(options={True: "Yes"})])
    integer = FieldCatalog([definition(options={1: "Yes"})])
    assert boolean.fingerprint != integer.fingerprint


def test_fingerprint_string_and_int_ids_differ() -> None:
    text = FieldCatalog([definition(options={"open": "Open"})])
    integer = FieldCatalog([definition(options={1: "Open"})])
    assert text.fingerprint != integer.fingerprint


def test_fingerprint_changes_after_merge(deals_v1: FieldCatalog) -> None:
    persons = FieldCatalog.from_file(FIELDS / "personFields.v1.json")
    assert deals_v1.merged(persons).fingerprint != deals_v1.fingerprint


def test_fingerprint_empty_catalogs_equal() -> None:
    assert FieldCatalog().fingerprint == FieldCatalog.from_json([]).fingerprint


definitions = st.builds(
    FieldDefinition,
    key=st.sampled_from(["title", "value", HEX_A, HEX_B]),
    name=st.text(max_size=5),
    field_type=st.sampled_from(["varchar", "enum", "monetary"]),
    entity=st.sampled_from([None, "deal", "person"]),
    is_custom=st.booleans(),
    options=st.dictionaries(
        st.one_of(st.integers(0, 3), st.booleans(), st.sampled_from(["a", "b"])),
        st.text(max_size=3),
        max_size=3,
    ),
    subfields=st.lists(
        st.sampled_from(["currency", "until"]), max_size=2, unique=True
    ).map(tuple),
)


def _unique_slots(items: list[FieldDefinition]) -> list[FieldDefinition]:
    seen: dict[tuple[str | None, str], FieldDefinition] = {}
    for item in items:
        seen.setdefault((item.entity, item.key), item)
    return list(seen.values())


@given(st.lists(definitions, max_size=6).map(_unique_slots), st.randoms())
def test_fingerprint_shuffle_and_drop(
    items: list[FieldDefinition], random: Any
) -> None:
    """Shuffling the definitions keeps the fingerprint, and dropping one changes it."""
    shuffled = list(items)
    random.shuffle(shuffled)
    assert FieldCatalog(items).fingerprint == FieldCatalog(shuffled).fingerprint
    if items:
        fewer = FieldCatalog(items[1:])
        assert fewer.fingerprint != FieldCatalog(items).fingerprint


# FieldDefinition


def test_definition_hashable() -> None:
    assert len({definition(), definition()}) == 1


def test_definition_options_read_only() -> None:
    item = definition(options={1: "A"})
    with pytest.raises(TypeError):
        item.options[2] = "B"  # type: ignore[index]


def test_definition_options_normalized() -> None:
    item = definition(options={"5": "A", 6.0: "B"})
    assert dict(item.options) == {5: "A", 6: "B"}


def test_definition_options_equal_plain_dict() -> None:
    assert definition(options={1: "A"}).options == {1: "A"}


def test_definition_boolean_options_differ_from_int() -> None:
    assert definition(options={True: "A"}) != definition(options={1: "A"})


def test_definition_subfields_become_tuple() -> None:
    item = definition(subfields=["currency"])
    assert item.subfields == ("currency",)


def test_definition_org_alias() -> None:
    assert definition(entity="org").entity == "organization"


def test_definition_unknown_entity_raises() -> None:
    with pytest.raises(ValueError, match="unknown entity 'deals'"):
        definition(entity="deals")


def test_definition_bad_option_id_raises() -> None:
    with pytest.raises(TypeError, match="invalid option id"):
        definition(options={None: "A"})


def test_definition_bad_option_label_raises() -> None:
    with pytest.raises(TypeError, match="invalid label"):
        definition(options={1: 2})


def test_definition_conflicting_option_ids_raise() -> None:
    with pytest.raises(ValueError, match="given twice"):
        definition(options={1: "A", "1": "B"})


def test_definition_frozen() -> None:
    item = definition()
    with pytest.raises(AttributeError):
        item.name = "Other"  # type: ignore[misc]
