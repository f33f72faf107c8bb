"""Value converters shared by every entity: booleans, numbers, ids, timestamps.

Each function takes the value and its JSON path (used only for the error) and
returns the converted value or raises :class:`ConversionError`. They avoid
regular expressions and datetime objects on the common path, because they
run once per field of every record.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from pipedrive_shapes.errors import ConversionError

Path = Sequence[str | int]

_TRUE_STRINGS: Final = frozenset({"1", "true", "True", "TRUE"})
_FALSE_STRINGS: Final = frozenset({"0", "false", "False", "FALSE"})
_V1_ZERO_TIMESTAMP: Final = "0000-00-00 00:00:00"
_DIGITS: Final = frozenset("0123456789")


# Booleans. Pipedrive v1 sent 1/0, "1"/"0" and true/false for the same
# fields; v2 accepts and returns only true/false.


def bool_to_v2(value: Any, path: Path) -> bool | None:
    """Convert a v1 boolean (true/false, 1/0, "1"/"0", "true"/"false")."""
    if value is True or value is False or value is None:
        return value
    if type(value) is int and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        if value in _TRUE_STRINGS:
            return True
        if value in _FALSE_STRINGS:
            return False
    raise ConversionError(
        "invalid boolean",
        path=path,
        value=value,
        expected="true/false, 1/0 or '1'/'0'",
        hint="fix the source record or drop the field",
    )


def bool_to_v1(value: Any, path: Path) -> bool | None:
    """Check a v2 boolean, which must be true, false or null."""
    if value is True or value is False or value is None:
        return value
    raise ConversionError(
        "invalid v2 boolean",
        path=path,
        value=value,
        expected="true or false (v2 rejects 1/0 and strings)",
        hint="convert the value to a JSON boolean",
    )


def negated_bool_to_v2(value: Any, path: Path) -> bool | None:
    """Convert a v1 flag such as ``active_flag`` into v2's ``is_deleted``."""
    flag = bool_to_v2(value, path)
    return None if flag is None else not flag


def negated_bool_to_v1(value: Any, path: Path) -> bool | None:
    """Convert v2's ``is_deleted`` back into a v1 flag such as ``active_flag``."""
    flag = bool_to_v1(value, path)
    return None if flag is None else not flag


def bool_to_01(value: Any, path: Path) -> int | None:
    """Convert a v2 boolean into the 0/1 that some v1 fields used."""
    flag = bool_to_v1(value, path)
    return None if flag is None else int(flag)


# Numbers. v2 no longer coerces numeric strings, so v1's "500" becomes 500.


def number_to_v2(value: Any, path: Path) -> int | float | None:
    """Convert a v1 number or numeric string; ``""`` becomes null."""
    kind = type(value)
    if kind is int or value is None:
        return value  # type: ignore[no-any-return]
    if kind is float:
        if math.isfinite(value):
            return value  # type: ignore[no-any-return]
    elif kind is str:
        if value == "":
            return None
        number = _parse_number(value)
        if number is not None:
            return number
    raise ConversionError(
        "invalid number",
        path=path,
        value=value,
        expected="a finite number or a numeric string",
        hint="v2 rejects non-numeric values in numeric fields; fix or clear the value",
    )


def number_to_v1(value: Any, path: Path) -> int | float | None:
    """Check a v2 number: never a string, never NaN or infinity."""
    kind = type(value)
    if kind is int or value is None:
        return value  # type: ignore[no-any-return]
    if kind is float and math.isfinite(value):
        return value  # type: ignore[no-any-return]
    raise ConversionError(
        "invalid v2 number",
        path=path,
        value=value,
        expected="a finite JSON number (v2 never sends numeric strings)",
        hint="convert the value to a number before converting the payload",
    )


def _parse_number(text: str) -> int | float | None:
    stripped = text.strip()
    if not stripped or len(stripped) > 400:
        return None
    body = stripped[1:] if stripped[0] in "+-" else stripped
    if body and set(body) <= _DIGITS:
        return int(stripped)
    try:
        number = float(stripped)
    except ValueError:
        return None
    # float() also accepts "nan", "inf" and "1_000", which are not JSON numbers.
    if not math.isfinite(number) or "_" in stripped:
        return None
    return number


#: Maximum length of a digit string parsed as an integer. Ids are 64-bit, so
#: 20 digits would do, and the bound keeps int() clear of Python's 4300-digit
#: limit.
MAX_INT_DIGITS: Final = 1000


def digits_to_int(text: str) -> int | None:
    """Parse a string of ASCII digits, or return None for anything else."""
    if len(text) <= MAX_INT_DIGITS and text.isdigit() and text.isascii():
        return int(text)
    return None


def is_printable_int(value: int) -> bool:
    """Tell whether str() can show ``value`` (Python limits it to 4300 digits)."""
    return value.bit_length() <= MAX_INT_DIGITS * 3


#: Integers of smaller magnitude are those that is_printable_int accepts.
PRINTABLE_INT_LIMIT: Final = 1 << (MAX_INT_DIGITS * 3)


def id_to_v2(value: Any, path: Path) -> int | None:
    """Convert a v1 id (an integer or a numeric string) into an integer."""
    if type(value) is int or value is None:
        return value
    if isinstance(value, str) and digits_to_int(value) is not None:
        return int(value)
    raise ConversionError(
        "invalid id",
        path=path,
        value=value,
        expected="an integer id",
        hint="ids must be whole numbers",
    )


def id_to_v1(value: Any, path: Path) -> int | None:
    """Check a v2 id, which must be an integer or null."""
    if type(value) is int or value is None:
        return value
    raise ConversionError(
        "invalid v2 id",
        path=path,
        value=value,
        expected="an integer id (v2 never sends ids as strings or objects)",
        hint="pass the numeric id",
    )


def related_to_v2(value: Any, path: Path) -> int | None:
    """Reduce a v1 related object (user, person, org, picture) to its id.

    v1 responses hold the id in ``value`` (persons, orgs, pictures) or ``id``
    (users); v1 requests and some responses hold the bare id.
    """
    if type(value) is int or value is None:
        return value
    if type(value) is dict:
        # The common v1 response shape: the id is an int under "value" or "id".
        found = value.get("value", value.get("id"))
        if type(found) is int:
            return found
    if isinstance(value, Mapping):
        if "value" in value:
            return id_to_v2(value["value"], (*path, "value"))
        if "id" in value:
            return id_to_v2(value["id"], (*path, "id"))
        raise ConversionError(
            "related object has no id",
            path=path,
            value=value,
            expected="an object with a 'value' or 'id' key, or a bare id",
            hint="pass the related record's id",
        )
    return id_to_v2(value, path)


def visible_to_to_v2(value: Any, path: Path) -> int | None:
    """Convert v1's string ``visible_to`` ("1", "3", "5", "7") to an integer.

    Old accounts also hold "0"; it is kept as 0, not rejected.
    """
    if value is None:
        return None
    if type(value) is str and value in _VISIBLE_TO_V1:
        return int(value)
    if type(value) is int and value in _VISIBLE_TO:
        return value
    raise ConversionError(
        "invalid visible_to",
        path=path,
        value=value,
        expected="one of '1', '3', '5', '7' (or '0' from old accounts)",
        hint="use the visibility group number",
    )


#: Pipedrive's visibility groups; old accounts also hold 0.
_VISIBLE_TO: Final = frozenset({0, 1, 3, 5, 7})
_VISIBLE_TO_V1: Final = frozenset(str(number) for number in _VISIBLE_TO)


def visible_to_to_v1(value: Any, path: Path) -> str | None:
    """Convert v2's integer ``visible_to`` back to v1's string."""
    if value is None:
        return None
    if type(value) is int and value in _VISIBLE_TO:
        return str(value)
    raise ConversionError(
        "invalid v2 visible_to",
        path=path,
        value=value,
        expected="one of the integers 1, 3, 5, 7 (or 0 from old accounts)",
        hint="v2 sends visible_to as a number",
    )


def labels_to_v2(value: Any, path: Path) -> list[int]:
    """Convert v1's ``label`` ("2,3", 7, [2, 3], null or "") to ``label_ids``."""
    if value is None or value == "":
        return []
    if type(value) is int:
        return [value]
    if isinstance(value, str):
        return [_label_id(part, path) for part in value.split(",")]
    if isinstance(value, list):
        return [_label_id(part, (*path, index)) for index, part in enumerate(value)]
    raise ConversionError(
        "invalid label",
        path=path,
        value=value,
        expected="a comma-separated string of label ids, an id or a list of ids",
        hint="pass label ids such as '3,7'",
    )


def _label_id(part: Any, path: Path) -> int:
    if type(part) is int:
        return part
    if isinstance(part, str):
        number = digits_to_int(part.strip())
        if number is not None:
            return number
    raise ConversionError(
        "invalid label id",
        path=path,
        value=part,
        expected="an integer label id",
        hint="label ids are whole numbers such as '3,7'",
    )


def labels_to_v1(value: Any, path: Path) -> str | None:
    """Convert v2's ``label_ids`` back to v1's comma string; ``[]`` becomes null."""
    if value is None:
        return None
    if isinstance(value, list):
        for index, item in enumerate(value):
            if type(item) is not int or not is_printable_int(item):
                raise ConversionError(
                    "invalid label id",
                    path=(*path, index),
                    value=item,
                    expected="an integer label id",
                    hint="v2 sends label_ids as an array of integers such as [3, 7]",
                )
        return ",".join(map(str, value)) if value else None
    raise ConversionError(
        "invalid label_ids",
        path=path,
        value=value,
        expected="a list of integer label ids",
        hint="v2 sends label_ids as an array such as [3, 7]",
    )


# Timestamps. v1 wrote UTC as "YYYY-MM-DD HH:MM:SS"; v2 writes RFC 3339.


def timestamp_to_v2(value: Any, path: Path) -> str | None:
    """Convert a v1 UTC timestamp to RFC 3339 (``2024-01-01T00:00:00Z``).

    Null, ``""`` and v1's zero timestamp ``0000-00-00 00:00:00`` become null.
    A fractional part (``08:52:06.047``), which v1 wrote only in nested
    objects, is cut: v2's canonical form has whole seconds, and v2 -> v1
    cuts fractions too, so converting twice gives the same result.
    """
    if (
        type(value) is str
        and _V1_TIMESTAMP.fullmatch(value)
        and (value[8:10] <= "28" or _has_day(value))
    ):
        return value.replace(" ", "T") + "Z"
    if value is None or value == "" or value == _V1_ZERO_TIMESTAMP:
        return None
    if isinstance(value, str) and _is_v1_timestamp(value):
        return f"{value[:10]}T{value[11:19]}Z"
    hint = "fix the source record; v2 needs a valid RFC 3339 timestamp"
    if isinstance(value, str) and _parse_rfc3339(value) is not None:
        hint = (
            "this is already a v2 (RFC 3339) timestamp: convert v2 records with to_v1"
        )
    raise ConversionError(
        "invalid v1 timestamp",
        path=path,
        value=value,
        expected="'YYYY-MM-DD HH:MM:SS' in UTC",
        hint=hint,
    )


#: The last valid day of each month, as two digits ("29" for February).
_LAST_DAY: Final = {
    "01": "31", "02": "29", "03": "31", "04": "30", "05": "31", "06": "30",
    "07": "31", "08": "31", "09": "30", "10": "31", "11": "30", "12": "31",
}  # fmt: skip


# One anchored pattern of fixed length: it cannot backtrack, and on CPython
# 3.11 it checks a timestamp in about a quarter of the time that slicing and
# comparing the parts takes.
_V1_TIMESTAMP: Final = re.compile(
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r" (?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)"
)


_V2_TIMESTAMP: Final = re.compile(
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)Z"
)


def _has_day(text: str) -> bool:
    """Check that days 29 to 31 exist in the timestamp's month."""
    day = text[8:10]
    if day <= "28":
        return True
    month = text[5:7]
    if day > _LAST_DAY[month]:
        return False
    if day == "29" and month == "02":
        year = int(text[:4])
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return True


def _is_v1_timestamp(text: str) -> bool:
    size = len(text)
    if size < 19 or text[10] != " ":
        return False
    if size > 19 and not (text[19] == "." and 20 < size <= 26 and text[20:].isdigit()):
        return False
    return _is_valid_date(text[:10]) and _is_valid_clock(text[11:19])


def timestamp_to_v1(value: Any, path: Path) -> str | None:
    """Convert an RFC 3339 timestamp to v1's UTC ``YYYY-MM-DD HH:MM:SS``.

    Any offset is converted to UTC; fractional seconds are cut, because the
    v1 format has none.
    """
    if value is None:
        return None
    if isinstance(value, str):
        size = len(value)
        # The canonical v2 form, 2024-01-01T00:00:00Z, needs no parsing.
        if (
            size == 20
            and _V2_TIMESTAMP.fullmatch(value)
            and (value[8:10] <= "28" or _has_day(value))
        ):
            return value[:19].replace("T", " ")
        parsed = _parse_rfc3339(value)
        if parsed is not None:
            try:
                utc = parsed.astimezone(UTC)
            except OverflowError:
                utc = None  # before year 1 or after 9999 once in UTC
            if utc is not None:
                # strftime("%Y") would not pad years before 1000 to 4 digits.
                return (
                    f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d} "
                    f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
                )
    raise ConversionError(
        "invalid RFC 3339 timestamp",
        path=path,
        value=value,
        expected="an RFC 3339 timestamp such as '2024-01-01T00:00:00Z'",
        hint="v2 timestamps need a date, a 'T', a time and an offset",
    )


def _parse_rfc3339(text: str) -> datetime | None:
    if len(text) < 20 or len(text) > 40 or text[10] not in "Tt" or not text.isascii():
        return None
    if not (_is_valid_date(text[:10]) and _is_valid_clock(text[11:19])):
        return None
    rest = text[19:]
    if rest[:1] == ".":
        digits = len(rest) - len(rest[1:].lstrip("0123456789"))
        if digits < 2:
            return None
        rest = rest[digits:]
    if rest not in ("Z", "z") and not (
        len(rest) == 6
        and rest[0] in "+-"
        and rest[3] == ":"
        and rest[1:3].isdigit()
        and rest[4:].isdigit()
        and int(rest[1:3]) < 24
        and int(rest[4:]) < 60
    ):
        return None
    try:
        return datetime.fromisoformat(text.upper())
    except ValueError:
        return None


_DAYS_IN_MONTH: Final = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_valid_date(text: str) -> bool:
    """Check ``YYYY-MM-DD`` with real month lengths."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return False
    year, month, day = text[:4], text[5:7], text[8:]
    if not (year.isdigit() and month.isdigit() and day.isdigit() and text.isascii()):
        return False
    y, m, d = int(year), int(month), int(day)
    if not (1 <= m <= 12 and 1 <= d <= _DAYS_IN_MONTH[m - 1]):
        return False
    return not (
        m == 2 and d == 29 and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0))
    )


def _is_valid_clock(text: str) -> bool:
    """Check ``HH:MM:SS`` (leap second 60 allowed, as RFC 3339 does)."""
    if len(text) != 8 or text[2] != ":" or text[5] != ":" or not text.isascii():
        return False
    hh, mm, ss = text[:2], text[3:5], text[6:]
    if not (hh.isdigit() and mm.isdigit() and ss.isdigit()):
        return False
    return int(hh) < 24 and int(mm) < 60 and int(ss) <= 60


# Fixed-length anchored patterns, like the timestamp ones above.
_DATE: Final = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])")
_CLOCK: Final = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::(?:[0-5][0-9]|60))?")


def is_date(value: Any) -> bool:
    """Tell whether ``value`` is a ``YYYY-MM-DD`` string with a real date."""
    if type(value) is str:
        return bool(_DATE.fullmatch(value)) and (value[8:10] <= "28" or _has_day(value))
    return isinstance(value, str) and _is_valid_date(value)


def is_clock_time(value: Any) -> bool:
    """Tell whether ``value`` is ``HH:MM`` or ``HH:MM:SS``."""
    if type(value) is str:
        return _CLOCK.fullmatch(value) is not None
    if not isinstance(value, str):
        return False
    if len(value) == 5:
        return _is_valid_clock(value + ":00")
    return _is_valid_clock(value)


def copy_json(value: Any, path: Path = ()) -> Any:
    """Deep-copy a JSON value so outputs never share lists or dicts with inputs."""
    try:
        return _copy(value)
    except RecursionError:
        raise ConversionError(
            "value nested too deeply",
            path=path,
            expected="JSON nested less than Python's recursion limit",
            hint="flatten the value or drop the field",
        ) from None


#: Value types that are immutable JSON scalars; everything else is copied.
SCALAR_TYPES: Final = frozenset({str, int, float, bool, type(None)})


def copy_value(value: Any, path: Path) -> Any:
    """Return ``value`` itself when it is a JSON scalar, else a deep copy."""
    return value if type(value) in SCALAR_TYPES else copy_json(value, path)


def _copy(value: Any) -> Any:
    kind = type(value)
    # Scalars are returned in place, without a call per item.
    if kind is dict:
        return {
            key: item if type(item) in SCALAR_TYPES else _copy(item)
            for key, item in value.items()
        }
    if kind is list:
        return [item if type(item) in SCALAR_TYPES else _copy(item) for item in value]
    if kind in SCALAR_TYPES:
        return value
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(item) for item in value]
    return value


_NONE: Final = type(None)
#: For each codec, the input types that it returns unchanged. The conversion
#: loops store such values without calling the codec, which saves a function
#: call on most ids, numbers and booleans.
UNCHANGED_TYPES: Final[dict[Any, frozenset[type]]] = {
    bool_to_v2: frozenset({bool, _NONE}),
    bool_to_v1: frozenset({bool, _NONE}),
    id_to_v2: frozenset({int, _NONE}),
    id_to_v1: frozenset({int, _NONE}),
    related_to_v2: frozenset({int, _NONE}),
    number_to_v2: frozenset({int, _NONE}),
    number_to_v1: frozenset({int, _NONE}),
    visible_to_to_v2: frozenset({_NONE}),
    timestamp_to_v1: frozenset({_NONE}),
}

#: Codecs whose common case generated code runs inline: a Python expression
#: template with ``{value}`` for the input and ``{call}`` for the codec call
#: that handles every other input, and the names the template uses. Each
#: template must give exactly what its codec gives.
INLINE_CODECS: Final[dict[Any, tuple[str, dict[str, Any]]]] = {
    labels_to_v1: (
        "None if {value} is None else ','.join(map(str, {value}))"
        " if type({value}) is list and {value}"
        " and _int_type.issuperset(map(type, {value}))"
        " and min({value}) > -_printable_limit and max({value}) < _printable_limit"
        " else {call}",
        {"_int_type": frozenset({int}), "_printable_limit": PRINTABLE_INT_LIMIT},
    ),
    related_to_v2: (
        "{value} if type({value}) is int or {value} is None"
        " else _found if type({value}) is dict"
        " and type(_found := {value}.get('value', {value}.get('id'))) is int"
        " else {call}",
        {},
    ),
    timestamp_to_v2: (
        "None if {value} is None else {value}.replace(' ', 'T') + 'Z'"
        " if type({value}) is str and _v1_timestamp({value})"
        " and ({value}[8:10] <= '28' or _has_day({value})) else {call}",
        {"_v1_timestamp": _V1_TIMESTAMP.fullmatch, "_has_day": _has_day},
    ),
    timestamp_to_v1: (
        "None if {value} is None else {value}[:19].replace('T', ' ')"
        " if type({value}) is str and len({value}) == 20 and _v2_timestamp({value})"
        " and ({value}[8:10] <= '28' or _has_day({value})) else {call}",
        {"_v2_timestamp": _V2_TIMESTAMP.fullmatch, "_has_day": _has_day},
    ),
}
