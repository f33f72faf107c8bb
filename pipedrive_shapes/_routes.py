"""Route table and route conversion between Pipedrive API v1 and v2.

Every endpoint that the v2 migration guide (or Pipedrive's official client
models) pairs with a v1 endpoint is one row of :data:`ROUTES`. The same row
serves both directions. Paths outside the table raise
:class:`ConversionError` instead of being guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal
from urllib.parse import urlsplit

from pipedrive_shapes._scalars import is_printable_int
from pipedrive_shapes.errors import ConversionError

Version = Literal["v1", "v2"]

#: Entities whose list, item, create, update and delete endpoints exist in both.
CRUD_RESOURCES: Final = (
    "products",
    "pipelines",
    "stages",
    "deals",
    "persons",
    "organizations",
    "activities",
)
#: Entity name of each resource, as :func:`pipedrive_shapes.to_v2` spells it.
BODY_ENTITIES: Final = {
    "products": "product",
    "pipelines": "pipeline",
    "stages": "stage",
    "deals": "deal",
    "persons": "person",
    "organizations": "organization",
    "activities": "activity",
}
FOLLOWED_RESOURCES: Final = ("deals", "persons", "organizations", "products")
SEARCHED_RESOURCES: Final = ("deals", "persons", "organizations", "leads", "products")

_PLACEHOLDER: Final = re.compile(r"^(:[A-Za-z_]\w*|\{[A-Za-z_]\w*\})$")
_V1_PREFIXES: Final = ("/api/v1", "/v1")
_V2_PREFIX: Final = "/api/v2"
#: Maximum length of caller text that an error message shows unchanged.
MESSAGE_TEXT_LIMIT: Final = 60


def message_text(text: str) -> str:
    """Return ``text`` as an error message may show it.

    Short printable text stays as it is and anything else goes through
    :func:`quoted`, so a 1 MB path cannot make a 1 MB message and a lone
    surrogate is escaped instead of breaking UTF-8 output.
    """
    if len(text) <= MESSAGE_TEXT_LIMIT and text.isprintable():
        return text
    return quoted(text)


def quoted(text: str) -> str:
    """Return the repr of ``text``, cut to about :data:`MESSAGE_TEXT_LIMIT` characters."""
    representation = repr(text[: MESSAGE_TEXT_LIMIT + 1])
    if len(representation) > MESSAGE_TEXT_LIMIT + 2:
        representation = representation[: MESSAGE_TEXT_LIMIT - 1] + "..."
    return representation


def check_text(value: object, name: str) -> str:
    """Return ``value`` when it is a string, the type of a method or a path.

    :raises ConversionError: for any other type, with ``name`` as the path.
    """
    if isinstance(value, str):
        return value
    raise ConversionError(
        f"invalid {name}",
        path=(name,),
        value=value,
        expected="a string",
        hint=f"pass the {name} of the call as text, such as "
        + ("'GET'" if name == "method" else "'/v1/deals/5'"),
    )


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One endpoint of one API version, such as ``GET /deals/{id}``."""

    method: str
    template: str

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(part for part in self.template.split("/") if part)

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


@dataclass(frozen=True, slots=True)
class RoutePair:
    """A v1 endpoint and the v2 endpoint that replaces it.

    :param filter_param: the v2 query parameter that carries the ``{id}`` of
        the v1 path, for nested v1 lists that v2 replaced with a filter.
    :param body: the entity name of the request body, if the endpoint takes one.
    :param forward: whether v1 -> v2 may pick this pair.
    :param reverse: whether v2 -> v1 may pick this pair.
    :param reverse_hint: the advice given when v2 -> v1 cannot pick it.
    """

    v1: Endpoint
    v2: Endpoint
    filter_param: str | None = None
    body: str | None = None
    forward: bool = True
    reverse: bool = True
    reverse_hint: str | None = None

    def side(self, version: Version) -> Endpoint:
        return self.v1 if version == "v1" else self.v2

    @property
    def is_collection(self) -> bool:
        return self.v1.template.endswith("/collection")

    @property
    def is_follower_delete(self) -> bool:
        return self.v1.method == "DELETE" and "{follower_id}" in self.v1.template


def _pair(v1: str, v2: str, **options: object) -> RoutePair:
    v1_method, v1_template = v1.split(" ")
    v2_method, v2_template = v2.split(" ")
    return RoutePair(
        Endpoint(v1_method, v1_template),
        Endpoint(v2_method, v2_template),
        **options,  # type: ignore[arg-type]
    )


def _entity_routes() -> list[RoutePair]:
    rows: list[RoutePair] = []
    for name in CRUD_RESOURCES:
        entity = BODY_ENTITIES[name]
        rows += [
            _pair(f"GET /{name}", f"GET /{name}"),
            _pair(f"GET /{name}/{{id}}", f"GET /{name}/{{id}}"),
            _pair(f"POST /{name}", f"POST /{name}", body=entity),
            _pair(f"PUT /{name}/{{id}}", f"PATCH /{name}/{{id}}", body=entity),
            _pair(f"DELETE /{name}/{{id}}", f"DELETE /{name}/{{id}}"),
        ]
    # The v1 collection endpoints paged with a cursor. v2 folded them into the
    # plain list, so v2 -> v1 always picks the plain list.
    for name in ("deals", "persons", "organizations", "activities"):
        rows.append(_pair(f"GET /{name}/collection", f"GET /{name}", reverse=False))
    return rows


def _nested_list_routes() -> list[RoutePair]:
    """Return the nested v1 lists that v2 replaced with a filter on the plain list."""
    nested = (
        ("persons", "deals", "person_id"),
        ("organizations", "deals", "org_id"),
        ("pipelines", "deals", "pipeline_id"),
        ("organizations", "persons", "org_id"),
        ("deals", "persons", "deal_id"),
        ("deals", "activities", "deal_id"),
        ("persons", "activities", "person_id"),
        ("organizations", "activities", "org_id"),
    )
    rows = [
        _pair(f"GET /{parent}/{{id}}/{child}", f"GET /{child}", filter_param=param)
        for parent, child, param in nested
    ]
    # v1 GET /deals filters by stage_id itself, so v2 -> v1 keeps the plain list.
    rows.append(
        _pair(
            "GET /stages/{id}/deals",
            "GET /deals",
            filter_param="stage_id",
            reverse=False,
        )
    )
    return rows


def _product_routes() -> list[RoutePair]:
    attachment = "/deals/{id}/products/{product_attachment_id}"
    rows = [
        _pair("GET /deals/{id}/products", "GET /deals/{id}/products"),
        _pair(
            "POST /deals/{id}/products",
            "POST /deals/{id}/products",
            body="deal_product",
        ),
        _pair(f"PUT {attachment}", f"PATCH {attachment}", body="deal_product"),
        _pair(f"DELETE {attachment}", f"DELETE {attachment}"),
        # The bulk list exists only in v2. v2 -> v1 turns a single deal id
        # back into the nested list.
        _pair(
            "GET /deals/{id}/products",
            "GET /deals/products",
            filter_param="deal_ids",
            forward=False,
        ),
    ]
    # v1 returned variations inside the product (product_variations) and had
    # no endpoint of its own, so these rows do not reverse.
    variation = "/products/{id}/variations/{product_variation_id}"
    no_v1_variations = (
        "v1 has no product variations endpoint, so read product_variations from "
        "GET /api/v1/products/:id instead"
    )
    for v1, v2, body in (
        ("GET /products/{id}/variations", "GET /products/{id}/variations", None),
        (
            "POST /products/{id}/variations",
            "POST /products/{id}/variations",
            "product_variation",
        ),
        (f"PUT {variation}", f"PATCH {variation}", "product_variation"),
        (f"DELETE {variation}", f"DELETE {variation}", None),
    ):
        rows.append(
            _pair(v1, v2, body=body, reverse=False, reverse_hint=no_v1_variations)
        )
    return rows


def _search_and_follower_routes() -> list[RoutePair]:
    rows = [
        _pair(f"GET /{name}/search", f"GET /{name}/search")
        for name in SEARCHED_RESOURCES
    ]
    rows += [
        _pair("GET /itemSearch", "GET /itemSearch"),
        _pair("GET /itemSearch/field", "GET /itemSearch/field"),
    ]
    for name in (*FOLLOWED_RESOURCES, "users"):
        rows.append(
            _pair(f"GET /{name}/{{id}}/followers", f"GET /{name}/{{id}}/followers")
        )
    for name in FOLLOWED_RESOURCES:
        follower_path = f"/{name}/{{id}}/followers/{{follower_id}}"
        rows += [
            _pair(
                f"POST /{name}/{{id}}/followers",
                f"POST /{name}/{{id}}/followers",
                body="follower",
            ),
            _pair(f"DELETE {follower_path}", f"DELETE {follower_path}"),
        ]
    return rows


#: Every v1 <-> v2 endpoint pair that the converter converts.
ROUTES: Final = (
    *_entity_routes(),
    *_nested_list_routes(),
    *_product_routes(),
    *_search_and_follower_routes(),
)

# Advice for requests that v2 cannot serve in one call.
_BULK_DELETE_HINT: Final = (
    "v2 deletes one record per request: send DELETE /api/v2/{name}/:id for each id"
)


@dataclass(frozen=True, slots=True)
class ParsedPath:
    """A request path split into its parts."""

    origin: str
    segments: tuple[str, ...]
    query_string: str
    selectors: tuple[str, ...]


@dataclass(slots=True)
class RouteResult:
    """The outcome of converting one route (internal)."""

    pair: RoutePair
    method: str
    path: str
    added_query: dict[str, str] = field(default_factory=dict)
    consumed_query: tuple[str, ...] = ()
    removed: dict[str, str] = field(default_factory=dict)

    @property
    def body_entity(self) -> str | None:
        return self.pair.body


def split_path(path: str, source: Version) -> ParsedPath:
    """Split ``path`` into origin, segments after the version prefix and query.

    :raises ConversionError: when the prefix does not belong to ``source``.
    """
    check_text(path, "path")
    if not path.isascii() and not is_encodable(path):
        raise ConversionError(
            "invalid text in request path",
            path=("path",),
            value=path,
            expected="text that UTF-8 can encode, without lone surrogates",
            hint="a request line is sent as UTF-8, so fix the path's encoding",
        )
    try:
        parts = urlsplit(path.strip())
    except ValueError:
        # urlsplit rejects a host such as "[::1" or one that NFKC
        # normalization changes.
        raise ConversionError(
            "invalid host in request path",
            path=("path",),
            value=path,
            expected="a path such as /v1/deals, or a URL with a valid host",
            hint="leave out the scheme and host",
        ) from None
    if parts.fragment:
        raise ConversionError(
            "unexpected fragment in request path",
            path=("path",),
            value=path,
            expected="a path without '#'",
            hint="remove the fragment; it is never sent to the server",
        )
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    raw = parts.path if parts.path.startswith("/") else f"/{parts.path}"
    raw, selectors = _split_selectors(raw)
    if selectors and source == "v2":
        raise ConversionError(
            "field selectors are not valid in v2 paths",
            path=("path",),
            value=path,
            expected="a v2 path without ':(...)'",
            hint="use include_fields or custom_fields instead",
        )
    rest = _strip_prefix(raw.rstrip("/"), source, path)
    return ParsedPath(
        origin=origin,
        segments=tuple(part for part in rest.split("/") if part),
        query_string=parts.query,
        selectors=selectors,
    )


def is_encodable(text: str) -> bool:
    """Tell whether UTF-8 can encode ``text``, which a lone surrogate prevents."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _split_selectors(raw: str) -> tuple[str, tuple[str, ...]]:
    """Take v1 field selectors such as ``:(id,title)`` out of ``raw``.

    A selector runs from ``:(`` to the next ``)``. The scan stays linear where
    a regular expression would search to the end of the path again from each
    ``:(`` that no ``)`` closes.

    :returns: ``raw`` without its selectors, and the selectors in order.
    """
    pieces: list[str] = []
    selectors: list[str] = []
    position = 0
    while (start := raw.find(":(", position)) >= 0:
        end = raw.find(")", start + 2)
        if end < 0:
            break  # No ")" follows, so no later ":(" closes either.
        pieces.append(raw[position:start])
        selectors.append(raw[start : end + 1])
        position = end + 1
    pieces.append(raw[position:])
    return "".join(pieces), tuple(selectors)


def _strip_prefix(raw: str, source: Version, original: str) -> str:
    prefixes = _V1_PREFIXES if source == "v1" else (_V2_PREFIX,)
    for prefix in prefixes:
        if raw == prefix or raw.startswith(prefix + "/"):
            return raw[len(prefix) :]
    expected = (
        "a path starting with /v1/ or /api/v1/"
        if source == "v1"
        else ("a path starting with /api/v2/ (v2 accepts no other prefix)")
    )
    raise ConversionError(
        f"not a {source} path",
        path=("path",),
        value=original,
        expected=expected,
        hint=f"pass a {source} path, or set to= to the other version",
    )


def _match(
    template: tuple[str, ...], segments: tuple[str, ...]
) -> dict[str, str] | None:
    if len(template) != len(segments):
        return None
    ids: dict[str, str] = {}
    for pattern, segment in zip(template, segments, strict=True):
        if pattern.startswith("{"):
            if not _is_id(segment):
                return None
            ids[pattern[1:-1]] = segment
        elif pattern != segment:
            return None
    return ids


def _is_id(segment: str) -> bool:
    return (segment.isascii() and segment.isdigit()) or bool(
        _PLACEHOLDER.match(segment)
    )


def _fill(template: str, ids: Mapping[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda found: ids[found.group(1)], template)


def find_pairs(
    method: str, parsed: ParsedPath, source: Version, original: str
) -> list[tuple[RoutePair, dict[str, str]]]:
    """Return the pairs whose ``source`` endpoint matches, with the path ids.

    :raises ConversionError: when no endpoint of the table matches.
    """
    by_path = [
        (pair, ids)
        for pair in ROUTES
        if (ids := _match(pair.side(source).segments, parsed.segments)) is not None
    ]
    found = [(pair, ids) for pair, ids in by_path if pair.side(source).method == method]
    if found:
        return found
    methods = sorted({pair.side(source).method for pair, _ in by_path})
    raise _no_endpoint(method, parsed, source, original, methods)


def _no_endpoint(
    method: str,
    parsed: ParsedPath,
    source: Version,
    original: str,
    methods: list[str],
) -> ConversionError:
    target = "v2" if source == "v1" else "v1"
    segments = parsed.segments
    hint = (
        f"keep calling the {source} endpoint, or check the path against the route table"
    )
    missing_in = target
    if method == "DELETE" and len(segments) == 1 and segments[0] in CRUD_RESOURCES:
        hint = _BULK_DELETE_HINT.format(name=segments[0])
    elif method in ("PUT", "PATCH") and {"PUT", "PATCH"} & set(methods):
        hint = "v1 updates with PUT and v2 with PATCH"
        # The verb is the other version's: the source has no such endpoint.
        missing_in = source
    route = message_text(f"{method} /{'/'.join(segments)}")
    if not methods:
        return ConversionError(
            f"{target} has no endpoint for {route} yet",
            path=("path",),
            value=original,
            hint=hint,
        )
    return ConversionError(
        f"{missing_in} has no endpoint for {route}",
        path=("method",),
        value=method,
        expected="one of " + ", ".join(methods),
        hint=hint,
    )


def convert_route_parts(
    method: str,
    path: str,
    *,
    to: Version,
    query: Mapping[str, str] | None = None,
    follower_ids: Mapping[int | str, int | str] | None = None,
    translate_followers: bool = True,
) -> tuple[RouteResult, ParsedPath]:
    """Convert the method and path of one request (internal engine).

    ``query`` is read (never changed) to pick the nested v1 route when
    converting a filtered v2 list back to v1.
    """
    if to not in ("v1", "v2"):
        raise ValueError(f"to must be 'v1' or 'v2', got {to!r}")
    source: Version = "v1" if to == "v2" else "v2"
    verb = check_text(method, "method").strip().upper()
    parsed = split_path(path, source)
    candidates = find_pairs(verb, parsed, source, path)
    if to == "v2":
        pair, ids = next((pair, ids) for pair, ids in candidates if pair.forward)
        result = _forward(pair, ids, parsed, follower_ids, translate_followers)
    else:
        pair, ids, consumed = _pick_reverse(candidates, query or {}, path)
        result = _backward(
            pair, ids, consumed, parsed, follower_ids, translate_followers
        )
    result.path = parsed.origin + result.path
    return result, parsed


def _forward(
    pair: RoutePair,
    ids: dict[str, str],
    parsed: ParsedPath,
    follower_ids: Mapping[int | str, int | str] | None,
    translate_followers: bool,
) -> RouteResult:
    added: dict[str, str] = {}
    if pair.filter_param is not None:
        added[pair.filter_param] = ids.pop("id")
    if pair.is_follower_delete and translate_followers:
        ids["follower_id"] = _follower_to_user(ids["follower_id"], follower_ids)
    removed = {
        f"path{selector}": (
            "v2 has no field selectors; name optional fields in include_fields "
            "and limit custom fields with custom_fields"
        )
        for selector in parsed.selectors
    }
    return RouteResult(
        pair=pair,
        method=pair.v2.method,
        path=_V2_PREFIX + _fill(pair.v2.template, ids),
        added_query=added,
        removed=removed,
    )


def _pick_reverse(
    candidates: list[tuple[RoutePair, dict[str, str]]],
    query: Mapping[str, str],
    original: str,
) -> tuple[RoutePair, dict[str, str], tuple[str, ...]]:
    usable = [(pair, ids) for pair, ids in candidates if pair.reverse]
    if not usable:
        pair = candidates[0][0]
        raise ConversionError(
            f"v1 has no endpoint for {pair.v2}",
            path=("path",),
            value=original,
            hint=pair.reverse_hint or "keep calling the v2 endpoint",
        )
    nested = [(pair, ids) for pair, ids in usable if pair.filter_param in query]
    if len(nested) > 1:
        names = sorted(str(pair.filter_param) for pair, _ in nested)
        raise ConversionError(
            "v1 has no endpoint that filters by several of these parameters at once",
            path=("query",),
            value={name: query[name] for name in names},
            expected="at most one of " + ", ".join(names),
            hint="send one v1 request per filter and intersect the results",
        )
    if nested:
        pair, ids = nested[0]
        param = str(pair.filter_param)
        return pair, {**ids, "id": _single_id(param, query[param])}, (param,)
    plain = [(pair, ids) for pair, ids in usable if pair.filter_param is None]
    if not plain:
        param = str(usable[0][0].filter_param)
        raise ConversionError(
            f"missing query parameter {param}",
            path=("query", param),
            expected="a deal id",
            hint=f"{usable[0][0].v2} requires {param}",
        )
    pair, ids = plain[0]
    return pair, ids, ()


def _single_id(param: str, value: str) -> str:
    if _is_id(value):
        return value
    raise ConversionError(
        "v1 takes one id in the path here",
        path=("query", param),
        value=value,
        expected="a single id",
        hint="send one v1 request per id",
    )


def _backward(
    pair: RoutePair,
    ids: dict[str, str],
    consumed: tuple[str, ...],
    parsed: ParsedPath,
    follower_ids: Mapping[int | str, int | str] | None,
    translate_followers: bool,
) -> RouteResult:
    if pair.is_follower_delete and translate_followers:
        ids["follower_id"] = _user_to_follower(ids["follower_id"], follower_ids)
    return RouteResult(
        pair=pair,
        method=pair.v1.method,
        path="/api/v1" + _fill(pair.v1.template, ids),
        consumed_query=consumed,
    )


_FOLLOWER_HINT: Final = (
    "v1 deleted a follower by the id of the follow relation and v2 deletes it by "
    "the following user's id: pass follower_ids, a mapping of v1 follower id to "
    "user id built from GET /api/v1/<entity>/:id/followers"
)


#: Most follower ids that an error message lists.
_LISTED_FOLLOWERS: Final = 5


def _follower_pairs(follower_ids: object) -> list[tuple[str, str]]:
    """Return the (follower id, user id) pairs of ``follower_ids`` as text.

    :raises ConversionError: when ``follower_ids`` is not a mapping, or an id
        in it is neither a string nor an integer.
    """
    if not isinstance(follower_ids, Mapping):
        raise ConversionError(
            "invalid follower_ids",
            path=("follower_ids",),
            value=follower_ids,
            expected="a mapping of v1 follower id to user id",
            hint=_FOLLOWER_HINT,
        )
    return [
        (_follower_text(key), _follower_text(value))
        for key, value in follower_ids.items()
    ]


def _follower_text(item: object) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, int) and not isinstance(item, bool):
        number = int(item)
        if is_printable_int(number):
            return str(number)
    raise ConversionError(
        "invalid id in follower_ids",
        path=("follower_ids",),
        value=item,
        expected="an integer id or a string of digits",
        hint=_FOLLOWER_HINT,
    )


def _follower_to_user(
    follower_id: str, follower_ids: Mapping[int | str, int | str] | None
) -> str:
    if follower_ids is None:
        raise ConversionError(
            "cannot convert the follower id without follower_ids",
            path=("path",),
            value=follower_id,
            expected="a mapping of v1 follower id to user id",
            hint=_FOLLOWER_HINT,
        )
    mapping = dict(_follower_pairs(follower_ids))
    if follower_id not in mapping:
        raise ConversionError(
            "follower id not found in follower_ids",
            path=("path",),
            value=follower_id,
            expected=_known_followers(mapping),
            hint=_FOLLOWER_HINT,
        )
    return mapping[follower_id]


def _known_followers(mapping: Mapping[str, str]) -> str:
    if not mapping:
        return "a known follower id"
    if len(mapping) > _LISTED_FOLLOWERS:
        return f"one of the {len(mapping)} follower ids in follower_ids"
    return "one of " + ", ".join(message_text(key) for key in sorted(mapping))


def _user_to_follower(
    user_id: str, follower_ids: Mapping[int | str, int | str] | None
) -> str:
    if follower_ids is None:
        raise ConversionError(
            "cannot convert the user id without follower_ids",
            path=("path",),
            value=user_id,
            expected="a mapping of v1 follower id to user id",
            hint=_FOLLOWER_HINT,
        )
    pairs = _follower_pairs(follower_ids)
    matches = [key for key, value in pairs if value == user_id]
    if len(matches) != 1:
        raise ConversionError(
            "user id not found in follower_ids"
            if not matches
            else "user id maps to several follower ids",
            path=("path",),
            value=user_id,
            expected="exactly one follower id with this user id",
            hint=_FOLLOWER_HINT,
        )
    return matches[0]
