"""Query-parameter conversion from v2 to v1: one handler per v2 parameter."""

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
    split_list,
)
from pipedrive_shapes._query_tables import (
    DEAL_STATUSES,
    DONE_AS_01,
    FIELD_TYPES,
    NOT_DELETED_STATUSES,
    SORT_FIELDS,
)
from pipedrive_shapes._routes import message_text
from pipedrive_shapes.errors import ConversionError


def default_backward(context: QueryContext, name: str, value: str) -> None:
    if name in context.target_params:
        context.emit(name, value)
        return
    raise ConversionError(
        f"v1 {context.target} has no equivalent of query parameter {message_text(name)}",
        path=("query", name),
        value=value,
        hint="filter the v1 results on the client side or keep this request in v2",
    )


def _limit_backward(context: QueryContext, name: str, value: str) -> None:
    parse_count(name, value, 1)
    if name in context.target_params:
        context.emit(name, value.strip())
    else:
        context.note(name, f"v1 {context.target} returns every record in one response")


def _cursor_backward(context: QueryContext, name: str, value: str) -> None:
    raise ConversionError(
        "a v2 cursor cannot become a v1 offset",
        path=("query", name),
        value=value,
        hint="page v1 from start=0, or keep paging this list in v2",
    )


def join_sort(context: QueryContext, working: dict[str, str]) -> None:
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


def _owner_backward(context: QueryContext, name: str, value: str) -> None:
    if "user_id" in context.target_params:
        context.emit("user_id", value)
    else:
        default_backward(context, name, value)


def _status_backward(context: QueryContext, name: str, value: str) -> None:
    if "status" not in context.target_params:
        default_backward(context, name, value)
        return
    if context.target_key == "GET /deals/search":
        context.emit(name, check_statuses(name, value, ("open", "won", "lost")))
        return
    statuses = set(split_list(check_statuses(name, value, DEAL_STATUSES)))
    if statuses == NOT_DELETED_STATUSES:
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


def _updated_backward(context: QueryContext, name: str, value: str) -> None:
    collection = f"/api/v1{context.pair.v2.template}/collection"
    raise ConversionError(
        f"v1 {context.target} cannot filter by update time",
        path=("query", name),
        value=value,
        hint=f"call GET {collection} with since/until if it exists, or keep this request in v2",
    )


def _ids_backward(context: QueryContext, name: str, value: str) -> None:
    # v1 GET /products took ids as an array parameter whose wire format the
    # sources do not pin down, so no v1 spelling is guessed.
    raise ConversionError(
        f"v1 {context.target} has no comma-list {name} filter",
        path=("query", name),
        value=value,
        hint="fetch each record with GET /api/v1/<entity>/:id",
    )


def _field_backward(context: QueryContext, name: str, value: str) -> None:
    if context.target_key == "GET /itemSearch/field":
        context.emit("field_key", value)
    else:
        default_backward(context, name, value)


def _entity_type_backward(context: QueryContext, name: str, value: str) -> None:
    reverse = {entity: field_type for field_type, entity in FIELD_TYPES.items()}
    if context.target_key != "GET /itemSearch/field":
        default_backward(context, name, value)
    elif value in reverse:
        context.emit("field_type", reverse[value])
    else:
        raise ConversionError(
            "invalid v2 entity_type",
            path=("query", name),
            value=value,
            expected="one of " + ", ".join(reverse),
        )


def _match_backward(context: QueryContext, name: str, value: str) -> None:
    if context.target_key != "GET /itemSearch/field":
        default_backward(context, name, value)
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


def _bool_backward(context: QueryContext, name: str, value: str) -> None:
    flag = parse_bool(name, value)
    if context.target_key in DONE_AS_01 and name == "done":
        default_backward(context, name, "1" if flag else "0")
    else:
        default_backward(context, name, "true" if flag else "false")


def _custom_fields_backward(context: QueryContext, name: str, value: str) -> None:
    context.note(
        name, "v1 has no custom_fields parameter and returns every custom field"
    )


def finish_backward(context: QueryContext) -> None:
    out = context.out
    if "start" in context.target_params and "cursor" not in context.source:
        # No cursor means the first page, which is start=0 in v1.
        context.out = out = {"start": "0", **out}
    if context.target_key == "GET /activities" and "owner_id" not in context.source:
        # v1 without user_id listed only the caller's activities, and 0 lists everyone's.
        out["user_id"] = "0"
    if context.target_key == "GET /itemSearch/field" and "match" not in context.source:
        out["exact_match"] = "true"  # The v2 default match mode is exact.


BACKWARD: Final[Mapping[str, Handler]] = {
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
    "include_fields": convert_include_fields,
    "custom_fields": _custom_fields_backward,
}
