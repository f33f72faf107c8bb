"""Query-parameter conversion between Pipedrive API v1 and v2.

:func:`convert_query_parts` runs one handler per parameter: the v1 -> v2
handlers live in :mod:`pipedrive_shapes._query_v2`, the v2 -> v1 handlers in
:mod:`pipedrive_shapes._query_v1`, and the per-endpoint tables in
:mod:`pipedrive_shapes._query_tables`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl

from pipedrive_shapes._query_context import QueryContext
from pipedrive_shapes._query_tables import LIST_PARAMS, PASS_THROUGH
from pipedrive_shapes._query_v1 import (
    BACKWARD,
    default_backward,
    finish_backward,
    join_sort,
)
from pipedrive_shapes._query_v2 import FORWARD, default_forward, finish_forward
from pipedrive_shapes._routes import RoutePair, Version, is_encodable
from pipedrive_shapes._scalars import is_printable_int
from pipedrive_shapes.errors import ConversionError


def normalize_query(
    query: Mapping[str, object] | None, query_string: str = ""
) -> dict[str, str]:
    """Merge a query string and a mapping into one ``name -> text`` dict.

    Repeated list parameters (``ids=1&ids=2``, ``ids[]=1``) become one comma
    list. Booleans become ``true``/``false`` and ``None`` values are skipped.

    :raises ConversionError: on a repeated scalar parameter, a parameter given
        both ways, a ``query`` that is not a mapping, a name that is not a
        string, or a value that is not a scalar or a list of scalars.
    """
    # Repeats are collected and joined once, which keeps many ids[] linear.
    repeats: dict[str, list[str]] = {}
    for raw_name, text in parse_qsl(query_string, keep_blank_values=True):
        name = raw_name.removesuffix("[]")
        if name in repeats and name not in LIST_PARAMS:
            raise ConversionError(
                "repeated query parameter",
                path=("query", name),
                value=text,
                hint="pass the parameter once",
            )
        repeats.setdefault(name, []).append(text)
    merged = {name: ",".join(texts) for name, texts in repeats.items()}
    if query is None:
        return merged
    if not isinstance(query, Mapping):
        raise ConversionError(
            "invalid query",
            path=("query",),
            value=query,
            expected="a mapping of parameter names to values, or None",
            hint="pass a query string as part of the path instead",
        )
    for raw_name, value in query.items():
        if not isinstance(raw_name, str):
            raise ConversionError(
                "invalid query parameter name",
                path=("query",),
                value=raw_name,
                expected="a string",
            )
        name = _check_encodable(raw_name, raw_name).removesuffix("[]")
        if value is None:
            continue
        if name in merged:
            raise ConversionError(
                "query parameter given in the path and in query",
                path=("query", name),
                value=value,
                hint="pass it in one place only",
            )
        merged[name] = _text(value, name)
    return merged


def _text(value: object, name: str) -> str:
    """Return the query-string text of a scalar or a flat list of scalars."""
    if isinstance(value, list | tuple):
        return ",".join(_scalar_text(item, name) for item in value)
    return _scalar_text(value, name)


def _scalar_text(value: object, name: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _check_encodable(str(value), name)
    if isinstance(value, int) and is_printable_int(value):
        return str(int(value))
    raise ConversionError(
        "invalid query parameter value",
        path=("query", name),
        value=value,
        expected="a string, an integer, a boolean or a list of them",
    )


def _check_encodable(text: str, name: str) -> str:
    """Return ``text`` unless UTF-8 cannot encode it, as with a lone surrogate.

    A query string is sent as UTF-8, so such text could never reach the server.
    """
    if text.isascii() or is_encodable(text):
        return text
    raise ConversionError(
        "invalid text in query parameter",
        path=("query", name),
        value=text,
        expected="text that UTF-8 can encode, without lone surrogates",
    )


def convert_query_parts(
    pair: RoutePair,
    query: Mapping[str, str],
    *,
    to: Version,
    strict: bool = False,
    consumed: Iterable[str] = (),
) -> tuple[dict[str, str], dict[str, str]]:
    """Convert the query of a request on ``pair`` to version ``to``.

    :returns: the converted query and the removed map.
    """
    skip = set(consumed)
    working = {name: value for name, value in query.items() if name not in skip}
    context = QueryContext(pair=pair, to=to, strict=strict, source=working)
    if to == "v1":
        join_sort(context, working)
    handlers = FORWARD if to == "v2" else BACKWARD
    for name, value in working.items():
        if name in PASS_THROUGH:
            context.emit(name, value)
            continue
        handler = handlers.get(
            name, default_forward if to == "v2" else default_backward
        )
        handler(context, name, value)
    (finish_forward if to == "v2" else finish_backward)(context)
    return context.out, context.removed
