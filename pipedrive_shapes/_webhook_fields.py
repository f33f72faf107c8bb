"""Custom field values: webhook v2 typed objects <-> REST API v2 values.

Webhook v2 sends every custom field as an object that names its type, such
as ``{"type": "monetary", "value": 200, "currency": "EUR"}``, while REST API
v2 sends most types as bare values (``{"value": 200, "currency": "EUR"}``,
``17`` for an option). The object forms are listed in Pipedrive's webhooks
v2 migration guide; the REST forms in its API v2 migration guide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from pipedrive_shapes import _scalars as s
from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._custom import ADDRESS_PARTS
from pipedrive_shapes._paths import Path
from pipedrive_shapes.errors import ConversionError, _short_repr

__all__ = [
    "WEBHOOK_FIELD_TYPES",
    "custom_fields_to_rest",
    "custom_fields_to_typed",
    "rest_field_to_typed",
    "typed_field_to_rest",
]

JSONObject = dict[str, Any]

_TEXT_TYPES: Final = frozenset({"varchar", "text", "varchar_auto", "phone", "date"})
_ID_TYPES: Final = frozenset({"people", "org", "user", "enum"})
_RANGE_TYPES: Final = frozenset({"daterange", "timerange"})
#: Field types whose webhook v2 object form Pipedrive documents.
WEBHOOK_FIELD_TYPES: Final = frozenset(
    {
        *_TEXT_TYPES,
        *_ID_TYPES,
        *_RANGE_TYPES,
        "double",
        "monetary",
        "time",
        "address",
        "set",
    }
)
_AMBIGUOUS_HINT: Final = "pass fields= (a FieldCatalog) so the field type is known"

Decoded = tuple[Any, frozenset[str]]


def typed_field_to_rest(typed: Any, *, path: Path = ()) -> tuple[Any, JSONObject]:
    """Convert one webhook v2 custom field object to its REST v2 value.

    >>> typed_field_to_rest({"type": "set", "values": [{"id": 13}, {"id": 14}]})
    ([13, 14], {})

    :returns: ``(value, removed)``; ``removed`` contains the object's keys that
        the REST v2 value has no place for, such as an address's
        ``subpremise``. A time's ``timezone_name`` is null, because webhooks
        send only ``timezone_id``. Neither item shares lists or dicts with
        ``typed``.
    :raises ConversionError: for an object without a ``type`` or with
        values of the wrong kind.
    """
    if typed is None:
        return None, {}
    if not isinstance(typed, Mapping) or not isinstance(typed.get("type"), str):
        raise ConversionError(
            "invalid webhook v2 custom field",
            path=path,
            value=typed,
            expected="an object with a type, such as {'type': 'enum', 'id': 17}, or null",
            hint="pass data.custom_fields of a webhook v2 delivery",
        )
    decode = _DECODERS.get(typed["type"], _decode_other)
    value, used = decode(typed, path)
    left_out = {
        key: s.copy_value(item, (*path, key))
        for key, item in typed.items()
        if key != "type" and key not in used
    }
    return value, left_out


def _part(typed: Mapping[str, Any], key: str, path: Path) -> Any:
    """Return a copy of ``typed[key]``, or None when the key is missing."""
    return s.copy_value(typed.get(key), (*path, key))


def _decode_text(typed: Mapping[str, Any], path: Path) -> Decoded:
    value = typed.get("value")
    if value is not None and not isinstance(value, str):
        raise _bad_value(typed, path, "a string value")
    return value, frozenset({"value"})


def _decode_double(typed: Mapping[str, Any], path: Path) -> Decoded:
    return s.number_to_v2(typed.get("value"), (*path, "value")), frozenset({"value"})


def _decode_id(typed: Mapping[str, Any], path: Path) -> Decoded:
    return s.id_to_v2(typed.get("id"), (*path, "id")), frozenset({"id"})


def _decode_monetary(typed: Mapping[str, Any], path: Path) -> Decoded:
    amount = s.number_to_v2(typed.get("value"), (*path, "value"))
    currency = _part(typed, "currency", path)
    value = (
        None
        if amount is None and currency is None
        else {"value": amount, "currency": currency}
    )
    return value, frozenset({"value", "currency"})


def _decode_time(typed: Mapping[str, Any], path: Path) -> Decoded:
    value = _part(typed, "value", path)
    if "timezone_id" in typed:
        zone = _part(typed, "timezone_id", path)
        if value is not None or zone is not None:
            value = {"value": value, "timezone_id": zone, "timezone_name": None}
    return value, frozenset({"value", "timezone_id"})


def _decode_range(typed: Mapping[str, Any], path: Path) -> Decoded:
    value: JSONObject = {
        "value": _part(typed, "from", path),
        "until": _part(typed, "until", path),
    }
    if "timezone_id" in typed:
        value.update(timezone_id=_part(typed, "timezone_id", path), timezone_name=None)
    empty = all(item is None for item in value.values())
    return None if empty else value, frozenset({"from", "until", "timezone_id"})


def _decode_address(typed: Mapping[str, Any], path: Path) -> Decoded:
    value = {
        "value": _part(typed, "value", path),
        **{name: _part(typed, name, path) for name in ADDRESS_PARTS},
    }
    empty = all(item is None for item in value.values())
    return None if empty else value, frozenset({"value", *ADDRESS_PARTS})


def _decode_set(typed: Mapping[str, Any], path: Path) -> Decoded:
    options = typed.get("values")
    if options is None:
        return None, frozenset({"values"})
    if not isinstance(options, list):
        raise _bad_value(typed, path, "a values list of {'id': ...} objects")
    ids = []
    plain = True
    for index, option in enumerate(options):
        if not isinstance(option, Mapping):
            raise _bad_value(option, (*path, "values", index), "an {'id': ...} object")
        ids.append(s.id_to_v2(option.get("id"), (*path, "values", index, "id")))
        plain = plain and option.keys() == {"id"}
    # Extra keys on an option (a label, say) keep the whole list aside.
    return (ids or None), frozenset({"values"} if plain else ())


def _decode_other(typed: Mapping[str, Any], path: Path) -> Decoded:
    # Types the guide does not list: a {type, value} or {type, id} pair is
    # read as its bare value, as for the documented types.
    keys = typed.keys() - {"type"}
    for name in ("value", "id"):
        if keys <= {name}:
            return _part(typed, name, path), frozenset({name})
    raise ConversionError(
        f"unknown webhook v2 custom field type {_short_repr(typed['type'])}",
        path=(*path, "type"),
        value=typed["type"],
        expected=f"one of {', '.join(sorted(WEBHOOK_FIELD_TYPES))}",
        hint="report the payload so the type can be added",
    )


def _bad_value(value: Any, path: Path, expected: str) -> ConversionError:
    return ConversionError(
        "invalid webhook v2 custom field value",
        path=path,
        value=value,
        expected=expected,
    )


_DECODERS: Final[Mapping[str, Callable[[Mapping[str, Any], Path], Decoded]]] = {
    **dict.fromkeys(_TEXT_TYPES, _decode_text),
    **dict.fromkeys(_ID_TYPES, _decode_id),
    **dict.fromkeys(_RANGE_TYPES, _decode_range),
    "double": _decode_double,
    "monetary": _decode_monetary,
    "time": _decode_time,
    "address": _decode_address,
    "set": _decode_set,
}


def rest_field_to_typed(
    value: Any,
    field_type: str | None,
    *,
    removed: Mapping[str, Any] | None = None,
    path: Path = (),
) -> JSONObject | None:
    """Convert one REST v2 custom field value to the webhook v2 object form.

    >>> rest_field_to_typed({"value": 200, "currency": "EUR"}, None)
    {'type': 'monetary', 'value': 200, 'currency': 'EUR'}

    :param field_type: the field's type. With ``None`` it is read from the
        value's shape where the shape decides (currency -> monetary, a list
        -> set, ``until`` with dates -> daterange, ...).
    :param removed: the ``removed`` item of :func:`typed_field_to_rest`,
        written back into the object.
    :raises ConversionError: when ``field_type`` is ``None`` and the shape
        does not decide (a bare number or string), or the value does not fit
        the type. A time's ``timezone_name`` is left out: webhooks send only
        ``timezone_id``.
    """
    if value is None:
        return None
    if field_type is None:
        field_type = _infer_rest_type(value, path)
    elif type(field_type) is not str:
        raise ConversionError(
            "invalid field type",
            path=path,
            value=field_type,
            expected="a field type string such as 'enum', or None",
            hint="pass the field_type of the field's definition",
        )
    encode = _ENCODERS.get(field_type, _encode_other)
    typed: JSONObject = {"type": field_type, **encode(value, path)}
    if removed:
        typed.update(s.copy_json(_removed_map(removed, path), path))
    return typed


def _removed_map(removed: Any, path: Path) -> Mapping[str, Any]:
    if isinstance(removed, Mapping):
        return removed
    raise ConversionError(
        "invalid removed map",
        path=path,
        value=removed,
        expected="an object of webhook v2 keys, such as {'subpremise': '4B'}",
        hint="pass the removed map that custom_fields_to_rest returned, unchanged",
    )


def _infer_rest_type(value: Any, path: Path) -> str:
    if isinstance(value, list):
        return "set"
    if type(value) is float:
        return "double"
    if isinstance(value, Mapping):
        if "currency" in value:
            return "monetary"
        if any(name in value for name in (*ADDRESS_PARTS, "subpremise")):
            return "address"
        if "until" in value:
            bound = value.get("value") or value.get("until")
            if s.is_date(bound):
                return "daterange"
            if s.is_clock_time(bound):
                return "timerange"
        elif "timezone_id" in value:
            return "time"
    raise ConversionError(
        "custom field type is ambiguous",
        path=path,
        value=value,
        expected="a field type from the field definitions",
        hint=_AMBIGUOUS_HINT,
    )


def _encode_text(value: Any, path: Path) -> JSONObject:
    if not isinstance(value, str):
        raise _bad_value(value, path, "a string")
    return {"value": value}


def _encode_double(value: Any, path: Path) -> JSONObject:
    return {"value": s.number_to_v1(value, path)}


def _encode_id(value: Any, path: Path) -> JSONObject:
    # Option labels (include_option_labels) arrive as {"id", "label"}.
    option = value.get("id") if isinstance(value, Mapping) else value
    return {"id": s.id_to_v1(option, path)}


def _encode_monetary(value: Any, path: Path) -> JSONObject:
    obj = _object(value, path, "{'value': 200, 'currency': 'EUR'}")
    return {
        "value": s.number_to_v1(obj.get("value"), (*path, "value")),
        "currency": _part(obj, "currency", path),
    }


def _encode_time(value: Any, path: Path) -> JSONObject:
    if isinstance(value, str):
        return {"value": value}
    obj = _object(
        value, path, "'09:00:00' or {'value': '09:00:00', 'timezone_id': 318}"
    )
    typed = {"value": _part(obj, "value", path)}
    if "timezone_id" in obj:
        typed["timezone_id"] = _part(obj, "timezone_id", path)
    return typed


def _encode_range(value: Any, path: Path) -> JSONObject:
    obj = _object(value, path, "{'value': start, 'until': end}")
    typed = {"from": _part(obj, "value", path), "until": _part(obj, "until", path)}
    if "timezone_id" in obj:
        typed["timezone_id"] = _part(obj, "timezone_id", path)
    return typed


def _encode_address(value: Any, path: Path) -> JSONObject:
    obj = _object(value, path, "an address object with value and its parts")
    typed = {
        "value": _part(obj, "value", path),
        **{name: _part(obj, name, path) for name in ADDRESS_PARTS},
    }
    if "subpremise" in obj:
        typed["subpremise"] = _part(obj, "subpremise", path)
    return typed


def _encode_set(value: Any, path: Path) -> JSONObject:
    if not isinstance(value, list):
        raise _bad_value(value, path, "a list of option ids")
    options = [item.get("id") if isinstance(item, Mapping) else item for item in value]
    return {
        "values": [
            {"id": s.id_to_v1(item, (*path, index))}
            for index, item in enumerate(options)
        ]
    }


def _encode_other(value: Any, path: Path) -> JSONObject:
    return {"value": s.copy_json(value, path)}


def _object(value: Any, path: Path, example: str) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    raise _bad_value(value, path, f"an object such as {example}")


_ENCODERS: Final[Mapping[str, Callable[[Any, Path], JSONObject]]] = {
    **dict.fromkeys(_TEXT_TYPES, _encode_text),
    **dict.fromkeys(_ID_TYPES, _encode_id),
    **dict.fromkeys(_RANGE_TYPES, _encode_range),
    "double": _encode_double,
    "monetary": _encode_monetary,
    "time": _encode_time,
    "address": _encode_address,
    "set": _encode_set,
}


def custom_fields_to_rest(
    custom_fields: Mapping[str, Any], *, path: Path = ("custom_fields",)
) -> tuple[JSONObject, JSONObject]:
    """Convert a webhook v2 ``custom_fields`` object to REST v2 values.

    A value that is not a typed object is already a REST v2 value and is
    copied unchanged, so normalising a delivery twice changes nothing.

    :returns: ``(values, removed)``; ``removed`` maps a field key to the
        parts of its object that REST v2 has no place for.
    :raises ConversionError: as :func:`typed_field_to_rest` does, and when
        ``custom_fields`` is not a mapping.
    """
    _require_mapping(custom_fields, path)
    values: JSONObject = {}
    left_out: JSONObject = {}
    for key, typed in custom_fields.items():
        if not (isinstance(typed, Mapping) and "type" in typed):
            values[key] = s.copy_json(typed, (*path, key))
            continue
        values[key], extras = typed_field_to_rest(typed, path=(*path, key))
        if extras:
            left_out[key] = extras
    return values, left_out


def custom_fields_to_typed(
    entity: str,
    custom_fields: Mapping[str, Any],
    *,
    fields: FieldCatalog | None = None,
    removed: Mapping[str, Any] | None = None,
    path: Path = ("custom_fields",),
) -> JSONObject:
    """Convert a REST v2 ``custom_fields`` object to webhook v2 typed objects.

    Each field's type comes from ``fields`` when it defines the key, and
    otherwise from the value's shape.

    :param removed: the ``removed`` item of :func:`custom_fields_to_rest`.
    :raises ConversionError: when a type is unknown and the value's shape
        does not decide it (the hint names ``fields=``), or when an argument
        has the wrong type.
    """
    _require_mapping(custom_fields, path)
    extras = {} if removed is None else _removed_map(removed, path)
    if fields is not None and not isinstance(fields, FieldCatalog):
        raise ConversionError(
            "invalid fields argument",
            value=fields,
            expected="a FieldCatalog or None",
            hint="load definitions with FieldCatalog.from_json(...) or "
            "FieldCatalog.from_file(...)",
        )
    return {
        key: rest_field_to_typed(
            value,
            _catalog_type(fields, entity, key),
            removed=extras.get(key),
            path=(*path, key),
        )
        for key, value in custom_fields.items()
    }


def _require_mapping(custom_fields: Any, path: Path) -> None:
    if not isinstance(custom_fields, Mapping):
        raise ConversionError(
            "invalid custom_fields",
            path=path,
            value=custom_fields,
            expected="an object that maps field keys to values",
        )


def _catalog_type(fields: FieldCatalog | None, entity: str, key: str) -> str | None:
    if fields is None:
        return None
    try:
        definition = fields.get(entity, key)
    except ValueError:
        return None  # the catalog has no definitions for this entity
    return None if definition is None else definition.field_type
