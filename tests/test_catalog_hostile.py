"""Hostile input for FieldCatalog: every case returns or raises ConversionError.

Each test feeds one value built to break the catalog to one method: a
10,000-deep list, a 5000-digit number, a lone surrogate or a value of the
wrong Python type. Tests that need a whole response start from the real
``dealFields`` v1 response.
"""

from __future__ import annotations

import copy
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipedrive_shapes._catalog import FieldCatalog, FieldDefinition
from pipedrive_shapes.errors import ConversionError

FIELDS = Path(__file__).parent / "fixtures" / "fields"
DEAL_ENUM = "99722a1205feb1d12a5d34a6c4d87e0251be66f1"
HEX_A = "a" * 40
DEEP = 10_000
#: More digits than int() and str() convert by default (the limit is 4300).
HUGE_DIGITS = 5_000
MEGABYTE = 1_000_000
#: Maximum length of a rejection's message, whatever the size of its value.
MAX_MESSAGE = 1_000

#: Entity arguments of the wrong type or spelling. Loading also accepts None.
BAD_ENTITIES = [5, 1.5, True, b"deal", ["deal"], {"deal": 1}, "deals", "\ud800"]
#: Values that are not a str, bytes or os.PathLike path.
NOT_PATHS = [None, 5, 1.5, True, ["dealFields.json"], {"path": "x"}, object()]


def deal_response() -> dict[str, Any]:
    """Return a fresh copy of the real v1 dealFields response."""
    text = (FIELDS / "dealFields.v1.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def enum_row(option_id: Any) -> dict[str, Any]:
    return {
        "key": HEX_A,
        "name": "Size",
        "field_type": "enum",
        "options": [{"id": option_id, "label": "Small"}],
    }


def nested_list(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def rejection(function: Callable[[], Any]) -> ConversionError:
    """Call ``function``, expect a ConversionError and check its message."""
    with pytest.raises(ConversionError) as caught:
        function()
    error = caught.value
    assert len(str(error)) < MAX_MESSAGE, str(error)[:200]
    str(error).encode("utf-8")
    return error


@pytest.fixture(scope="module")
def deals() -> FieldCatalog:
    return FieldCatalog.from_json(deal_response(), entity="deal")


# from_json


def test_from_json_deep_list_rejected() -> None:
    error = rejection(lambda: FieldCatalog.from_json(nested_list(DEEP)))
    assert error.path == (0,)


def test_from_json_deep_row_rejected() -> None:
    error = rejection(lambda: FieldCatalog.from_json({"data": [nested_list(DEEP)]}))
    assert error.message == "invalid field definition"


def test_from_json_deep_error_member_rejected() -> None:
    response = {"success": False, "error": nested_list(DEEP)}
    error = rejection(lambda: FieldCatalog.from_json(response))
    assert error.path == ("success",)


def test_from_json_megabyte_error_member_short() -> None:
    response = {"success": False, "error": "x" * MEGABYTE}
    rejection(lambda: FieldCatalog.from_json(response))


@pytest.mark.parametrize("entity", BAD_ENTITIES, ids=repr)
def test_from_json_entity_invalid(entity: Any) -> None:
    error = rejection(lambda: FieldCatalog.from_json([], entity=entity))
    assert error.value is entity


def test_from_json_entity_unknown_is_value_error() -> None:
    with pytest.raises(ValueError, match="unknown entity 'lead'"):
        FieldCatalog.from_json([], entity="lead")


def test_from_json_huge_int_option_id() -> None:
    error = rejection(lambda: FieldCatalog.from_json([enum_row(10**HUGE_DIGITS)]))
    assert error.path == (0, "options", 0, "id")


@pytest.mark.parametrize("sign", ["", "-"])
def test_from_json_huge_digit_string_option_id(sign: str) -> None:
    row = enum_row(sign + "1" * HUGE_DIGITS)
    error = rejection(lambda: FieldCatalog.from_json([row]))
    assert error.path == (0, "options", 0, "id")


def test_from_json_900_digit_option_id_kept() -> None:
    catalog = FieldCatalog.from_json([enum_row("9" * 900)], entity="deal")
    assert catalog.option_label("deal", HEX_A, 10**900 - 1) == "Small"


def test_from_json_conflict_megabyte_name_short() -> None:
    rows = [
        {"key": HEX_A, "name": "x" * MEGABYTE, "field_type": "varchar"},
        {"key": HEX_A, "name": "y" * MEGABYTE, "field_type": "varchar"},
    ]
    error = rejection(lambda: FieldCatalog.from_json(rows, entity="deal"))
    assert error.path == (1, "key")


def test_from_json_conflict_names_member() -> None:
    rows = [
        {"key": HEX_A, "name": "Size", "field_type": "varchar"},
        {"key": HEX_A, "name": "Size", "field_type": "text"},
    ]
    error = rejection(lambda: FieldCatalog.from_json(rows, entity="deal"))
    assert error.value == "text"


def test_from_json_megabyte_key_subfields() -> None:
    key = "k" * MEGABYTE
    row = {
        "key": key,
        "name": "Address",
        "field_type": "address",
        "subfields": [{"key": key + "_extra"}] * 100,
    }
    catalog = FieldCatalog.from_json([row], entity="deal")
    definition = catalog.get("deal", key)
    assert definition is not None
    assert definition.subfields[-1] == "extra"


def test_from_json_many_orphan_rows_fast() -> None:
    # Parents absent: every row stays unattached. Comparing each new row with
    # the ones kept before it took minutes for this count.
    rows = [
        {
            "key": f"{index:040x}_currency",
            "name": "Currency",
            "field_type": "varchar",
            "is_subfield": True,
            "parent_id": index,
            "id_suffix": "currency",
        }
        for index in range(20_000)
    ]
    start = time.perf_counter()
    catalog = FieldCatalog.from_json(rows, entity="deal")
    elapsed = time.perf_counter() - start
    assert len(catalog.unattached_subfields) == 20_000
    # NOTE: a loose wall-clock bound. Linear loading took 0.6 s on a busy
    # 2-core EPYC VM, and the old quadratic loop takes minutes.
    assert elapsed < 20


def test_from_json_many_subfields_one_parent_fast() -> None:
    count = 20_000
    rows: list[dict[str, Any]] = [
        {"id": 1, "key": HEX_A, "name": "Place", "field_type": "address"}
    ]
    rows += [
        {
            "key": f"{HEX_A}_part{index}",
            "name": f"Part {index}",
            "field_type": "varchar",
            "is_subfield": True,
            "parent_id": 1,
            "id_suffix": f"part{index}",
        }
        for index in range(count)
    ]
    start = time.perf_counter()
    catalog = FieldCatalog.from_json(rows, entity="deal")
    elapsed = time.perf_counter() - start
    definition = catalog.get("deal", HEX_A)
    assert definition is not None
    assert definition.subfields[-1] == f"part{count - 1}"
    # NOTE: a loose wall-clock bound, as above. Rebuilding the parent once
    # per row made this cubic in the row count.
    assert elapsed < 20


def test_from_json_repeated_orphan_kept_once() -> None:
    row = {
        "key": f"{HEX_A}_currency",
        "name": "Currency",
        "field_type": "varchar",
        "is_subfield": True,
        "id_suffix": "currency",
    }
    catalog = FieldCatalog.from_json([row, dict(row)], entity="deal")
    assert catalog.unattached_subfields == (("deal", f"{HEX_A}_currency"),)


def test_from_json_input_unchanged() -> None:
    response = deal_response()
    before = copy.deepcopy(response)
    FieldCatalog.from_json(response, entity="deal")
    assert response == before


# from_file


@pytest.mark.parametrize("path", NOT_PATHS, ids=repr)
def test_from_file_path_not_path(path: Any) -> None:
    error = rejection(lambda: FieldCatalog.from_file(path))
    assert error.message == "invalid field definitions file path"


def test_from_file_bytes_path(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.json"
    path.write_text(json.dumps(deal_response()), encoding="utf-8")
    catalog = FieldCatalog.from_file(os.fsencode(path))  # type: ignore[arg-type]
    assert catalog.get("deal", DEAL_ENUM) is not None


def test_from_file_nul_in_path(tmp_path: Path) -> None:
    error = rejection(lambda: FieldCatalog.from_file(f"{tmp_path}/deal\0Fields.json"))
    assert error.message == "invalid field definitions file path"


def test_from_file_lone_surrogate_path(tmp_path: Path) -> None:
    error = rejection(lambda: FieldCatalog.from_file(f"{tmp_path}/\ud800.json"))
    assert error.message == "invalid field definitions file path"


def test_from_file_deep_nesting_names_file(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.json"
    path.write_text("[" * DEEP + "]" * DEEP, encoding="utf-8")
    error = rejection(lambda: FieldCatalog.from_file(path))
    assert "'dealFields.json'" in error.message


def test_from_file_huge_int_names_file(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.json"
    path.write_text('{"data": [' + "1" * HUGE_DIGITS + "]}", encoding="utf-8")
    error = rejection(lambda: FieldCatalog.from_file(path))
    assert "'dealFields.json'" in error.message


@pytest.mark.parametrize("entity", BAD_ENTITIES, ids=repr)
def test_from_file_entity_invalid_before_reading(tmp_path: Path, entity: Any) -> None:
    # The file does not exist: the entity is checked before it is opened.
    error = rejection(
        lambda: FieldCatalog.from_file(tmp_path / "missing.json", entity=entity)
    )
    assert error.value is entity


def test_from_file_several_entities_rejected(tmp_path: Path) -> None:
    path = tmp_path / "dealFields-personFields.json"
    path.write_text("[]", encoding="utf-8")
    error = rejection(lambda: FieldCatalog.from_file(path))
    assert error.value == "dealFields-personFields.json"


def test_from_file_missing_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        FieldCatalog.from_file(tmp_path / "dealFields.json")


# Lookups


@pytest.mark.parametrize("entity", [None, *BAD_ENTITIES], ids=repr)
@pytest.mark.parametrize(
    "lookup",
    [
        lambda catalog, entity: catalog.get(entity, "title"),
        lambda catalog, entity: catalog.custom_keys(entity),
        lambda catalog, entity: catalog.by_name(entity, "Title"),
        lambda catalog, entity: catalog.option_label(entity, DEAL_ENUM, 1),
        lambda catalog, entity: catalog.option_id(entity, DEAL_ENUM, "Low"),
    ],
    ids=["get", "custom_keys", "by_name", "option_label", "option_id"],
)
def test_lookup_entity_invalid(
    deals: FieldCatalog, lookup: Callable[[FieldCatalog, Any], Any], entity: Any
) -> None:
    error = rejection(lambda: lookup(deals, entity))
    assert error.value is entity


@pytest.mark.parametrize("key", [None, 5, ["title"], {"title": 1}, b"title"], ids=repr)
def test_get_key_not_string(deals: FieldCatalog, key: Any) -> None:
    assert deals.get("deal", key) is None


@pytest.mark.parametrize("name", [None, 5, ["Title"], {"Title": 1}], ids=repr)
def test_by_name_name_not_string(deals: FieldCatalog, name: Any) -> None:
    assert deals.by_name("deal", name) is None


@pytest.mark.parametrize(
    "option_id",
    [
        10**HUGE_DIGITS,
        "1" * HUGE_DIGITS,
        "-" + "1" * HUGE_DIGITS,
        float("nan"),
        float("inf"),
        [1],
        {"id": 1},
        None,
    ],
    ids=lambda value: type(value).__name__,
)
def test_option_label_hostile_id(deals: FieldCatalog, option_id: Any) -> None:
    assert deals.option_label("deal", DEAL_ENUM, option_id) is None


@pytest.mark.parametrize("label", [None, 5, ["Low"], {"Low": 1}], ids=repr)
def test_option_id_label_not_string(deals: FieldCatalog, label: Any) -> None:
    assert deals.option_id("deal", DEAL_ENUM, label) is None


def test_by_name_ambiguous_megabyte_name_short() -> None:
    name = "n" * MEGABYTE
    rows = [
        {"key": "a" * 40, "name": name, "field_type": "varchar"},
        {"key": "b" * 40, "name": name, "field_type": "varchar"},
    ]
    catalog = FieldCatalog.from_json(rows, entity="deal")
    error = rejection(lambda: catalog.by_name("deal", name))
    assert error.value == ["a" * 40, "b" * 40]


def test_option_id_ambiguous_megabyte_label_short() -> None:
    label = "l" * MEGABYTE
    row = {
        "key": HEX_A,
        "name": "Size",
        "field_type": "enum",
        "options": [{"id": 1, "label": label}, {"id": 2, "label": label}],
    }
    catalog = FieldCatalog.from_json([row], entity="deal")
    error = rejection(lambda: catalog.option_id("deal", HEX_A, label))
    assert error.value == [1, 2]


# merged and the constructor


@pytest.mark.parametrize("other", [None, 5, {}, [], "deal"], ids=repr)
def test_merged_other_not_catalog(deals: FieldCatalog, other: Any) -> None:
    error = rejection(lambda: deals.merged(other))
    assert error.value is other


def test_init_item_not_definition() -> None:
    error = rejection(lambda: FieldCatalog([5]))  # type: ignore[list-item]
    assert error.path == (0,)


def test_init_definitions_not_iterable() -> None:
    error = rejection(lambda: FieldCatalog(5))  # type: ignore[arg-type]
    assert error.value == 5


# FieldDefinition


def test_definition_huge_int_option_id_value_error() -> None:
    with pytest.raises(ValueError, match="invalid option id"):
        FieldDefinition(HEX_A, "Size", "enum", "deal", True, {10**HUGE_DIGITS: "A"})


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("key", 5),
        ("name", None),
        ("field_type", ["enum"]),
        ("is_custom", "yes"),
        ("options", [1, 2]),
        ("subfields", "currency"),
        ("subfields", [1]),
    ],
    ids=repr,
)
def test_definition_member_wrong_type(member: str, value: Any) -> None:
    members: dict[str, Any] = {
        "key": HEX_A,
        "name": "Size",
        "field_type": "enum",
        "entity": "deal",
        "is_custom": True,
    }
    members[member] = value
    with pytest.raises(TypeError, match=f"invalid {member.rstrip('s')}"):
        FieldDefinition(**members)


def test_definition_entity_wrong_type_conversion_error() -> None:
    with pytest.raises(ConversionError, match="unknown entity"):
        FieldDefinition(HEX_A, "Size", "enum", ["deal"], True)  # type: ignore[arg-type]


# fingerprint


@pytest.mark.parametrize("member", ["key", "name", "field_type"])
def test_fingerprint_lone_surrogate(member: str) -> None:
    response = deal_response()
    plain = FieldCatalog.from_json(copy.deepcopy(response), entity="deal")
    enum_item = next(item for item in response["data"] if item["key"] == DEAL_ENUM)
    enum_item[member] = enum_item[member] + "\ud800"
    catalog = FieldCatalog.from_json(response, entity="deal")
    assert catalog.fingerprint != plain.fingerprint


def test_fingerprint_lone_surrogate_option_label() -> None:
    first = FieldCatalog.from_json([enum_row(1)], entity="deal")
    row = enum_row(1)
    row["options"][0]["label"] = "\udcff"
    second = FieldCatalog.from_json([row], entity="deal")
    assert first.fingerprint != second.fingerprint


def test_fingerprint_lone_surrogates_differ() -> None:
    rows = [{"key": HEX_A, "name": "\ud800", "field_type": "varchar"}]
    first = FieldCatalog.from_json(rows, entity="deal")
    rows[0]["name"] = "\ud801"
    second = FieldCatalog.from_json(rows, entity="deal")
    assert first.fingerprint != second.fingerprint


def test_fingerprint_surrogate_unattached_subfield() -> None:
    row = {
        "key": "\ud800_currency",
        "name": "Currency",
        "field_type": "varchar",
        "is_subfield": True,
        "id_suffix": "currency",
    }
    catalog = FieldCatalog.from_json([row], entity="deal")
    assert len(catalog.fingerprint) == 64


def test_fingerprint_900_digit_option_id() -> None:
    catalog = FieldCatalog.from_json([enum_row(10**899)], entity="deal")
    assert len(catalog.fingerprint) == 64
