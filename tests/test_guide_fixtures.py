"""Checks on the JSON examples copied from Pipedrive's API v2 migration guide.

The fixtures in ``tests/fixtures/guide`` must stay verbatim copies of the
guide's examples. These tests pin enough of their content that an edit which
"fixes" a value, reorders keys or drops a key fails here first.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest

GUIDE_DIR = Path(__file__).parent / "fixtures" / "guide"

ENTITIES = (
    "product",
    "product_variation",
    "deal_product",
    "pipeline",
    "stage",
    "deal",
    "person",
    "organization",
    "activity",
    "follower",
)

PAIR_FILES = tuple(
    f"{entity}.{version}.json" for entity in ENTITIES for version in ("v1", "v2")
)

JSON_FILES = sorted(GUIDE_DIR.glob("*.json"))

CUSTOM_FIELD_KEY = "d4de1c1518b4531717c676029a45911c340390a6"

CUSTOM_FIELD_TYPES = [
    "text",
    "numeric",
    "monetary",
    "address",
    "single option",
    "multiple option",
    "user/person/org",
    "date",
    "daterange",
    "time",
    "timerange",
]

# (file, number of top-level keys, first key, last key)
KEY_SHAPES = [
    ("product.v1.json", 20, "id", f"{CUSTOM_FIELD_KEY}_currency"),
    ("product.v2.json", 15, "id", "custom_fields"),
    ("product_variation.v1.json", 4, "id", "prices"),
    ("product_variation.v2.json", 4, "id", "prices"),
    ("deal_product.v1.json", 24, "id", "product"),
    ("deal_product.v2.json", 17, "id", "discount_type"),
    ("pipeline.v1.json", 9, "id", "selected"),
    ("pipeline.v2.json", 8, "id", "is_selected"),
    ("stage.v1.json", 12, "id", "update_time"),
    ("stage.v2.json", 10, "id", "update_time"),
    ("deal.v1.json", 73, "id", f"{CUSTOM_FIELD_KEY}_currency"),
    ("deal.v2.json", 30, "id", "custom_fields"),
    ("person.v1.json", 46, "id", f"{CUSTOM_FIELD_KEY}_currency"),
    ("person.v2.json", 15, "id", "custom_fields"),
    ("organization.v1.json", 49, "id", f"{CUSTOM_FIELD_KEY}_currency"),
    ("organization.v2.json", 11, "id", "custom_fields"),
    ("activity.v1.json", 64, "id", "participants"),
    ("activity.v2.json", 29, "id", "participants"),
    ("follower.v1.json", 7, "id", "product_id"),
    ("follower.v2.json", 2, "user_id", "add_time"),
]

# (file, path into the object, value as the guide prints it)
PINNED_VALUES: list[tuple[str, tuple[str | int, ...], Any]] = [
    ("product.v1.json", ("visible_to",), "7"),
    ("product.v1.json", ("active_flag",), True),
    ("product.v1.json", ("owner_id", "id"), 6192726),
    ("product.v1.json", ("prices", 0, "overhead_cost"), 0),
    ("product.v1.json", ("prices", 0, "price_formatted"), "54 €"),
    ("product.v1.json", ("files_count",), None),
    ("product.v2.json", ("visible_to",), 7),
    ("product.v2.json", ("is_deleted",), False),
    ("product.v2.json", ("owner_id",), 6192726),
    ("product.v2.json", ("prices", 0, "direct_cost"), 0),
    ("product.v2.json", ("category",), "262"),
    ("product_variation.v1.json", ("prices", 0, "comment"), ""),
    ("product_variation.v1.json", ("prices", 0, "price_formatted"), "10 €"),
    ("product_variation.v2.json", ("prices", 0, "cost"), 20),
    ("deal_product.v1.json", ("comments",), None),
    ("deal_product.v1.json", ("last_edit",), "2022-11-12 12:10:45"),
    ("deal_product.v1.json", ("product",), None),
    ("deal_product.v2.json", ("comments",), ""),
    ("deal_product.v2.json", ("update_time",), "2022-11-12T12:10:45Z"),
    ("pipeline.v1.json", ("url_title",), "Sales-Pipeline"),
    ("pipeline.v1.json", ("active",), True),
    ("pipeline.v2.json", ("is_selected",), True),
    ("stage.v1.json", ("rotten_days",), None),
    ("stage.v1.json", ("pipeline_deal_probability",), False),
    ("stage.v2.json", ("update_time",), None),
    ("deal.v1.json", ("label",), "2,3"),
    ("deal.v1.json", ("visible_to",), "3"),
    ("deal.v1.json", ("user_id", "value"), 18),
    ("deal.v1.json", ("person_id", "email", 0, "value"), ""),
    ("deal.v1.json", ("expected_close_date",), None),
    ("deal.v1.json", ("acv_currency",), "USD"),
    ("deal.v1.json", (f"{CUSTOM_FIELD_KEY}_currency",), "EUR"),
    ("deal.v2.json", ("value",), 0.0),
    ("deal.v2.json", ("acv",), 42.0),
    ("deal.v2.json", ("label_ids",), []),
    ("deal.v2.json", ("custom_fields", CUSTOM_FIELD_KEY, "value"), 2300),
    ("person.v1.json", ("picture_id", "update_time"), "0000-00-00 00:00:00"),
    ("person.v1.json", ("picture_id", "pictures", "128"), "https://....jpg"),
    ("person.v1.json", ("picture_id", "value"), 2),
    ("person.v1.json", ("phone", 1, "value"), "55123456"),
    ("person.v1.json", ("label",), "2,3"),
    ("person.v2.json", ("picture_id",), 1),
    ("person.v2.json", ("emails", 1, "value"), "another@email.com"),
    ("organization.v1.json", ("name",), "Organization Nname"),
    ("organization.v1.json", ("next_activity_id",), 1),
    ("organization.v1.json", ("last_activity_id",), 1),
    ("organization.v1.json", ("last_activity",), {}),
    ("organization.v1.json", ("next_activity",), {}),
    ("organization.v1.json", ("address_subpremise",), ""),
    ("organization.v1.json", ("address_admin_area_level_1",), "Île-de-France"),
    ("organization.v2.json", ("name",), "Organization Name"),
    ("organization.v2.json", ("address", "postal_code"), "75007"),
    ("activity.v1.json", ("marked_as_done_time",), ""),
    ("activity.v1.json", ("busy_flag",), True),
    (
        "activity.v1.json",
        ("location_formatted_location",),
        "Av. Gustave Eiffel, 75007 Paris, France",
    ),
    ("activity.v1.json", ("attendees", 0, "is_organizer"), 0),
    ("activity.v1.json", ("participants", 0, "primary_flag"), True),
    ("activity.v2.json", ("marked_as_done_time",), None),
    ("activity.v2.json", ("subject",), "Call"),
    ("activity.v2.json", ("attendees", 0, "is_organizer"), 0),
    (
        "activity.v2.json",
        ("location", "formatted_address"),
        "Av. Gustave Eiffel, 75007 Paris, France",
    ),
    ("follower.v1.json", ("id",), 123),
    ("follower.v1.json", ("product_id",), 123),
    ("follower.v2.json", ("add_time",), "2025-01-01T10:56:51Z"),
]


def load_fixture(name: str) -> Any:
    """Parse one guide fixture by file name."""
    with (GUIDE_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def dig(document: Any, path: tuple[str | int, ...]) -> Any:
    """Follow ``path`` through nested dicts and lists."""
    node = document
    for step in path:
        node = node[step]
    return node


def reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build a dict, raising on a key that occurs twice in one object."""
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ValueError(f"duplicate keys: {duplicates}")
    return dict(pairs)


def test_guide_dir_has_fixtures() -> None:
    assert len(JSON_FILES) == len(PAIR_FILES) + 1


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda path: path.name)
def test_guide_fixture_parses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    document = json.loads(text, object_pairs_hook=reject_duplicate_keys)
    assert isinstance(document, dict | list)


@pytest.mark.parametrize("name", PAIR_FILES)
def test_guide_fixture_pair_file_exists(name: str) -> None:
    assert (GUIDE_DIR / name).is_file()


def test_guide_fixture_names_expected() -> None:
    expected = {*PAIR_FILES, "custom_fields.json"}
    assert {path.name for path in JSON_FILES} == expected


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda path: path.name)
def test_guide_readme_lists_file(path: Path) -> None:
    readme = (GUIDE_DIR / "README.md").read_text(encoding="utf-8")
    assert f"`{path.name}`" in readme


@pytest.mark.parametrize("name", PAIR_FILES)
def test_guide_fixture_is_object(name: str) -> None:
    assert isinstance(load_fixture(name), dict)


@pytest.mark.parametrize(("name", "count", "first", "last"), KEY_SHAPES)
def test_guide_fixture_key_shape(name: str, count: int, first: str, last: str) -> None:
    keys = list(load_fixture(name))
    assert len(keys) == count
    assert keys[0] == first
    assert keys[-1] == last


def test_guide_key_shapes_complete() -> None:
    assert sorted(name for name, *_ in KEY_SHAPES) == sorted(PAIR_FILES)


@pytest.mark.parametrize(
    ("name", "path", "expected"),
    PINNED_VALUES,
    ids=[f"{name}:{'.'.join(map(str, path))}" for name, path, _ in PINNED_VALUES],
)
def test_guide_fixture_pinned_value(
    name: str, path: tuple[str | int, ...], expected: Any
) -> None:
    actual = dig(load_fixture(name), path)
    assert actual == expected
    # 0 == False and 0 == 0.0 in Python, so the type is checked on its own.
    assert type(actual) is type(expected)


def test_guide_pipeline_v1_key_order() -> None:
    assert list(load_fixture("pipeline.v1.json")) == [
        "id",
        "name",
        "url_title",
        "order_nr",
        "active",
        "deal_probability",
        "add_time",
        "update_time",
        "selected",
    ]


def test_guide_duplicate_key_position() -> None:
    keys = list(load_fixture("organization.v1.json"))
    assert keys.index("next_activity_id") < keys.index("visible_to")


def test_guide_follower_v1_parent_keys() -> None:
    follower = load_fixture("follower.v1.json")
    parent_keys = {"deal_id", "person_id", "org_id", "product_id"}
    assert parent_keys <= set(follower)


def test_guide_custom_fields_is_list() -> None:
    assert isinstance(load_fixture("custom_fields.json"), list)


def test_guide_custom_field_types_order() -> None:
    entries = load_fixture("custom_fields.json")
    assert [entry["type"] for entry in entries] == CUSTOM_FIELD_TYPES


@pytest.mark.parametrize("index", range(len(CUSTOM_FIELD_TYPES)))
def test_guide_custom_field_entry_keys(index: int) -> None:
    entry = load_fixture("custom_fields.json")[index]
    assert list(entry) == ["type", "field_types", "v1", "v2"]


@pytest.mark.parametrize("index", range(len(CUSTOM_FIELD_TYPES)))
def test_guide_custom_field_v1_keys_are_flat(index: int) -> None:
    v1 = load_fixture("custom_fields.json")[index]["v1"]
    pattern = re.compile(rf"^{CUSTOM_FIELD_KEY}(_[a-z0-9_]+)?$")
    for key in v1:
        assert pattern.match(key), key
    assert CUSTOM_FIELD_KEY in v1


@pytest.mark.parametrize("index", range(len(CUSTOM_FIELD_TYPES)))
def test_guide_custom_field_v2_is_nested(index: int) -> None:
    v2 = load_fixture("custom_fields.json")[index]["v2"]
    assert list(v2) == ["custom_fields"]
    assert list(v2["custom_fields"]) == [CUSTOM_FIELD_KEY]


def custom_field_entry(field_type: str) -> dict[str, Any]:
    """Return the ``custom_fields.json`` entry whose ``type`` is ``field_type``."""
    entries = load_fixture("custom_fields.json")
    matches = [entry for entry in entries if entry["type"] == field_type]
    assert len(matches) == 1
    entry: dict[str, Any] = matches[0]
    return entry


# (type, v1 value of the main key, v2 value inside custom_fields)
CUSTOM_FIELD_VALUES: list[tuple[str, Any, Any]] = [
    ("text", "my text value", "my text value"),
    ("numeric", 500, 500),
    ("monetary", 500, {"value": 500, "currency": "USD"}),
    ("single option", "123", 123),
    ("multiple option", "123,456", [123, 456]),
    ("user/person/org", 1234, 1234),
    ("date", "2024-01-01", "2024-01-01"),
    ("daterange", "2024-01-01", {"value": "2024-01-01", "until": "2024-02-01"}),
    ("time", "09:00:00", "09:00:00"),
    ("timerange", "09:00:00", {"value": "09:00:00", "until": "11:00:00"}),
]


@pytest.mark.parametrize(("field_type", "v1_value", "v2_value"), CUSTOM_FIELD_VALUES)
def test_guide_custom_field_values(
    field_type: str, v1_value: Any, v2_value: Any
) -> None:
    entry = custom_field_entry(field_type)
    assert entry["v1"][CUSTOM_FIELD_KEY] == v1_value
    assert type(entry["v1"][CUSTOM_FIELD_KEY]) is type(v1_value)
    assert entry["v2"]["custom_fields"][CUSTOM_FIELD_KEY] == v2_value
    assert type(entry["v2"]["custom_fields"][CUSTOM_FIELD_KEY]) is type(v2_value)


def test_guide_custom_field_monetary_currency() -> None:
    v1 = custom_field_entry("monetary")["v1"]
    assert v1[f"{CUSTOM_FIELD_KEY}_currency"] == "USD"


def test_guide_custom_field_ranges_until() -> None:
    daterange = custom_field_entry("daterange")["v1"]
    timerange = custom_field_entry("timerange")["v1"]
    assert daterange[f"{CUSTOM_FIELD_KEY}_until"] == "2024-02-01"
    assert timerange[f"{CUSTOM_FIELD_KEY}_until"] == "11:00:00"


def test_guide_custom_field_address_v1_subfields() -> None:
    v1 = custom_field_entry("address")["v1"]
    assert len(v1) == 11
    assert v1[f"{CUSTOM_FIELD_KEY}_subpremise"] is None
    assert v1[f"{CUSTOM_FIELD_KEY}_formatted_address"] == (
        "530 5th Ave, New York, NY 10036, USA"
    )


def test_guide_custom_field_address_v2_object() -> None:
    address = custom_field_entry("address")["v2"]["custom_fields"][CUSTOM_FIELD_KEY]
    assert list(address)[:2] == ["route", "value"]
    assert len(address) == 10
    assert "subpremise" not in address


def test_guide_custom_field_type_codes() -> None:
    field_types = {
        entry["type"]: entry["field_types"]
        for entry in load_fixture("custom_fields.json")
    }
    assert field_types["text"] == ["varchar", "text", "varchar_auto"]
    assert field_types["single option"] == ["enum"]
    assert field_types["multiple option"] == ["set"]
    assert field_types["user/person/org"] == ["user", "people", "org"]
