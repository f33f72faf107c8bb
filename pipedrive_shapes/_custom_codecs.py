"""Per-field custom field converters, built once per catalog and entity.

:mod:`pipedrive_shapes._custom` decides a value's v2 form from its field's
definition on every call. For the field types that contain one plain value,
this module builds a converter per field. It handles the common inputs (an
option id, a number, a string) with a few type checks and hands everything
else, errors included, to that general code. Both paths give the same
results, and the tests run every type through both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final

from pipedrive_shapes import _custom as c
from pipedrive_shapes import _scalars as s
from pipedrive_shapes._catalog import FieldCatalog, FieldDefinition

Encoder = Callable[[Mapping[str, Any]], Any]
Decoder = Callable[[Any, dict[str, Any]], None]

_STR_OR_NONE: Final = frozenset({str, type(None)})
_INT_OR_NONE: Final = frozenset({int, type(None)})


class EntityCodecs:
    """Key splits and per-field converters for one entity's custom fields."""

    __slots__ = ("decoders", "encoders", "split")

    def __init__(self, catalog: FieldCatalog, entity: str) -> None:
        #: Every v1 key of a catalog field -> (field key, subfield suffix).
        self.split: dict[str, tuple[str, str]] = {}
        self.encoders: dict[str, Encoder] = {}
        self.decoders: dict[str, Decoder] = {}
        names = c.catalog_custom_keys(catalog, entity)
        for key in catalog.custom_keys(entity):
            definition = catalog.get(entity, key)
            if definition is None:
                continue
            # split_key decides, so that a key that is both a field and
            # another field's subfield splits as the general code splits it.
            for name in (key, *(f"{key}_{suffix}" for suffix in c.SUFFIXES)):
                split = c.split_key(name, names)
                if split is not None:
                    self.split[name] = split
            self.encoders[key] = _encoder(key, definition)
            self.decoders[key] = _decoder(key, definition)


_CODECS: dict[tuple[str, str], EntityCodecs] = {}
_CODECS_SIZE: Final = 64


def codecs_for(catalog: FieldCatalog, entity: str) -> EntityCodecs:
    """Return the entity's codecs for ``catalog``, building them on first use."""
    cache_key = (catalog.fingerprint, entity)
    codecs = _CODECS.get(cache_key)
    if codecs is None:
        if len(_CODECS) >= _CODECS_SIZE:
            _CODECS.clear()
        codecs = _CODECS[cache_key] = EntityCodecs(catalog, entity)
    return codecs


def _option_ids(definition: FieldDefinition) -> frozenset[int] | None:
    """Integer option ids, or None when the field has options of other types
    (or none), which the general code checks."""
    ids = list(definition.options)
    if not ids or any(type(option) is not int for option in ids):
        return None
    return frozenset(option for option in ids if type(option) is int)


def _encoder(key: str, definition: FieldDefinition) -> Encoder:
    def general(parts: Mapping[str, Any]) -> Any:
        return c.value_to_v2(key, parts, definition, False)

    composite = _composite_encoder(definition)
    if composite is not None:

        def encode_composite(parts: Mapping[str, Any]) -> Any:
            result = composite(parts)
            return general(parts) if result is _GENERAL else result

        return encode_composite
    scalar = _scalar_encoder(key, definition)
    if scalar is None:
        return general

    def encode(parts: Mapping[str, Any]) -> Any:
        if len(parts) == 1 and "" in parts:
            result = scalar(parts[""])
            if result is not _GENERAL:
                return result
        return general(parts)

    return encode


class _General:
    """Marks an input that the per-field fast path leaves to the general code."""


_GENERAL: Final = _General()
#: Types whose v2 value is v1's string as it is (a time only without its
#: timezone object).
_PLAIN_STRING_TYPES: Final = frozenset({"date", "time"})
_MONETARY_PARTS: Final = frozenset({"", "currency"})
_ADDRESS_PARTS: Final = frozenset({"", "subpremise", *c.ADDRESS_PARTS})
_TEXT_PART_TYPES: Final = frozenset({str, int, float, type(None)})


def _is_amount(value: Any) -> bool:
    kind = type(value)
    return kind is int or (kind is float and math.isfinite(value))


def _composite_encoder(
    definition: FieldDefinition,
) -> Callable[[Mapping[str, Any]], Any] | None:
    """Build the fast path of a field with subfields, for well-formed input only."""
    field_type = definition.field_type
    if field_type == "monetary":

        def monetary(parts: Mapping[str, Any]) -> Any:
            amount, currency = parts.get(""), parts.get("currency")
            if (
                parts.keys() <= _MONETARY_PARTS
                and (amount is None or _is_amount(amount))
                and (
                    currency is None
                    or (type(currency) is str and c.is_currency(currency))
                )
            ):
                if amount is None and currency is None:
                    return None
                return {"value": amount, "currency": currency}
            return _GENERAL

        return monetary
    if field_type == "address":

        def address(parts: Mapping[str, Any]) -> Any:
            if not (
                parts.keys() <= _ADDRESS_PARTS
                and _TEXT_PART_TYPES.issuperset(map(type, parts.values()))
            ):
                return _GENERAL
            obj = {"value": parts.get("")}
            for name in c.ADDRESS_PARTS:
                obj[name] = parts.get(name)
            for item in obj.values():
                if item is not None:
                    return obj
            return None

        return address
    if field_type in c.RANGE_TYPES:
        check = s.is_date if field_type == "daterange" else s.is_clock_time

        def bounds(parts: Mapping[str, Any]) -> Any:
            start, until = parts.get(""), parts.get("until")
            if len(parts) != 2 or "" not in parts or "until" not in parts:
                return _GENERAL
            if check(start) and check(until):
                return {"value": start, "until": until}
            return None if start is None and until is None else _GENERAL

        return bounds
    if field_type == "time":

        def time(parts: Mapping[str, Any]) -> Any:
            if len(parts) != 1 or "" not in parts:
                return _GENERAL
            value = parts[""]
            if s.is_clock_time(value):
                return value
            return None if value is None else _GENERAL

        return time
    return None


def _scalar_encoder(
    key: str, definition: FieldDefinition
) -> Callable[[Any], Any] | None:
    field_type = definition.field_type
    if field_type in c.TEXT_TYPES:

        def text(value: Any) -> Any:
            if type(value) is str:
                return value or None  # v2 sends an empty text field as null
            return None if value is None else _GENERAL

        return text
    if field_type in c.NUMBER_TYPES:

        def number(value: Any) -> Any:
            if type(value) in _INT_OR_NONE or (
                type(value) is float and math.isfinite(value)
            ):
                return value
            return _GENERAL

        return number
    if field_type in c.RELATION_TYPES:

        def related(value: Any) -> Any:
            if type(value) in _INT_OR_NONE:
                return value
            if type(value) is dict:
                # A v1 response's user, person or org object.
                found = value.get("value", value.get("id"))
                if type(found) is int:
                    return found
            return _GENERAL

        return related
    if field_type == "date":

        def date(value: Any) -> Any:
            return value if value is None or s.is_date(value) else _GENERAL

        return date
    ids = _option_ids(definition)
    if field_type == "enum" and ids is not None:

        def option(value: Any) -> Any:
            if type(value) is str:
                number = s.digits_to_int(value)
                if number is not None:
                    value = number
            if type(value) is int and value in ids:
                return value
            return None if value is None or value == "" else _GENERAL

        return option
    if field_type == "set" and ids is not None:

        def options(value: Any) -> Any:
            if type(value) is not str or not value:
                return None if value is None or value == "" else _GENERAL
            chosen = []
            for part in value.split(","):
                number = s.digits_to_int(part)
                if number is None or number not in ids:
                    return _GENERAL
                chosen.append(number)
            return chosen

        return options
    return None


def _decoder(key: str, definition: FieldDefinition) -> Decoder:
    field_type = definition.field_type

    def general(value: Any, flat: dict[str, Any]) -> None:
        c.value_to_v1(key, value, definition, flat, False)

    if field_type in c.TEXT_TYPES or field_type in _PLAIN_STRING_TYPES:
        accepted = _STR_OR_NONE
    elif field_type in c.RELATION_TYPES:
        accepted = _INT_OR_NONE
    elif field_type in c.NUMBER_TYPES:

        def number(value: Any, flat: dict[str, Any]) -> None:
            if type(value) in _INT_OR_NONE or (
                type(value) is float and math.isfinite(value)
            ):
                flat[key] = value
            else:
                general(value, flat)

        return number
    elif field_type == "enum":

        def option(value: Any, flat: dict[str, Any]) -> None:
            if type(value) is int and s.is_printable_int(value):
                flat[key] = str(value)
            else:
                general(value, flat)

        return option
    elif field_type == "set":

        def options(value: Any, flat: dict[str, Any]) -> None:
            if (
                type(value) is list
                and value
                and _INT_TYPE.issuperset(map(type, value))
                and min(value) > -s.PRINTABLE_INT_LIMIT
                and max(value) < s.PRINTABLE_INT_LIMIT
            ):
                flat[key] = ",".join(map(str, value))
            else:
                general(value, flat)

        return options
    else:
        return _object_decoder(key, field_type, general) or general

    def plain(value: Any, flat: dict[str, Any]) -> None:
        if type(value) in accepted:
            flat[key] = value
        else:
            general(value, flat)

    return plain


#: The v2 object keys of each composite type, without "value".
_OBJECT_PARTS: Final = {
    "monetary": ("currency",),
    "address": ("subpremise", *c.ADDRESS_PARTS),
    "daterange": ("until",),
    "timerange": ("until",),
}


_INT_TYPE: Final = frozenset({int})
_MISSING: Final = object()


def _object_decoder(key: str, field_type: str, general: Decoder) -> Decoder | None:
    """Build the fast path of a composite field: an object of plain values, or null."""
    names = _OBJECT_PARTS.get(field_type)
    if names is None:
        return None
    if len(names) == 1:
        return _pair_decoder(key, names[0], general, amount=field_type == "monetary")
    allowed = frozenset({"value", *names})
    flat_keys = tuple(f"{key}_{name}" for name in names)
    monetary = field_type == "monetary"

    def flatten(value: Any, flat: dict[str, Any]) -> None:
        if (
            type(value) is dict
            and value.keys() <= allowed
            and _TEXT_PART_TYPES.issuperset(map(type, value.values()))
            and (not monetary or _is_amount(value.get("value", 0)))
        ):
            flat[key] = value.get("value")
            flat.update(zip(flat_keys, map(value.get, names), strict=True))
        else:
            general(value, flat)

    return flatten


def _pair_decoder(key: str, name: str, general: Decoder, *, amount: bool) -> Decoder:
    """Build the fast path of an object with "value" and one other key, such
    as a monetary field's currency or a range's end."""
    other_key = f"{key}_{name}"

    def flatten(value: Any, flat: dict[str, Any]) -> None:
        if type(value) is dict and len(value) == 2:
            first = value.get("value", _MISSING)
            second = value.get(name, _MISSING)
            if (
                type(first) in _TEXT_PART_TYPES
                and type(second) in _TEXT_PART_TYPES
                and (not amount or first is None or _is_amount(first))
            ):
                flat[key] = first
                flat[other_key] = second
                return
        general(value, flat)

    return flatten
