"""v2 address objects and custom field values, and their validation.

A custom field's valid v2 value depends on its ``field_type``, which comes
from a :class:`~pipedrive_shapes.FieldCatalog` when the caller passes one.
Without one, the value's shape decides, the way the converter decides it.
v1 custom fields are checked by converting them with the converter's own
custom field code and checking the result as v2, so a v1 value is valid
exactly when it converts to a valid v2 value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from marshmallow import RAISE, Schema, ValidationError, fields

from pipedrive_shapes import _custom
from pipedrive_shapes import _scalars as s
from pipedrive_shapes._catalog import FieldCatalog, FieldDefinition
from pipedrive_shapes.errors import ConversionError
from pipedrive_shapes.schemas._fields import (
    Checked,
    ClockTime,
    CurrencyCode,
    Date,
    FieldBase,
    Number,
    conversion_message,
    is_integer,
    is_json,
    is_number,
    messages,
)

ErrorTree = dict[Any, Any]


def _text() -> fields.String:
    return fields.String(allow_none=True)


class AddressSchema(Schema):
    """An address object: a custom address field, an organization's ``address``,
    a person's ``postal_address`` or an activity's ``location``.

    v2 output has ``value`` and the nine parts below. ``subpremise`` is
    accepted in input, as Pipedrive's v2 models list it, but the guide drops
    it from v2 (it was always null), so converting to v1 and back removes it.
    """

    class Meta:
        unknown = RAISE

    value = _text()
    street_number = _text()
    route = _text()
    sublocality = _text()
    locality = _text()
    admin_area_level_1 = _text()
    admin_area_level_2 = _text()
    country = _text()
    postal_code = _text()
    formatted_address = _text()
    subpremise = fields.String(allow_none=True, metadata={"input_only": True})


class MonetaryValueSchema(Schema):
    """A monetary custom field: ``{"value": 2300, "currency": "EUR"}``."""

    class Meta:
        unknown = RAISE

    value = Number(allow_none=True)
    currency = CurrencyCode(allow_none=True)


class DateRangeValueSchema(Schema):
    """A date range custom field: ``{"value": "2024-01-01", "until": "2024-02-01"}``."""

    class Meta:
        unknown = RAISE

    value = Date(allow_none=True)
    until = Date(allow_none=True)


class TimeZoneId(Checked):
    """A time zone id: an integer or a string."""

    default_error_messages = messages(
        invalid="Not a valid time zone id: expected an integer or a string."
    )

    def check(self, value: Any) -> None:
        if not (is_integer(value) or isinstance(value, str)):
            raise self.make_error("invalid")


class TimeZoneMixin(Schema):
    """The time zone parts of newer v2 time and time range values."""

    timezone_id = TimeZoneId(allow_none=True)
    timezone_name = fields.String(allow_none=True)


class TimeRangeValueSchema(TimeZoneMixin):
    """A time range custom field: ``{"value": "09:00:00", "until": "11:00:00"}``.

    ``timezone_id`` and ``timezone_name`` are present when v1 had the
    ``<key>_timezone_id`` and ``<key>_timezone_name`` siblings.
    """

    class Meta:
        unknown = RAISE

    value = ClockTime(allow_none=True)
    until = ClockTime(allow_none=True)


class TimeValueSchema(TimeZoneMixin):
    """A time custom field with its time zone: ``{"value": "09:00:00",
    "timezone_id": 318, "timezone_name": "Europe/Tallinn"}``.

    Without time zone siblings in v1, a time field is a plain string.
    """

    class Meta:
        unknown = RAISE

    value = ClockTime(allow_none=True)


class OptionLabelSchema(Schema):
    """An option with its label, as v2 returns it with ``include_option_labels``."""

    class Meta:
        unknown = RAISE

    id = fields.Raw(required=True)
    label = fields.String(allow_none=True)


class _RangeValueSchema(TimeZoneMixin):
    """A range whose type is unknown (no field definitions): string bounds."""

    class Meta:
        unknown = RAISE

    value = fields.String(allow_none=True)
    until = fields.String(allow_none=True)


_OBJECT_SCHEMAS: Final[dict[str, type[Schema]]] = {
    "monetary": MonetaryValueSchema,
    "address": AddressSchema,
    "daterange": DateRangeValueSchema,
    "timerange": TimeRangeValueSchema,
    "range": _RangeValueSchema,
    "time": TimeValueSchema,
}

_TEXT_MESSAGE: Final = "Not a valid string."
_NUMBER_MESSAGE: Final = "Not a valid number."
_ID_MESSAGE: Final = "Not a valid id: expected a positive integer."
_DATE_MESSAGE: Final = "Not a valid date: expected YYYY-MM-DD."
_TIME_MESSAGE: Final = "Not a valid time: expected HH:MM or HH:MM:SS."
_OBJECT_MESSAGE: Final = "Not a valid value: expected an object or null."
_SET_MESSAGE: Final = "Not a valid value: expected a list of option ids or null."
_UNKNOWN_SHAPE: Final = (
    "Not a valid custom field value: without field definitions an object "
    "needs the subfields of a monetary, address, range or time field."
)


def _object_errors(schema: type[Schema], value: Any) -> ErrorTree | list[str]:
    if not isinstance(value, Mapping):
        return [_OBJECT_MESSAGE]
    try:
        schema().load(value)
    except ValidationError as error:
        messages = error.messages
        return messages if isinstance(messages, dict) else {"_schema": messages}
    return {}


def _option_errors(value: Any, definition: FieldDefinition | None) -> list[str]:
    option = value.get("id") if isinstance(value, Mapping) else value
    if isinstance(value, Mapping):
        problems = _object_errors(OptionLabelSchema, value)
        if problems:
            return ["Not a valid option: expected {'id': ..., 'label': ...}."]
    options = definition.options if definition is not None else {}
    if options:
        if isinstance(option, int | str) and option in options:
            return []
        known = ", ".join(repr(item) for item in list(options)[:10])
        return [f"Not a valid option id: expected one of {known}."]
    if is_integer(option) or isinstance(option, str):
        return []
    return ["Not a valid option id: expected an integer."]


def v2_value_errors(
    value: Any, definition: FieldDefinition | None
) -> ErrorTree | list[str]:
    """Return marshmallow-style errors for one v2 custom field value.

    :param definition: the field's definition, or None to judge by shape.
    :returns: ``[]`` or ``{}`` when the value is valid.
    """
    if value is None:
        return []
    if definition is None:
        return _untyped_errors(value)
    field_type = definition.field_type
    if field_type in _custom.TEXT_TYPES:
        return [] if isinstance(value, str) else [_TEXT_MESSAGE]
    if field_type in _custom.NUMBER_TYPES:
        return [] if is_number(value) else [_NUMBER_MESSAGE]
    if field_type in _custom.RELATION_TYPES:
        return [] if is_integer(value) and value >= 1 else [_ID_MESSAGE]
    if field_type == "date":
        return [] if s.is_date(value) else [_DATE_MESSAGE]
    if field_type == "enum":
        return _option_errors(value, definition)
    if field_type == "set":
        return _set_errors(value, definition)
    if field_type == "time" and not isinstance(value, Mapping):
        return _clock_errors(value)
    schema = _OBJECT_SCHEMAS.get(field_type)
    if schema is not None:
        return _object_errors(schema, value)
    # Types that exist only as built-in fields: any JSON value.
    return [] if is_json(value) else ["Not a valid JSON value."]


def _clock_errors(value: Any) -> list[str]:
    return [] if s.is_clock_time(value) else [_TIME_MESSAGE]


def _set_errors(
    value: Any, definition: FieldDefinition | None
) -> ErrorTree | list[str]:
    if not isinstance(value, list):
        return [_SET_MESSAGE]
    errors: ErrorTree = {}
    for index, item in enumerate(value):
        problems = _option_errors(item, definition)
        if problems:
            errors[index] = problems
    return errors


def _untyped_errors(value: Any) -> ErrorTree | list[str]:
    if isinstance(value, list):
        return _set_errors(value, None)
    if isinstance(value, Mapping):
        inferred = _custom._infer_v2_type(value)
        if inferred == "enum":
            return _option_errors(value, None)
        schema = _OBJECT_SCHEMAS.get(inferred or "")
        if schema is None:
            return [_UNKNOWN_SHAPE]
        return _object_errors(schema, value)
    return [] if is_json(value) else ["Not a valid JSON value."]


def _definition(
    catalog: FieldCatalog | None, entity: str, key: str
) -> tuple[FieldDefinition | None, list[str]]:
    """Look a custom field up; the list contains an error when the catalog lacks it."""
    if catalog is None:
        return None, []
    definition = catalog.get(entity, key)
    if definition is None:
        return None, ["Unknown custom field: the field definitions have no such key."]
    return definition, []


class CustomFields(FieldBase):
    """v2's ``custom_fields`` object, keyed by custom field key.

    With ``fields_catalog`` on the schema, each key must be a field of the
    catalog and each value must fit the field's type. Without it, each value
    must have a shape the converter can read.
    """

    default_error_messages = messages(invalid="Not a valid mapping type.")

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        **kwargs: Any,
    ) -> Any:
        if not isinstance(value, Mapping):
            raise self.make_error("invalid")
        catalog: FieldCatalog | None = getattr(self.parent, "fields_catalog", None)
        entity: str = getattr(self.parent, "ENTITY", "")
        errors: ErrorTree = {}
        for key, item in value.items():
            if not isinstance(key, str):
                errors[key] = ["Not a valid custom field key: expected a string."]
                continue
            definition, unknown = _definition(catalog, entity, key)
            problems = unknown or v2_value_errors(item, definition)
            if problems:
                errors[key] = problems
        if errors:
            raise ValidationError(errors)
        return value

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


# v1: custom fields are root keys; a group is a field key and its siblings.

_V1_SCALAR_MESSAGE: Final = (
    "Not a valid v1 custom field value: without field definitions, expected "
    "a string, a number, a boolean, null or a related object with an id."
)


def v1_custom_field_errors(
    entity: str, record: Mapping[str, Any], catalog: FieldCatalog | None
) -> dict[str, list[str]]:
    """Return errors keyed by root key for the custom fields of one v1 record."""
    catalog_keys = _custom.catalog_custom_keys(catalog, entity)
    groups: dict[str, dict[str, str]] = {}
    for key in record:
        if not isinstance(key, str):
            continue
        split = _custom.split_key(key, catalog_keys)
        if split is not None:
            base, suffix = split
            groups.setdefault(base, {})[suffix] = key
    errors: dict[str, list[str]] = {}
    for base, keys in groups.items():
        for key, texts in _group_errors(entity, base, keys, record, catalog):
            errors.setdefault(key, []).extend(texts)
    return errors


def _group_errors(
    entity: str,
    base: str,
    keys: Mapping[str, str],
    record: Mapping[str, Any],
    catalog: FieldCatalog | None,
) -> list[tuple[str, list[str]]]:
    definition, unknown = _definition(catalog, entity, base)
    if unknown:
        return [(key, unknown) for key in keys.values()]
    value = record.get(keys[""]) if "" in keys else None
    if definition is None and (
        isinstance(value, list)
        or (isinstance(value, Mapping) and "value" not in value and "id" not in value)
    ):
        return [(keys[""], [_V1_SCALAR_MESSAGE])]
    flat = {key: record[key] for key in keys.values()}
    try:
        converted = _custom.to_v2(entity, flat, catalog, strict=False)
    except ConversionError as error:
        key = error.path[0] if error.path and isinstance(error.path[0], str) else base
        return [(key, [conversion_message(error)])]
    return _v1_keyed(base, keys, v2_value_errors(converted.get(base), definition))


def _v1_keyed(
    base: str, keys: Mapping[str, str], problems: ErrorTree | list[str]
) -> list[tuple[str, list[str]]]:
    """Put the errors of a converted v2 value on the v1 keys they came from."""
    if isinstance(problems, list):
        return [(keys.get("", base), problems)] if problems else []
    found: list[tuple[str, list[str]]] = []
    for subfield, texts in problems.items():
        suffix = (
            ""
            if subfield in ("value", "_schema") or isinstance(subfield, int)
            else subfield
        )
        key = keys.get(suffix, f"{base}_{suffix}" if suffix else base)
        found.append((key, _flatten_messages(texts)))
    return found


def _flatten_messages(messages: Any) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, list):
        return [text for item in messages for text in _flatten_messages(item)]
    if isinstance(messages, Mapping):
        return [text for item in messages.values() for text in _flatten_messages(item)]
    return [str(messages)]
