"""Read fields endpoint responses into checked rows for :mod:`._catalog`.

Everything here runs before a :class:`~pipedrive_shapes.FieldCatalog`
exists: it opens and parses a saved response, checks each item, normalizes
entity names and option ids, and works out which v1 subfield row belongs to
which parent field. Every problem with the input becomes a
:class:`~pipedrive_shapes.errors.ConversionError` naming the JSON path, the
value and the next step.
"""

from __future__ import annotations

import json
import os
import re
import reprlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from pipedrive_shapes._scalars import digits_to_int, is_printable_int
from pipedrive_shapes.errors import UNSET, ConversionError

__all__ = [
    "DEFAULT_SUBFIELDS",
    "ENTITIES",
    "JsonPath",
    "OptionId",
    "OptionTag",
    "Row",
    "SubfieldLink",
    "brief_repr",
    "entity_from_file_name",
    "fields_file_path",
    "normalize_entity",
    "normalize_option_id",
    "option_tag",
    "read_fields_file",
    "read_row",
    "response_items",
    "split_rows",
    "subfield_links",
]

OptionId = int | str | bool
"""An option id as Pipedrive returns it: a number, a string or a boolean."""

OptionTag = tuple[bool, OptionId]
"""An option id paired with a flag that is True for a boolean id."""

JsonPath = tuple[str | int, ...]

ENTITIES: Final = ("deal", "person", "organization", "product", "activity")
"""Entity names used by the catalog, in the library's spelling."""

_ENTITY_ALIASES: Final = {"org": "organization"}

_ADDRESS_SUBFIELDS: Final = (
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

DEFAULT_SUBFIELDS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "monetary": ("currency",),
        "address": _ADDRESS_SUBFIELDS,
        "daterange": ("until",),
        "timerange": ("until",),
        "time": ("timezone_id", "timezone_name"),
    }
)
"""Subfield names per field type: the ``<key>_<name>`` siblings in v1 records.

A loaded definition always lists these for its type, in this order, followed
by any other subfield the response names.
"""

_KNOWN_SUFFIXES: Final = frozenset(
    name for names in DEFAULT_SUBFIELDS.values() for name in names
)
_CUSTOM_KEY: Final = re.compile(r"[0-9a-f]{40}")
# Only the canonical spelling of an integer becomes an int, so "007" or "+5"
# stay strings and still round-trip unchanged.
_CANONICAL_INT: Final = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FILE_ENTITY: Final = re.compile(
    r"(?<![a-z])(deal|person|organization|org|product|activity)[_-]?fields",
    re.IGNORECASE,
)
_LOAD_HINT: Final = "load the fields endpoint response unchanged"
_SAVE_HINT: Final = "save the response body unchanged"
# is_printable_int accepts every integer of up to 903 digits (2**3000 has 904).
_OPTION_ID_EXPECTED: Final = "an integer of at most 900 digits, a string or a boolean"

_BRIEF: Final = reprlib.Repr()
_BRIEF.maxstring = 60
_BRIEF.maxother = 60


def brief_repr(value: Any) -> str:
    """Return a repr of ``value`` short enough for an error message.

    Long strings and containers are cut, a lone surrogate is escaped, and a
    value that repr() cannot show at all (an integer past Python's 4300-digit
    limit) is named by its type.
    """
    try:
        return _BRIEF.repr(value)
    except (ValueError, RecursionError):
        return f"<{type(value).__name__} too large to show>"


def _load_error(
    subject: str, path: JsonPath, value: Any, expected: str, hint: str = _LOAD_HINT
) -> ConversionError:
    """Build the error for a missing (``UNSET``) or invalid ``subject``."""
    state = "missing" if value is UNSET else "invalid"
    return ConversionError(
        f"{state} {subject}", path=path, value=value, expected=expected, hint=hint
    )


def normalize_entity(entity: Any) -> str:
    """Return the library's spelling of ``entity``.

    :raises ConversionError: for anything but one of :data:`ENTITIES` or
        ``"org"``.
    """
    name = _ENTITY_ALIASES.get(entity, entity) if isinstance(entity, str) else None
    if name not in ENTITIES:
        raise ConversionError(
            f"unknown entity {brief_repr(entity)}",
            value=entity,
            expected=f"one of {', '.join(ENTITIES)}",
            hint="'org' is also accepted for organization",
        )
    return name


def normalize_option_id(raw: Any) -> OptionId | None:
    """Return ``raw`` as an option id, or None when it cannot be one.

    Integral numbers and numeric strings become ints, so ``"23"`` from a v1
    record and ``23`` from a field definition name the same option. An
    integer of more than about 900 digits, as a number or as a digit string,
    gives None: no Pipedrive id comes close, and str() of a long enough
    integer raises ValueError.
    """
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int):
        return raw if is_printable_int(raw) else None
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    if not isinstance(raw, str):
        return None
    if _CANONICAL_INT.fullmatch(raw) is None:
        return raw
    number = digits_to_int(raw.removeprefix("-"))
    if number is None or not is_printable_int(number):
        return None
    return -number if raw.startswith("-") else number


def option_tag(option_id: OptionId) -> OptionTag:
    """Return the dictionary key of an option id.

    ``True == 1`` and ``hash(True) == hash(1)`` in Python, so a plain dict
    would merge a boolean option with an integer one. The tag keeps them apart.
    """
    return (isinstance(option_id, bool), option_id)


@dataclass(frozen=True, slots=True)
class SubfieldLink:
    """A v1 subfield row with the parent key and subfield name it belongs to."""

    entity: str | None
    key: str
    parent_key: str | None
    suffix: str


@dataclass(slots=True)
class Row:
    """One item of a fields response, checked but not yet grouped."""

    path: JsonPath
    key_member: str
    key: str
    name: str
    field_type: str
    is_custom: bool
    options: dict[OptionTag, str]
    listed_subfields: tuple[str, ...]
    row_id: int | None
    parent_id: int | None
    id_suffix: str | None
    is_subfield: bool


def entity_from_file_name(file_name: str) -> str | None:
    """Return the entity named in a file name such as ``dealFields.v1.json``.

    :raises ConversionError: when the name contains several entity names.
    """
    found = {
        normalize_entity(match.group(1).lower())
        for match in _FILE_ENTITY.finditer(os.path.basename(file_name))
    }
    if len(found) > 1:
        raise ConversionError(
            f"file name {file_name!r} names several entities "
            f"({', '.join(sorted(found))})",
            value=file_name,
            expected="a file name with at most one of dealFields, personFields, "
            "organizationFields, productFields or activityFields",
            hint="pass entity= explicitly",
        )
    return found.pop() if found else None


def fields_file_path(path: Any) -> str:
    """Return ``path`` as a str path, decoding a bytes path.

    :raises ConversionError: when ``path`` is not a str, bytes or
        :class:`os.PathLike` path.
    """
    try:
        file_path = os.fspath(path)
    except TypeError:
        raise ConversionError(
            "invalid field definitions file path",
            value=path,
            expected="a str or os.PathLike path",
            hint="pass the path of the saved fields endpoint response",
        ) from None
    return os.fsdecode(file_path)


def read_fields_file(file_path: str) -> Any:
    """Read and parse the JSON file at ``file_path``.

    :raises ConversionError: when the path cannot name a file (a NUL
        character, a lone surrogate), or the content is not UTF-8 JSON that
        Python can parse. The message names the file.
    :raises OSError: when the file cannot be read.
    """
    file_name = os.path.basename(file_path)
    try:
        with open(file_path, "rb") as handle:
            raw = handle.read()
    except ValueError as error:
        # open() raises ValueError for a NUL character, and its subclass
        # UnicodeEncodeError for a name the file system encoding cannot store.
        raise ConversionError(
            "invalid field definitions file path",
            value=file_path,
            expected="a path without NUL characters or lone surrogates",
            hint="pass the path of the saved fields endpoint response",
        ) from error
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ConversionError(
            f"field definitions file {file_name!r} is not UTF-8 ({error.reason})",
            value=file_path,
            expected="a UTF-8 JSON file",
            hint=_SAVE_HINT,
        ) from error
    except json.JSONDecodeError as error:
        raise ConversionError(
            f"field definitions file {file_name!r} is not valid JSON "
            f"({error.msg} at line {error.lineno} column {error.colno})",
            value=file_path,
            expected="a JSON fields endpoint response",
            hint=f"{_SAVE_HINT} (one JSON document, not NDJSON)",
        ) from error
    except ValueError as error:
        # The only other ValueError of json.loads on a str: int() rejects a
        # number longer than sys.get_int_max_str_digits() digits.
        raise ConversionError(
            f"field definitions file {file_name!r} has an integer too long to parse",
            value=file_path,
            expected=f"integers of at most {sys.get_int_max_str_digits()} digits",
            hint=_SAVE_HINT,
        ) from error
    except RecursionError as error:
        raise ConversionError(
            f"field definitions file {file_name!r} is nested too deeply to parse",
            value=file_path,
            expected="a JSON fields endpoint response",
            hint=_SAVE_HINT,
        ) from error


def response_items(data: Any) -> list[tuple[Any, JsonPath]]:
    """Return the field items of a response with the JSON path of each."""
    if isinstance(data, list):
        return [(item, (index,)) for index, item in enumerate(data)]
    if not isinstance(data, Mapping):
        raise _load_error(
            "field definitions response",
            (),
            data,
            "an object with a data list, or a list of field definitions",
        )
    if data.get("success") is False:
        raise ConversionError(
            "the field definitions response reports a failure",
            path=("success",),
            value=False,
            expected="true",
            hint=f"fix the request first (error: {brief_repr(data.get('error'))})",
        )
    if "data" not in data:
        raise _load_error("data", ("data",), UNSET, "a list of field definitions")
    inner = data["data"]
    if inner is None:
        return []
    if isinstance(inner, Mapping):
        # GET /v1/dealFields/{id} and the v2 single-field routes return one object.
        return [(inner, ("data",))]
    if not isinstance(inner, list):
        raise _load_error("data", ("data",), inner, "a list of field definitions")
    return [(item, ("data", index)) for index, item in enumerate(inner)]


def _required_string(
    item: Mapping[str, Any], member: str, path: JsonPath, example: str
) -> str:
    """Return ``item[member]`` if it is a non-empty string, else raise."""
    value = item.get(member, UNSET)
    if isinstance(value, str) and value:
        return value
    raise _load_error(
        member,
        (*path, member),
        value,
        f"a non-empty string such as {example!r}",
        f"{_LOAD_HINT}: every field definition has {member}",
    )


def _read_options(raw: Any, path: JsonPath) -> dict[OptionTag, str]:
    """Read an ``options`` list of ``{id, label}`` objects into tagged labels."""
    # NOTE: v1 also lists deleted options in ``options_deleted``. They are not
    # read, so old records that still carry a deleted id get no label.
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise _load_error("options", path, raw, "a list of {id, label} objects or null")
    labels: dict[OptionTag, str] = {}
    for index, option in enumerate(raw):
        option_path = (*path, index)
        if not isinstance(option, Mapping):
            raise _load_error(
                "option", option_path, option, "an object with id and label"
            )
        raw_id = option.get("id", UNSET)
        option_id = None if raw_id is UNSET else normalize_option_id(raw_id)
        if option_id is None:
            raise _load_error(
                "option id", (*option_path, "id"), raw_id, _OPTION_ID_EXPECTED
            )
        label = option.get("label", UNSET)
        if not isinstance(label, str):
            raise _load_error(
                "option label", (*option_path, "label"), label, "a string"
            )
        tag = option_tag(option_id)
        if labels.get(tag, label) != label:
            raise ConversionError(
                "duplicate option id with a different label",
                path=(*option_path, "id"),
                value=raw_id,
                expected="one label per option id",
                hint="remove the duplicate option from the field definition",
            )
        labels[tag] = label
    return labels


def _read_subfield_names(raw: Any, parent_key: str, path: JsonPath) -> tuple[str, ...]:
    """Read a ``subfields`` list: v2 ``{field_code}`` objects, v1 rows or names."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _load_error("subfields", path, raw, "a list of subfield objects or null")
    prefix = parent_key + "_"
    names: list[str] = []
    for index, entry in enumerate(raw):
        name: Any = entry
        if isinstance(entry, Mapping):
            name = entry.get("id_suffix") or entry.get("field_code") or entry.get("key")
            if isinstance(name, str) and name.startswith(prefix):
                name = name[len(prefix) :]
        if not isinstance(name, str) or not name:
            raise _load_error(
                "subfield",
                (*path, index),
                entry,
                "a subfield name or an object with field_code, key or id_suffix",
            )
        names.append(name)
    return tuple(names)


def _plain_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def read_row(item: Any, path: JsonPath) -> Row:
    """Check one v1 or v2 field definition item and return its facts."""
    if not isinstance(item, Mapping):
        raise _load_error(
            "field definition",
            path,
            item,
            "an object with key (v1) or field_code (v2) and field_type",
            "pass the items of the response's data list unchanged",
        )
    # v2 items always carry field_code. An item with neither key nor
    # field_code is read as v2 only when it has other v2 members.
    is_v2 = "field_code" in item or (
        "key" not in item and ("field_name" in item or "is_custom_field" in item)
    )
    key_member, name_member = ("field_code", "field_name") if is_v2 else ("key", "name")
    key = _required_string(item, key_member, path, "title")
    field_type = _required_string(item, "field_type", path, "varchar")

    name = item.get(name_member)
    if name is None:
        name = key
    elif not isinstance(name, str):
        raise _load_error(name_member, (*path, name_member), name, "a string or null")

    is_custom = _CUSTOM_KEY.fullmatch(key) is not None
    is_custom = is_custom or item.get("is_custom_field") is True
    options = _read_options(item.get("options"), (*path, "options"))
    subfields = _read_subfield_names(item.get("subfields"), key, (*path, "subfields"))

    id_suffix = item.get("id_suffix")
    parent_id = _plain_int(item.get("parent_id"))
    return Row(
        path=path,
        key_member=key_member,
        key=key,
        name=name,
        field_type=field_type,
        is_custom=is_custom,
        options=options,
        listed_subfields=subfields,
        row_id=_plain_int(item.get("id")),
        parent_id=parent_id,
        id_suffix=id_suffix if isinstance(id_suffix, str) and id_suffix else None,
        is_subfield=item.get("is_subfield") is True or parent_id is not None,
    )


def _split_suffix(key: str) -> tuple[str, str] | None:
    """Split ``<parent>_<known subfield>`` keys, e.g. ``abc..._currency``."""
    for suffix in _KNOWN_SUFFIXES:
        if key.endswith("_" + suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix) - 1], suffix
    return None


def split_rows(rows: Sequence[Row]) -> tuple[list[Row], list[Row]]:
    """Separate top-level field rows from v1 subfield rows."""
    top_keys = {row.key for row in rows if not row.is_subfield}
    parents: list[Row] = []
    subfield_rows: list[Row] = []
    for row in rows:
        split = None if row.is_subfield else _split_suffix(row.key)
        # A <parent>_currency row without the subfield flag is still a
        # subfield when its parent is listed or is a custom field key.
        is_subfield = row.is_subfield or (
            split is not None
            and (split[0] in top_keys or _CUSTOM_KEY.fullmatch(split[0]) is not None)
        )
        (subfield_rows if is_subfield else parents).append(row)
    return parents, subfield_rows


def _parent_hint(row: Row) -> tuple[str | None, str]:
    """Derive a subfield row's parent key and suffix from its own members."""
    if row.id_suffix is not None:
        if row.key.endswith("_" + row.id_suffix):
            return row.key[: -len(row.id_suffix) - 1], row.id_suffix
        return None, row.id_suffix
    split = _split_suffix(row.key)
    if split is not None:
        return split
    return None, row.key


def subfield_links(
    parents: Sequence[Row], subfield_rows: Sequence[Row], entity: str | None
) -> list[SubfieldLink]:
    """Name the parent key and suffix of each subfield row.

    ``parent_id`` wins when it names a row of the same response. Otherwise the
    parent key comes from the row's key, e.g. ``address`` for
    ``address_formatted_address``.
    """
    keys_by_id = {row.row_id: row.key for row in parents if row.row_id is not None}
    links: list[SubfieldLink] = []
    for row in subfield_rows:
        parent_key, suffix = _parent_hint(row)
        if row.parent_id in keys_by_id:
            parent_key = keys_by_id[row.parent_id]
            if row.id_suffix is None and row.key.startswith(parent_key + "_"):
                suffix = row.key[len(parent_key) + 1 :]
        links.append(SubfieldLink(entity, row.key, parent_key, suffix))
    return links
