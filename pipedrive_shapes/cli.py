"""The ``pipedrive-shapes`` command line tool.

Each subcommand is added to the parser by its own ``add_*_command`` function
and run by its own ``run_*`` function, which the parser stores as the
``handler`` default. Add a subcommand the same way and register it in
:func:`build_parser`.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any

from pipedrive_shapes import ENTITIES, FieldCatalog, __version__, to_v1, to_v2
from pipedrive_shapes._api import plan_for
from pipedrive_shapes._io import (
    Convert,
    InputError,
    OutputError,
    RecordError,
    atomic_output,
    convert_stream,
    has_ndjson_suffix,
    open_input,
)

__all__ = ["build_parser", "main"]

Handler = Callable[[argparse.Namespace], int]

EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130  # the shell's code for a process stopped by SIGINT


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="pipedrive-shapes",
        description="Convert Pipedrive API payloads between the v1 and v2 shapes.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help="Print the version number and exit.",
    )
    commands = parser.add_subparsers(
        title="commands", dest="command", required=True, metavar="COMMAND"
    )
    add_convert_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line tool.

    :param argv: the arguments after the program name, or ``None`` to use
        ``sys.argv[1:]``.
    :returns: the exit status, which is 0 on success, 1 when the input or a
        record failed and 130 when interrupted.
    :raises SystemExit: as argparse does, with status 2 for invalid
        arguments and status 0 after ``--help`` or ``--version``.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        _report("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of standard output went away, as with `| head`.
        _discard_stdout()
        return EXIT_FAILURE


# convert


def add_convert_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add the ``convert`` subcommand, which converts entity records."""
    parser = commands.add_parser(
        "convert",
        help="Convert entity records between the v1 and v2 shapes.",
        description=(
            "Convert entity records between the v1 and v2 shapes. The input is "
            "one JSON object, a JSON array of objects, an API response envelope "
            "(an object with a boolean 'success' key and records in 'data') or "
            "NDJSON (one JSON object per line). The output is of the same kind. "
            "NDJSON is converted line by line, so large inputs use little memory."
        ),
        epilog=(
            "When a record fails to convert, the tool prints its location (the "
            "input line for NDJSON, the 0-based index for arrays), the reason "
            "and the JSON path of the bad value, then exits with status 1."
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
        "--entity",
        required=True,
        choices=ENTITIES,
        metavar="ENTITY",
        help="Entity type of the records, one of: %(choices)s.",
    )
    parser.add_argument(
        "--to",
        required=True,
        choices=("v1", "v2"),
        dest="target",
        help="API version to convert the records to.",
    )
    parser.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="OUTPUT",
        help=(
            "File to write the result to. Standard output is used when it is "
            "omitted or '-'. The file is replaced only after every record has "
            "been converted, so a failure leaves an existing file unchanged."
        ),
    )
    parser.add_argument(
        "--fields",
        action="append",
        default=[],
        metavar="FILE",
        help=(
            "JSON file with a fields endpoint response, such as the body of "
            "GET /v1/dealFields, used to convert custom field values. A file "
            "name containing dealFields (or deal_fields), personFields, "
            "organizationFields, productFields or activityFields ties the "
            "definitions to that entity, and other files apply to every "
            "entity. Give the option once per file to merge several files."
        ),
    )
    parser.add_argument(
        "--include-fields",
        action="extend",
        type=_split_names,
        default=[],
        metavar="NAMES",
        help=(
            "Comma-separated names of fields that API v2 returns only when "
            "they are requested with its include_fields parameter. The "
            "converter keeps these fields in the v2 output. Valid only with "
            "--to v2."
        ),
    )
    parser.add_argument(
        "--indent",
        type=_indent_width,
        default=None,
        metavar="N",
        help=(
            "Number of spaces to indent each nesting level by. Without it the "
            "output is compact. NDJSON output stays one record per line."
        ),
    )
    parser.set_defaults(handler=run_convert, command_parser=parser)


def run_convert(args: argparse.Namespace) -> int:
    """Run ``convert`` with the parsed arguments and return the exit status."""
    command_parser: argparse.ArgumentParser = args.command_parser
    problem = _check_include_fields(args.entity, args.target, args.include_fields)
    if problem is not None:
        command_parser.error(problem)

    try:
        catalog = _load_catalog(args.fields)
    except (OSError, ValueError) as error:
        _report(f"error: cannot load field definitions: {_describe(error)}")
        return EXIT_FAILURE

    convert = _record_converter(args.entity, args.target, catalog, args.include_fields)
    try:
        with open_input(args.input) as source, _open_output(args.output) as sink:
            convert_stream(
                source,
                sink,
                entity=args.entity,
                convert=convert,
                ndjson=args.input != "-" and has_ndjson_suffix(args.input),
                indent=args.indent,
            )
    except (InputError, RecordError) as error:
        # Errors tied to an NDJSON line or an array index start with it.
        prefix = "error: " if error.location is None else ""
        _report(f"{prefix}{error}")
        return EXIT_FAILURE
    except OutputError as error:
        _report(f"error: {error}")
        return EXIT_FAILURE
    except BrokenPipeError:
        raise
    except OSError as error:
        _report(f"error: {_describe(error)}")
        return EXIT_FAILURE
    return 0


def _check_include_fields(entity: str, target: str, names: Sequence[str]) -> str | None:
    # Checked before reading, so a typo is reported once as a usage error
    # instead of as a failure of the first record.
    if not names:
        return None
    if target == "v1":
        return "--include-fields is valid only with --to v2"
    allowed = plan_for(entity).include_names
    unknown = sorted(set(names) - allowed)
    if not unknown:
        return None
    expected = ", ".join(sorted(allowed)) or "none"
    return (
        f"argument --include-fields: invalid name {unknown[0]!r} for {entity}: "
        f"expected one of {expected}"
    )


def _load_catalog(paths: Sequence[str]) -> FieldCatalog | None:
    catalogs = [FieldCatalog.from_file(path) for path in paths]
    if not catalogs:
        return None
    return functools.reduce(FieldCatalog.merged, catalogs)


def _record_converter(
    entity: str,
    target: str,
    catalog: FieldCatalog | None,
    include_fields: Sequence[str],
) -> Convert:
    # The converters are looked up when called, so tests can replace them.
    if target == "v2":
        names = tuple(include_fields)

        def convert_to_v2(record: Mapping[str, Any]) -> dict[str, Any]:
            return to_v2(entity, record, fields=catalog, include_fields=names)

        return convert_to_v2

    def convert_to_v1(record: Mapping[str, Any]) -> dict[str, Any]:
        return to_v1(entity, record, fields=catalog)

    return convert_to_v1


@contextlib.contextmanager
def _open_output(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with atomic_output(path) as stream:
        yield stream


# Argument types


def _split_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


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


# Output helpers


def _report(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def _describe(error: Exception) -> str:
    # "No such file or directory: 'x.json'" reads better than str(OSError),
    # which starts with "[Errno 2]".
    if isinstance(error, OSError) and error.strerror and error.filename:
        return f"{error.strerror}: {os.fsdecode(error.filename)!r}"
    return str(error)


def _discard_stdout() -> None:
    # Python flushes standard output at exit, so pointing it at the null
    # device keeps that flush from raising BrokenPipeError a second time.
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())


if __name__ == "__main__":
    raise SystemExit(main())
