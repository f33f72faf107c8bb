"""Reading and writing JSON documents and NDJSON for the command line tool.

The tool accepts four kinds of input and writes back the same kind:

* one JSON object, which is one record;
* a JSON array of objects;
* an API response envelope: an object whose ``success`` key is a boolean and
  whose ``data`` is an object, an array of objects or null;
* NDJSON: one JSON value per line, blank lines skipped.

:func:`read_input` detects the kind. NDJSON comes back as an iterator
over its lines, so memory use does not grow with the number of lines. The
other kinds are parsed whole.

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
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import IO, Any, Final

try:
    import orjson
except ImportError:
    ORJSON_AVAILABLE = False
else:
    ORJSON_AVAILABLE = True

__all__ = [
    "Document",
    "InputChangedError",
    "InputError",
    "InputKind",
    "JSONSyntaxError",
    "Line",
    "NDJSONInput",
    "OutputError",
    "atomic_output",
    "dump_json",
    "has_ndjson_suffix",
    "is_blank",
    "is_envelope",
    "json_type_name",
    "load_json",
    "open_input",
    "read_input",
]

Line = tuple[int, bytes]
"""An input line: its 1-based number and its bytes, line ending included."""

NDJSON_SUFFIXES: Final = frozenset({".ndjson", ".jsonl"})

#: How much of the input is checked for NUL bytes before reading lines.
NUL_CHECK_BYTES: Final = 8192

# orjson turns integers beyond the 64-bit range into floats without an error,
# so text with a run of 19 or more digits goes to the json module instead.
# Digits inside strings also count, which only costs speed. Mapping every
# digit to "0" and every other byte to a space, then searching for 19 zeros,
# is about eight times faster than the regular expression \d{19}.
_DIGITS_TO_ZEROS: Final = bytes(
    ord("0") if ord("0") <= byte <= ord("9") else ord(" ") for byte in range(256)
)
_LONG_DIGIT_RUN: Final = b"0" * 19

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
    """The input is unusable: empty, binary, not JSON or of no supported kind.

    :param message: what is wrong.
    :param location: the NDJSON line, such as ``line 7``, or ``None`` when
        the problem concerns the whole input.
    """

    def __init__(self, message: str, *, location: str | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(message if location is None else f"{location}: {message}")


class InputChangedError(InputError):
    """The input path names another file than the one the run started on."""


class OutputError(Exception):
    """A converted value could not be encoded as JSON."""


# JSON text


def load_json(data: bytes) -> Any:
    """Parse one JSON document from UTF-8 bytes.

    NaN, Infinity and numbers beyond the float range are rejected, because
    they are not JSON and orjson rejects them too. Integers of any size keep
    their exact value.

    :raises JSONSyntaxError: when ``data`` is not one valid JSON document.
    """
    if ORJSON_AVAILABLE and _LONG_DIGIT_RUN not in data.translate(_DIGITS_TO_ZEROS):
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError as error:
            raise JSONSyntaxError(error.msg, error.lineno, error.colno) from None
        if not _may_have_lost_keys(data, value):
            return value
        # Parse again with the json module, which reports repeated keys.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(data, error.start)
        raise JSONSyntaxError("invalid UTF-8", line, column) from None
    try:
        return json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_parse_finite_float,
            object_pairs_hook=_object_without_repeated_keys,
        )
    except _RepeatedKeyError as error:
        raise JSONSyntaxError(str(error), None, None) from None
    except json.JSONDecodeError as error:
        raise JSONSyntaxError(error.msg, error.lineno, error.colno) from None
    except RecursionError:
        raise JSONSyntaxError("too deeply nested", None, None) from None
    except ValueError:
        # int() rejects numbers of more than 4300 digits (sys.int_info).
        raise JSONSyntaxError("number has too many digits", None, None) from None


class _RepeatedKeyError(ValueError):
    """An object repeats a key: JSON parsers keep one value and drop the other."""


def _object_without_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKeyError(
                    f"repeated key {_short_text(key)} in one object: keeping either "
                    "value would drop the other, so fix the record"
                )
            seen.add(key)
    return obj


def _short_text(key: str) -> str:
    text = repr(key)
    return text if len(text) <= 60 else text[:56] + "...'"


def _may_have_lost_keys(data: bytes, value: Any) -> bool:
    """Tell whether orjson may have dropped a repeated key of ``data``.

    Every object key is followed by one colon, whatever the whitespace, and
    the other colons sit inside strings. Re-encoding the value writes the
    kept keys and strings again, with every colon as a plain character. So
    unless a key was dropped, the input and the re-encoded value contain
    equally many colons. A difference returns True, and the caller parses
    again with the json module to check exactly. Counting one byte value is
    a single fast scan of the line.
    """
    # NOTE: a lost key goes unnoticed only if the input also spells colons
    # inside strings as \u003a often enough to make up the difference.
    try:
        encoded = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return True
    return data.count(b":") != encoded.count(b":")


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
    except (TypeError, ValueError, RecursionError) as error:
        # UnicodeEncodeError, raised for lone surrogates, is a ValueError.
        raise OutputError(f"cannot encode the result as JSON: {error}") from None


def dump_json_line(value: Any) -> bytes:
    """Encode ``value`` as one NDJSON line: compact JSON and a newline.

    :raises OutputError: when ``value`` contains something JSON cannot encode.
    """
    if ORJSON_AVAILABLE:
        try:
            return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError:
            pass  # dump_json falls back to the json module
    return dump_json(value) + b"\n"


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


def json_type_name(value: Any) -> str:
    """Return the JSON name of a parsed value's type, such as ``array``."""
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def is_envelope(value: Any) -> bool:
    """Tell whether ``value`` is an API response envelope.

    An envelope is an object whose ``success`` key is a boolean. No
    Pipedrive entity has a key of that name and type.
    """
    return isinstance(value, dict) and isinstance(value.get("success"), bool)


def is_blank(line: bytes) -> bool:
    """Tell whether a line holds only whitespace, which NDJSON readers skip."""
    return not line or line.isspace()


# Input


@dataclass(frozen=True, slots=True)
class Document:
    """A whole JSON document and its kind (object, array or envelope)."""

    value: Any
    kind: InputKind


@dataclass(frozen=True, slots=True)
class NDJSONInput:
    """NDJSON: the lines read while detecting the kind, then the rest of the input.

    :param head: the numbered lines that :func:`read_input` already read,
        without the blank ones.
    :param rest: the lines after ``head``, blank ones included, numbered
        from :attr:`next_number` and read from ``source`` as the iterator is
        consumed.
    :param source: the stream that ``rest`` reads. Until ``rest`` is
        consumed, its position is the start of the line after ``head``.
    :param next_number: the 1-based number of the line after ``head``.
    """

    head: tuple[Line, ...]
    rest: Iterator[Line]
    source: IO[bytes]
    next_number: int

    @property
    def lines(self) -> Iterator[Line]:
        """Return an iterator over ``head`` and then ``rest``."""
        return itertools.chain(self.head, self.rest)


def read_input(source: IO[bytes], *, ndjson: bool = False) -> Document | NDJSONInput:
    """Read the start of ``source`` and tell which kind of input it is.

    The input is NDJSON when ``ndjson`` is true or when it contains more than
    one JSON value: the first non-blank line is then a whole JSON value and
    another non-blank line follows. Otherwise the input is one document,
    possibly spread over several lines, and it is parsed whole. A UTF-8
    byte order mark at the start is skipped.

    :param ndjson: read the input as NDJSON whatever its content. An empty
        input is then NDJSON with no lines.
    :raises InputError: when the input contains a NUL byte near its start,
        is empty (unless ``ndjson``), is not valid JSON, or is a JSON value
        that is neither an object nor an array.
    """
    _check_text(source)
    counter = _LineCounter()
    lines = _numbered_lines(source, counter)
    head: list[bytes] = []
    first: Line | None = None
    for number, line in lines:
        head.append(line)
        if not is_blank(line):
            first = (number, line)
            break

    if ndjson:
        start = () if first is None else (first,)
        return NDJSONInput(start, lines, source, counter.last + 1)
    if first is None:
        raise InputError("the input is empty: expected JSON or NDJSON")

    try:
        first_value = load_json(first[1])
    except JSONSyntaxError:
        # The first line alone is not JSON, so this is one multi-line document.
        return _document(_load_document(b"".join(head) + source.read()))

    for number, line in lines:
        if not is_blank(line):
            second = (number, line)
            return NDJSONInput((first, second), lines, source, counter.last + 1)
    return _document(first_value)


def _check_text(source: IO[bytes]) -> None:
    # JSON text never contains a raw NUL byte, while binary and UTF-16 files
    # have one near the start. Stopping there keeps such a file from being
    # read whole as one document or split into millions of bad lines. A NUL
    # after a first line that is whole JSON is one bad NDJSON line instead.
    peek = getattr(source, "peek", None)
    if peek is None:
        return
    start: bytes = peek(NUL_CHECK_BYTES)[:NUL_CHECK_BYTES]
    offset = start.find(b"\0")
    if offset < 0 or _starts_with_json_line(start[:offset]):
        return
    raise InputError(
        f"the input contains a NUL byte at offset {offset}, so it is binary "
        "or UTF-16: expected UTF-8 JSON or NDJSON text"
    )


def _starts_with_json_line(data: bytes) -> bool:
    for line in data.splitlines(keepends=True):
        if not line.endswith(b"\n"):
            return False
        if not is_blank(line):
            try:
                load_json(line)
            except JSONSyntaxError:
                return False
            return True
    return False


class _LineCounter:
    """The number of the last line that :func:`_numbered_lines` yielded."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last = 0


def _numbered_lines(source: IO[bytes], counter: _LineCounter) -> Iterator[Line]:
    for line in source:
        counter.last += 1
        number = counter.last
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            # Drop a UTF-8 byte order mark, which orjson rejects and editors add.
            line = line[len(codecs.BOM_UTF8) :]
        yield number, line


def _document(value: Any) -> Document:
    if isinstance(value, list):
        return Document(value, InputKind.ARRAY)
    if isinstance(value, dict):
        kind = InputKind.ENVELOPE if is_envelope(value) else InputKind.OBJECT
        return Document(value, kind)
    raise InputError(
        "unsupported input: expected a JSON object, an array of objects, "
        f"an API response envelope or NDJSON, got {json_type_name(value)}"
    )


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
    except (ValueError, RecursionError):
        return False
    return True


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
        try:
            os.replace(temporary, target)
        except OSError as error:
            # Name the file the caller asked for, not the temporary one.
            raise OSError(error.errno, error.strerror, os.fspath(path)) from error
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
