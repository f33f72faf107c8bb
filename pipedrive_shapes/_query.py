"""Query-parameter conversion between Pipedrive API v1 and v2.

The parameter lists per endpoint come from Pipedrive's official client
models; the renames, removals and value changes come from the v2 migration
guide (https://pipedrive.readme.io/docs/pipedrive-api-v2-migration-guide).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final
from urllib.parse import parse_qsl

from pipedrive_shapes._paths import format_path
from pipedrive_shapes._routes import Endpoint, RoutePair, Version
from pipedrive_shapes.errors import ConversionError

# Parameters that every endpoint of both versions accepts unchanged.
PASS_THROUGH: Final = frozenset({"api_token"})
#: v2 accepts at most this many items per page (official client models).
MAX_LIMIT: Final = 500
MAX_IDS: Final = 100
MAX_CUSTOM_FIELDS: Final = 15
#: Query parameters whose values are comma lists, so repeats are joined.
LIST_PARAMS: Final = frozenset({"ids", "deal_ids"})

_SEARCH_V1: Final = "term fields exact_match include_fields start limit"


def _params(table: Mapping[str, str]) -> dict[str, frozenset[str]]:
    return {key: frozenset(names.split()) for key, names in table.items()}


#: Query parameters of each v1 GET endpoint (endpoints not listed take none).
V1_PARAMS: Final = _params(
    {
        "GET /deals": "user_id filter_id stage_id status start limit sort owned_by_you",
        "GET /deals/collection": "cursor limit since until user_id stage_id status",
        "GET /persons": "user_id filter_id first_char start limit sort",
        "GET /persons/collection": "cursor limit since until owner_id first_char",
        "GET /organizations": "user_id filter_id first_char start limit sort",
        "GET /organizations/collection": "cursor limit since until owner_id first_char",
        "GET /products": "user_id filter_id ids first_char get_summary start limit",
        "GET /stages": "pipeline_id start limit",
        "GET /activities": "user_id filter_id type limit start start_date end_date done",
        "GET /activities/collection": "cursor limit since until user_id done type",
        "GET /persons/{id}/deals": "start limit status sort",
        "GET /organizations/{id}/deals": "start limit status sort only_primary_association",
        "GET /pipelines/{id}/deals": (
            "filter_id user_id everyone stage_id start limit get_summary "
            "totals_convert_currency"
        ),
        "GET /stages/{id}/deals": "filter_id user_id everyone start limit",
        "GET /organizations/{id}/persons": "start limit",
        "GET /deals/{id}/persons": "start limit",
        "GET /deals/{id}/activities": "start limit done exclude",
        "GET /persons/{id}/activities": "start limit done exclude",
        "GET /organizations/{id}/activities": "start limit done exclude",
        "GET /deals/{id}/products": "start limit include_product_data",
        "GET /deals/search": f"{_SEARCH_V1} person_id organization_id status",
        "GET /persons/search": f"{_SEARCH_V1} organization_id",
        "GET /organizations/search": "term fields exact_match start limit",
        "GET /products/search": _SEARCH_V1,
        "GET /leads/search": f"{_SEARCH_V1} person_id organization_id",
        "GET /itemSearch": f"{_SEARCH_V1} item_types search_for_related_items",
        "GET /itemSearch/field": "term field_type field_key exact_match return_item_ids start limit",
        "GET /products/{id}/followers": "start limit",
    }
)

_LIST_V2: Final = "updated_since updated_until sort_by sort_direction limit cursor"
_SEARCH_V2: Final = "term fields exact_match include_fields limit cursor"

#: Query parameters of each v2 GET endpoint (endpoints not listed take none).
V2_PARAMS: Final = _params(
    {
        "GET /deals": (
            f"filter_id ids owner_id person_id org_id pipeline_id stage_id status "
            f"include_fields custom_fields {_LIST_V2}"
        ),
        "GET /deals/{id}": "include_fields custom_fields",
        "GET /persons": (
            f"filter_id ids owner_id org_id deal_id include_fields custom_fields {_LIST_V2}"
        ),
        "GET /persons/{id}": "include_fields custom_fields",
        "GET /organizations": f"filter_id ids owner_id include_fields custom_fields {_LIST_V2}",
        "GET /organizations/{id}": "include_fields custom_fields",
        "GET /activities": (
            f"filter_id ids owner_id deal_id lead_id person_id org_id done "
            f"include_fields {_LIST_V2}"
        ),
        "GET /activities/{id}": "include_fields",
        "GET /products": "owner_id ids filter_id custom_fields sort_by sort_direction limit cursor",
        "GET /pipelines": "sort_by sort_direction limit cursor",
        "GET /stages": "pipeline_id sort_by sort_direction limit cursor",
        "GET /deals/{id}/products": "sort_by sort_direction limit cursor",
        "GET /deals/products": "deal_ids sort_by sort_direction limit cursor",
        "GET /products/{id}/variations": "limit cursor",
        "GET /deals/search": f"{_SEARCH_V2} person_id organization_id status",
        "GET /persons/search": f"{_SEARCH_V2} organization_id",
        "GET /organizations/search": "term fields exact_match limit cursor",
        "GET /products/search": _SEARCH_V2,
        "GET /leads/search": f"{_SEARCH_V2} person_id organization_id",
        "GET /itemSearch": f"{_SEARCH_V2} item_types search_for_related_items",
        "GET /itemSearch/field": "term entity_type field match limit cursor",
        **{
            f"GET /{name}/{{id}}/followers": "limit cursor"
            for name in ("deals", "persons", "organizations", "products", "users")
        },
    }
)

_BASE_SORT: Final = ("id", "update_time", "add_time")
#: Fields that each v2 list accepts in ``sort_by`` (official client models).
SORT_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "GET /deals": _BASE_SORT,
    "GET /persons": _BASE_SORT,
    "GET /organizations": _BASE_SORT,
    "GET /pipelines": _BASE_SORT,
    "GET /products": ("id", "name", "add_time", "update_time"),
    "GET /stages": (*_BASE_SORT, "order_nr"),
    "GET /activities": (*_BASE_SORT, "due_date"),
    "GET /deals/{id}/products": ("id", "add_time", "update_time", "order_nr"),
    "GET /deals/products": ("id", "deal_id", "add_time", "update_time", "order_nr"),
}

_DEAL_INCLUDE: Final = (
    "next_activity_id last_activity_id first_won_time products_count files_count "
    "notes_count followers_count email_messages_count activities_count "
    "done_activities_count undone_activities_count participants_count "
    "last_incoming_mail_time last_outgoing_mail_time smart_bcc_email source_lead_id"
)
_PERSON_INCLUDE: Final = (
    "next_activity_id last_activity_id open_deals_count related_open_deals_count "
    "closed_deals_count related_closed_deals_count participant_open_deals_count "
    "participant_closed_deals_count email_messages_count activities_count "
    "done_activities_count undone_activities_count files_count notes_count "
    "followers_count won_deals_count related_won_deals_count lost_deals_count "
    "related_lost_deals_count last_incoming_mail_time last_outgoing_mail_time "
    "marketing_status doi_status smart_bcc_email"
)
# The guide's prose list for organizations is copied from persons; the
# official models list these 19 names, including people_count.
_ORGANIZATION_INCLUDE: Final = (
    "next_activity_id last_activity_id open_deals_count related_open_deals_count "
    "closed_deals_count related_closed_deals_count email_messages_count people_count "
    "activities_count done_activities_count undone_activities_count files_count "
    "notes_count followers_count won_deals_count related_won_deals_count "
    "lost_deals_count related_lost_deals_count smart_bcc_email"
)
#: Values that ``include_fields`` accepts on each endpoint (both versions).
INCLUDE_FIELDS: Final = _params(
    {
        "GET /deals": _DEAL_INCLUDE,
        "GET /deals/{id}": _DEAL_INCLUDE,
        "GET /persons": _PERSON_INCLUDE,
        "GET /persons/{id}": _PERSON_INCLUDE,
        "GET /organizations": _ORGANIZATION_INCLUDE,
        "GET /organizations/{id}": _ORGANIZATION_INCLUDE,
        "GET /activities": "attendees",
        "GET /activities/{id}": "attendees",
        "GET /deals/search": "deal.cc_email",
        "GET /persons/search": "person.picture",
        "GET /products/search": "product.price",
        "GET /leads/search": "lead.was_seen",
        "GET /itemSearch": "deal.cc_email person.picture product.price",
    }
)

DEAL_STATUSES: Final = ("open", "won", "lost", "deleted")
_NOT_DELETED: Final = frozenset({"open", "won", "lost"})
FIELD_TYPES: Final = {
    "dealField": "deal",
    "leadField": "lead",
    "personField": "person",
    "organizationField": "organization",
    "productField": "product",
    "projectField": "project",
}
# Endpoints whose v1 "done" parameter took 0/1 rather than true/false.
_DONE_01: Final = frozenset(
    {
        "GET /activities",
        "GET /deals/{id}/activities",
        "GET /persons/{id}/activities",
        "GET /organizations/{id}/activities",
    }
)

#: Reasons for v1 parameters that v2 dropped (used when the target lacks them).
REMOVED_V1: Final = {
    "owned_by_you": "v2 has no owned_by_you filter; pass owner_id with your own user id",
    "get_summary": "v2 list responses carry no summary",
    "totals_convert_currency": "v2 list responses carry no summary to convert",
    "first_char": "v2 has no first-letter filter; use the search endpoint or filter the results",
    "return_item_ids": "v2 always returns the item ids",
    "include_product_data": (
        "v2 deal products carry no product object; fetch it with GET /api/v2/products/:id"
    ),
    "type": "v2 GET /activities has no activity type filter; filter the results by type",
    "start_date": "v2 GET /activities has no due date filter; filter the results by due_date",
    "end_date": "v2 GET /activities has no due date filter; filter the results by due_date",
    "everyone": "v2 has no everyone parameter; leave out owner_id and filter_id to list every user's deals",
    "exclude": "v2 has no exclude parameter; filter the results by id",
}
_V1_OWN_ACTIVITIES: Final = (
    "v1 returned only your own activities when user_id was absent, v2 returns every "
    "user's; pass owner_id with your user id to keep the v1 result"
)


def removed_key(name: str) -> str:
    """Return the key that names query parameter ``name`` in a removed map."""
    return format_path(("query", name))[2:]


@dataclass(slots=True)
class _Context:
    pair: RoutePair
    to: Version
    strict: bool
    source: Mapping[str, str]
    out: dict[str, str] = field(default_factory=dict)
    removed: dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> Endpoint:
        return self.pair.side(self.to)

    @property
    def target_key(self) -> str:
        return str(self.target)

    @property
    def target_params(self) -> frozenset[str]:
        table = V2_PARAMS if self.to == "v2" else V1_PARAMS
        return table.get(self.target_key, frozenset())

    def emit(self, name: str, value: str) -> None:
        if name in self.out and self.out[name] != value:
            raise ConversionError(
                f"conflicting values for query parameter {name}",
                path=("query", name),
                value=value,
                expected=repr(self.out[name]),
                hint="pass each parameter once, in one version's spelling",
            )
        self.out[name] = value

    def drop(self, name: str, reason: str) -> None:
        """Record a parameter that the target cannot carry (raise when strict)."""
        if self.strict:
            found = {"value": self.source[name]} if name in self.source else {}
            raise ConversionError(
                f"{self.to} has no equivalent of query parameter {name}",
                path=("query", name),
                hint=reason,
                **found,
            )
        self.removed[removed_key(name)] = reason

    @property
    def unsupported(self) -> str:
        reason = f"not a parameter of {self.to} {self.target}"
        if self.target.method in ("POST", "PUT", "PATCH"):
            reason += "; send entity fields in the body"
        return reason


Handler = Callable[[_Context, str, str], None]


def normalize_query(
    query: Mapping[str, object] | None, query_string: str = ""
) -> dict[str, str]:
    """Merge a query string and a mapping into one ``name -> text`` dict.

    Repeated list parameters (``ids=1&ids=2``, ``ids[]=1``) become one comma
    list. Booleans become ``true``/``false`` and ``None`` values are skipped.

    :raises ConversionError: on a repeated scalar parameter, a parameter given
        both ways, or a value that is not a scalar or a list of scalars.
    """
    merged: dict[str, str] = {}
    for raw_name, text in parse_qsl(query_string, keep_blank_values=True):
        name = raw_name.removesuffix("[]")
        if name in merged:
            if name not in LIST_PARAMS:
                raise ConversionError(
                    "repeated query parameter",
                    path=("query", name),
                    value=text,
                    hint="pass the parameter once",
                )
            merged[name] += "," + text
        else:
            merged[name] = text
    for raw_name, value in (query or {}).items():
        name = str(raw_name).removesuffix("[]")
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
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, list | tuple):
        return ",".join(_text(item, name) for item in value)
    raise ConversionError(
        "invalid query parameter value",
        path=("query", name),
        value=value,
        expected="a string, an integer, a boolean or a list of them",
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
    context = _Context(pair=pair, to=to, strict=strict, source=working)
    if to == "v1":
        _sort_backward(context, working)
    handlers = _FORWARD if to == "v2" else _BACKWARD
    for name, value in working.items():
        if name in PASS_THROUGH:
            context.emit(name, value)
            continue
        handler = handlers.get(
            name, _default_forward if to == "v2" else _default_backward
        )
        handler(context, name, value)
    (_finish_forward if to == "v2" else _finish_backward)(context)
    return context.out, context.removed


# Shared value parsers.


def _parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true"):
        return True
    if lowered in ("0", "false"):
        return False
    raise ConversionError(
        "invalid boolean query parameter",
        path=("query", name),
        value=value,
        expected="true, false, 1 or 0",
    )


def _parse_count(name: str, value: str, minimum: int) -> int:
    text = value.strip()
    if text.isascii() and text.isdigit() and int(text) >= minimum:
        return int(text)
    raise ConversionError(
        f"invalid {name}",
        path=("query", name),
        value=value,
        expected=f"a whole number of at least {minimum}",
    )


def _split_list(value: str) -> list[str]:
    items: list[str] = []
    for part in value.split(","):
        item = part.strip()
        if item and item not in items:
            items.append(item)
    return items


def _rfc3339(name: str, value: str) -> str:
    """Convert v1's ``YYYY-MM-DD HH:MM:SS`` (UTC) or an RFC 3339 text to RFC 3339 UTC."""
    text = value.strip()
    try:
        if len(text) == 19 and text[10] == " ":
            moment = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text.replace("z", "Z"))
            if moment.tzinfo is None or "T" not in text.upper():
                raise ValueError(text)
    except ValueError:
        raise ConversionError(
            "invalid timestamp",
            path=("query", name),
            value=value,
            expected="'YYYY-MM-DD HH:MM:SS' in UTC or an RFC 3339 timestamp",
        ) from None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# v1 -> v2 handlers.


def _default_forward(context: _Context, name: str, value: str) -> None:
    if name in context.target_params:
        context.emit(name, value)
    else:
        context.drop(name, REMOVED_V1.get(name, context.unsupported))


def _start_forward(context: _Context, name: str, value: str) -> None:
    offset = _parse_count(name, value, 0)
    if offset == 0:
        return  # v2 starts at the first page when no cursor is given.
    if "cursor" not in context.target_params:
        context.drop(name, context.unsupported)
        return
    raise ConversionError(
        "v2 pages with an opaque cursor, so a non-zero start cannot be converted",
        path=("query", name),
        value=value,
        expected="start=0 or no start",
        hint="request the first v2 page and follow additional_data.next_cursor",
    )


def _limit_forward(context: _Context, name: str, value: str) -> None:
    limit = _parse_count(name, value, 1)
    if "limit" not in context.target_params:
        context.drop(name, context.unsupported)
    elif limit > MAX_LIMIT:
        raise ConversionError(
            "limit above the v2 maximum",
            path=("query", name),
            value=value,
            expected=f"at most {MAX_LIMIT}",
            hint=f"request {MAX_LIMIT} per page and follow additional_data.next_cursor",
        )
    else:
        context.emit(name, str(limit))


def _cursor_forward(context: _Context, name: str, value: str) -> None:
    # NOTE: no source states whether a v1 collection cursor is valid in v2, so
    # it is rejected rather than passed on.
    raise ConversionError(
        "a v1 cursor cannot be reused in v2",
        path=("query", name),
        value=value,
        hint="request the first v2 page without a cursor and follow additional_data.next_cursor",
    )


def _sort_forward(context: _Context, name: str, value: str) -> None:
    allowed = SORT_FIELDS.get(context.target_key)
    if allowed is None:
        context.drop(name, f"v2 {context.target} does not sort")
        return
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if len(parts) != 1:
        raise ConversionError(
            "v2 sorts by one field only" if parts else "empty sort",
            path=("query", name),
            value=value,
            expected="a single 'field' or 'field ASC|DESC'",
            hint="sort by the first field in v2 and by the others on the client side",
        )
    words = parts[0].split()
    direction = words[1].lower() if len(words) == 2 else "asc"
    if len(words) > 2 or direction not in ("asc", "desc"):
        raise ConversionError(
            "invalid sort",
            path=("query", name),
            value=value,
            expected="'field ASC' or 'field DESC'",
        )
    if words[0] not in allowed:
        raise ConversionError(
            f"v2 {context.target} cannot sort by this field",
            path=("query", name),
            value=words[0],
            expected="one of " + ", ".join(allowed),
            hint="sort by an allowed field or sort the results on the client side",
        )
    context.emit("sort_by", words[0])
    context.emit("sort_direction", direction)


def _user_forward(context: _Context, name: str, value: str) -> None:
    if "owner_id" not in context.target_params:
        context.drop(name, context.unsupported)
    elif context.target_key == "GET /activities" and value.strip() == "0":
        return  # v1 user_id=0 meant every user, which is v2's default.
    else:
        context.emit("owner_id", value)


def _status_forward(context: _Context, name: str, value: str) -> None:
    if context.target_key == "GET /deals/search":
        context.emit(name, _check_statuses(name, value, ("open", "won", "lost")))
    elif context.target_key == "GET /deals":
        # v1's all_not_deleted is every status except deleted, spelled out for v2.
        text = "open,won,lost" if value.strip() == "all_not_deleted" else value
        context.emit(name, _check_statuses(name, text, DEAL_STATUSES))
    else:
        _default_forward(context, name, value)


def _check_statuses(name: str, value: str, allowed: tuple[str, ...]) -> str:
    statuses = _split_list(value)
    bad = [status for status in statuses if status not in allowed]
    if bad or not statuses:
        raise ConversionError(
            "invalid deal status",
            path=("query", name),
            value=value,
            expected="one or more of " + ", ".join(allowed),
        )
    return ",".join(statuses)


def _since_forward(context: _Context, name: str, value: str) -> None:
    if context.pair.is_collection:
        context.emit(f"updated_{name}", _rfc3339(name, value))
    else:
        _default_forward(context, name, value)


def _field_key_forward(context: _Context, name: str, value: str) -> None:
    if context.target_key == "GET /itemSearch/field":
        context.emit("field", value)
    else:
        _default_forward(context, name, value)


def _field_type_forward(context: _Context, name: str, value: str) -> None:
    if context.target_key != "GET /itemSearch/field":
        _default_forward(context, name, value)
    elif value in FIELD_TYPES:
        context.emit("entity_type", FIELD_TYPES[value])
    else:
        raise ConversionError(
            "invalid field_type",
            path=("query", name),
            value=value,
            expected="one of " + ", ".join(FIELD_TYPES),
        )


def _exact_match_forward(context: _Context, name: str, value: str) -> None:
    exact = _parse_bool(name, value)
    if context.target_key == "GET /itemSearch/field":
        context.emit("match", "exact" if exact else "middle")
    else:
        _default_forward(context, name, "true" if exact else "false")


def _bool_forward(context: _Context, name: str, value: str) -> None:
    _default_forward(context, name, "true" if _parse_bool(name, value) else "false")


def _include_fields(context: _Context, name: str, value: str) -> None:
    allowed = INCLUDE_FIELDS.get(context.target_key)
    if name not in context.target_params or allowed is None:
        if context.to == "v1":
            context.drop(
                name,
                "v1 has no include_fields parameter and returns its optional fields by default",
            )
            return
        raise ConversionError(
            f"{context.target} accepts no include_fields",
            path=("query", name),
            value=value,
            hint="leave include_fields out; this endpoint has no optional fields",
        )
    names = _split_list(value)
    unknown = [item for item in names if item not in allowed]
    if unknown:
        raise ConversionError(
            f"field not available through include_fields on {context.target}",
            path=("query", name),
            value=unknown[0] if len(unknown) == 1 else unknown,
            expected="names from " + ", ".join(sorted(allowed)),
        )
    if names:
        context.emit(name, ",".join(names))


def _custom_fields_forward(context: _Context, name: str, value: str) -> None:
    if name not in context.target_params:
        raise ConversionError(
            f"v2 {context.target} accepts no custom_fields",
            path=("query", name),
            value=value,
            hint="custom_fields works on deals, persons and organizations, and on the product list",
        )
    keys = _split_list(value)
    if len(keys) > MAX_CUSTOM_FIELDS:
        raise ConversionError(
            "too many custom field keys",
            path=("query", name),
            value=len(keys),
            expected=f"at most {MAX_CUSTOM_FIELDS}",
            hint="split the request or leave custom_fields out to receive them all",
        )
    if keys:
        context.emit(name, ",".join(keys))


def _ids_forward(context: _Context, name: str, value: str) -> None:
    if name not in context.target_params:
        _default_forward(context, name, value)
        return
    ids = _split_list(value)
    if not ids or not all(item.isascii() and item.isdigit() for item in ids):
        raise ConversionError(
            f"invalid {name}",
            path=("query", name),
            value=value,
            expected="a comma-separated list of integer ids",
        )
    if len(ids) > MAX_IDS:
        raise ConversionError(
            f"too many {name}",
            path=("query", name),
            value=len(ids),
            expected=f"at most {MAX_IDS}",
            hint=f"split the ids into requests of {MAX_IDS}",
        )
    context.emit(name, ",".join(ids))


def _finish_forward(context: _Context) -> None:
    key = context.target_key
    if key == "GET /itemSearch/field" and "match" not in context.out:
        # v2 matches exactly by default; v1 matched substrings, so say so.
        context.emit("match", "middle")
    if str(context.pair.v1) == "GET /activities" and "user_id" not in context.source:
        context.drop("user_id", _V1_OWN_ACTIVITIES)


_FORWARD: Final[Mapping[str, Handler]] = {
    "start": _start_forward,
    "limit": _limit_forward,
    "cursor": _cursor_forward,
    "sort": _sort_forward,
    "user_id": _user_forward,
    "status": _status_forward,
    "since": _since_forward,
    "until": _since_forward,
    "field_key": _field_key_forward,
    "field_type": _field_type_forward,
    "exact_match": _exact_match_forward,
    "done": _bool_forward,
    "search_for_related_items": _bool_forward,
    "include_fields": _include_fields,
    "custom_fields": _custom_fields_forward,
    "ids": _ids_forward,
    "deal_ids": _ids_forward,
}


# v2 -> v1 handlers.


def _default_backward(context: _Context, name: str, value: str) -> None:
    if name in context.target_params:
        context.emit(name, value)
        return
    raise ConversionError(
        f"v1 {context.target} has no equivalent of query parameter {name}",
        path=("query", name),
        value=value,
        hint="filter the v1 results on the client side or keep this request in v2",
    )


def _limit_backward(context: _Context, name: str, value: str) -> None:
    _parse_count(name, value, 1)
    if name in context.target_params:
        context.emit(name, value.strip())
    else:
        context.drop(name, f"v1 {context.target} returns every record in one response")


def _cursor_backward(context: _Context, name: str, value: str) -> None:
    raise ConversionError(
        "a v2 cursor cannot become a v1 offset",
        path=("query", name),
        value=value,
        hint="page v1 from start=0, or keep paging this list in v2",
    )


def _sort_backward(context: _Context, working: dict[str, str]) -> None:
    """Join v2 ``sort_by`` and ``sort_direction`` into v1 ``sort``."""
    field_name = working.pop("sort_by", None)
    direction = working.pop("sort_direction", None)
    if field_name is None and direction is None:
        return
    allowed = SORT_FIELDS.get(str(context.pair.v2), ())
    if field_name is not None and field_name not in allowed:
        raise ConversionError(
            "invalid v2 sort_by",
            path=("query", "sort_by"),
            value=field_name,
            expected="one of " + ", ".join(allowed) if allowed else "no sorting here",
        )
    if direction is not None and direction not in ("asc", "desc"):
        raise ConversionError(
            "invalid v2 sort_direction",
            path=("query", "sort_direction"),
            value=direction,
            expected="asc or desc",
        )
    if "sort" not in context.target_params:
        raise ConversionError(
            f"v1 {context.target} does not sort",
            path=("query", "sort_by"),
            value=field_name or "id",
            hint="sort the v1 results on the client side",
        )
    context.emit("sort", f"{field_name or 'id'} {(direction or 'asc').upper()}")


def _owner_backward(context: _Context, name: str, value: str) -> None:
    if "user_id" in context.target_params:
        context.emit("user_id", value)
    else:
        _default_backward(context, name, value)


def _status_backward(context: _Context, name: str, value: str) -> None:
    if "status" not in context.target_params:
        _default_backward(context, name, value)
        return
    if context.target_key == "GET /deals/search":
        context.emit(name, _check_statuses(name, value, ("open", "won", "lost")))
        return
    statuses = set(_split_list(_check_statuses(name, value, DEAL_STATUSES)))
    if statuses == _NOT_DELETED:
        context.emit(name, "all_not_deleted")
    elif len(statuses) == 1:
        context.emit(name, statuses.pop())
    else:
        raise ConversionError(
            "v1 filters deals by one status",
            path=("query", name),
            value=value,
            expected="one status, or exactly open,won,lost (v1 all_not_deleted)",
            hint="send one v1 request per status",
        )


def _updated_backward(context: _Context, name: str, value: str) -> None:
    collection = f"/api/v1{context.pair.v2.template}/collection"
    raise ConversionError(
        f"v1 {context.target} cannot filter by update time",
        path=("query", name),
        value=value,
        hint=f"call GET {collection} with since/until if it exists, or keep this request in v2",
    )


def _ids_backward(context: _Context, name: str, value: str) -> None:
    # v1 GET /products took ids as an array parameter whose wire format the
    # sources do not pin down, so no v1 spelling is guessed.
    raise ConversionError(
        f"v1 {context.target} has no comma-list {name} filter",
        path=("query", name),
        value=value,
        hint="fetch each record with GET /api/v1/<entity>/:id",
    )


def _field_backward(context: _Context, name: str, value: str) -> None:
    if context.target_key == "GET /itemSearch/field":
        context.emit("field_key", value)
    else:
        _default_backward(context, name, value)


def _entity_type_backward(context: _Context, name: str, value: str) -> None:
    reverse = {entity: field_type for field_type, entity in FIELD_TYPES.items()}
    if context.target_key != "GET /itemSearch/field":
        _default_backward(context, name, value)
    elif value in reverse:
        context.emit("field_type", reverse[value])
    else:
        raise ConversionError(
            "invalid v2 entity_type",
            path=("query", name),
            value=value,
            expected="one of " + ", ".join(reverse),
        )


def _match_backward(context: _Context, name: str, value: str) -> None:
    if context.target_key != "GET /itemSearch/field":
        _default_backward(context, name, value)
    elif value in ("exact", "middle"):
        context.emit("exact_match", "true" if value == "exact" else "false")
    else:
        raise ConversionError(
            "v1 has no equivalent of this match mode",
            path=("query", name),
            value=value,
            expected="exact or middle",
            hint="v1 matched exactly or anywhere in the value; use one of those",
        )


def _bool_backward(context: _Context, name: str, value: str) -> None:
    flag = _parse_bool(name, value)
    if context.target_key in _DONE_01 and name == "done":
        _default_backward(context, name, "1" if flag else "0")
    else:
        _default_backward(context, name, "true" if flag else "false")


def _custom_fields_backward(context: _Context, name: str, value: str) -> None:
    context.drop(
        name, "v1 has no custom_fields parameter and returns every custom field"
    )


def _finish_backward(context: _Context) -> None:
    out = context.out
    if "start" in context.target_params and "cursor" not in context.source:
        # v1 needs an offset; no cursor means the first page.
        context.out = out = {"start": "0", **out}
    if context.target_key == "GET /activities" and "owner_id" not in context.source:
        # v1 without user_id listed only the caller's activities; 0 means everyone's.
        out["user_id"] = "0"
    if context.target_key == "GET /itemSearch/field" and "match" not in context.source:
        out["exact_match"] = "true"  # The v2 default match mode is exact.


_BACKWARD: Final[Mapping[str, Handler]] = {
    "limit": _limit_backward,
    "cursor": _cursor_backward,
    "owner_id": _owner_backward,
    "status": _status_backward,
    "updated_since": _updated_backward,
    "updated_until": _updated_backward,
    "ids": _ids_backward,
    "field": _field_backward,
    "entity_type": _entity_type_backward,
    "match": _match_backward,
    "done": _bool_backward,
    "exact_match": _bool_backward,
    "search_for_related_items": _bool_backward,
    "include_fields": _include_fields,
    "custom_fields": _custom_fields_backward,
}
