"""Generate the route and parameter tables of ``docs/requests.md``.

Run ``python -m pipedrive_shapes._requests_doc docs/requests.md`` to rewrite
the generated blocks in place. A test checks that the file is up to date.
Each block sits between ``<!-- generated: NAME -->`` and
``<!-- end generated: NAME -->`` lines.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from pipedrive_shapes._query_tables import (
    INCLUDE_FIELDS,
    SORT_FIELDS,
    V1_PARAMS,
    V2_PARAMS,
)
from pipedrive_shapes._routes import ROUTES, RoutePair

_BLOCK = re.compile(
    r"(<!-- generated: (?P<name>[a-z-]+) -->\n).*?(<!-- end generated: (?P=name) -->)",
    re.DOTALL,
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _v2_route(pair: RoutePair) -> str:
    route = f"`{pair.v2}`"
    if pair.filter_param is not None:
        route = f"`{pair.v2}?{pair.filter_param}={{id}}`"
    return route


def _reverse(pair: RoutePair) -> str:
    if pair.reverse and not pair.forward:
        return f"yes, with a single id in `{pair.filter_param}`"
    if pair.reverse and pair.filter_param is not None:
        return f"yes, when `{pair.filter_param}` is the only nested-list filter"
    if pair.reverse:
        return "yes"
    if pair.is_collection:
        return "no: v2 -> v1 gives the plain list"
    if pair.reverse_hint is not None:
        return f"no: {pair.reverse_hint}"
    return f"no: v1 `GET /deals` filters by `{pair.filter_param}` itself"


def render_routes() -> str:
    """Render the v1 <-> v2 route table."""
    rows = []
    for pair in ROUTES:
        v1 = f"`{pair.v1}`" if pair.forward else "(v2 only)"
        v2 = _v2_route(pair)
        if not pair.forward:
            v2 += f" (v2 -> v1 gives `{pair.v1}`)"
        body = f"`{pair.body}`" if pair.body else ""
        if pair.is_follower_delete:
            body = "follower id -> user id (`follower_ids`)"
        rows.append((v1, v2, body, _reverse(pair)))
    return _table(("v1", "v2", "body entity / note", "v2 -> v1"), rows)


def _names(names: Iterable[str]) -> str:
    return ", ".join(f"`{name}`" for name in sorted(names)) or "none"


def render_parameters() -> str:
    """Render the query parameters that each GET endpoint takes, per version."""
    rows = []
    for pair in ROUTES:
        if pair.v1.method != "GET" or not pair.forward:
            continue
        rows.append(
            (
                f"`{pair.v1}`",
                _names(V1_PARAMS.get(str(pair.v1), ())),
                _names(V2_PARAMS.get(str(pair.v2), ())),
            )
        )
    return _table(("v1 endpoint", "v1 parameters", "v2 parameters"), rows)


def render_sort_fields() -> str:
    """Render the fields that each v2 list accepts in ``sort_by``."""
    rows = [(f"`{key}`", _names(fields)) for key, fields in SORT_FIELDS.items()]
    return _table(("v2 endpoint", "`sort_by` values"), rows)


def render_include_fields() -> str:
    """Render the values that ``include_fields`` accepts per endpoint."""
    rows = [(f"`{key}`", _names(names)) for key, names in INCLUDE_FIELDS.items()]
    return _table(("endpoint", "`include_fields` values"), rows)


RENDERERS: dict[str, Callable[[], str]] = {
    "routes": render_routes,
    "parameters": render_parameters,
    "sort-fields": render_sort_fields,
    "include-fields": render_include_fields,
}


def update(text: str) -> str:
    """Return ``text`` with every generated block rendered again.

    :raises ValueError: for a block name without a renderer.
    """

    def replace(found: re.Match[str]) -> str:
        name = found.group("name")
        if name not in RENDERERS:
            raise ValueError(f"unknown generated block {name!r}")
        return found.group(1) + RENDERERS[name]() + found.group(3)

    return _BLOCK.sub(replace, text)


def main(argv: list[str]) -> int:
    """Rewrite the generated blocks of the files named in ``argv``."""
    for name in argv:
        path = Path(name)
        path.write_text(update(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
