"""The ``pipedrive-shapes request`` subcommand.

It converts one API call, given as ``'METHOD PATH'`` with an optional JSON
body, and prints the converted call: the method and path with its query
string on the first line, then the body as indented JSON. What the
conversion dropped goes to standard error as ``# removed: NAME (REASON)``
lines, so standard output stays a clean call.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence
from typing import Any

from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._entities import ENTITIES
from pipedrive_shapes._io import JSONSyntaxError, dump_json, load_json, open_input
from pipedrive_shapes._requests import convert_request
from pipedrive_shapes._routes import quoted
from pipedrive_shapes.errors import ConversionError

__all__ = ["register_request_command", "run_request_command"]

EXIT_FAILURE = 1
BODY_INDENT = 2


def register_request_command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add the ``request`` subcommand, which converts one API call."""
    parser = subparsers.add_parser(
        "request",
        help="Convert an API call (method, path, query, body) between v1 and v2.",
        description=(
            "Convert one Pipedrive API call. The route, the query parameters "
            "and the JSON body change to the other version: /v1/... and "
            "/api/v1/... paths become /api/v2/..., PUT becomes PATCH, offset "
            "pages become cursor pages, and the body gets the v2 shape. The "
            "converted call goes to standard output: the method and path with "
            "its query string on the first line, then the body as JSON."
        ),
        epilog=(
            "Parameters and fields that the other version cannot carry are "
            "listed on standard error as '# removed: NAME (REASON)' lines. A "
            "call that has no equivalent prints the reason and exits with "
            "status 1. Example: pipedrive-shapes request --to v2 "
            "'PUT /v1/deals/5?user_id=3' --body deal.json"
        ),
    )
    parser.add_argument(
        "call",
        nargs="+",
        metavar="CALL",
        help=(
            "The call to convert: 'METHOD PATH', such as 'GET /v1/deals?start=0', "
            "as one argument or as two."
        ),
    )
    parser.add_argument(
        "--to",
        required=True,
        choices=("v1", "v2"),
        dest="target",
        help="API version to convert the call to.",
    )
    parser.add_argument(
        "--body",
        metavar="FILE",
        help="JSON file with the request body, or '-' for standard input.",
    )
    parser.add_argument(
        "--entity",
        choices=ENTITIES,
        help="Entity of the body, checked against the one the path implies.",
    )
    parser.add_argument(
        "--follower-id",
        action="append",
        default=[],
        type=_follower_pair,
        metavar="FOLLOWER_ID=USER_ID",
        dest="follower_ids",
        help=(
            "Map a v1 follower id to the following user's id, as listed by "
            "GET /v1/deals/:id/followers; needed to convert a follower DELETE. "
            "Give the option once per follower."
        ),
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
        "--strict",
        action="store_true",
        help="Fail instead of dropping a parameter or field the target lacks.",
    )
    parser.set_defaults(handler=run_request_command, command_parser=parser)
    return parser


def run_request_command(args: argparse.Namespace) -> int:
    """Run ``request`` with the parsed arguments and return the exit status."""
    method, path = _split_call(args.call, args.command_parser)
    try:
        catalog = _load_catalog(args.fields)
    except (OSError, ValueError) as error:
        _report(f"error: cannot load field definitions: {error}")
        return EXIT_FAILURE
    try:
        body = None if args.body is None else _read_body(args.body)
    except (OSError, _BodyError) as error:
        _report(f"error: cannot read the body: {error}")
        return EXIT_FAILURE
    try:
        call = convert_request(
            method,
            path,
            body=body,
            to=args.target,
            follower_ids=dict(args.follower_ids) or None,
            entity=args.entity,
            strict=args.strict,
            fields=catalog,
        )
    except (ConversionError, ValueError) as error:
        _report(f"error: {error}")
        return EXIT_FAILURE
    output = f"{call.method} {call.target}\n".encode()
    if call.body is not None:
        output += dump_json(call.body, indent=BODY_INDENT) + b"\n"
    sys.stdout.buffer.write(output)
    sys.stdout.buffer.flush()
    for name, reason in call.removed.items():
        _report(f"# removed: {name} ({reason})")
    return 0


class _BodyError(Exception):
    """The body file is not one JSON object."""


def _split_call(
    words: Sequence[str], parser: argparse.ArgumentParser
) -> tuple[str, str]:
    parts = " ".join(words).split(maxsplit=1)
    if len(parts) != 2:
        parser.error(f"invalid call {quoted(' '.join(words))}: expected 'METHOD PATH'")
    return parts[0], parts[1]


def _follower_pair(text: str) -> tuple[str, str]:
    follower, separator, user = text.partition("=")
    if not separator or not follower.strip().isdigit() or not user.strip().isdigit():
        raise argparse.ArgumentTypeError(
            f"invalid follower mapping {quoted(text)}: expected FOLLOWER_ID=USER_ID, "
            "two whole numbers"
        )
    return follower.strip(), user.strip()


def _read_body(path: str) -> Any:
    with open_input(path) as source:
        data = source.read()
    try:
        body = load_json(data)
    except JSONSyntaxError as error:
        where = (
            ""
            if error.line is None
            else f" at line {error.line}, column {error.column}"
        )
        raise _BodyError(f"invalid JSON{where}: {error.message}") from None
    except ValueError as error:
        # The json module raises a plain ValueError for an integer of more
        # digits than Python converts (4300 by default).
        raise _BodyError(f"invalid JSON: {error}") from None
    if not isinstance(body, dict):
        raise _BodyError(f"expected a JSON object, got {type(body).__name__}")
    return body


def _load_catalog(paths: Sequence[str]) -> FieldCatalog | None:
    catalogs = [FieldCatalog.from_file(path) for path in paths]
    if not catalogs:
        return None
    return functools.reduce(FieldCatalog.merged, catalogs)


def _report(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
