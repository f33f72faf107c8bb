"""Custom field values: v1's flat root keys <-> v2's ``custom_fields`` object.

v1 puts a custom field at the record's root under its 40-hex-character key,
with sibling keys for subfields (``<key>_currency``, ``<key>_until``,
``<key>_route``, ...). v2 nests every custom field under ``custom_fields``,
composite ones as objects. The field type decides the v2 form. It comes
from a :class:`FieldCatalog` when the caller has one, and otherwise from the
value's shape where the shape alone decides (see ``docs/custom-fields.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pipedrive_shapes import _scalars as s
from pipedrive_shapes._catalog import FieldCatalog, FieldDefinition
from pipedrive_shapes.errors import ConversionError

HEX_DIGITS: Final = "0123456789abcdef"

ADDRESS_PARTS: Final[tuple[str, ...]] = (
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
TIMEZONE_PARTS: Final = ("timezone_id", "timezone_name")
#: Every v1 suffix that marks a subfield key ``<key>_<suffix>``.
SUFFIXES: Final = frozenset(
    {"currency", "until", "subpremise", *ADDRESS_PARTS, *TIMEZONE_PARTS}
)

TEXT_TYPES: Final = frozenset(
    {"varchar", "text", "varchar_auto", "phone", "varchar_options"}
)
NUMBER_TYPES: Final = frozenset({"double", "int"})
RELATION_TYPES: Final = frozenset({"user", "people", "org"})
RANGE_TYPES: Final = frozenset({"daterange", "timerange"})
#: Types that have subfields in v1 and an object form in v2.
COMPOSITE_TYPES: Final = frozenset({"monetary", "address", *RANGE_TYPES})


def is_hex_key(key: str) -> bool:
    """Tell whether ``key`` is a key as Pipedrive makes them: 40 lowercase hex digits."""
    return len(key) == 40 and not key.strip(HEX_DIGITS)


def split_key(key: str, catalog_keys: frozenset[str]) -> tuple[str, str] | None:
    """Split a custom field key into ``(field key, subfield suffix or "")``."""
    if key in catalog_keys:
        base, _, suffix = key.rpartition("_")
        if base in catalog_keys and suffix in SUFFIXES:
            return base, suffix
        for name in SUFFIXES:
            if key.endswith("_" + name) and key[: -len(name) - 1] in catalog_keys:
                return key[: -len(name) - 1], name
        return key, ""
    if len(key) < 40 or key[:40].strip(HEX_DIGITS):
        return None
    if len(key) == 40:
        return key, ""
    if key[40] == "_" and key[41:] in SUFFIXES:
        return key[:40], key[41:]
    return None


def is_custom_key(key: Any, catalog_keys: frozenset[str]) -> bool:
    """Tell whether a root key of a v1 record belongs to a custom field."""
    return type(key) is str and split_key(key, catalog_keys) is not None


#: Custom keys per (catalog fingerprint, entity). Bounded: cleared when full.
_KEY_CACHE: dict[tuple[str, str], frozenset[str]] = {}
_KEY_CACHE_SIZE: Final = 256
_NO_KEYS: Final[frozenset[str]] = frozenset()


def catalog_custom_keys(catalog: FieldCatalog | None, entity: str) -> frozenset[str]:
    """Return the entity's custom field keys in the catalog, with subfield keys."""
    if catalog is None:
        return _NO_KEYS
    cache_key = (catalog.fingerprint, entity)
    keys = _KEY_CACHE.get(cache_key)
    if keys is None:
        names: set[str] = set()
        for key in catalog.custom_keys(entity):
            names.add(key)
            names.update(f"{key}_{suffix}" for suffix in SUFFIXES)
        if len(_KEY_CACHE) >= _KEY_CACHE_SIZE:
            _KEY_CACHE.clear()
        keys = _KEY_CACHE[cache_key] = frozenset(names)
    return keys


def _label(key: str, definition: FieldDefinition | None) -> str:
    if definition is None:
        return f"custom field {key}"
    return f"custom field {definition.name!r} ({definition.field_type})"


# v1 -> v2


def to_v2(
    entity: str, flat: Mapping[str, Any], catalog: FieldCatalog | None, *, strict: bool
) -> dict[str, Any]:
    """Group v1's flat custom field keys into v2's ``custom_fields`` object."""
    if not flat:
        return {}
    codecs = codecs_for(catalog, entity) if catalog is not None else None
    groups: dict[str, dict[str, Any]] = {}
    for key, value in flat.items():
        base, suffix = split_custom_key(key, entity, catalog, codecs)
        if type(value) not in s.SCALAR_TYPES:
            value = s.copy_json(value, (key,))
        group = groups.get(base)
        if group is None:
            groups[base] = {suffix: value}
        else:
            group[suffix] = value
    return {
        base: encode_group(entity, base, parts, catalog, codecs, strict)
        for base, parts in groups.items()
    }


def split_custom_key(
    key: str, entity: str, catalog: FieldCatalog | None, codecs: EntityCodecs | None
) -> tuple[str, str]:
    """Split a key that the engine classified as custom into (field key, suffix)."""
    split = (_SPLIT_CACHE if codecs is None else codecs.split).get(key)
    if split is None:
        split = split_key(key, catalog_custom_keys(catalog, entity))
        assert split is not None  # the engine collected only custom keys
        if catalog is None and len(_SPLIT_CACHE) < _SPLIT_CACHE_SIZE:
            _SPLIT_CACHE[key] = split
    return split


def encode_group(
    entity: str,
    base: str,
    parts: Mapping[str, Any],
    catalog: FieldCatalog | None,
    codecs: EntityCodecs | None,
    strict: bool,
) -> Any:
    """Convert one custom field's v1 parts (suffix -> value) to its v2 value."""
    encoder = codecs.encoders.get(base) if codecs is not None else None
    if encoder is not None:
        return encoder(parts)
    definition = catalog.get(entity, base) if catalog is not None else None
    if definition is None and len(parts) == 1 and "" in parts:
        # The common case: a plain field and no definitions.
        return _untyped_to_v2(base, parts[""], strict)
    return value_to_v2(base, parts, definition, strict)


#: Hex keys split into (field key, suffix), remembered up to a bound.
_SPLIT_CACHE: dict[str, tuple[str, str]] = {}
_SPLIT_CACHE_SIZE: Final = 65536
_ADDRESS_SUFFIXES: Final = frozenset({"subpremise", *ADDRESS_PARTS})


def _infer_type(parts: Mapping[str, Any]) -> str | None:
    if "currency" in parts:
        return "monetary"
    if "until" in parts:
        return "range"
    if not _ADDRESS_SUFFIXES.isdisjoint(parts):
        return "address"
    if "timezone_id" in parts or "timezone_name" in parts:
        return "time"
    return None


def value_to_v2(
    key: str, parts: Mapping[str, Any], definition: FieldDefinition | None, strict: bool
) -> Any:
    field_type = definition.field_type if definition is not None else _infer_type(parts)
    path = (key,)
    _check_parts(key, parts, field_type, definition)
    value = parts.get("")
    if field_type == "monetary":
        return _monetary_to_v2(key, value, parts.get("currency"), definition)
    if field_type == "address":
        return _address_to_v2(key, parts, definition)
    if field_type in RANGE_TYPES or field_type == "range":
        return _range_to_v2(key, parts, field_type, definition)
    if field_type == "time":
        return _time_to_v2(key, parts, definition)
    if field_type is None:
        return _untyped_to_v2(key, value, strict)
    assert definition is not None
    return _scalar_to_v2(path, value, definition)


def _check_parts(
    key: str,
    parts: Mapping[str, Any],
    field_type: str | None,
    definition: FieldDefinition | None,
) -> None:
    if len(parts) == 1 and "" in parts:
        return
    allowed = _ALLOWED_PARTS.get(field_type or "", _PLAIN_PARTS)
    for suffix in parts:
        if suffix not in allowed:
            raise ConversionError(
                f"unexpected subfield for {_label(key, definition)}",
                path=(f"{key}_{suffix}",),
                value=parts[suffix],
                expected=f"only subfields of a {field_type or 'plain'} field",
                hint="check the field definitions, or rename the key",
            )


_PLAIN_PARTS: Final = frozenset({""})
#: The v1 subfield suffixes each composite type may carry ("" is the value).
_ALLOWED_PARTS: Final = {
    "monetary": frozenset({"", "currency"}),
    "address": frozenset({"", "subpremise", *ADDRESS_PARTS}),
    "daterange": frozenset({"", "until", *TIMEZONE_PARTS}),
    "timerange": frozenset({"", "until", *TIMEZONE_PARTS}),
    "range": frozenset({"", "until", *TIMEZONE_PARTS}),
    "time": frozenset({"", *TIMEZONE_PARTS}),
}


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _monetary_to_v2(
    key: str, value: Any, currency: Any, definition: FieldDefinition | None
) -> dict[str, Any] | None:
    amount = _number(key, value, definition)
    if currency == "":
        currency = None
    if currency is not None and not is_currency(currency):
        raise ConversionError(
            f"invalid currency for {_label(key, definition)}",
            path=(f"{key}_currency",),
            value=currency,
            expected="a 3-letter currency code such as 'EUR'",
            hint="use the ISO 4217 code",
        )
    if amount is None and currency is None:
        return None
    return {"value": amount, "currency": currency}


def is_currency(code: Any) -> bool:
    return (
        isinstance(code, str)
        and len(code) == 3
        and code.isascii()
        and code.isalpha()
        and code.isupper()
    )


def _number(
    key: str, value: Any, definition: FieldDefinition | None
) -> int | float | None:
    try:
        return s.number_to_v2(value, (key,))
    except ConversionError as error:
        raise ConversionError(
            f"invalid number for {_label(key, definition)}",
            path=(key,),
            value=value,
            expected="a number or a numeric string",
            hint="v2 rejects non-numeric values in numeric fields; fix or clear the value",
        ) from error


def _address_to_v2(
    key: str, parts: Mapping[str, Any], definition: FieldDefinition | None
) -> dict[str, Any] | None:
    obj = {"value": _text_part(key, "", parts.get(""), definition)}
    for name in ADDRESS_PARTS:
        obj[name] = _text_part(key, name, parts.get(name), definition)
    if all(item is None for item in obj.values()):
        return None
    return obj


def _text_part(
    key: str, suffix: str, value: Any, definition: FieldDefinition | None
) -> Any:
    if value is None or (
        isinstance(value, str | int | float) and type(value) is not bool
    ):
        return value
    raise ConversionError(
        f"invalid subfield value for {_label(key, definition)}",
        path=(f"{key}_{suffix}" if suffix else key,),
        value=value,
        expected="a string or null",
        hint="v1 stores each subfield as a plain value",
    )


def _range_to_v2(
    key: str,
    parts: Mapping[str, Any],
    field_type: str | None,
    definition: FieldDefinition | None,
) -> dict[str, Any] | None:
    start, until = parts.get(""), parts.get("until")
    check = (
        s.is_date
        if field_type == "daterange"
        else s.is_clock_time
        if field_type == "timerange"
        else None
    )
    for suffix, item in (("", start), ("until", until)):
        if item is None:
            continue
        valid = check(item) if check is not None else isinstance(item, str)
        if not valid:
            raise ConversionError(
                f"invalid range bound for {_label(key, definition)}",
                path=(f"{key}_{suffix}" if suffix else key,),
                value=item,
                expected="YYYY-MM-DD"
                if field_type == "daterange"
                else "HH:MM:SS"
                if field_type == "timerange"
                else "a string",
                hint="fix the range bound or clear both bounds",
            )
    obj: dict[str, Any] = {"value": start, "until": until}
    for name in TIMEZONE_PARTS:
        if name in parts:
            obj[name] = parts[name]
    if all(item is None for item in obj.values()):
        return None
    return obj


def _time_to_v2(
    key: str, parts: Mapping[str, Any], definition: FieldDefinition | None
) -> Any:
    value = parts.get("")
    if _empty(value):
        value = None
    elif not s.is_clock_time(value):
        raise ConversionError(
            f"invalid time for {_label(key, definition)}",
            path=(key,),
            value=value,
            expected="HH:MM:SS",
            hint="fix or clear the value",
        )
    if not any(name in parts for name in TIMEZONE_PARTS):
        return value
    # With its timezone siblings a time field becomes the object that newer
    # v2 responses use; a plain time stays a plain string.
    obj = {"value": value, **{name: parts.get(name) for name in TIMEZONE_PARTS}}
    if all(item is None for item in obj.values()):
        return None
    return obj


def _untyped_to_v2(key: str, value: Any, strict: bool) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        # A user, person or org field in a v1 response: {"value": 12, "name": ...}.
        return s.related_to_v2(value, (key,))
    if strict and isinstance(value, str) and value and not value.strip("0123456789,"):
        raise ConversionError(
            "ambiguous custom field value without field definitions",
            path=(key,),
            value=value,
            expected="field definitions to tell text from option ids",
            hint="pass fields=FieldCatalog(...) or use strict=False to keep the value as is",
        )
    return s.copy_json(value, (key,))


def _scalar_to_v2(path: tuple[str], value: Any, definition: FieldDefinition) -> Any:
    field_type = definition.field_type
    key = path[0]
    if _empty(value) and field_type in _EMPTY_IS_NULL:
        return None
    if field_type in TEXT_TYPES:
        if isinstance(value, str):
            return value
        raise _type_error(key, value, definition, "a string")
    if field_type in NUMBER_TYPES:
        return _number(key, value, definition)
    if field_type == "enum":
        return _option_to_v2(key, value, definition)
    if field_type == "set":
        return _options_to_v2(key, value, definition)
    if field_type in RELATION_TYPES:
        try:
            return s.related_to_v2(value, path)
        except ConversionError as error:
            raise _type_error(key, value, definition, "an integer id") from error
    if field_type == "date":
        if s.is_date(value):
            return value
        raise _type_error(key, value, definition, "a date YYYY-MM-DD")
    # Other types exist only as built-in fields; their values pass unchanged.
    return s.copy_json(value, path)


_EMPTY_IS_NULL: Final = frozenset(
    {*TEXT_TYPES, *NUMBER_TYPES, *RELATION_TYPES, "enum", "set", "date"}
)


def _type_error(
    key: str, value: Any, definition: FieldDefinition, expected: str
) -> ConversionError:
    return ConversionError(
        f"invalid value for {_label(key, definition)}",
        path=(key,),
        value=value,
        expected=expected,
        hint="fix the value, or check that the field definitions belong to this account",
    )


def _option_id(
    key: str, raw: Any, definition: FieldDefinition, path: tuple[str | int, ...]
) -> Any:
    option: Any = raw
    if isinstance(raw, str):
        number = s.digits_to_int(raw.strip())
        if number is not None:
            option = number
    elif isinstance(raw, Mapping) and "id" in raw:
        option = raw["id"]
    if type(option) not in (int, str, bool) or (
        type(option) is int and not s.is_printable_int(option)
    ):
        raise _type_error(key, raw, definition, "an option id")
    if definition.options and option not in definition.options:
        # Catalogs may key options by string or bool ids; try the raw spelling too.
        if raw in definition.options:
            return raw
        known = ", ".join(repr(item) for item in list(definition.options)[:10])
        raise ConversionError(
            f"unknown option id for {_label(key, definition)}",
            path=path,
            value=raw,
            expected=f"one of the field's option ids ({known})",
            hint="refresh the field definitions; the option may have been deleted",
        )
    return option


def _option_to_v2(key: str, value: Any, definition: FieldDefinition) -> Any:
    return _option_id(key, value, definition, (key,))


def _options_to_v2(key: str, value: Any, definition: FieldDefinition) -> list[Any]:
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, list):
        items = value
    else:
        items = [value]
    return [_option_id(key, item, definition, (key,)) for item in items]


# v2 -> v1


def to_v1(
    entity: str, custom_fields: Any, catalog: FieldCatalog | None, *, strict: bool
) -> dict[str, Any]:
    """Flatten v2's ``custom_fields`` object into v1's root keys."""
    if custom_fields is None:
        return {}
    if not isinstance(custom_fields, Mapping):
        raise ConversionError(
            "invalid custom_fields",
            path=("custom_fields",),
            value=custom_fields,
            expected="an object keyed by custom field key",
            hint="v2 sends custom fields as an object",
        )
    flat: dict[str, Any] = {}
    decoders = codecs_for(catalog, entity).decoders if catalog is not None else {}
    for key, value in custom_fields.items():
        decoder = decoders.get(key)
        if decoder is not None:
            decoder(value, flat)
            continue
        if type(key) is not str:
            raise ConversionError(
                "invalid key",
                path=("custom_fields",),
                value=key,
                expected="string keys",
                hint="custom field keys are strings such as the 40-character hash",
            )
        definition = catalog.get(entity, key) if catalog is not None else None
        value_to_v1(key, value, definition, flat, strict)
    return flat


def _infer_v2_type(value: Any) -> str | None:
    if isinstance(value, Mapping):
        if "currency" in value:
            return "monetary"
        if "until" in value:
            return "range"
        if any(name in value for name in ADDRESS_PARTS) or "subpremise" in value:
            return "address"
        if "timezone_id" in value or "timezone_name" in value:
            return "time"
        if "id" in value and "label" in value:
            return "enum"
        return "address" if "value" in value else None
    if isinstance(value, list) and all(
        type(item) is int or (isinstance(item, Mapping) and "id" in item)
        for item in value
    ):
        # In v2 only a multiple-option field contains a list of option ids.
        return "set"
    return None


def value_to_v1(
    key: str,
    value: Any,
    definition: FieldDefinition | None,
    flat: dict[str, Any],
    strict: bool,
) -> None:
    path = ("custom_fields", key)
    field_type = (
        definition.field_type if definition is not None else _infer_v2_type(value)
    )
    if field_type == "monetary":
        obj = _object(path, value, definition, ("value", "currency"))
        flat[key] = s.number_to_v1(obj.get("value"), (*path, "value"))
        flat[f"{key}_currency"] = obj.get("currency")
    elif field_type == "address":
        obj = _object(path, value, definition, ("value", "subpremise", *ADDRESS_PARTS))
        flat[key] = obj.get("value")
        flat[f"{key}_subpremise"] = obj.get("subpremise")
        for name in ADDRESS_PARTS:
            flat[f"{key}_{name}"] = obj.get(name)
    elif field_type in RANGE_TYPES or field_type == "range":
        obj = _object(path, value, definition, ("value", "until", *TIMEZONE_PARTS))
        flat[key] = obj.get("value")
        flat[f"{key}_until"] = obj.get("until")
        for name in TIMEZONE_PARTS:
            if name in obj:
                flat[f"{key}_{name}"] = obj[name]
    elif field_type == "time" and isinstance(value, Mapping):
        obj = _object(path, value, definition, ("value", *TIMEZONE_PARTS))
        flat[key] = obj.get("value")
        for name in TIMEZONE_PARTS:
            flat[f"{key}_{name}"] = obj.get(name)
    elif field_type == "enum":
        option = value.get("id") if isinstance(value, Mapping) else value
        flat[key] = _option_to_v1(path, option, definition)
    elif field_type == "set":
        flat[key] = _options_to_v1(path, value, definition)
    elif field_type in NUMBER_TYPES:
        flat[key] = s.number_to_v1(value, path)
    elif field_type in RELATION_TYPES:
        flat[key] = s.id_to_v1(value, path)
    elif definition is None and strict and type(value) is int:
        raise ConversionError(
            "ambiguous custom field value without field definitions",
            path=path,
            value=value,
            expected="field definitions to tell numbers from option ids",
            hint="pass fields=FieldCatalog(...) or use strict=False to keep the value as is",
        )
    else:
        flat[key] = s.copy_json(value, path)


def _object(
    path: tuple[str, ...],
    value: Any,
    definition: FieldDefinition | None,
    names: tuple[str, ...],
) -> Mapping[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        for name in value:
            if name not in names:
                raise ConversionError(
                    f"unexpected subfield for {_label(path[-1], definition)}",
                    path=(*path, name),
                    value=value[name],
                    expected=f"only {', '.join(names)}",
                    hint="check the field definitions",
                )
        return {name: s.copy_value(item, (*path, name)) for name, item in value.items()}
    raise ConversionError(
        f"invalid value for {_label(path[-1], definition)}",
        path=path,
        value=value,
        expected=f"an object with {', '.join(names)}, or null",
        hint="v2 sends composite custom fields as objects",
    )


def _options_to_v1(
    path: tuple[str, ...], value: Any, definition: FieldDefinition | None
) -> Any:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ConversionError(
            f"invalid value for {_label(path[-1], definition)}",
            path=path,
            value=value,
            expected="a list of option ids, or null",
            hint="v2 sends multiple options as an array such as [123, 456]",
        )
    ids = [
        _option_to_v1(
            (*path, index),
            item.get("id") if isinstance(item, Mapping) else item,
            definition,
        )
        for index, item in enumerate(value)
    ]
    return ",".join(str(item) for item in ids) if ids else None


def _option_to_v1(
    path: tuple[str | int, ...], option: Any, definition: FieldDefinition | None
) -> Any:
    """Return v1's form of one option id: the string of an integer id."""
    if type(option) is int and s.is_printable_int(option):
        return str(option)
    if option is None or type(option) in (str, bool):
        return option
    raise ConversionError(
        f"invalid option id for {_label(str(path[1]), definition)}",
        path=path,
        value=option,
        expected="an integer option id (or a string or boolean id)",
        hint="v2 sends option ids as numbers such as 123",
    )


# Imported last: the codecs module builds on the functions above.
from pipedrive_shapes._custom_codecs import EntityCodecs, codecs_for  # noqa: E402
