"""The ``pipedrive-shapes`` command line tool.

Each subcommand is added to the parser by its own function and run by the
handler that the parser stores as the ``handler`` default. The ``convert``
subcommand lives here and in the ``_cli_*`` modules; ``webhook`` and
``request`` live in their own modules. Add a subcommand the same way and
register it in :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from concurrent.futures import BrokenExecutor

from pipedrive_shapes import ENTITIES, __version__
from pipedrive_shapes._api import plan_for
from pipedrive_shapes._cli_convert import (
    EXIT_FAILURE,
    ConvertRun,
    Tally,
    convert_files,
)
from pipedrive_shapes._cli_records import ConvertOptions, load_catalog
from pipedrive_shapes._io import InputError, has_ndjson_suffix
from pipedrive_shapes._requests_cli import register_request_command
from pipedrive_shapes._webhooks_cli import register_webhook_command

__all__ = ["build_parser", "main"]

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
    register_webhook_command(commands)
    register_request_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line tool.

    :param argv: the arguments after the program name, or ``None`` to use
        ``sys.argv[1:]``.
    :returns: the exit status: 0 on success, 1 when the input, a file or a
        record failed, 2 when ``convert --on-error skip`` rejected records,
        and 130 when interrupted.
    :raises SystemExit: as argparse does, with status 2 for invalid
        arguments and status 0 after ``--help`` or ``--version``.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except KeyboardInterrupt:
        _report("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of standard output went away, as with `| head`.
        _discard_stdout()
        return EXIT_FAILURE
    return status


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
            "NDJSON (one JSON value per line). The output is of the same kind. "
            "NDJSON is converted line by line, so large inputs use little memory."
        ),
        epilog=(
            "A record that fails to convert is rejected: the tool reports its "
            "location (the input line for NDJSON, the 0-based index for "
            "arrays), the reason and the JSON path of the bad value. The last "
            "line on standard error counts the records read, written and "
            "rejected. Exit status: 0 when every record was written, 1 when "
            "the input or a file failed or --on-error fail met a rejected "
            "record, 2 when --on-error skip rejected records (argparse also "
            "exits with 2 for invalid arguments), 130 when interrupted."
        ),
    )
    _add_input_arguments(parser)
    _add_conversion_arguments(parser)
    _add_error_arguments(parser)
    _add_run_arguments(parser)
    parser.set_defaults(handler=run_convert, command_parser=parser)


def _add_input_arguments(parser: argparse.ArgumentParser) -> None:
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
        "--ndjson",
        action="store_true",
        help=(
            "Read the input as NDJSON whatever its name and content, so that "
            "a bad first line is rejected like any other line instead of "
            "making the whole input invalid JSON."
        ),
    )
    parser.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="OUTPUT",
        help=(
            "File to write the result to. Standard output is used when it is "
            "omitted or '-'. The file is replaced only when the run does not "
            "stop early, so a failure leaves an existing file unchanged."
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


def _add_conversion_arguments(parser: argparse.ArgumentParser) -> None:
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
        "--next-cursor",
        metavar="CURSOR",
        help=(
            "The next_cursor that API v2 returned for the same page, for a v1 "
            "list response whose more_items_in_collection is true. A v2 cursor "
            "cannot be computed from a v1 offset, so such a page is rejected "
            "without it. Valid only with --to v2 and an input that is one "
            "envelope."
        ),
    )
    parser.add_argument(
        "--removed",
        metavar="FILE",
        help=(
            "File to write what each conversion left out because v2 cannot "
            "carry it, as to_v2_lossless returns it: one JSON object per "
            "output line for NDJSON ({} when nothing was left out), or one "
            "JSON document beside a JSON document output. to_v1 with this "
            "map as removed= gives back the v1 record. Valid only with "
            "--to v2."
        ),
    )


def _add_error_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--on-error",
        choices=("fail", "skip"),
        default="fail",
        help=(
            "What to do with a record that fails to convert or an NDJSON line "
            "that is not JSON. fail (the default) stops at the first one with "
            "exit status 1. skip rejects it and goes on, then exits with "
            "status 2 if any record was rejected."
        ),
    )
    parser.add_argument(
        "--rejects",
        metavar="FILE",
        help=(
            "File to write each rejected record to, as one JSON object per "
            "line with its line or index, the JSON path of the bad value, the "
            "reason and the record itself. Without it, each rejected record is "
            "reported as one line on standard error."
        ),
    )


def _add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        type=_job_count,
        default=1,
        metavar="N",
        help=(
            "Number of worker processes that convert NDJSON input; the output "
            "keeps the input order. The default, 1, converts in the main "
            "process. JSON documents are always converted in the main process."
        ),
    )
    parser.add_argument(
        "--no-progress",
        dest="progress",
        action="store_false",
        help=(
            "Do not draw the progress bar. The bar is drawn on standard error "
            "for NDJSON input from a file when standard error is a terminal "
            "and tqdm is installed."
        ),
    )


def run_convert(args: argparse.Namespace) -> int:
    """Run ``convert`` with the parsed arguments and return the exit status.

    The closing count line is printed in a ``finally`` block, so it also
    appears when the run fails or is interrupted.
    """
    command_parser: argparse.ArgumentParser = args.command_parser
    problem = _check_convert_arguments(args)
    if problem is not None:
        command_parser.error(problem)

    tally = Tally(skip=args.on_error == "skip", report=_report)
    try:
        return _convert(args, tally)
    finally:
        _report(tally.summary())


def _convert(args: argparse.Namespace, tally: Tally) -> int:
    try:
        catalog = load_catalog(args.fields)
    except (OSError, ValueError) as error:
        _report(f"error: cannot load field definitions: {_describe(error)}")
        return EXIT_FAILURE

    run = ConvertRun(
        input=args.input,
        output=args.output,
        rejects=args.rejects,
        options=ConvertOptions(
            entity=args.entity,
            target=args.target,
            include_fields=tuple(args.include_fields),
            next_cursor=args.next_cursor,
            lossless=args.removed is not None,
        ),
        field_files=tuple(args.fields),
        ndjson=args.ndjson or (args.input != "-" and has_ndjson_suffix(args.input)),
        jobs=args.jobs,
        progress=args.progress,
        indent=args.indent,
        removed=args.removed,
    )
    try:
        return convert_files(run, catalog, tally)
    except InputError as error:
        _report(f"error: {error}")
    except BrokenExecutor as error:
        # Raised for --jobs when a worker process dies or fails to start.
        _report(f"error: a worker process failed: {error}")
    except BrokenPipeError:
        raise
    except OSError as error:
        _report(f"error: {_describe(error)}")
    return EXIT_FAILURE


def _check_convert_arguments(args: argparse.Namespace) -> str | None:
    # Checked before reading, so a mistake is reported once as a usage error
    # instead of as a failure of the first record.
    problem = _check_include_fields(args.entity, args.target, args.include_fields)
    if problem is not None:
        return problem
    if args.next_cursor is not None and args.target != "v2":
        return "--next-cursor is valid only with --to v2"
    problem = _check_removed(args) or _check_field_files(args)
    if problem is not None:
        return problem
    return _check_paths(args.input, args.output, args.rejects, args.on_error)


def _check_field_files(args: argparse.Namespace) -> str | None:
    for path in args.fields:
        for written, option in ((args.output, "--output"), (args.rejects, "--rejects")):
            if written is not None and _same_file(written, path):
                return f"{option} names the --fields file {path!r}, which it would overwrite"
    return None


def _check_removed(args: argparse.Namespace) -> str | None:
    removed = args.removed
    if removed is None:
        return None
    if args.target != "v2":
        return "--removed is valid only with --to v2"
    if removed in ("-", ""):
        return "--removed needs a file name"
    if os.path.isdir(removed):
        return f"--removed names the folder {removed!r}; give a file name"
    others = [(args.input, "the input file"), (args.output, "--output")]
    others += [(path, "the --fields file") for path in args.fields]
    for other, option in others:
        if _same_file(removed, other):
            return f"--removed names {option}, which it would overwrite"
    if args.rejects is not None and _same_file(removed, args.rejects):
        return "--removed and --rejects name the same file"
    return None


def _check_include_fields(entity: str, target: str, names: Sequence[str]) -> str | None:
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


def _check_paths(
    input_path: str, output: str, rejects: str | None, on_error: str
) -> str | None:
    same_file = _same_file
    if rejects is not None:
        if rejects == "-":
            return "--rejects needs a file name, not '-'"
        if same_file(rejects, input_path):
            return "--rejects names the input file, which the rejects would replace"
        if same_file(rejects, output):
            return "--rejects and --output name the same file"
    if rejects is None and on_error == "skip" and same_file(output, input_path):
        # Rejected records would be left out of the file that replaces the input.
        return (
            "converting a file in place with --on-error skip needs --rejects, "
            "or the rejected records would be lost"
        )
    return None


def _same_file(first: str, second: str) -> bool:
    if first == "-" or second == "-":
        return False
    return os.path.realpath(first) == os.path.realpath(second)


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


def _job_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid job count {text!r}: expected a whole number"
        ) from None
    if count < 1:
        raise argparse.ArgumentTypeError(
            f"invalid job count {count}: expected 1 or more"
        )
    return count


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
