"""Converting records, envelopes and NDJSON lines for the ``convert`` command.

:class:`RecordConverter` turns one input record (or one API response
envelope) into its output, and :class:`Reject` describes one that failed:
where it was, the JSON path of the bad value, why, and the record itself.
Both are picklable, so worker processes build the same converter and send
their rejects back to the main process.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar

from pipedrive_shapes._api import to_v1, to_v2, to_v2_lossless
from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._envelopes import convert_envelope, convert_envelope_lossless
from pipedrive_shapes._io import (
    JSONSyntaxError,
    OutputError,
    dump_json_line,
    is_blank,
    is_envelope,
    load_json,
)
from pipedrive_shapes._paths import format_path
from pipedrive_shapes.errors import ConversionError

__all__ = [
    "ConvertOptions",
    "RecordConverter",
    "Reject",
    "convert_envelope_data",
    "load_catalog",
]

Version = Literal["v1", "v2"]

_Converted = TypeVar("_Converted")
_Encoded = TypeVar("_Encoded")
ConvertEnvelope = Callable[[Mapping[str, Any]], dict[str, Any]]
"""A function that converts a whole envelope, such as a bound :func:`convert_envelope`."""
#: The output record and what the conversion left out.
WithRemoved = tuple[dict[str, Any], dict[str, Any]]

# The envelope converter words its cursor advice for library callers.
_CURSOR_WORDING: Final = (
    ("pass next_cursor= with", "pass --next-cursor with"),
    ("drop next_cursor", "drop --next-cursor"),
    ("a next_cursor from the caller", "a cursor given with --next-cursor"),
)


@dataclass(frozen=True, slots=True)
class ConvertOptions:
    """The conversion settings that every record of a run shares.

    :param entity: the entity of the records, such as ``"deal"``.
    :param target: the version to convert to, ``"v1"`` or ``"v2"``.
    :param include_fields: v2 ``include_fields`` names to keep (v1 -> v2).
    :param next_cursor: the v2 cursor of a v1 page that has more items.
    :param lossless: also produce what each conversion left out, as
        :func:`pipedrive_shapes.to_v2_lossless` returns it (v1 -> v2).
    """

    entity: str
    target: Version
    include_fields: tuple[str, ...] = ()
    next_cursor: str | None = None
    lossless: bool = False


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that failed to convert, or an NDJSON line that is not JSON.

    :param line: the 1-based input line for NDJSON, else ``None``.
    :param index: the 0-based position in a JSON array, else ``None``.
    :param path: the JSON path of the bad value within the record, such as
        ``$.data[0].add_time``; ``$`` when the whole record or line is bad.
    :param reason: what is wrong, without the path.
    :param message: the one-line error text printed on standard error,
        without the location.
    :param record: the record as parsed, or the line's text when it is not
        JSON.
    :param raw: the line's bytes without its line ending when it is not
        JSON, else ``None``.
    """

    line: int | None
    index: int | None
    path: str
    reason: str
    message: str
    record: Any
    raw: bytes | None = None

    @classmethod
    def from_error(
        cls,
        error: ConversionError,
        record: Any,
        *,
        line: int | None = None,
        index: int | None = None,
    ) -> Reject:
        """Describe a record whose conversion raised ``error``."""
        path = format_path(error.path)
        message = str(error)
        reason = message.replace(f" @ {path}", "", 1)
        return cls(line, index, path, reason, message, record)

    @classmethod
    def from_problem(
        cls,
        problem: str,
        record: Any,
        *,
        line: int | None = None,
        index: int | None = None,
        raw: bytes | None = None,
    ) -> Reject:
        """Describe a record or line that is bad as a whole."""
        return cls(line, index, "$", problem, problem, record, raw)

    def renumbered(self, first_number: int) -> Reject:
        """Return a copy whose line, counted from 1 within a chunk, counts from the input's start.

        :param first_number: the input line number of the chunk's first line.
        """
        if self.line is None:
            return self
        return dataclasses.replace(self, line=first_number + self.line - 1)

    @property
    def location(self) -> str | None:
        """``line N``, ``record N`` or ``None`` for the only record of a document."""
        if self.line is not None:
            return f"line {self.line}"
        if self.index is not None:
            return f"record {self.index}"
        return None

    def error_line(self) -> str:
        """Return the line that reports this reject on standard error."""
        location = self.location
        return (
            f"error: {self.message}"
            if location is None
            else f"{location}: {self.message}"
        )

    def to_json_line(self) -> bytes:
        """Encode this reject as one line of the rejects file, newline included."""
        entry: dict[str, Any] = {}
        if self.line is not None:
            entry["line"] = self.line
        if self.index is not None:
            entry["index"] = self.index
        entry["path"] = self.path
        entry["reason"] = self.reason
        entry["record"] = self.record
        if self.raw is not None:
            entry["record_base64"] = base64.b64encode(self.raw).decode("ascii")
        try:
            return dump_json_line(entry)
        except OutputError:
            # A record that cannot be encoded, such as one holding a lone
            # surrogate, is kept as its Python repr so the entry still lands.
            entry["record"] = repr(self.record)
            return dump_json_line(entry)


class RecordConverter:
    """Convert records and envelopes of one entity to one version.

    :param options: the entity, target version and conversion options.
    :param catalog: field definitions for custom fields, or ``None``.
    """

    def __init__(self, options: ConvertOptions, catalog: FieldCatalog | None) -> None:
        self.options = options
        self.catalog = catalog
        include = options.include_fields if options.target == "v2" else ()
        self._convert_envelope: ConvertEnvelope = functools.partial(
            convert_envelope,
            options.entity,
            to=options.target,
            fields=catalog,
            include_fields=include,
            next_cursor=options.next_cursor,
        )
        self._convert_envelope_lossless: Callable[[Mapping[str, Any]], WithRemoved] = (
            functools.partial(
                convert_envelope_lossless,
                options.entity,
                to=options.target,
                fields=catalog,
                include_fields=include,
                next_cursor=options.next_cursor,
            )
        )

    def convert_value(self, value: Any) -> dict[str, Any]:
        """Convert a record, or an envelope with the pagination rules.

        Any exception of the converter other than :class:`ConversionError`
        is a bug. It comes back as a :class:`ConversionError` that names
        it, so one such record does not end a long run.

        :raises ConversionError: when ``value`` is not an object or fails
            to convert.
        """
        return self._guarded(self._convert_plain, value)

    def convert_value_with_removed(self, value: Any) -> WithRemoved:
        """Convert like :meth:`convert_value` and also return what was left out.

        The second item is the map of :func:`pipedrive_shapes.to_v2_lossless`
        for a record, or of :func:`pipedrive_shapes.convert_envelope_lossless`
        for an envelope.

        :raises ConversionError: as :meth:`convert_value` does.
        """
        return self._guarded(self._convert_lossless, value)

    def _guarded(self, convert: Callable[[Any], _Converted], value: Any) -> _Converted:
        try:
            return convert(value)
        except ConversionError:
            raise
        except MemoryError:
            raise
        except Exception as error:
            raise ConversionError(
                f"the converter failed with {type(error).__name__}: {error}",
                hint="this is a bug in pipedrive_shapes; report it with the record",
            ) from error

    def _convert_plain(self, value: Any) -> dict[str, Any]:
        if is_envelope(value):
            return convert_envelope_data(value, self._convert_envelope)
        return self._convert_record(_record(value))

    def _convert_lossless(self, value: Any) -> WithRemoved:
        if is_envelope(value):
            return convert_envelope_data(value, self._convert_envelope_lossless)
        options = self.options
        return to_v2_lossless(
            options.entity,
            _record(value),
            fields=self.catalog,
            include_fields=options.include_fields,
        )

    def _convert_record(self, record: Mapping[str, Any]) -> dict[str, Any]:
        # to_v2 and to_v1 are looked up when called, so tests can replace them.
        options = self.options
        if options.target == "v2":
            return to_v2(
                options.entity,
                record,
                fields=self.catalog,
                include_fields=options.include_fields,
            )
        return to_v1(options.entity, record, fields=self.catalog)

    def convert_line(self, number: int, raw: bytes) -> bytes | Reject | None:
        """Convert one NDJSON line.

        :param number: the 1-based line number, for the reject.
        :param raw: the line's bytes, line ending included.
        :returns: the output line with its newline, a :class:`Reject`, or
            ``None`` for a blank line.
        """
        return self._convert_line(number, raw, self.convert_value, dump_json_line)

    def convert_line_with_removed(
        self, number: int, raw: bytes
    ) -> tuple[bytes, bytes] | Reject | None:
        """Convert one NDJSON line like :meth:`convert_line`, in lossless mode.

        :returns: the output line and the line of what was left out (``{}``
            when nothing was), each with its newline. A rejected line gives
            a :class:`Reject` and a blank line ``None``.
        """
        return self._convert_line(
            number, raw, self.convert_value_with_removed, _dump_lines
        )

    @staticmethod
    def _convert_line(
        number: int,
        raw: bytes,
        convert: Callable[[Any], _Converted],
        dump: Callable[[_Converted], _Encoded],
    ) -> _Encoded | Reject | None:
        if is_blank(raw):
            return None
        try:
            value = load_json(raw)
        except JSONSyntaxError as error:
            return _bad_line(number, raw, error)
        try:
            converted = convert(value)
        except ConversionError as error:
            return Reject.from_error(error, value, line=number)
        try:
            return dump(converted)
        except OutputError as error:
            return Reject.from_problem(str(error), value, line=number)


def _dump_lines(converted: WithRemoved) -> tuple[bytes, bytes]:
    return dump_json_line(converted[0]), dump_json_line(converted[1])


def _record(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConversionError("invalid record", value=value, expected="a JSON object")
    return value


def convert_envelope_data(
    envelope: Mapping[str, Any], convert: Callable[[Mapping[str, Any]], _Converted]
) -> _Converted:
    """Convert an API response envelope with ``convert``.

    ``convert`` applies the pagination rules: a v1 page's offset pagination
    becomes v2's ``next_cursor``, which a v1 page with more items needs from
    the caller, and v1's ``related_objects`` are left out of v2.

    :param envelope: an object for which :func:`is_envelope` is true.
    :param convert: the envelope converter, such as :func:`convert_envelope`
        bound to an entity and a target version.
    :raises ConversionError: when the envelope or one of its records fails.
        Its advice names the ``--next-cursor`` option.
    """
    try:
        return convert(envelope)
    except ConversionError as error:
        raise _reworded(error) from error


def _reworded(error: ConversionError) -> ConversionError:
    hint, expected = error.hint, error.expected
    for library_words, cli_words in _CURSOR_WORDING:
        hint = None if hint is None else hint.replace(library_words, cli_words)
        expected = (
            None if expected is None else expected.replace(library_words, cli_words)
        )
    if hint == error.hint and expected == error.expected:
        return error
    return ConversionError(
        error.message,
        path=error.path,
        value=error.value,
        expected=expected,
        hint=hint,
    )


def _bad_line(number: int, raw: bytes, error: JSONSyntaxError) -> Reject:
    content = raw.rstrip(b"\r\n")
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as decode_error:
        problem = f"invalid UTF-8 at byte {decode_error.start + 1}"
    else:
        column = "" if error.column is None else f" at column {error.column}"
        problem = f"invalid JSON{column}: {error.message}"
    if not raw.endswith(b"\n"):
        problem += " (the last line has no line ending, so the input may be cut off)"
    text = content.decode("utf-8", errors="replace")
    return Reject.from_problem(problem, text, line=number, raw=content)


def load_catalog(paths: Sequence[str]) -> FieldCatalog | None:
    """Load and merge the field definition files, in order; ``None`` for none.

    :raises ConversionError: for invalid content or two files that define
        one field differently.
    :raises OSError: when a file cannot be read.
    """
    catalog: FieldCatalog | None = None
    for path in paths:
        loaded = FieldCatalog.from_file(path)
        catalog = loaded if catalog is None else catalog.merged(loaded)
    return catalog
