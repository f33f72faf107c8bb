"""Field types of the v1 and v2 schemas.

Every field here validates a decoded JSON value and loads and dumps it
unchanged, so ``Schema().load(record)`` returns the record's content as it
was. Conversion stays in :mod:`pipedrive_shapes._api`.

The v2 fields are as strict as the v2 API: booleans are only ``true`` or
``false``, numbers are never strings, timestamps are RFC 3339. The v1 fields
accept what v1 sent: ``"1"``/``0`` flags, numeric strings, related objects,
``""`` for an empty timestamp. They check a value by calling the
converter's own value function in :mod:`pipedrive_shapes._scalars` and then
checking the result as v2, so a value passes exactly when the converter can
turn it into a valid v2 value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from marshmallow import ValidationError, fields

from pipedrive_shapes import _scalars as s
from pipedrive_shapes._custom import is_currency
from pipedrive_shapes.errors import ConversionError

if TYPE_CHECKING:
    # marshmallow 4 makes Field generic; marshmallow 3 does not, so the type
    # parameter exists for the type checker only.
    FieldBase = fields.Field[Any]
else:
    FieldBase = fields.Field

#: v2's visibility groups: owner only, owner's group, owner's group and
#: sub-groups, whole company.
VISIBLE_TO: Final = (1, 3, 5, 7)
#: v1 also held 0 on old accounts.
V1_VISIBLE_TO: Final = (0, *VISIBLE_TO)


def messages(**texts: str) -> dict[str, Any]:
    """Build a field's ``default_error_messages`` from keyword arguments."""
    return dict(texts)


def is_integer(value: Any) -> bool:
    """Tell whether ``value`` is a JSON integer (``True`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """Tell whether ``value`` is a finite JSON number (``True`` is not one)."""
    if isinstance(value, float):
        return math.isfinite(value)
    return is_integer(value)


def is_json(value: Any) -> bool:
    """Tell whether ``value`` is made only of JSON types, with finite numbers."""
    if value is None or isinstance(value, str | bool):
        return True
    if isinstance(value, int | float):
        return is_number(value)
    if isinstance(value, list):
        return all(is_json(item) for item in value)
    if isinstance(value, Mapping):
        return all(
            isinstance(key, str) and is_json(item) for key, item in value.items()
        )
    return False


class Checked(FieldBase):
    """A field that checks a JSON value and loads and dumps it unchanged.

    ``None`` never reaches :meth:`check`: marshmallow accepts it when the
    field has ``allow_none=True`` and rejects it otherwise.
    """

    def check(self, value: Any) -> None:
        """Raise :class:`ValidationError` when ``value`` is invalid."""

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        **kwargs: Any,
    ) -> Any:
        self.check(value)
        return value

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


# v2 fields, and v1 fields whose value v2 keeps unchanged.


class Boolean(Checked):
    """``true`` or ``false``; unlike marshmallow's Boolean, never 1 or "true"."""

    default_error_messages = messages(
        invalid="Not a valid boolean: expected true or false."
    )

    def check(self, value: Any) -> None:
        if value is not True and value is not False:
            raise self.make_error("invalid")


class LegacyBoolean(Boolean):
    """A v2 boolean that also accepts 0 and 1.

    The migration guide's own v2 activity example still shows an attendee's
    ``is_organizer`` as ``0``; converting to v1 and back gives ``false``.
    """

    default_error_messages = messages(
        invalid="Not a valid boolean: expected true or false (or 0 or 1)."
    )

    def check(self, value: Any) -> None:
        if not (
            value is True or value is False or (is_integer(value) and value in (0, 1))
        ):
            raise self.make_error("invalid")


class Integer(Checked):
    """A JSON integer, never a float, a string or a boolean.

    :param minimum: the smallest valid value, or None for no bound.
    """

    minimum: int | None = None
    default_error_messages = messages(
        invalid="Not a valid integer.",
        too_small="Must be greater than or equal to {minimum}.",
    )

    def __init__(self, *, minimum: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if minimum is not None:
            self.minimum = minimum

    def check(self, value: Any) -> None:
        if not is_integer(value):
            raise self.make_error("invalid")
        if self.minimum is not None and value < self.minimum:
            raise self.make_error("too_small", minimum=self.minimum)


class Id(Integer):
    """A record id: a positive integer."""

    minimum = 1


class Count(Integer):
    """A count such as ``notes_count``: a non-negative integer."""

    minimum = 0


class Number(Checked):
    """A finite JSON number; v2 rejects numeric strings, booleans, NaN and infinity."""

    default_error_messages = messages(invalid="Not a valid number.")

    def check(self, value: Any) -> None:
        if not is_number(value):
            raise self.make_error("invalid")


class Timestamp(Checked):
    """An RFC 3339 timestamp such as ``2024-01-01T00:00:00Z``.

    Checked with the converter's own parser, so a value passes exactly when
    ``to_v1`` can convert it.
    """

    default_error_messages = messages(
        invalid="Not a valid RFC 3339 timestamp, such as 2024-01-01T00:00:00Z."
    )

    def check(self, value: Any) -> None:
        try:
            s.timestamp_to_v1(value, ())
        except ConversionError:
            raise self.make_error("invalid") from None


class Date(Checked):
    """A calendar date ``YYYY-MM-DD``, as v1 and v2 both write it."""

    default_error_messages = messages(invalid="Not a valid date: expected YYYY-MM-DD.")

    def check(self, value: Any) -> None:
        if not s.is_date(value):
            raise self.make_error("invalid")


class ClockTime(Checked):
    """A time of day ``HH:MM`` or ``HH:MM:SS``."""

    default_error_messages = messages(
        invalid="Not a valid time: expected HH:MM or HH:MM:SS."
    )

    def check(self, value: Any) -> None:
        if not s.is_clock_time(value):
            raise self.make_error("invalid")


class Duration(Checked):
    """A length of time ``HH:MM`` or ``HH:MM:SS``; hours may exceed 23."""

    default_error_messages = messages(
        invalid="Not a valid duration: expected HH:MM or HH:MM:SS."
    )

    def check(self, value: Any) -> None:
        if not _is_duration(value):
            raise self.make_error("invalid")


def _is_duration(value: Any) -> bool:
    if not isinstance(value, str) or not value.isascii():
        return False
    parts = value.split(":")
    if len(parts) not in (2, 3) or len(parts[0]) < 2:
        return False
    if not all(part.isdigit() for part in parts):
        return False
    return all(len(part) == 2 and int(part) < 60 for part in parts[1:])


class VisibleTo(Checked):
    """v2's ``visible_to``: the integer 1, 3, 5 or 7."""

    default_error_messages = messages(invalid="Must be one of: 1, 3, 5, 7.")

    def check(self, value: Any) -> None:
        if not (is_integer(value) and value in VISIBLE_TO):
            raise self.make_error("invalid")


class CurrencyCode(Checked):
    """A 3-letter upper-case currency code such as ``EUR``."""

    default_error_messages = messages(
        invalid="Not a valid currency code: expected 3 upper-case letters such as EUR."
    )

    def check(self, value: Any) -> None:
        if not is_currency(value):
            raise self.make_error("invalid")


class Json(Checked):
    """Any JSON value; used where the guide fixes a field's presence, not its type."""

    default_error_messages = messages(invalid="Not a valid JSON value.")

    def check(self, value: Any) -> None:
        if not is_json(value):
            raise self.make_error("invalid")


# v1 fields: each calls the converter's value function, then checks that the
# converted value is valid v2.


def conversion_message(error: ConversionError) -> str:
    """Render a :class:`ConversionError` as a marshmallow-style message."""
    text = error.message[:1].upper() + error.message[1:]
    if error.expected:
        text += f": expected {error.expected}"
    return text + "."


class V1Converted(Checked):
    """A v1 value that the converter turns into a v2 value with :attr:`convert`."""

    def convert(self, value: Any) -> Any:
        """Convert ``value`` with the converter's v1 -> v2 function for this kind."""
        raise NotImplementedError

    def check(self, value: Any) -> None:
        try:
            converted = self.convert(value)
        except ConversionError as error:
            raise ValidationError(conversion_message(error)) from None
        self.check_converted(converted)

    def check_converted(self, converted: Any) -> None:
        """Raise :class:`ValidationError` when the converted value is not valid v2."""


class V1Boolean(V1Converted):
    """A v1 flag: true/false, 1/0, "1"/"0" or "true"/"false"."""

    def convert(self, value: Any) -> Any:
        return s.bool_to_v2(value, ())


class V1Integer(V1Converted):
    """A v1 integer: a JSON integer or a string of digits.

    :param minimum: the smallest valid value, or None for no bound.
    """

    def convert(self, value: Any) -> Any:
        return s.id_to_v2(value, ())

    minimum: int | None = None
    default_error_messages = messages(
        too_small="Must be greater than or equal to {minimum}."
    )

    def __init__(self, *, minimum: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if minimum is not None:
            self.minimum = minimum

    def check_converted(self, converted: Any) -> None:
        if (
            self.minimum is not None
            and converted is not None
            and converted < self.minimum
        ):
            raise self.make_error("too_small", minimum=self.minimum)


class V1Id(V1Integer):
    """A v1 record id: a positive integer or a string of digits."""

    minimum = 1


class V1Count(V1Integer):
    """A v1 count: a non-negative integer or a string of digits."""

    minimum = 0


class V1Related(V1Id):
    """A v1 reference: an id, or a related object with the id in ``value`` or ``id``."""

    def convert(self, value: Any) -> Any:
        return s.related_to_v2(value, ())


class V1Number(V1Converted):
    """A v1 number: a JSON number, a numeric string, or ``""`` for none."""

    def convert(self, value: Any) -> Any:
        return s.number_to_v2(value, ())


class V1Timestamp(V1Converted):
    """A v1 UTC timestamp ``YYYY-MM-DD HH:MM:SS``, ``""`` or ``0000-00-00 00:00:00``.

    The converter also reads fractions of a second, which v1 wrote only in
    nested objects; a record's own timestamps have whole seconds.
    """

    def convert(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) > 19 and value[19:20] == ".":
            raise self.make_error("fraction")
        return s.timestamp_to_v2(value, ())

    default_error_messages = messages(
        fraction="Not a valid v1 timestamp: v1 records have whole seconds."
    )


class V1VisibleTo(V1Converted):
    """v1's ``visible_to``: "1", "3", "5", "7" (or 1, 3, 5, 7), and "0" on old accounts."""

    def convert(self, value: Any) -> Any:
        return s.visible_to_to_v2(value, ())

    default_error_messages = messages(
        invalid_group="Must be one of: '0', '1', '3', '5', '7'."
    )

    def check_converted(self, converted: Any) -> None:
        if converted is not None and converted not in V1_VISIBLE_TO:
            raise self.make_error("invalid_group")


class V1Labels(V1Converted):
    """v1's ``label``: "2,3", a single id, a list of ids, ``""`` or null."""

    def convert(self, value: Any) -> Any:
        return s.labels_to_v2(value, ())

    default_error_messages = messages(
        too_small="Label ids must be greater than or equal to 1."
    )

    def check_converted(self, converted: Any) -> None:
        if any(label < 1 for label in converted):
            raise self.make_error("too_small")
