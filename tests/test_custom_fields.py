"""Custom fields of every type, with and without the account's field definitions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipedrive_shapes import (
    ConversionError,
    FieldCatalog,
    dehumanize,
    humanize,
    to_v1,
    to_v2,
)
from pipedrive_shapes._api import same_json

FIELDS = Path(__file__).parent / "fixtures" / "fields"
GUIDE = Path(__file__).parent / "fixtures" / "guide"
CATALOG = FieldCatalog.from_file(FIELDS / "dealFields.v1.json")
CATALOG_V2 = FieldCatalog.from_file(FIELDS / "dealFields.v2.json")

# Custom field keys of tests/fixtures/fields/dealFields.v1.json, by type.
KEYS = {
    "varchar": "ee4d4fe65a2e4ae1fdc4f197896f7eb997ff6c4a",
    "text": "ac8bc7a55623d58b6c0a75989169186b97339a7d",
    "varchar_auto": "7ede35e3509abb4e4e22b4fd69060209ac96b2ed",
    "double": "9af10364b13c5d8f4d02477e242e8eabff49fa37",
    "int": "dcaa0192eb92388b16e25cc12fa52fe9d2025d62",
    "monetary": "fe9feb26e7df581e80f30392241f4a8838971633",
    "address": "b7f1147861d4dfad2a6819727ab7a582eac4dedd",
    "enum": "99722a1205feb1d12a5d34a6c4d87e0251be66f1",
    "set": "ee2400b321c143db98b8bea146aef0b301e08fd7",
    "user": "88caec9877a840103a1035680c2dc3e253a3a643",
    "people": "3988f2e8b6abb717f45a79cb934953a5410f9e03",
    "org": "a53bbed5ace782fa0c207aa92e08572c7ee103ec",
    "date": "973c986cd1cb5c7fcdb0877cf53af793443c097f",
    "daterange": "549aa60a1502921e15999e262b9b6e6f81852f99",
    "time": "06ef31c6ff56a0219167827728c8ad6e0fb05c48",
    "timerange": "aed792f3ec69d718ea0067e11575460407b54041",
    "phone": "3abe3d54e1e4bc3d214d4fff2f2800e12fc218c9",
}
ENUM_OPTIONS = (31, 32, 33)
SET_OPTIONS = (41, 42, 43)
ADDRESS_PARTS = (
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

# One v1 record and its v2 custom_fields for every type.
V1_VALUES: dict[str, dict[str, Any]] = {
    "varchar": {"": "Webinar"},
    "text": {"": "Line one\nline two"},
    "varchar_auto": {"": "Acme"},
    "double": {"": 12.5},
    "int": {"": 7},
    "monetary": {"": 2300, "currency": "EUR"},
    "address": {
        "": "530 Fifth Avenue, New York, NY, USA",
        "subpremise": None,
        "street_number": "530",
        "route": "5th Avenue",
        "sublocality": "Manhattan",
        "locality": "New York",
        "admin_area_level_1": "New York",
        "admin_area_level_2": "New York County",
        "country": "United States",
        "postal_code": "10036",
        "formatted_address": "530 5th Ave, New York, NY 10036, USA",
    },
    "enum": {"": "32"},
    "set": {"": "41,43"},
    "user": {"": 1234},
    "people": {"": 55},
    "org": {"": 66},
    "date": {"": "2024-01-01"},
    "daterange": {"": "2024-01-01", "until": "2024-02-01"},
    "time": {"": "09:00:00", "timezone_id": 5, "timezone_name": "Europe/Tallinn"},
    "timerange": {"": "09:00:00", "until": "11:00:00"},
    "phone": {"": "+1 555 0100"},
}
V2_VALUES: dict[str, Any] = {
    "varchar": "Webinar",
    "text": "Line one\nline two",
    "varchar_auto": "Acme",
    "double": 12.5,
    "int": 7,
    "monetary": {"value": 2300, "currency": "EUR"},
    "address": {
        "value": "530 Fifth Avenue, New York, NY, USA",
        "street_number": "530",
        "route": "5th Avenue",
        "sublocality": "Manhattan",
        "locality": "New York",
        "admin_area_level_1": "New York",
        "admin_area_level_2": "New York County",
        "country": "United States",
        "postal_code": "10036",
        "formatted_address": "530 5th Ave, New York, NY 10036, USA",
    },
    "enum": 32,
    "set": [41, 43],
    "user": 1234,
    "people": 55,
    "org": 66,
    "date": "2024-01-01",
    "daterange": {"value": "2024-01-01", "until": "2024-02-01"},
    "time": {"value": "09:00:00", "timezone_id": 5, "timezone_name": "Europe/Tallinn"},
    "timerange": {"value": "09:00:00", "until": "11:00:00"},
    "phone": "+1 555 0100",
}


def flat(field_type: str, parts: dict[str, Any]) -> dict[str, Any]:
    key = KEYS[field_type]
    return {
        (f"{key}_{suffix}" if suffix else key): value for suffix, value in parts.items()
    }


@pytest.mark.parametrize("field_type", sorted(KEYS))
def test_type_converts_to_v2_with_catalog(field_type: str) -> None:
    out = to_v2("deal", flat(field_type, V1_VALUES[field_type]), fields=CATALOG)
    assert out["custom_fields"] == {KEYS[field_type]: V2_VALUES[field_type]}


@pytest.mark.parametrize("field_type", sorted(KEYS))
def test_type_converts_to_v1_with_catalog(field_type: str) -> None:
    v2 = {"custom_fields": {KEYS[field_type]: V2_VALUES[field_type]}}
    assert same_json(
        to_v1("deal", v2, fields=CATALOG), flat(field_type, V1_VALUES[field_type])
    )


@pytest.mark.parametrize("field_type", sorted(KEYS))
def test_v2_catalog_format_converts_the_same(field_type: str) -> None:
    v1 = flat(field_type, V1_VALUES[field_type])
    assert to_v2("deal", v1, fields=CATALOG_V2) == to_v2("deal", v1, fields=CATALOG)


def test_v1_object_in_person_field_becomes_id() -> None:
    v1 = {KEYS["people"]: {"value": 55, "name": "Jane"}}
    assert to_v2("deal", v1, fields=CATALOG)["custom_fields"] == {KEYS["people"]: 55}


def test_time_without_timezone_stays_plain() -> None:
    v1 = {KEYS["time"]: "09:00:00"}
    assert to_v2("deal", v1, fields=CATALOG)["custom_fields"] == {
        KEYS["time"]: "09:00:00"
    }


def test_address_subpremise_comes_back_null() -> None:
    v2 = {"custom_fields": {KEYS["address"]: {"value": "x"}}}
    assert to_v1("deal", v2, fields=CATALOG)[KEYS["address"] + "_subpremise"] is None


@pytest.mark.parametrize(
    "field_type", ["varchar", "double", "enum", "set", "user", "date"]
)
@pytest.mark.parametrize("empty", [None, ""])
def test_empty_value_becomes_null(field_type: str, empty: Any) -> None:
    out = to_v2("deal", {KEYS[field_type]: empty}, fields=CATALOG)
    assert out["custom_fields"] == {KEYS[field_type]: None}


@pytest.mark.parametrize(
    "field_type", ["monetary", "daterange", "timerange", "address"]
)
def test_composite_all_null_becomes_null(field_type: str) -> None:
    parts = {suffix: None for suffix in V1_VALUES[field_type]}
    out = to_v2("deal", flat(field_type, parts), fields=CATALOG)
    assert out["custom_fields"] == {KEYS[field_type]: None}


@pytest.mark.parametrize(
    "field_type", ["monetary", "daterange", "timerange", "address"]
)
def test_composite_null_comes_back_with_null_subfields(field_type: str) -> None:
    out = to_v1("deal", {"custom_fields": {KEYS[field_type]: None}}, fields=CATALOG)
    expected_keys = set(flat(field_type, V1_VALUES[field_type])) - {
        KEYS[field_type] + "_timezone_id"
    }
    assert set(out) >= expected_keys


def test_set_option_labels_become_ids() -> None:
    v2 = {"custom_fields": {KEYS["set"]: [{"id": 41, "label": "CRM seats"}]}}
    assert to_v1("deal", v2, fields=CATALOG)[KEYS["set"]] == "41"


def test_enum_option_label_object_comes_back_as_id() -> None:
    v2 = {"custom_fields": {KEYS["enum"]: {"id": 32, "label": "Medium"}}}
    assert to_v1("deal", v2, fields=CATALOG)[KEYS["enum"]] == "32"


# Guide examples, field by field


GUIDE_CUSTOM = json.loads((GUIDE / "custom_fields.json").read_text())


@pytest.mark.parametrize(
    "example", GUIDE_CUSTOM, ids=[item["type"] for item in GUIDE_CUSTOM]
)
def test_guide_custom_field_example_without_catalog(example: dict[str, Any]) -> None:
    """Without definitions, the guide's shape-decided examples convert exactly."""
    out = to_v2("deal", example["v1"])["custom_fields"]
    expected = example["v2"]["custom_fields"]
    if example["type"] in ("single option", "multiple option"):
        # Only the definitions tell option ids from text: kept unchanged.
        expected = {key: example["v1"][key] for key in expected}
    assert out == expected


# Errors name the key, the field's name and the value


@pytest.mark.parametrize(
    ("record", "path", "fragment"),
    [
        ({KEYS["double"]: "many"}, (KEYS["double"],), "'Seats requested'"),
        ({KEYS["enum"]: "99"}, (KEYS["enum"],), "unknown option id"),
        ({KEYS["set"]: "41,99"}, (KEYS["set"],), "unknown option id"),
        (
            {KEYS["monetary"]: 5, KEYS["monetary"] + "_currency": "euro"},
            (KEYS["monetary"] + "_currency",),
            "3-letter",
        ),
        (
            {KEYS["daterange"]: "2024-01-01", KEYS["daterange"] + "_until": "soon"},
            (KEYS["daterange"] + "_until",),
            "'Trial period'",
        ),
        ({KEYS["date"]: "01.01.2024"}, (KEYS["date"],), "YYYY-MM-DD"),
        ({KEYS["time"]: "9am"}, (KEYS["time"],), "HH:MM:SS"),
        ({KEYS["varchar"]: 5}, (KEYS["varchar"],), "a string"),
        (
            {KEYS["varchar"] + "_currency": "EUR"},
            (KEYS["varchar"] + "_currency",),
            "unexpected subfield",
        ),
    ],
)
def test_bad_value_raises_with_field_name(
    record: dict[str, Any], path: tuple[str], fragment: str
) -> None:
    with pytest.raises(ConversionError) as caught:
        to_v2("deal", record, fields=CATALOG)
    assert caught.value.path == path
    assert fragment in str(caught.value)


def test_unknown_option_error_lists_known_ids() -> None:
    with pytest.raises(ConversionError, match="31, 32, 33"):
        to_v2("deal", {KEYS["enum"]: "99"}, fields=CATALOG)


# Without a catalog


def test_no_catalog_keeps_ambiguous_string() -> None:
    out = to_v2("deal", {KEYS["set"]: "41,43"})
    assert out["custom_fields"] == {KEYS["set"]: "41,43"}


def test_no_catalog_strict_raises_on_ambiguous_string() -> None:
    with pytest.raises(ConversionError, match="ambiguous"):
        to_v2("deal", {KEYS["set"]: "41,43"}, strict=True)


def test_no_catalog_strict_raises_on_ambiguous_v2_number() -> None:
    with pytest.raises(ConversionError, match="ambiguous"):
        to_v1("deal", {"custom_fields": {KEYS["enum"]: 32}}, strict=True)


def test_no_catalog_strict_accepts_plain_text() -> None:
    out = to_v2("deal", {KEYS["varchar"]: "Webinar"}, strict=True)
    assert out["custom_fields"] == {KEYS["varchar"]: "Webinar"}


def test_catalog_recognises_non_hex_custom_key() -> None:
    catalog = FieldCatalog.from_json(
        [
            {
                "field_code": "my_field",
                "field_name": "Mine",
                "field_type": "monetary",
                "is_custom_field": True,
            }
        ],
        entity="deal",
    )
    out = to_v2("deal", {"my_field": 5, "my_field_currency": "EUR"}, fields=catalog)
    assert out["custom_fields"] == {"my_field": {"value": 5, "currency": "EUR"}}


# custom_fields filter and readable names


def test_custom_fields_argument_keeps_only_named_keys() -> None:
    v1 = {**flat("varchar", V1_VALUES["varchar"]), **flat("enum", V1_VALUES["enum"])}
    out = to_v2("deal", v1, fields=CATALOG, custom_fields=[KEYS["enum"]])
    assert out["custom_fields"] == {KEYS["enum"]: 32}


def test_field_names_use_names_and_labels() -> None:
    v1 = {**flat("enum", V1_VALUES["enum"]), **flat("set", V1_VALUES["set"])}
    out = to_v2("deal", v1, fields=CATALOG, field_names=True)
    assert out["custom_fields"] == {
        "deal_size": "Medium",
        "products_of_interest": ["CRM seats", "Premium support"],
    }


def test_field_names_round_trip_to_v1() -> None:
    v1 = {
        key: value
        for field_type in KEYS
        for key, value in flat(field_type, V1_VALUES[field_type]).items()
    }
    readable = to_v2("deal", v1, fields=CATALOG, field_names=True)
    assert same_json(to_v1("deal", readable, fields=CATALOG, field_names=True), v1)


def test_field_names_need_catalog() -> None:
    with pytest.raises(ConversionError, match="field definitions"):
        to_v2("deal", {}, field_names=True)


def test_humanize_names_are_unique_identifiers() -> None:
    catalog = FieldCatalog.from_json(
        [
            {"key": "a" * 40, "name": "Deal size", "field_type": "varchar"},
            {"key": "b" * 40, "name": "Deal-size", "field_type": "varchar"},
            {"key": "c" * 40, "name": "2nd phase", "field_type": "varchar"},
        ],
        entity="deal",
    )
    record = {"custom_fields": {"a" * 40: "x", "b" * 40: "y", "c" * 40: "z"}}
    assert humanize("deal", record, fields=catalog)["custom_fields"] == {
        "deal_size": "x",
        "deal_size_2": "y",
        "field_2nd_phase": "z",
    }


def test_dehumanize_unknown_label_raises() -> None:
    with pytest.raises(ConversionError, match="unknown option label") as caught:
        dehumanize("deal", {"custom_fields": {"deal_size": "Huge"}}, fields=CATALOG)
    assert caught.value.path == ("custom_fields", "deal_size")


# Round trips for every type


def _v2_values(field_type: str) -> st.SearchStrategy[Any]:
    text = st.text(min_size=1, max_size=20)
    dates = st.dates().map(lambda d: d.isoformat())
    times = st.times().map(lambda t: t.replace(microsecond=0).isoformat())
    numbers = st.integers(-(10**12), 10**12) | st.floats(
        allow_nan=False, allow_infinity=False, width=32
    )
    ids = st.integers(1, 2**53)
    strategies: dict[str, st.SearchStrategy[Any]] = {
        "varchar": text,
        "text": text,
        "varchar_auto": text,
        "phone": text,
        "double": numbers,
        "int": st.integers(-(10**12), 10**12),
        "monetary": st.fixed_dictionaries(
            {"value": numbers, "currency": st.sampled_from(["EUR", "USD", "JPY"])}
        ),
        "address": st.fixed_dictionaries(
            {
                "value": text,
                **{part: st.none() | st.text(max_size=10) for part in ADDRESS_PARTS},
            }
        ),
        "enum": st.sampled_from(ENUM_OPTIONS),
        "set": st.lists(st.sampled_from(SET_OPTIONS), min_size=1, max_size=3),
        "user": ids,
        "people": ids,
        "org": ids,
        "date": dates,
        "daterange": st.fixed_dictionaries({"value": dates, "until": dates}),
        "time": times
        | st.fixed_dictionaries(
            {"value": times, "timezone_id": st.integers(1, 500), "timezone_name": text}
        ),
        "timerange": st.fixed_dictionaries({"value": times, "until": times}),
    }
    return st.none() | strategies[field_type]


@pytest.mark.parametrize("field_type", sorted(KEYS))
@given(data=st.data())
def test_v2_value_round_trips_with_catalog(
    field_type: str, data: st.DataObject
) -> None:
    """A v2 custom field value of any type survives v2 -> v1 -> v2 with definitions."""
    value = data.draw(_v2_values(field_type))
    v2 = {"custom_fields": {KEYS[field_type]: value}}
    assert to_v2("deal", to_v1("deal", v2, fields=CATALOG), fields=CATALOG) == v2


@pytest.mark.parametrize("field_type", sorted(KEYS))
@given(data=st.data())
def test_v1_value_round_trips_with_catalog(
    field_type: str, data: st.DataObject
) -> None:
    """A v1 custom field value of any type survives v1 -> v2 -> v1 with definitions."""
    value = data.draw(_v2_values(field_type))
    v1 = to_v1("deal", {"custom_fields": {KEYS[field_type]: value}}, fields=CATALOG)
    assert same_json(
        to_v1("deal", to_v2("deal", v1, fields=CATALOG), fields=CATALOG), v1
    )


SHAPE_DECIDED = (
    "monetary",
    "address",
    "daterange",
    "timerange",
    "varchar",
    "date",
    "user",
)


@pytest.mark.parametrize("field_type", SHAPE_DECIDED)
@given(data=st.data())
def test_shape_decided_value_round_trips_without_catalog(
    field_type: str, data: st.DataObject
) -> None:
    """Types that the value's shape identifies survive v2 -> v1 -> v2 without definitions."""
    value = data.draw(_v2_values(field_type).filter(lambda item: item is not None))
    v2 = {"custom_fields": {KEYS[field_type]: value}}
    assert to_v2("deal", to_v1("deal", v2)) == v2


ENTITY_CATALOGS = {
    "person": "personFields.v1.json",
    "organization": "organizationFields.v1.json",
    "product": "productFields.v1.json",
    "activity": "activityFields.v1.json",
    "deal": "dealFields.v1.json",
}
SAMPLE_V2 = {**V2_VALUES, "enum": None, "set": None}


def _sample(definition: Any) -> Any:
    """A valid v2 value for a definition of the fixture catalogs."""
    options = list(definition.options)
    if definition.field_type == "enum":
        return options[0]
    if definition.field_type == "set":
        return options[:2]
    return SAMPLE_V2.get(definition.field_type, "plain")


@pytest.mark.parametrize(("entity", "name"), sorted(ENTITY_CATALOGS.items()))
def test_entity_with_every_catalog_field_round_trips(entity: str, name: str) -> None:
    """A record carrying every custom field of its entity's catalog converts both ways."""
    catalog = FieldCatalog.from_file(FIELDS / name)
    custom = {
        definition.key: _sample(definition)
        for definition in catalog
        if definition.is_custom and definition.entity == entity
    }
    v2 = {"id": 1, "custom_fields": custom}
    v1 = to_v1(entity, v2, fields=catalog)
    assert to_v2(entity, v1, fields=catalog) == v2


def _outcome(function: Any, *args: Any) -> Any:
    try:
        return ("ok", function(*args))
    except ConversionError as error:
        return ("error", error.path, error.message)


def _decoded_both_ways(field_type: str, value: Any) -> tuple[Any, Any]:
    """Run a v2 value through the per-field decoder and the general code.

    Each side is the outcome and the flattened keys with their values, in
    order.
    """
    from pipedrive_shapes import _custom
    from pipedrive_shapes._custom_codecs import codecs_for

    key = KEYS[field_type]
    definition = CATALOG.get("deal", key)
    fast_flat: dict[str, Any] = {}
    general_flat: dict[str, Any] = {}
    decoder = codecs_for(CATALOG, "deal").decoders[key]
    fast = _outcome(decoder, value, fast_flat)
    general = _outcome(_custom.value_to_v1, key, value, definition, general_flat, False)
    return (fast, list(fast_flat.items())), (general, list(general_flat.items()))


scalar_inputs = (
    st.none()
    | st.booleans()
    | st.integers(-5, 50)
    | st.sampled_from(
        ["", "32", "31,33", "41", "41,43", "41,99", " 32", "007", "abc", "2024-01-01"]
    )
    | st.text(max_size=6)
    | st.floats(allow_nan=False)
    | st.lists(st.integers(30, 45), max_size=3)
)


@pytest.mark.parametrize("field_type", sorted(KEYS))
@given(value=scalar_inputs)
def test_field_codec_matches_general_path_to_v2(field_type: str, value: Any) -> None:
    """The per-field v1 -> v2 converter gives what the general code gives, errors included."""
    from pipedrive_shapes import _custom
    from pipedrive_shapes._custom_codecs import codecs_for

    key = KEYS[field_type]
    definition = CATALOG.get("deal", key)
    encoder = codecs_for(CATALOG, "deal").encoders[key]
    fast = _outcome(encoder, {"": value})
    general = _outcome(_custom.value_to_v2, key, {"": value}, definition, False)
    assert fast == general


@pytest.mark.parametrize("field_type", sorted(KEYS))
@given(value=scalar_inputs)
def test_field_codec_matches_general_path_to_v1(field_type: str, value: Any) -> None:
    """The per-field v2 -> v1 converter gives what the general code gives, errors included."""
    fast, general = _decoded_both_ways(field_type, value)
    assert fast == general


part_values = scalar_inputs | st.sampled_from(
    [
        "EUR",
        "eur",
        "EURO",
        "2024-02-29",
        "2023-02-29",
        "2024-13-01",
        "09:30",
        "09:30:00",
        "24:00:00",
        "Berlin",
    ]
)
composite_parts = {
    "monetary": ("", "currency", "until"),
    "address": ("", "subpremise", "route", "locality", "country", "currency"),
    "daterange": ("", "until", "timezone_id", "currency"),
    "timerange": ("", "until", "timezone_name"),
    "time": ("", "timezone_id", "timezone_name", "until"),
}


@pytest.mark.parametrize("field_type", sorted(composite_parts))
@given(data=st.data())
def test_field_codec_subfields_to_v2(field_type: str, data: st.DataObject) -> None:
    """With any mix of subfields, the per-field converter gives what the general code gives."""
    from pipedrive_shapes import _custom
    from pipedrive_shapes._custom_codecs import codecs_for

    suffixes = st.sampled_from(composite_parts[field_type])
    parts = data.draw(st.dictionaries(suffixes, part_values, min_size=1))
    key = KEYS[field_type]
    definition = CATALOG.get("deal", key)
    encoder = codecs_for(CATALOG, "deal").encoders[key]
    fast = _outcome(encoder, parts)
    assert fast == _outcome(_custom.value_to_v2, key, parts, definition, False)


v2_objects = st.dictionaries(
    st.sampled_from(
        ["value", "currency", "until", "subpremise", "route", "timezone_id", "id"]
    ),
    part_values,
)


@pytest.mark.parametrize("field_type", sorted(composite_parts))
@given(value=v2_objects | part_values)
def test_field_codec_objects_to_v1(field_type: str, value: Any) -> None:
    """With any object or scalar, the per-field v2 -> v1 converter gives what the general code gives."""
    fast, general = _decoded_both_ways(field_type, value)
    assert fast == general


@pytest.mark.parametrize(
    "value",
    [[2**3000 - 1], [2**3000], [-(2**3000) + 1], [-(2**3000)], [1, True], [1, 2.0]],
)
def test_set_codec_matches_general_path_at_int_limits(value: list[Any]) -> None:
    """Option ids as large as str() can print take the fast path; larger ones the general code."""
    fast, general = _decoded_both_ways("set", value)
    assert fast == general
