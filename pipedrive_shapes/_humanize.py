"""Readable custom fields: hash keys to field names, option ids to labels, and back.

Pipedrive names custom fields by 40-hex-character keys and stores option ids
where a person would read labels. :func:`humanize` rewrites a v2 record's
``custom_fields`` with the account's field definitions: each key becomes its
field name in ``snake_case`` (unique within the entity, and a valid Python
identifier), and each enum or set option id becomes its label.
:func:`dehumanize` is its exact inverse.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from pipedrive_shapes import _scalars as s
from pipedrive_shapes._catalog import ENTITIES as _CATALOG_ENTITIES
from pipedrive_shapes._catalog import FieldCatalog, FieldDefinition
from pipedrive_shapes.errors import ConversionError

_NAME_CACHE: dict[tuple[str, str], tuple[dict[str, str], dict[str, str]]] = {}
_NAME_CACHE_SIZE = 256


def identifier(name: str) -> str:
    """Turn a field name such as ``"Deal size (EUR)"`` into ``deal_size_eur``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(
        char.lower() if char.isalnum() else " " for char in ascii_name
    ).split()
    text = "_".join(words) or "field"
    return f"field_{text}" if text[0].isdigit() else text


def field_names(
    catalog: FieldCatalog, entity: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Return ``(key -> readable name, readable name -> key)`` for the entity's custom fields.

    Names that collide get ``_2``, ``_3``, ... in the order of their keys, so
    the mapping does not depend on the order the definitions were loaded in.
    """
    cache_key = (catalog.fingerprint, entity)
    cached = _NAME_CACHE.get(cache_key)
    if cached is not None:
        return cached
    by_key: dict[str, str] = {}
    by_name: dict[str, str] = {}
    # The next number to try per name, so that many fields of one name cost
    # one step each rather than a scan over the numbers already taken.
    next_number: dict[str, int] = {}
    for key in sorted(catalog.custom_keys(entity)):
        definition = catalog.get(entity, key)
        base = identifier(definition.name if definition is not None else key)
        name = base
        while name in by_name:
            number = next_number.get(base, 2)
            next_number[base] = number + 1
            name = f"{base}_{number}"
        by_key[key], by_name[name] = name, key
    if len(_NAME_CACHE) >= _NAME_CACHE_SIZE:
        _NAME_CACHE.clear()
    _NAME_CACHE[cache_key] = (by_key, by_name)
    return by_key, by_name


def _check_arguments(entity: Any, fields: Any) -> None:
    if not isinstance(fields, FieldCatalog):
        raise ConversionError(
            "invalid fields argument",
            value=fields,
            expected="a FieldCatalog",
            hint="load the account's field definitions with FieldCatalog.from_file(...)",
        )
    if entity not in _CATALOG_ENTITIES:
        raise ConversionError(
            "unknown entity for custom fields",
            value=entity,
            expected=f"one of {', '.join(_CATALOG_ENTITIES)}",
            hint="only these entities carry custom fields",
        )


def _require_unique(target: dict[str, Any], key: str, source: str) -> None:
    if key in target:
        raise ConversionError(
            "two custom fields map to one key",
            path=("custom_fields", source),
            value=key,
            expected="custom_fields keys that stay distinct after renaming",
            hint="the record mixes field names and hash keys; use one form",
        )


def _require_custom_fields(record: Any) -> Mapping[str, Any] | None:
    if not isinstance(record, Mapping):
        raise ConversionError(
            "invalid payload",
            value=record,
            expected="a JSON object (dict)",
            hint="pass one v2 record",
        )
    custom = record.get("custom_fields")
    if custom is None:
        return None
    if not isinstance(custom, Mapping):
        raise ConversionError(
            "invalid custom_fields",
            path=("custom_fields",),
            value=custom,
            expected="an object keyed by custom field key",
            hint="v2 sends custom fields as an object",
        )
    return custom


def humanize(
    entity: str, record: Mapping[str, Any], *, fields: FieldCatalog
) -> dict[str, Any]:
    """Rename a v2 record's custom fields to their names and show option labels.

    Keys that the catalog does not know are kept unchanged.

    :param record: a v2 record, as :func:`pipedrive_shapes.to_v2` returns it.
    :param fields: the account's field definitions.
    :raises ConversionError: for an option id that the field does not have.
    """
    _check_arguments(entity, fields)
    custom = _require_custom_fields(record)
    out = s.copy_json(record)
    if custom is None:
        return out  # type: ignore[no-any-return]
    by_key, _ = field_names(fields, entity)
    readable: dict[str, Any] = {}
    for key, value in custom.items():
        definition = fields.get(entity, key) if type(key) is str else None
        name = by_key.get(key, key)
        _require_unique(readable, name, key)
        readable[name] = _labels(entity, key, value, definition, fields)
    out["custom_fields"] = readable
    return out  # type: ignore[no-any-return]


def dehumanize(
    entity: str, record: Mapping[str, Any], *, fields: FieldCatalog
) -> dict[str, Any]:
    """Undo :func:`humanize`: field names back to keys, labels back to option ids.

    :raises ConversionError: for a label that the field does not have.
    """
    _check_arguments(entity, fields)
    custom = _require_custom_fields(record)
    out = s.copy_json(record)
    if custom is None:
        return out  # type: ignore[no-any-return]
    _, by_name = field_names(fields, entity)
    keyed: dict[str, Any] = {}
    for name, value in custom.items():
        key = by_name.get(name, name)
        _require_unique(keyed, key, name)
        definition = fields.get(entity, key) if type(key) is str else None
        keyed[key] = _ids(entity, key, name, value, definition, fields)
    out["custom_fields"] = keyed
    return out  # type: ignore[no-any-return]


def _labels(
    entity: str,
    key: str,
    value: Any,
    definition: FieldDefinition | None,
    catalog: FieldCatalog,
) -> Any:
    if definition is None or value is None:
        return s.copy_json(value, ("custom_fields", key))
    if definition.field_type == "enum":
        return _label(entity, key, value, catalog, ("custom_fields", key))
    if definition.field_type == "set" and isinstance(value, list):
        return [
            _label(entity, key, item, catalog, ("custom_fields", key, index))
            for index, item in enumerate(value)
        ]
    return s.copy_json(value, ("custom_fields", key))


def _label(
    entity: str, key: str, option: Any, catalog: FieldCatalog, path: s.Path
) -> str:
    label = (
        catalog.option_label(entity, key, option)
        if type(option) in (int, str, bool)
        else None
    )
    if label is None:
        raise ConversionError(
            "unknown option id",
            path=path,
            value=option,
            expected="an option id of the field's definition",
            hint="refresh the field definitions; the option may have been deleted",
        )
    return label


def _ids(
    entity: str,
    key: str,
    name: str,
    value: Any,
    definition: FieldDefinition | None,
    catalog: FieldCatalog,
) -> Any:
    path = ("custom_fields", name)
    if definition is None or value is None:
        return s.copy_json(value, path)
    if definition.field_type == "enum":
        return _option(entity, key, value, catalog, path)
    if definition.field_type == "set" and isinstance(value, list):
        return [
            _option(entity, key, item, catalog, (*path, index))
            for index, item in enumerate(value)
        ]
    return s.copy_json(value, path)


def _option(
    entity: str, key: str, label: Any, catalog: FieldCatalog, path: s.Path
) -> Any:
    option = catalog.option_id(entity, key, label) if isinstance(label, str) else None
    if option is None:
        raise ConversionError(
            "unknown option label",
            path=path,
            value=label,
            expected="a label of the field's options",
            hint="use the label exactly as the field definitions spell it",
        )
    return option
