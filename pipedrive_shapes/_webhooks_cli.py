"""The ``pipedrive-shapes webhook`` subcommand.

It reads one webhook delivery (a JSON object) or NDJSON with one delivery
per line, converts each with :func:`normalize_webhook_lossless` and writes
the result in the same kind. ``--removed`` writes what each conversion left
out, in the form that :func:`normalize_webhook_lossless` returns.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import itertools
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import IO, Any

from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._io import (
    InputError,
    JSONSyntaxError,
    OutputError,
    atomic_output,
    dump_json,
    has_ndjson_suffix,
    load_json,
    open_input,
)
from pipedrive_shapes._webhooks import normalize_webhook_lossless
from pipedrive_shapes.errors import ConversionError, LossyConversionWarning

__all__ = ["register_webhook_command", "run_webhook_command"]

EXIT_FAILURE = 1

Delivery = tuple[str | None, Any]
"""A delivery's location (``line N`` for NDJSON, else None) and its value."""


def register_webhook_command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add the ``webhook`` subcommand, which normalises webhook deliveries."""
    parser = subparsers.add_parser(
        "webhook",
        help="Convert webhook deliveries between webhook v1 and v2.",
        description=(
            "Convert Pipedrive webhook deliveries. The input is one delivery "
            "(the JSON body of a webhook request) or NDJSON with one delivery "
            "per line; webhook v1 and v2 may be mixed. With --to v2 the output "
            "is a v2 delivery whose data and previous objects have the REST "
            "API v2 entity shapes. With --to v1 it is a v1 delivery."
        ),
        epilog=(
            "Lossy steps, such as a webhook for an object without entity "
            "rules, are reported once each on standard error. When a delivery "
            "fails to convert, the tool prints its location, the reason and "
            "the JSON path of the bad value, then exits with status 1."
        ),
    )
    parser.add_argument(
        "input",
        nargs="?",
        default="-",
        metavar="INPUT",
        help=(
            "JSON or NDJSON file to read. Standard input is read when it is "
            "omitted or '-'. A file ending in .ndjson or .jsonl is always "
            "read as NDJSON."
        ),
    )
    parser.add_argument(
        "--to",
        required=True,
        choices=("v1", "v2"),
        dest="target",
        help="Webhook format to convert the deliveries to.",
    )
    parser.add_argument(
        "--fields",
        action="append",
        default=[],
        metavar="FILE",
        help=(
            "JSON file with a fields endpoint response, such as the body of "
            "GET /v1/dealFields, used to convert custom field values. Give the "
            "option once per file to merge several files."
        ),
    )
    parser.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="OUTPUT",
        help="File to write the result to; standard output when omitted or '-'.",
    )
    parser.add_argument(
        "--removed",
        metavar="FILE",
        help=(
            "File to write what each conversion left out, such as v1 meta keys "
            "that v2 lacks: one JSON object for a single delivery, or one line "
            "per delivery for NDJSON ({} when nothing was left out)."
        ),
    )
    parser.add_argument(
        "--indent",
        type=_indent_width,
        default=None,
        metavar="N",
        help="Spaces per nesting level for a single delivery; NDJSON stays compact.",
    )
    parser.set_defaults(handler=run_webhook_command, command_parser=parser)
    return parser


def run_webhook_command(args: argparse.Namespace) -> int:
    """Run ``webhook`` with the parsed arguments and return the exit status."""
    try:
        catalog = _load_catalog(args.fields)
    except (OSError, ValueError) as error:
        _report(f"error: cannot load field definitions: {error}")
        return EXIT_FAILURE
    convert = functools.partial(_convert, fields=catalog, to=args.target)
    reported: set[str] = set()
    try:
        with (
            open_input(args.input) as source,
            _open_output(args.output) as sink,
            _open_removed(args.removed) as removed_sink,
        ):
            ndjson = args.input != "-" and has_ndjson_suffix(args.input)
            deliveries, is_ndjson = _read_deliveries(source, ndjson=ndjson)
            indent = None if is_ndjson else args.indent
            for location, delivery in deliveries:
                converted, removed = convert(delivery, location, reported)
                sink.write(dump_json(converted, indent=indent) + b"\n")
                if removed_sink is not None:
                    removed_sink.write(dump_json(removed, indent=indent) + b"\n")
    except (InputError, _DeliveryError) as error:
        # Errors tied to an NDJSON line start with it.
        _report(f"error: {error}" if error.location is None else str(error))
        return EXIT_FAILURE
    except OutputError as error:
        _report(f"error: {error}")
        return EXIT_FAILURE
    except BrokenPipeError:
        raise
    except OSError as error:
        _report(f"error: {error}")
        return EXIT_FAILURE
    return 0


class _DeliveryError(Exception):
    """A delivery failed to convert.

    :param location: ``line N`` for an NDJSON line, or None for a single
        delivery.
    :param message: what failed.
    """

    def __init__(self, location: str | None, message: str) -> None:
        self.location = location
        super().__init__(message if location is None else f"{location}: {message}")


def _convert(
    delivery: Any,
    location: str | None,
    reported: set[str],
    *,
    fields: FieldCatalog | None,
    to: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    if not isinstance(delivery, dict):
        raise _DeliveryError(location, "invalid delivery: expected a JSON object")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LossyConversionWarning)
        try:
            result = normalize_webhook_lossless(delivery, fields=fields, to=to)
        except ConversionError as error:
            raise _DeliveryError(location, str(error)) from error
    for warning in caught:
        message = str(warning.message)
        if message not in reported:
            reported.add(message)
            where = "" if location is None else f"{location}: "
            _report(f"{where}warning: {message}")
    return result


def _read_deliveries(
    source: IO[bytes], *, ndjson: bool
) -> tuple[Iterator[Delivery], bool]:
    """Return the deliveries and whether the input is NDJSON.

    The input is NDJSON when ``ndjson`` is true or when its first non-blank
    line is a whole JSON value and another non-blank line follows.
    NDJSON lines are parsed as they are read.
    """
    lines = enumerate(source, start=1)
    head: list[bytes] = []
    first: tuple[int, bytes] | None = None
    for number, line in lines:
        head.append(line)
        if line.strip():
            first = (number, line)
            break
    if first is None:
        raise InputError("the input is empty: expected a JSON delivery or NDJSON")
    if ndjson:
        return _ndjson([first], lines), True
    try:
        value = load_json(first[1])
    except JSONSyntaxError:
        document = _load_document(b"".join(head) + source.read())
        return iter([(None, document)]), False
    for number, line in lines:
        if line.strip():
            return _ndjson([first, (number, line)], lines), True
    return iter([(None, value)]), False


def _ndjson(
    start: Sequence[tuple[int, bytes]], rest: Iterator[tuple[int, bytes]]
) -> Iterator[Delivery]:
    for number, line in itertools.chain(start, rest):
        if not line.strip():
            continue
        try:
            yield f"line {number}", load_json(line)
        except JSONSyntaxError as error:
            raise InputError(
                f"invalid JSON: {error.message}", location=f"line {number}"
            ) from None


def _load_document(data: bytes) -> Any:
    try:
        return load_json(data)
    except JSONSyntaxError as error:
        where = (
            ""
            if error.line is None
            else f" at line {error.line}, column {error.column}"
        )
        raise InputError(f"invalid JSON{where}: {error.message}") from None


def _load_catalog(paths: Sequence[str]) -> FieldCatalog | None:
    catalogs = [FieldCatalog.from_file(path) for path in paths]
    if not catalogs:
        return None
    return functools.reduce(lambda merged, other: merged.merged(other), catalogs)


@contextlib.contextmanager
def _open_output(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with atomic_output(path) as stream:
        yield stream


@contextlib.contextmanager
def _open_removed(path: str | None) -> Iterator[IO[bytes] | None]:
    if path is None:
        yield None
        return
    with _open_output(path) as stream:
        yield stream


def _indent_width(text: str) -> int:
    try:
        width = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid indent {text!r}: expected a whole number"
        ) from None
    if width < 0:
        raise argparse.ArgumentTypeError(f"invalid indent {width}: expected 0 or more")
    return width


def _report(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
