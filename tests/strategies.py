"""Hypothesis strategies for v1 and v2 records of every entity.

The strategies are generated from the schemas in
:mod:`pipedrive_shapes.schemas`: each record strategy walks the schema's
declared fields and maps each field class to a value strategy, so a field
added to a schema is generated without touching this module. A field class
without a mapping raises ``TypeError`` when the strategy is built.

Every generated record is valid under its schema. v2 strategies draw pairs
``(record, normal)``: ``record`` may use every spelling the v2 schema
accepts (offsets and fractions in timestamps, ``im`` for ``ims``, an
address's ``subpremise``, ``{"id", "label"}`` options, ...) and ``normal``
is the same record as ``to_v2(to_v1(record))`` should return it. With
``canonical=True`` the two are equal.

Custom fields come from a catalog drawn by :func:`catalogs`, with one
definition of each field type that a custom field can have.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any, Final

from hypothesis import strategies as st
from marshmallow import Schema, fields, validate

from pipedrive_shapes import FieldCatalog, FieldDefinition
from pipedrive_shapes._entities import SPECS
from pipedrive_shapes.schemas import EntitySchema, schema_for
from pipedrive_shapes.schemas import _fields as f
from pipedrive_shapes.schemas._values import (
    AddressSchema,
    CustomFields,
    TimeZoneId,
)

Pair = tuple[Any, Any]
PairStrategy = st.SearchStrategy[Pair]

#: Every field type a custom field can have, as Pipedrive's v2 "create
#: field" endpoint lists them.
CUSTOM_FIELD_TYPES: Final = (
    "varchar",
    "text",
    "varchar_auto",
    "phone",
    "double",
    "monetary",
    "address",
    "enum",
    "set",
    "user",
    "people",
    "org",
    "date",
    "daterange",
    "time",
    "timerange",
)
ADDRESS_PARTS: Final = (
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
_INT64: Final = 2**63 - 1
_HEX: Final = "0123456789abcdef"


@dataclass(frozen=True)
class Mode:
    """What a strategy generates: the version, canonical v2 only, custom fields."""

    version: str
    canonical: bool = False
    entity: str = ""
    catalog: FieldCatalog | None = None


def _same(strategy: st.SearchStrategy[Any]) -> PairStrategy:
    return strategy.map(lambda value: (value, value))


def _unzip_dict(pairs: Mapping[str, Pair]) -> Pair:
    return {k: v[0] for k, v in pairs.items()}, {k: v[1] for k, v in pairs.items()}


def _unzip_list(pairs: list[Pair]) -> Pair:
    return [raw for raw, _ in pairs], [normal for _, normal in pairs]


# Scalars.

texts = st.text(max_size=12)
ids = st.one_of(st.integers(1, 1000), st.integers(1, _INT64))
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-_INT64, _INT64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3)
    ),
    max_leaves=6,
)
numbers = st.one_of(
    st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False)
)
dates = st.dates().map(lambda day: f"{day.year:04d}-{day.month:02d}-{day.day:02d}")


def _clock(moment: Any, seconds: bool) -> str:
    text = f"{moment.hour:02d}:{moment.minute:02d}"
    return f"{text}:{moment.second:02d}" if seconds else text


clock_times = st.builds(_clock, st.times(), st.booleans())
durations = st.builds(
    lambda hours, minutes, seconds: (
        f"{hours:02d}:{minutes:02d}" + ("" if seconds is None else f":{seconds:02d}")
    ),
    st.integers(0, 99),
    st.integers(0, 59),
    st.none() | st.integers(0, 59),
)
currencies = st.text(string.ascii_uppercase, min_size=3, max_size=3)

# Timestamps: any UTC moment whose local time, at any offset, is still in
# years 0001-9999.
_MOMENTS = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30, 23, 59, 59)
)


def _v2_text(moment: datetime) -> str:
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )


def _v1_text(moment: datetime) -> str:
    return _v2_text(moment).replace("T", " ")


@st.composite
def _timestamp_pairs(draw: st.DrawFn, canonical: bool) -> Pair:
    moment = draw(_MOMENTS)
    normal = _v2_text(moment) + "Z"
    if canonical or not draw(st.booleans()):
        return normal, normal
    offset = timedelta(minutes=draw(st.integers(-(24 * 60 - 1), 24 * 60 - 1)))
    digits = draw(st.integers(0, 9))
    fraction = draw(st.text(string.digits, min_size=digits, max_size=digits))
    local = moment.replace(tzinfo=UTC).astimezone(timezone(offset))
    if offset:
        sign = "+" if offset > timedelta(0) else "-"
        minutes = abs(int(offset.total_seconds())) // 60
        zone = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    else:
        zone = draw(st.sampled_from(["Z", "z", "+00:00", "-00:00"]))
    separator = draw(st.sampled_from("Tt"))
    raw = (
        _v2_text(local).replace("T", separator)
        + (f".{fraction}" if fraction else "")
        + zone
    )
    return raw, normal


v1_timestamps = st.one_of(
    _MOMENTS.map(_v1_text), st.sampled_from(["", "0000-00-00 00:00:00"])
)


def _integer_strategy(minimum: int | None) -> st.SearchStrategy[int]:
    low = -_INT64 if minimum is None else minimum
    return st.one_of(st.integers(max(low, 0), 1000), st.integers(low, _INT64))


def _v1_integers(minimum: int | None) -> st.SearchStrategy[Any]:
    values = _integer_strategy(minimum)
    return values | values.filter(lambda n: n >= 0).map(str)


v1_booleans = st.sampled_from(
    [True, False, 1, 0, "1", "0", "true", "false", "True", "False", "TRUE", "FALSE"]
)
v1_numbers = st.one_of(
    numbers,
    st.integers(-(2**53), 2**53).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.just(""),
)
v1_visible_to = st.sampled_from(["0", "1", "3", "5", "7", 1, 3, 5, 7])
v1_labels = st.one_of(
    st.just(""),
    ids,
    st.lists(ids, max_size=3),
    st.lists(ids, min_size=1, max_size=3).map(
        lambda labels: ",".join(map(str, labels))
    ),
)


@st.composite
def _v1_related(draw: st.DrawFn) -> Any:
    """A v1 reference: an id, a string of digits or a related object."""
    ident = draw(ids)
    return draw(
        st.sampled_from(
            [
                ident,
                str(ident),
                {"id": ident, "name": "Name", "value": ident},
                {"value": ident, "name": "Name"},
                {"id": ident, "name": "Name"},
            ]
        )
    )


# Field classes -> strategies. Each entry takes the field and the mode and
# returns a strategy of (raw, normal) pairs.

_LeafFactory = Callable[[Any, Mode], PairStrategy]


def _legacy_boolean(field: Any, mode: Mode) -> PairStrategy:
    if mode.canonical:
        return _same(st.booleans())
    return st.sampled_from([(True, True), (False, False), (1, True), (0, False)])


def _string(field: Any, mode: Mode) -> PairStrategy:
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            return _same(st.sampled_from(list(validator.choices)))
    return _same(texts)


_LEAVES: Final[dict[type[Any], _LeafFactory]] = {
    f.LegacyBoolean: _legacy_boolean,
    f.Boolean: lambda field, mode: _same(st.booleans()),
    f.Integer: lambda field, mode: _same(_integer_strategy(field.minimum)),
    f.Number: lambda field, mode: _same(numbers),
    f.Timestamp: lambda field, mode: _timestamp_pairs(mode.canonical),
    f.Date: lambda field, mode: _same(dates),
    f.ClockTime: lambda field, mode: _same(clock_times),
    f.Duration: lambda field, mode: _same(durations),
    f.VisibleTo: lambda field, mode: _same(st.sampled_from(f.VISIBLE_TO)),
    f.CurrencyCode: lambda field, mode: _same(currencies),
    f.Json: lambda field, mode: _same(json_values),
    TimeZoneId: lambda field, mode: _same(st.integers(1, 1000) | texts),
    f.V1Boolean: lambda field, mode: _same(v1_booleans),
    f.V1Related: lambda field, mode: _same(_v1_related()),
    f.V1Integer: lambda field, mode: _same(_v1_integers(field.minimum)),
    f.V1Number: lambda field, mode: _same(v1_numbers),
    f.V1Timestamp: lambda field, mode: _same(v1_timestamps),
    f.V1VisibleTo: lambda field, mode: _same(v1_visible_to),
    f.V1Labels: lambda field, mode: _same(v1_labels),
    fields.String: _string,
}


def field_pairs(field: Any, mode: Mode) -> PairStrategy:
    """Return a strategy of ``(raw, normal)`` values valid for ``field``."""
    strategy = _non_null_pairs(field, mode)
    if field.allow_none:
        strategy = st.one_of(st.just((None, None)), strategy)
    return strategy


def _non_null_pairs(field: Any, mode: Mode) -> PairStrategy:
    if isinstance(field, fields.Nested):
        nested = field.nested
        schema = nested if isinstance(nested, type) else type(nested)
        return schema_pairs(schema, mode)
    if isinstance(field, fields.List):
        return st.lists(field_pairs(field.inner, mode), max_size=3).map(_unzip_list)
    if isinstance(field, CustomFields):
        return custom_fields_v2(mode)
    for cls in type(field).__mro__:
        factory = _LEAVES.get(cls)
        if factory is not None:
            return factory(field, mode)
    raise TypeError(f"no strategy for field class {type(field).__name__}")


# Schemas -> records.


def _declared(schema: type[Schema]) -> dict[str, Any]:
    instance = schema()
    return {field.data_key or name: field for name, field in instance.fields.items()}


def schema_pairs(
    schema: type[Schema],
    mode: Mode,
    *,
    required: tuple[str, ...] = (),
    omit: tuple[str, ...] = (),
) -> PairStrategy:
    """Return a strategy of ``(raw, normal)`` objects valid for ``schema``.

    Every declared key is optional unless named in ``required``, and keys in
    ``omit`` are never drawn. A key with an ``alias_of`` is drawn in place of
    its target, never beside it.
    """
    declared = {
        key: field for key, field in _declared(schema).items() if key not in omit
    }
    aliases: dict[str, list[str]] = {}
    optional: dict[str, PairStrategy] = {}
    input_only: set[str] = set()
    for key, field in declared.items():
        target = field.metadata.get("alias_of")
        if target is not None:
            aliases.setdefault(target, []).append(key)
            continue
        if field.metadata.get("input_only"):
            if mode.canonical:
                continue
            input_only.add(key)
        optional[key] = field_pairs(field, mode)
    if schema is AddressSchema:
        return _address_pairs(optional, mode)
    must = {key: optional.pop(key) for key in required}
    use_aliases = aliases and (mode.version == "v1" or not mode.canonical)

    @st.composite
    def build(draw: st.DrawFn) -> Pair:
        pairs = draw(st.fixed_dictionaries(must, optional=optional))
        raw, normal = _unzip_dict(pairs)
        for key in input_only:
            normal.pop(key, None)
        if use_aliases:
            for target, names in aliases.items():
                if target in raw and draw(st.booleans()):
                    raw[draw(st.sampled_from(names))] = raw.pop(target)
        return raw, normal

    return build()


def _address_pairs(parts: dict[str, PairStrategy], mode: Mode) -> PairStrategy:
    """An address object. v2 -> v1 -> v2 fills missing parts with null, drops
    ``subpremise``, and turns an address of nulls into null."""
    return _object_pairs(parts, ("value", *ADDRESS_PARTS), mode.canonical)


def _is_custom_entity(entity: str) -> bool:
    return SPECS[entity].custom_fields


def records(
    entity: str,
    version: str,
    catalog: FieldCatalog | None = None,
    *,
    canonical: bool = False,
    extra_keys: bool = False,
) -> PairStrategy:
    """Return a strategy of ``(record, normal)`` pairs for ``entity`` in ``version``.

    :param catalog: field definitions for custom fields. Without them, v1
        records get custom fields whose shape alone decides their type, and
        v2 records get an empty ``custom_fields``.
    :param canonical: v2 only: draw only the forms v2 -> v1 -> v2 keeps.
    :param extra_keys: v1 only: add keys that no schema declares, as real
        v1 records have.
    """
    spec = SPECS[entity]
    base = _base_records(entity, version, canonical)
    parts: list[PairStrategy] = []
    if spec.custom_fields and version == "v1":
        parts.append(_same(custom_fields_v1(entity, catalog)))
    if spec.custom_fields and version == "v2":
        parts.append(_custom_fields_key(entity, catalog, canonical))
    if extra_keys and version == "v1":
        parts.append(_same(_extra_keys(entity)))

    @st.composite
    def build(draw: st.DrawFn) -> Pair:
        raw, normal = draw(base)
        for part in parts:
            raw_part, normal_part = draw(part)
            raw.update(raw_part)
            normal.update(normal_part)
        return _normal_custom_fields(entity, (raw, normal))

    return build()


@cache
def _base_records(entity: str, version: str, canonical: bool) -> PairStrategy:
    """Records without custom fields; built once per entity, version and mode."""
    schema: type[EntitySchema] = schema_for(entity, version)
    return schema_pairs(
        schema, Mode(version, canonical, entity), omit=("custom_fields",)
    )


def _custom_fields_key(
    entity: str, catalog: FieldCatalog | None, canonical: bool
) -> PairStrategy:
    """v2's ``custom_fields`` key: always there in canonical records of
    entities whose v2 records always carry it, and only when a field is set
    in canonical activities."""
    spec = SPECS[entity]
    value = custom_fields_v2(Mode("v2", canonical, entity, catalog))
    present = value.map(
        lambda pair: ({"custom_fields": pair[0]}, {"custom_fields": pair[1]})
    )
    if canonical and spec.always_custom_fields:
        return present
    if canonical and not _definitions(catalog, entity):
        return st.just(({}, {}))
    return st.one_of(st.just(({}, {})), present)


def _normal_custom_fields(entity: str, pair: Pair) -> Pair:
    raw, normal = pair
    spec = SPECS[entity]
    if not spec.custom_fields:
        return raw, normal
    if spec.always_custom_fields:
        normal.setdefault("custom_fields", {})
    elif normal.get("custom_fields") == {}:
        # v2 activities carry custom_fields only when a field is set.
        del normal["custom_fields"]
    return raw, normal


def _extra_keys(entity: str) -> st.SearchStrategy[dict[str, Any]]:
    """Keys that no schema declares, with any JSON value."""
    names = st.text(string.ascii_lowercase + "_", min_size=1, max_size=10).map(
        lambda name: "x_" + name
    )
    return st.dictionaries(names, json_values, max_size=3)


# Custom fields.

hex_keys = st.text(_HEX, min_size=40, max_size=40)
option_ids = st.one_of(
    st.integers(1, 10**6), st.text(string.ascii_lowercase, min_size=1, max_size=5)
)


@st.composite
def catalogs(draw: st.DrawFn, entity: str) -> FieldCatalog:
    """Field definitions for ``entity``: custom fields of every type, some twice."""
    types = list(CUSTOM_FIELD_TYPES) + draw(
        st.lists(st.sampled_from(CUSTOM_FIELD_TYPES), max_size=3)
    )
    keys = draw(
        st.lists(hex_keys, min_size=len(types), max_size=len(types), unique=True)
    )
    definitions = []
    for key, field_type in zip(keys, types, strict=True):
        options: dict[Any, str] = {}
        if field_type in ("enum", "set"):
            option_keys = draw(
                st.lists(option_ids, min_size=1, max_size=4, unique=True)
            )
            options = {option: f"Option {option}" for option in option_keys}
        definitions.append(
            FieldDefinition(
                key=key,
                name=f"Field {key[:6]}",
                field_type=field_type,
                entity=entity,
                is_custom=True,
                options=options,
            )
        )
    return FieldCatalog(definitions)


def _definitions(catalog: FieldCatalog | None, entity: str) -> list[FieldDefinition]:
    if catalog is None:
        return []
    found = (catalog.get(entity, key) for key in sorted(catalog.custom_keys(entity)))
    return [definition for definition in found if definition is not None]


def custom_fields_v2(mode: Mode) -> PairStrategy:
    """v2 ``custom_fields`` objects for the catalog's fields of ``mode.entity``."""
    optional = {
        definition.key: custom_value_v2(definition, mode.canonical)
        for definition in _definitions(mode.catalog, mode.entity)
    }
    strategy = st.fixed_dictionaries({}, optional=optional)
    if mode.canonical and not SPECS[mode.entity].always_custom_fields:
        # v2 activities carry custom_fields only when a field is set.
        strategy = strategy.filter(bool)
    return strategy.map(_unzip_dict)


def _object_pairs(
    parts: dict[str, PairStrategy], keys: tuple[str, ...], canonical: bool
) -> PairStrategy:
    """An object with the output ``keys``: all of them when canonical, any
    of ``parts`` otherwise. The normal form has exactly ``keys``, missing
    ones null, and is null when they all are."""
    if canonical:
        strategy = st.fixed_dictionaries({key: parts[key] for key in keys})
    else:
        strategy = st.fixed_dictionaries({}, optional=parts)

    def normalise(pairs: dict[str, Pair]) -> Pair:
        raw = {key: pair[0] for key, pair in pairs.items()}
        normal = {key: raw.get(key) for key in keys}
        if all(value is None for value in normal.values()):
            return (None, None) if canonical else (raw, None)
        return raw, normal

    return strategy.map(normalise)


def _option_pairs(definition: FieldDefinition, canonical: bool) -> PairStrategy:
    options = st.sampled_from(list(definition.options))
    if canonical:
        return _same(options)
    labelled = options.map(lambda option: ({"id": option, "label": "Label"}, option))
    return st.one_of(_same(options), labelled)


def _nullable(strategy: PairStrategy) -> PairStrategy:
    return st.one_of(st.just((None, None)), strategy)


def custom_value_v2(definition: FieldDefinition, canonical: bool) -> PairStrategy:
    """``(raw, normal)`` v2 values of one custom field; null is always valid."""
    factory = _CUSTOM_V2.get(definition.field_type)
    if factory is None:
        raise TypeError(f"no strategy for custom field type {definition.field_type!r}")
    return _nullable(factory(definition, canonical))


def _text_value(definition: FieldDefinition, canonical: bool) -> PairStrategy:
    if canonical:
        return _same(st.text(min_size=1, max_size=12))
    # v2 -> v1 -> v2 turns an empty text into null.
    return st.text(max_size=12).map(lambda text: (text, text or None))


def _set_value(definition: FieldDefinition, canonical: bool) -> PairStrategy:
    # v2 -> v1 -> v2 turns an empty list into null.
    items = st.lists(
        _option_pairs(definition, canonical), min_size=int(canonical), max_size=3
    )
    return items.map(_unzip_list).map(lambda pair: (pair[0], pair[1] or None))


def _monetary_value(definition: FieldDefinition, canonical: bool) -> PairStrategy:
    parts = {
        "value": _nullable(_same(numbers)),
        "currency": _nullable(_same(currencies)),
    }
    return _object_pairs(parts, ("value", "currency"), canonical)


def _address_value(definition: FieldDefinition, canonical: bool) -> PairStrategy:
    keys = ("value", *ADDRESS_PARTS)
    parts = {key: _nullable(_same(texts)) for key in keys}
    if not canonical:
        parts["subpremise"] = _nullable(_same(texts))
    return _object_pairs(parts, keys, canonical)


def _daterange_value(definition: FieldDefinition, canonical: bool) -> PairStrategy:
    parts = {"value": _nullable(_same(dates)), "until": _nullable(_same(dates))}
    return _object_pairs(parts, ("value", "until"), canonical)


def _time_value(definition: FieldDefinition, canonical: bool) -> PairStrategy:
    return st.one_of(_same(clock_times), _time_object_pairs(canonical))


_CUSTOM_V2: Final[dict[str, Callable[[FieldDefinition, bool], PairStrategy]]] = {
    "varchar": _text_value,
    "text": _text_value,
    "varchar_auto": _text_value,
    "phone": _text_value,
    "double": lambda definition, canonical: _same(numbers),
    "user": lambda definition, canonical: _same(ids),
    "people": lambda definition, canonical: _same(ids),
    "org": lambda definition, canonical: _same(ids),
    "date": lambda definition, canonical: _same(dates),
    "enum": _option_pairs,
    "set": _set_value,
    "monetary": _monetary_value,
    "address": _address_value,
    "daterange": _daterange_value,
    "timerange": lambda definition, canonical: _timerange_pairs(canonical),
    "time": _time_value,
}


_TIMEZONE_PARTS: Final = {
    "timezone_id": _nullable(_same(st.integers(1, 1000) | texts)),
    "timezone_name": _nullable(_same(texts)),
}


def _timerange_pairs(canonical: bool) -> PairStrategy:
    bounds = {
        "value": _nullable(_same(clock_times)),
        "until": _nullable(_same(clock_times)),
    }

    @st.composite
    def build(draw: st.DrawFn) -> Pair:
        # Time zone parts come back only when present, so they are optional
        # even in canonical values.
        zone = draw(st.fixed_dictionaries({}, optional=_TIMEZONE_PARTS))
        if canonical:
            pairs = draw(st.fixed_dictionaries(bounds))
        else:
            pairs = draw(st.fixed_dictionaries({}, optional=bounds))
        pairs.update(zone)
        raw, normal = _unzip_dict(pairs)
        normal = {
            "value": raw.get("value"),
            "until": raw.get("until"),
            **_unzip_dict(zone)[1],
        }
        if all(value is None for value in normal.values()):
            return (None, None) if canonical else (raw, None)
        return raw, normal

    return build()


def _time_object_pairs(canonical: bool) -> PairStrategy:
    parts = {"value": _nullable(_same(clock_times)), **_TIMEZONE_PARTS}
    return _object_pairs(parts, ("value", "timezone_id", "timezone_name"), canonical)


# v1 custom fields: flat root keys.


def _v1_value(definition: FieldDefinition) -> st.SearchStrategy[dict[str, Any]]:
    key = definition.key
    field_type = definition.field_type

    def plain(values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
        return values.map(lambda value: {key: value})

    def with_siblings(
        base: st.SearchStrategy[Any], siblings: dict[str, st.SearchStrategy[Any]]
    ) -> st.SearchStrategy[dict[str, Any]]:
        named = {f"{key}_{name}": strategy for name, strategy in siblings.items()}
        return st.fixed_dictionaries({key: base}, optional=named)

    empty = st.sampled_from([None, ""])
    if field_type in ("varchar", "text", "varchar_auto", "phone"):
        return plain(st.one_of(empty, texts))
    if field_type == "double":
        return plain(v1_numbers | st.none())
    if field_type in ("user", "people", "org"):
        return plain(st.one_of(empty, _v1_related()))
    if field_type == "date":
        return plain(st.one_of(empty, dates))
    if field_type == "enum":
        options = st.sampled_from(list(definition.options))
        return plain(st.one_of(empty, options.map(_v1_option), options))
    if field_type == "set":
        chosen = st.lists(
            st.sampled_from(list(definition.options)), min_size=1, max_size=3
        )
        joined = chosen.map(lambda items: ",".join(map(str, items)))
        return plain(st.one_of(empty, joined, chosen.map(lambda items: items[0])))
    if field_type == "monetary":
        return with_siblings(
            v1_numbers | st.none(), {"currency": st.one_of(empty, currencies)}
        )
    if field_type == "address":
        parts = {name: st.none() | texts for name in (*ADDRESS_PARTS, "subpremise")}
        return with_siblings(st.none() | texts, parts)
    if field_type == "daterange":
        return with_siblings(st.none() | dates, {"until": st.none() | dates})
    if field_type == "timerange":
        return with_siblings(
            st.none() | clock_times, {"until": st.none() | clock_times, **_V1_ZONE}
        )
    if field_type == "time":
        return with_siblings(st.one_of(empty, clock_times), _V1_ZONE)
    raise TypeError(f"no strategy for custom field type {field_type!r}")


_V1_ZONE: Final = {
    "timezone_id": st.none() | st.integers(1, 1000),
    "timezone_name": st.none() | texts,
}


def _v1_option(option: Any) -> Any:
    return str(option) if isinstance(option, int) else option


@st.composite
def _untyped_v1(draw: st.DrawFn, key: str) -> dict[str, Any]:
    """A custom field without definitions: its shape decides its type."""
    shape = draw(
        st.sampled_from(["plain", "related", "monetary", "address", "range", "time"])
    )
    if shape == "plain":
        return {key: draw(st.none() | st.booleans() | texts | numbers)}
    if shape == "related":
        return {key: {"value": draw(ids), "name": draw(texts)}}
    if shape == "monetary":
        return {
            key: draw(v1_numbers | st.none()),
            f"{key}_currency": draw(st.none() | currencies),
        }
    if shape == "address":
        parts = draw(
            st.lists(
                st.sampled_from([*ADDRESS_PARTS, "subpremise"]), min_size=1, unique=True
            )
        )
        record = {f"{key}_{part}": draw(st.none() | texts) for part in parts}
        if draw(st.booleans()):
            record[key] = draw(st.none() | texts)
        return record
    if shape == "range":
        return {key: draw(st.none() | texts), f"{key}_until": draw(st.none() | texts)}
    zone = draw(st.fixed_dictionaries({}, optional=_V1_ZONE).filter(bool))
    record = {f"{key}_{name}": value for name, value in zone.items()}
    record[key] = draw(st.sampled_from([None, ""]) | clock_times)
    return record


def custom_fields_v1(
    entity: str, catalog: FieldCatalog | None
) -> st.SearchStrategy[dict[str, Any]]:
    """v1 custom field root keys: the catalog's fields, or shape-typed ones without it."""
    if catalog is None:
        keys = st.lists(hex_keys, max_size=4, unique=True)
        return keys.flatmap(lambda names: st.tuples(*map(_untyped_v1, names))).map(
            lambda parts: _merge(list(parts))
        )
    fields_ = [_v1_value(definition) for definition in _definitions(catalog, entity)]
    return st.tuples(*[st.none() | part for part in fields_]).map(
        lambda parts: _merge([part for part in parts if part is not None])
    )


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in parts:
        merged.update(part)
    return merged


# Public strategies: records, plus (record, catalog) for custom fields.


def _v1(entity: str) -> Callable[..., st.SearchStrategy[dict[str, Any]]]:
    def strategy(
        catalog: FieldCatalog | None = None, *, extra_keys: bool = False
    ) -> st.SearchStrategy[dict[str, Any]]:
        return records(entity, "v1", catalog, extra_keys=extra_keys).map(
            lambda pair: pair[0]
        )

    strategy.__doc__ = f"Valid v1 {entity} records."
    return strategy


def _v2(entity: str) -> Callable[..., st.SearchStrategy[dict[str, Any]]]:
    def strategy(
        catalog: FieldCatalog | None = None, *, canonical: bool = True
    ) -> st.SearchStrategy[dict[str, Any]]:
        return records(entity, "v2", catalog, canonical=canonical).map(
            lambda pair: pair[0]
        )

    strategy.__doc__ = f"Valid v2 {entity} records (canonical unless told otherwise)."
    return strategy


products_v1, products_v2 = _v1("product"), _v2("product")
product_variations_v1, product_variations_v2 = (
    _v1("product_variation"),
    _v2("product_variation"),
)
deal_products_v1, deal_products_v2 = _v1("deal_product"), _v2("deal_product")
pipelines_v1, pipelines_v2 = _v1("pipeline"), _v2("pipeline")
stages_v1, stages_v2 = _v1("stage"), _v2("stage")
deals_v1, deals_v2 = _v1("deal"), _v2("deal")
persons_v1, persons_v2 = _v1("person"), _v2("person")
organizations_v1, organizations_v2 = _v1("organization"), _v2("organization")
activities_v1, activities_v2 = _v1("activity"), _v2("activity")
followers_v1, followers_v2 = _v1("follower"), _v2("follower")


@st.composite
def with_catalog(
    draw: st.DrawFn,
    entity: str,
    version: str,
    *,
    canonical: bool = False,
    extra_keys: bool = False,
) -> tuple[Any, Any, FieldCatalog | None]:
    """Draw ``(record, normal, catalog)``; the catalog is None for entities
    without custom fields, and sometimes for the others (v1 only)."""
    catalog: FieldCatalog | None = None
    if _is_custom_entity(entity) and (version == "v2" or draw(st.booleans())):
        catalog = draw(catalogs(entity))
    record, normal = draw(
        records(entity, version, catalog, canonical=canonical, extra_keys=extra_keys)
    )
    return record, normal, catalog
