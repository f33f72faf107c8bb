"""Per-field custom field converters, built once per catalog and entity.

:mod:`pipedrive_shapes._custom` decides a value's v2 form from its field's
definition on every call. For the field types that contain one plain value,
this module builds a converter per field. It handles the common inputs (an
option id, a number, a string) with a few type checks and hands everything
else, errors included, to that general code. Both paths give the same
results, and the tests run every type through both.
"""

from __future__ import annotations

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
        for key in catalog.custom_keys(entity):
            definition = catalog.get(entity, key)
            if definition is None:
                continue
            self.split[key] = (key, "")
            for suffix in c.SUFFIXES:
                self.split[f"{key}_{suffix}"] = (key, suffix)
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
    scalar = _scalar_encoder(key, definition)

    def general(parts: Mapping[str, Any]) -> Any:
        return c.value_to_v2(key, parts, definition, False)

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


def _scalar_encoder(
    key: str, definition: FieldDefinition
) -> Callable[[Any], Any] | None:
    field_type = definition.field_type
    if field_type in c.TEXT_TYPES:

        def text(value: Any) -> Any:
            if type(value) is str and value:
                return value
            return None if value is None else _GENERAL

        return text
    if field_type in c.NUMBER_TYPES or field_type in c.RELATION_TYPES:

        def integer(value: Any) -> Any:
            return value if type(value) in _INT_OR_NONE else _GENERAL

        return integer
    ids = _option_ids(definition)
    if field_type == "enum" and ids is not None:

        def option(value: Any) -> Any:
            if type(value) is str:
                number = s.digits_to_int(value)
                if number is not None:
                    value = number
            if type(value) is int and value in ids:
                return value
            return None if value is None else _GENERAL

        return option
    if field_type == "set" and ids is not None:

        def options(value: Any) -> Any:
            if type(value) is not str or not value:
                return None if value is None else _GENERAL
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

    if field_type in c.TEXT_TYPES or field_type == "date":
        accepted = _STR_OR_NONE
    elif field_type in c.NUMBER_TYPES or field_type in c.RELATION_TYPES:
        accepted = _INT_OR_NONE
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
                and all(
                    type(item) is int and s.is_printable_int(item) for item in value
                )
            ):
                flat[key] = ",".join(map(str, value))
            else:
                general(value, flat)

        return options
    else:
        return general

    def plain(value: Any, flat: dict[str, Any]) -> None:
        if type(value) in accepted:
            flat[key] = value
        else:
            general(value, flat)

    return plain
