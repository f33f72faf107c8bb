"""Query-parameter conversion from v1 to v2: one handler per v1 parameter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from pipedrive_shapes._query_context import (
    Handler,
    QueryContext,
    check_statuses,
    convert_include_fields,
    parse_bool,
    parse_count,
    rfc3339,
    split_list,
)
from pipedrive_shapes._query_tables import (
    DEAL_STATUSES,
    FIELD_TYPES,
    MAX_CUSTOM_FIELDS,
    MAX_IDS,
    MAX_LIMIT,
    REMOVED_V1,
    SORT_FIELDS,
    V1_OWN_ACTIVITIES,
)
from pipedrive_shapes.errors import ConversionError


def default_forward(context: QueryContext, name: str, value: str) -> None:
    if name in context.target_params:
        context.emit(name, value)
    else:
        context.drop(name, REMOVED_V1.get(name, context.unsupported))


def _start_forward(context: QueryContext, name: str, value: str) -> None:
    offset = parse_count(name, value, 0)
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


def _limit_forward(context: QueryContext, name: str, value: str) -> None:
    limit = parse_count(name, value, 1)
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


def _cursor_forward(context: QueryContext, name: str, value: str) -> None:
    # NOTE: no source states whether a v1 collection cursor is valid in v2, so
    # it is rejected rather than passed on.
    raise ConversionError(
        "a v1 cursor cannot be reused in v2",
        path=("query", name),
        value=value,
        hint="request the first v2 page without a cursor and follow additional_data.next_cursor",
    )


def _sort_forward(context: QueryContext, name: str, value: str) -> None:
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


def _user_forward(context: QueryContext, name: str, value: str) -> None:
    if "owner_id" not in context.target_params:
        context.drop(name, context.unsupported)
    elif context.target_key == "GET /activities" and value.strip() == "0":
        return  # v1 user_id=0 meant every user, which is v2's default.
    else:
        context.emit("owner_id", value)


def _status_forward(context: QueryContext, name: str, value: str) -> None:
    if context.target_key == "GET /deals/search":
        context.emit(name, check_statuses(name, value, ("open", "won", "lost")))
    elif context.target_key == "GET /deals":
        # v1's all_not_deleted is every status except deleted, spelled out for v2.
        text = "open,won,lost" if value.strip() == "all_not_deleted" else value
        context.emit(name, check_statuses(name, text, DEAL_STATUSES))
    else:
        default_forward(context, name, value)


def _since_forward(context: QueryContext, name: str, value: str) -> None:
    if context.pair.is_collection:
        context.emit(f"updated_{name}", rfc3339(name, value))
    else:
        default_forward(context, name, value)


def _field_key_forward(context: QueryContext, name: str, value: str) -> None:
    if context.target_key == "GET /itemSearch/field":
        context.emit("field", value)
    else:
        default_forward(context, name, value)


def _field_type_forward(context: QueryContext, name: str, value: str) -> None:
    if context.target_key != "GET /itemSearch/field":
        default_forward(context, name, value)
    elif value in FIELD_TYPES:
        context.emit("entity_type", FIELD_TYPES[value])
    else:
        raise ConversionError(
            "invalid field_type",
            path=("query", name),
            value=value,
            expected="one of " + ", ".join(FIELD_TYPES),
        )


def _exact_match_forward(context: QueryContext, name: str, value: str) -> None:
    exact = parse_bool(name, value)
    if context.target_key == "GET /itemSearch/field":
        context.emit("match", "exact" if exact else "middle")
    else:
        default_forward(context, name, "true" if exact else "false")


def _bool_forward(context: QueryContext, name: str, value: str) -> None:
    default_forward(context, name, "true" if parse_bool(name, value) else "false")


def _custom_fields_forward(context: QueryContext, name: str, value: str) -> None:
    if name not in context.target_params:
        raise ConversionError(
            f"v2 {context.target} accepts no custom_fields",
            path=("query", name),
            value=value,
            hint="custom_fields works on deals, persons and organizations, and on the product list",
        )
    keys = split_list(value)
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


def _ids_forward(context: QueryContext, name: str, value: str) -> None:
    if name not in context.target_params:
        default_forward(context, name, value)
        return
    ids = split_list(value)
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


def finish_forward(context: QueryContext) -> None:
    key = context.target_key
    if key == "GET /itemSearch/field" and "match" not in context.out:
        # v2 matches exactly by default but v1 matched substrings, so v1's mode is sent.
        context.emit("match", "middle")
    if str(context.pair.v1) == "GET /activities" and "user_id" not in context.source:
        context.drop("user_id", V1_OWN_ACTIVITIES)


FORWARD: Final[Mapping[str, Handler]] = {
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
    "include_fields": convert_include_fields,
    "custom_fields": _custom_fields_forward,
    "ids": _ids_forward,
    "deal_ids": _ids_forward,
}
