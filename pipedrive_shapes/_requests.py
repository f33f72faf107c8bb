"""Convert whole API requests (route, query parameters, body) between v1 and v2.

:func:`convert_request` converts one call; :func:`convert_route`,
:func:`convert_query` and :func:`convert_body` convert its parts on their
own. Nothing is dropped silently: what the other version cannot carry is
named in ``removed`` with the reason, and what cannot be converted at all
raises :class:`~pipedrive_shapes.errors.ConversionError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode

from pipedrive_shapes._bodies import convert_body_parts
from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._query import convert_query_parts, normalize_query
from pipedrive_shapes._routes import (
    RouteResult,
    Version,
    check_text,
    convert_route_parts,
    message_text,
    quoted,
    split_path,
)
from pipedrive_shapes.errors import ConversionError

__all__ = [
    "BodyConversion",
    "QueryConversion",
    "Request",
    "convert_body",
    "convert_query",
    "convert_request",
    "convert_route",
]

FollowerIds = Mapping[int | str, int | str]


@dataclass(frozen=True)
class Request:
    """One Pipedrive API call: method, path, query parameters and JSON body.

    :param method: the HTTP method, upper case.
    :param path: the path without its query string, such as ``/api/v2/deals/5``
        (with scheme and host in front when the input had them).
    :param query: the query parameters, every value a string.
    :param body: the JSON body, or ``None``.
    :param removed: what the conversion dropped, mapped to the reason. Keys
        name where it was: ``query.get_summary``, ``body.order_nr``,
        ``body.prices[0].id``, or ``path:(id,title)`` for a field selector.
    """

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    removed: dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """The path with its query string, as on an HTTP request line."""
        if not self.query:
            return self.path
        return self.path + "?" + urlencode(self.query, safe=",:", quote_via=quote)


class QueryConversion(NamedTuple):
    """The result of :func:`convert_query`."""

    query: dict[str, str]
    removed: dict[str, str]


class BodyConversion(NamedTuple):
    """The result of :func:`convert_body`."""

    body: dict[str, Any] | None
    removed: dict[str, str]


def _check_version(to: object) -> Version:
    if isinstance(to, str) and to == "v1":
        return "v1"
    if isinstance(to, str) and to == "v2":
        return "v2"
    raise ConversionError(
        "to must be 'v1' or 'v2'",
        path=("to",),
        value=to,
        hint="pass to='v2' to convert a v1 call, or to='v1' for a v2 call",
    )


def _route(
    method: str,
    path: str,
    query: Mapping[str, object] | None,
    to: Version,
    follower_ids: FollowerIds | None,
    *,
    strict: bool,
    translate_followers: bool = True,
) -> tuple[RouteResult, dict[str, str]]:
    check_text(method, "method")
    source: Version = "v1" if to == "v2" else "v2"
    parsed = split_path(path, source)
    merged = normalize_query(query, parsed.query_string)
    route, _ = convert_route_parts(
        method,
        path,
        to=to,
        query=merged,
        follower_ids=follower_ids,
        translate_followers=translate_followers,
    )
    if strict and route.removed:
        key, reason = next(iter(route.removed.items()))
        raise ConversionError(
            "v2 has no field selectors",
            path=("path",),
            value=key.removeprefix("path"),
            hint=reason,
        )
    return route, merged


def _merge_query(route: RouteResult, converted: dict[str, str]) -> dict[str, str]:
    query = dict(route.added_query)
    for name, value in converted.items():
        if name in query and query[name] != value:
            raise ConversionError(
                f"query parameter {message_text(name)} disagrees with the id in the path",
                path=("query", name),
                value=value,
                expected=quoted(query[name]),
                hint="leave the parameter out; the path already sets it",
            )
        query[name] = value
    return query


def convert_route(
    method: str,
    path: str,
    *,
    to: str = "v2",
    query: Mapping[str, object] | None = None,
    follower_ids: FollowerIds | None = None,
) -> Request:
    """Convert the method and path of a call to the other version.

    v1 -> v2 prefixes the path with ``/api/v2``, turns PUT into PATCH, and
    replaces nested v1 lists with a filter on the v2 list
    (``/persons/5/deals`` becomes ``/deals?person_id=5``). v2 -> v1 reverses
    that where one v1 endpoint matches, reading the filters from ``query``
    (or the path's query string) to pick it.

    :param to: the version to convert to, ``"v2"`` or ``"v1"``.
    :param follower_ids: maps v1 follower ids (the follow relation's id) to
        user ids, needed to convert a follower DELETE.
    :returns: the converted route. Its ``query`` holds only the parameters
        that the route itself adds; the rest of the query is not converted.
    :raises ConversionError: when the other version has no such endpoint, or
        an argument has the wrong type or value (the error's ``path`` then
        names it: ``method``, ``path``, ``to`` or ``follower_ids``).

    >>> route = convert_route("PUT", "/v1/persons/5")
    >>> route.method, route.path
    ('PATCH', '/api/v2/persons/5')
    >>> convert_route("GET", "/v1/persons/5/deals").target
    '/api/v2/deals?person_id=5'
    """
    version = _check_version(to)
    route, _ = _route(method, path, query, version, follower_ids, strict=False)
    return Request(
        route.method, route.path, dict(route.added_query), None, route.removed
    )


def convert_query(
    method: str,
    path: str,
    query: Mapping[str, object] | None = None,
    *,
    to: str = "v2",
    strict: bool = False,
) -> QueryConversion:
    """Convert the query parameters of a call on ``path`` to the other version.

    ``path`` is the path in the version converted from. It picks the
    endpoint whose rules apply and may carry a query string of its own. The
    result is the full query of the converted call, including any filter
    that replaces a nested v1 path.

    :param strict: raise instead of dropping a parameter the target lacks.
    :returns: the converted query and the removed parameters with reasons.
    :raises ConversionError: for a value that has no equivalent, such as a
        non-zero ``start`` (v2 pages with a cursor) or a cursor going to v1.
        Also for a ``query`` that is not a mapping of names to strings,
        integers, booleans or flat lists of them.

    >>> convert_query("GET", "/v1/deals", {"start": 0, "sort": "add_time DESC"}).query
    {'sort_by': 'add_time', 'sort_direction': 'desc'}
    """
    version = _check_version(to)
    route, merged = _route(
        method, path, query, version, None, strict=strict, translate_followers=False
    )
    converted, removed = convert_query_parts(
        route.pair, merged, to=version, strict=strict, consumed=route.consumed_query
    )
    return QueryConversion(_merge_query(route, converted), removed)


def convert_body(
    entity: str,
    body: Mapping[str, Any] | None,
    method: str,
    *,
    to: str = "v2",
    strict: bool = False,
    fields: FieldCatalog | None = None,
) -> BodyConversion:
    """Convert a POST or update (v1 PUT, v2 PATCH) body of ``entity``.

    The entity shape comes from :func:`pipedrive_shapes.to_v2` (or
    :func:`~pipedrive_shapes.to_v1`). On top of it, request rules apply:

    * POST needs the name (``title`` for deals). A person needs ``name`` or
      both ``first_name`` and ``last_name``.
    * A body cannot create a deleted record or delete one: use DELETE.
      ``is_deleted: false`` and v1's "not deleted" flags are dropped.
    * Person phones, emails and ims become objects with ``label`` "work" by
      default and exactly one primary entry.
    * An activity's ``person_id`` becomes a primary participant.
    * A pipeline's ``order_nr`` and a deal update's ``add_time``,
      ``update_time`` and ``stage_change_time`` are read-only in v2.
    * An update's product ``prices`` replaces the whole stored list: send
      every price to keep, at most one per currency.

    :param method: ``POST``, ``PUT`` or ``PATCH``.
    :param fields: the account's field definitions for custom fields.
    :param strict: raise instead of dropping a field the target lacks.
    :returns: the converted body (``None`` stays ``None``) and the removed fields.
    :raises ConversionError: for a body the target version cannot express,
        an unknown entity or a method other than POST, PUT and PATCH.

    >>> convert_body("pipeline", {"name": "Sales", "order_nr": 2}, "POST").body
    {'name': 'Sales'}
    """
    version = _check_version(to)
    if body is None:
        return BodyConversion(None, {})
    out, removed = convert_body_parts(
        entity, body, method, to=version, strict=strict, fields=fields
    )
    return BodyConversion(out, removed)


def convert_request(
    method: str,
    path: str,
    *,
    query: Mapping[str, object] | None = None,
    body: Mapping[str, Any] | None = None,
    to: str = "v2",
    follower_ids: FollowerIds | None = None,
    entity: str | None = None,
    strict: bool = False,
    fields: FieldCatalog | None = None,
) -> Request:
    """Convert one API call to the other version (v1 -> v2 by default).

    :param method: the HTTP method of the call being converted.
    :param path: its path, such as ``/v1/deals/5`` or ``/api/v2/deals``; a
        query string (``/v1/deals?start=0&limit=50``) is parsed and merged
        with ``query``.
    :param query: more query parameters; lists become comma lists.
    :param body: the JSON body of a POST or update.
    :param to: the version to convert to, ``"v2"`` or ``"v1"``.
    :param follower_ids: v1 follower id -> user id, for a follower DELETE.
    :param entity: the body's entity, checked against the one the route
        implies (every route that takes a body implies one).
    :param strict: raise instead of dropping what the target cannot carry.
    :param fields: the account's field definitions for custom fields.
    :raises ConversionError: when the call has no equivalent or an argument
        is invalid. The error's ``path`` starts with ``path``, ``method``,
        ``query`` or ``body``, or names the argument (``to``, ``entity``,
        ``follower_ids``).

    >>> call = convert_request("PUT", "/v1/deals/5?user_id=3", body={"title": "Big"})
    >>> call.method, call.target, call.body
    ('PATCH', '/api/v2/deals/5', {'title': 'Big'})
    """
    version = _check_version(to)
    route, merged = _route(method, path, query, version, follower_ids, strict=strict)
    converted, removed_query = convert_query_parts(
        route.pair, merged, to=version, strict=strict, consumed=route.consumed_query
    )
    out_body, removed_body = _request_body(
        route, method, body, entity, version, strict, fields
    )
    return Request(
        method=route.method,
        path=route.path,
        query=_merge_query(route, converted),
        body=out_body,
        removed={**route.removed, **removed_query, **removed_body},
    )


def _request_body(
    route: RouteResult,
    method: str,
    body: Mapping[str, Any] | None,
    entity: str | None,
    to: Version,
    strict: bool,
    fields: FieldCatalog | None,
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    if body is None:
        return None, {}
    implied = route.body_entity
    if implied is None:
        raise ConversionError(
            f"{route.pair.side('v1' if to == 'v2' else 'v2')} takes no request body",
            path=("body",),
            value=body,
            hint="leave the body out",
        )
    if entity is not None and (not isinstance(entity, str) or entity != implied):
        raise ConversionError(
            f"entity does not match the route, which takes a {implied}",
            path=("entity",),
            value=entity,
            expected=repr(implied),
            hint="leave entity out to use the route's entity",
        )
    try:
        return convert_body_parts(
            implied, body, method, to=to, strict=strict, fields=fields
        )
    except ConversionError as error:
        raise error.prefixed(("body",)) from None
