"""Reading, converting and writing JSON documents for the command line tool.

The tool accepts four kinds of input and writes back the same kind:

* one JSON object, which is one record;
* a JSON array of objects;
* an API response envelope: an object whose ``success`` key is a boolean and
  whose ``data`` is an object, an array of objects or null;
* NDJSON: one JSON value per line, blank lines skipped.

NDJSON is converted one line at a time, so memory use does not grow with the
number of lines. The other kinds are parsed whole before conversion starts.

orjson parses and encodes when it is installed, and the standard library
``json`` module does otherwise. Both give the same values and the same output
bytes, except that float formatting can differ in rare cases.
"""

from __future__ import annotations

import codecs
import contextlib
import itertools
import json
import math
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from pathlib import Path
from typing import IO, Any, Final

from pipedrive_shapes.errors import ConversionError

try:
    import orjson
except ImportError:
    ORJSON_AVAILABLE = False
else:
    ORJSON_AVAILABLE = True

__all__ = [
    "Convert",
    "InputError",
    "InputKind",
    "JSONSyntaxError",
    "OutputError",
    "RecordError",
    "atomic_output",
    "convert_envelope_data",
    "convert_record",
    "convert_records",
    "convert_stream",
    "dump_json",
    "has_ndjson_suffix",
    "is_envelope",
    "load_json",
    "open_input",
]

Convert = Callable[[Mapping[str, Any]], dict[str, Any]]
"""A function that converts one record, such as ``to_v2`` bound to an entity."""

NDJSON_SUFFIXES: Final = frozenset({".ndjson", ".jsonl"})

# orjson turns integers beyond the 64-bit range into floats without an error,
# so any run of 19 or more digits sends the text to the json module instead.
# Digits inside strings also match, which only costs speed.
_LONG_DIGIT_RUN: Final = re.compile(rb"\d{19,}")

_JSON_TYPE_NAMES: Final = {
    bool: "boolean",
    int: "number",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    type(None): "null",
}


class InputKind(Enum):
    """The container kind of an input, which is also the kind of its output."""

    OBJECT = "object"
    ARRAY = "array"
    ENVELOPE = "envelope"
    NDJSON = "ndjson"


class JSONSyntaxError(ValueError):
    """Text is not valid JSON.

    :param message: the parser's description of the problem.
    :param line: 1-based line of the problem, or ``None`` when the parser
        does not report a position.
    :param column: 1-based column of the problem, or ``None`` likewise.
    """

    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(message)


class InputError(Exception):
    """The input is not valid JSON or is not one of the supported kinds.

    :param message: what is wrong.
    :param location: the NDJSON line, such as ``line 7``, or ``None`` when
        the problem concerns the whole input.
    """

    def __init__(self, message: str, *, location: str | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(message if location is None else f"{location}: {message}")


class OutputError(Exception):
    """A converted value could not be encoded as JSON."""


class RecordError(Exception):
    """A record failed to convert.

    :param location: where the record sits in the input, such as ``line 7``
        or ``record 3``, or ``None`` when the input contains only that record.
    :param error: the error the converter raised, whose path is relative to
        the record.
    """

    def __init__(self, location: str | None, error: ConversionError) -> None:
        self.location = location
        self.error = error
        text = str(error) if location is None else f"{location}: {error}"
        super().__init__(text)

    def within(self, outer: str) -> RecordError:
        """Return a copy whose location starts with ``outer``."""
        location = outer if self.location is None else f"{outer}: {self.location}"
        return RecordError(location, self.error)


# JSON text


def load_json(data: bytes) -> Any:
    """Parse one JSON document from UTF-8 bytes.

    NaN, Infinity and numbers beyond the float range are rejected, because
    they are not JSON and orjson rejects them too.

    :raises JSONSyntaxError: when ``data`` is not one valid JSON document.
    """
    if ORJSON_AVAILABLE and not _LONG_DIGIT_RUN.search(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as error:
            raise JSONSyntaxError(error.msg, error.lineno, error.colno) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(data, error.start)
        raise JSONSyntaxError("invalid UTF-8", line, column) from None
    try:
        return json.loads(
            text, parse_constant=_reject_constant, parse_float=_parse_finite_float
        )
    except json.JSONDecodeError as error:
        raise JSONSyntaxError(error.msg, error.lineno, error.colno) from None


def dump_json(value: Any, *, indent: int | None = None) -> bytes:
    """Encode ``value`` as UTF-8 JSON text without a trailing newline.

    Non-ASCII characters are written as they are, not as ``\\u`` escapes.

    :param indent: spaces per nesting level, or ``None`` for compact output
        with no whitespace between items.
    :raises OutputError: when ``value`` contains something JSON cannot encode.
    """
    if ORJSON_AVAILABLE and indent in (None, 2):
        option = orjson.OPT_INDENT_2 if indent == 2 else 0
        try:
            return orjson.dumps(value, option=option)
        except orjson.JSONEncodeError:
            pass  # integers beyond 64 bits and non-string keys: json handles them
    separators = (",", ":") if indent is None else (",", ": ")
    try:
        text = json.dumps(
            value,
            ensure_ascii=False,
            allow_nan=False,
            indent=indent,
            separators=separators,
        )
        return text.encode("utf-8")
    except (TypeError, ValueError) as error:
        # UnicodeEncodeError, raised for lone surrogates, is a ValueError.
        raise OutputError(f"cannot encode the result as JSON: {error}") from None


def _reject_constant(name: str) -> Any:
    raise JSONSyntaxError(f"{name} is not valid JSON", None, None)


def _parse_finite_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise JSONSyntaxError(f"number {text} is out of range", None, None)
    return number


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - data.rfind(b"\n", 0, offset)
    return line, column


def _json_type_name(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


# Records and envelopes


def is_envelope(value: Any) -> bool:
    """Tell whether ``value`` is an API response envelope.

    An envelope is an object whose ``success`` key is a boolean. No
    Pipedrive entity has a key of that name and type.
    """
    return isinstance(value, dict) and isinstance(value.get("success"), bool)


def convert_record(value: Any, convert: Convert) -> dict[str, Any]:
    """Convert one record after checking that it is a JSON object.

    :raises ConversionError: when ``value`` is not an object or fails to convert.
    """
    if not isinstance(value, dict):
        raise ConversionError("invalid record", value=value, expected="a JSON object")
    return convert(value)


def convert_records(values: list[Any], convert: Convert) -> list[dict[str, Any]]:
    """Convert every record of an array, in order.

    :raises RecordError: for the first record that fails, located as
        ``record N`` with N its 0-based index.
    """
    converted = []
    for index, value in enumerate(values):
        try:
            converted.append(convert_record(value, convert))
        except ConversionError as error:
            raise RecordError(f"record {index}", error) from error
    return converted


def convert_envelope_data(
    entity: str, envelope: Mapping[str, Any], convert: Convert
) -> dict[str, Any]:
    """Convert the records in an API response envelope's ``data``.

    ``data`` may be one record, an array of records or null, and it may be
    missing, as in some error responses. Every other key is copied unchanged.

    :param entity: the entity of the records in ``data``. This version does not use
        it, but envelope rules that differ per entity will.
    :param envelope: an object for which :func:`is_envelope` is true.
    :param convert: the function that converts one record.
    :raises RecordError: for the first record that fails. A record in an
        array is located as ``record N``, and the path of a single record
        starts with ``data``.
    """
    # TODO: convert pagination, related_objects and the other envelope keys
    # between the versions; they are copied unchanged for now.
    converted = dict(envelope)
    data = envelope.get("data")
    if data is None:
        return converted
    if isinstance(data, list):
        converted["data"] = convert_records(data, convert)
    elif isinstance(data, dict):
        try:
            converted["data"] = convert(data)
        except ConversionError as error:
            raise RecordError(None, error.prefixed(("data",))) from error
    else:
        problem = ConversionError(
            "invalid envelope data",
            path=("data",),
            value=data,
            expected="an object, an array of objects or null",
        )
        raise RecordError(None, problem)
    return converted


def _convert_value(entity: str, value: Any, convert: Convert) -> Any:
    # An object at the top of a document or on an NDJSON line.
    if is_envelope(value):
        return convert_envelope_data(entity, value, convert)
    try:
        return convert_record(value, convert)
    except ConversionError as error:
        raise RecordError(None, error) from error


# Streams


def convert_stream(
    source: IO[bytes],
    sink: IO[bytes],
    *,
    entity: str,
    convert: Convert,
    ndjson: bool = False,
    indent: int | None = None,
) -> InputKind:
    """Read JSON from ``source``, convert its records and write the result.

    The input is NDJSON when ``ndjson`` is true or when it contains more than
    one JSON value: the first non-blank line is then a whole JSON value and
    another non-blank line follows. Otherwise the input is one document,
    possibly spread over several lines. An NDJSON line may be a record or an
    envelope.

    NDJSON is written line by line as it is read, so when a record fails,
    the lines before it have already reached ``sink``. For the other kinds
    nothing is written unless every record converts.

    :param entity: the entity of the records, passed on to envelope handling.
    :param convert: the function that converts one record.
    :param ndjson: treat the input as NDJSON even if it contains one line.
    :param indent: spaces per nesting level for a document's output. NDJSON
        output is always compact, one record per line.
    :returns: the kind of the input, which is also the kind written.
    :raises InputError: when the input is empty, is not valid JSON, or is a
        JSON value that is neither an object nor an array.
    :raises RecordError: for the first record that fails to convert.
    :raises OutputError: when a converted record cannot be encoded as JSON.
    """
    lines = _numbered_lines(source)
    head: list[bytes] = []
    first: tuple[int, bytes] | None = None
    for number, line in lines:
        head.append(line)
        if line.strip():
            first = (number, line)
            break
    if first is None:
        raise InputError("the input is empty: expected JSON or NDJSON")

    if ndjson:
        _convert_ndjson(itertools.chain([first], lines), sink, entity, convert)
        return InputKind.NDJSON

    try:
        first_value = load_json(first[1])
    except JSONSyntaxError:
        # The first line alone is not JSON, so this is one multi-line document.
        document = _load_document(b"".join(head) + source.read())
        return _convert_document(document, sink, entity, convert, indent)

    for number, line in lines:
        if line.strip():
            records = itertools.chain([first, (number, line)], lines)
            _convert_ndjson(records, sink, entity, convert)
            return InputKind.NDJSON
    return _convert_document(first_value, sink, entity, convert, indent)


def _numbered_lines(source: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    # Drop a UTF-8 byte order mark, which orjson rejects and editors add.
    for number, line in enumerate(source, start=1):
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        yield number, line


def _load_document(data: bytes) -> Any:
    try:
        return load_json(data)
    except JSONSyntaxError as error:
        message = f"invalid JSON: {error.message}"
        if error.line is not None:
            message = (
                f"invalid JSON at line {error.line}, column {error.column}: "
                f"{error.message}"
            )
        if _starts_with_json_value(data):
            message += " (for NDJSON, put exactly one JSON value on each line)"
        raise InputError(message) from None


def _starts_with_json_value(data: bytes) -> bool:
    # Called only after a full parse failed: if a prefix parses, the rest is
    # a second value or other trailing text.
    text = data.decode("utf-8", errors="replace").lstrip()
    try:
        json.JSONDecoder().raw_decode(text)
    except ValueError:
        return False
    return True


def _convert_document(
    document: Any,
    sink: IO[bytes],
    entity: str,
    convert: Convert,
    indent: int | None,
) -> InputKind:
    converted: Any
    if isinstance(document, list):
        kind = InputKind.ARRAY
        converted = convert_records(document, convert)
    elif isinstance(document, dict):
        kind = InputKind.ENVELOPE if is_envelope(document) else InputKind.OBJECT
        converted = _convert_value(entity, document, convert)
    else:
        raise InputError(
            "unsupported input: expected a JSON object, an array of objects, "
            f"an API response envelope or NDJSON, got {_json_type_name(document)}"
        )
    sink.write(dump_json(converted, indent=indent) + b"\n")
    return kind


def _convert_ndjson(
    lines: Iterator[tuple[int, bytes]],
    sink: IO[bytes],
    entity: str,
    convert: Convert,
) -> None:
    for number, line in lines:
        if not line.strip():
            continue
        try:
            value = load_json(line)
        except JSONSyntaxError as error:
            position = "" if error.column is None else f" at column {error.column}"
            raise InputError(
                f"invalid JSON{position}: {error.message}", location=f"line {number}"
            ) from None
        try:
            converted = _convert_value(entity, value, convert)
        except RecordError as error:
            raise error.within(f"line {number}") from error.error
        sink.write(dump_json(converted) + b"\n")


# Files


def has_ndjson_suffix(path: str) -> bool:
    """Tell whether a file name ends in ``.ndjson`` or ``.jsonl``, in any case."""
    return Path(path).suffix.lower() in NDJSON_SUFFIXES


@contextlib.contextmanager
def open_input(path: str) -> Iterator[IO[bytes]]:
    """Open a file for binary reading, or standard input when ``path`` is ``-``.

    Standard input is left open on exit.
    """
    if path == "-":
        yield sys.stdin.buffer
        return
    with open(path, "rb") as stream:
        yield stream


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Write a file so that it appears whole or not at all.

    The data goes to a temporary file in the target's directory, which
    replaces the target by rename only when the ``with`` block ends without
    an exception. On any exception, including ``KeyboardInterrupt``, the
    temporary file is removed and an existing target stays as it was. A
    symbolic link as target is followed, so the file it points to is
    replaced. The new file gets the mode of the file it replaces, or the
    usual mode for a new file under the current umask.
    """
    target = Path(os.path.realpath(path))
    mode = _mode_for(target)
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
