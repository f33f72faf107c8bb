"""API response envelopes: REST v1 <-> REST v2.

Every Pipedrive response wraps its records in an envelope with a boolean
``success``. A v1 list pages by offset in
``additional_data.pagination`` (``start``, ``limit``,
``more_items_in_collection``, ``next_start``) and adds ``related_objects``;
a v2 list pages by cursor in ``additional_data.next_cursor`` and has no
related objects. Single records, search results (``data.items[]`` of
``{result_score, item}``) and error envelopes keep their layout.

A v2 cursor is an opaque token that only the server issues, so it cannot be
computed from a v1 offset: converting a v1 page that has more items needs
the cursor the caller got from the v2 API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from pipedrive_shapes import _scalars as s
from pipedrive_shapes._api import ABSENT_KEY, plan_for, to_v1, to_v2, to_v2_lossless
from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._paths import Path
from pipedrive_shapes.errors import ConversionError, _short_repr

__all__ = ["convert_envelope", "convert_envelope_lossless"]

Version = Literal["v1", "v2"]
JSONObject = dict[str, Any]

_V1_ONLY_KEYS: Final = ("related_objects",)
_NEXT_CURSOR_HINT: Final = (
    "a v2 cursor cannot be computed from a v1 offset; pass next_cursor= with "
    "the cursor the v2 API returned for the same page"
)


def convert_envelope(
    entity: str,
    payload: Mapping[str, Any],
    *,
    to: Version = "v2",
    fields: FieldCatalog | None = None,
    next_cursor: str | None = None,
    include_fields: Iterable[str] | str = (),
    removed: Mapping[str, Any] | None = None,
) -> JSONObject:
    """Convert an API response envelope from v1 to v2 (or from v2 to v1).

    ``data`` is converted record by record with :func:`to_v2` or
    :func:`to_v1`. Search results keep their items, whose bodies are the same
    in both versions. Error envelopes (``success: false``) are copied
    unchanged. v1's ``related_objects``, its offset ``pagination`` and the
    other ``additional_data`` keys are left out of v2 output;
    :func:`convert_envelope_lossless` returns them.

    >>> page = {"success": True, "data": [{"id": 1, "active": True}],
    ...         "additional_data": {"pagination": {"start": 0, "limit": 100,
    ...             "more_items_in_collection": False}}}
    >>> convert_envelope("pipeline", page)
    {'success': True, 'data': [{'id': 1, 'is_deleted': False}], 'additional_data': {'next_cursor': None}}

    :param entity: the entity of the records in ``data``, such as ``"deal"``.
    :param payload: the whole response body.
    :param to: the target version, ``"v2"`` or ``"v1"``.
    :param fields: custom field definitions, passed on to the entity converter.
    :param next_cursor: for v1 -> v2 of a page with more items: the cursor
        that the v2 API returned for the same page. Without it such a page
        raises, because a null cursor would tell the reader the list ends.
    :param include_fields: v2 ``include_fields`` names to keep (v1 -> v2).
    :param removed: a map that :func:`convert_envelope_lossless` returned when
        it converted from the version ``to`` names; its contents are written
        back.
    :raises ConversionError: when the envelope or a record cannot be
        converted, or a v1 page has more items and ``next_cursor`` is None.
        Also when ``payload`` is not a mapping, when ``entity``, ``to``,
        ``fields``, ``next_cursor`` or ``removed`` is invalid, and when
        ``next_cursor`` is given for v2 -> v1 or for a single-record
        response.
    """
    settings = _Settings(entity, fields, include_fields, lossless=False)
    return _convert(payload, to, settings, next_cursor, removed)[0]


def convert_envelope_lossless(
    entity: str,
    payload: Mapping[str, Any],
    *,
    to: Version = "v2",
    fields: FieldCatalog | None = None,
    next_cursor: str | None = None,
    include_fields: Iterable[str] | str = (),
    removed: Mapping[str, Any] | None = None,
) -> tuple[JSONObject, JSONObject]:
    """Convert an envelope like :func:`convert_envelope` and return what it left out.

    The second item is empty when nothing was left out. Otherwise its
    ``source`` is the input version and its other keys are:

    - ``related_objects``: v1's related objects, unchanged;
    - ``additional_data``: v1's whole ``additional_data`` (pagination and
      keys such as ``summary`` or ``dropbox_email``), unchanged;
    - ``data``: the removed map of :func:`to_v2_lossless` for a single
      record, or a list with one map per record (``{}`` where nothing was
      left out);
    - ``__absent__``: ``["additional_data"]`` when a v1 list or search
      response had no ``additional_data``, which the v2 envelope gains.

    :func:`convert_envelope` with ``to="v1"`` and this map as ``removed=``
    returns the original v1 envelope.

    :returns: ``(envelope, removed)``.
    """
    settings = _Settings(entity, fields, include_fields, lossless=True)
    return _convert(payload, to, settings, next_cursor, removed)


@dataclass(frozen=True, slots=True)
class _Settings:
    """The arguments that every record conversion of one call shares."""

    entity: str
    fields: FieldCatalog | None
    include_fields: Iterable[str] | str
    lossless: bool


def _convert(
    payload: Mapping[str, Any],
    to: Version,
    settings: _Settings,
    next_cursor: str | None,
    removed: Mapping[str, Any] | None,
) -> tuple[JSONObject, JSONObject]:
    to = _check_arguments(payload, to, settings, next_cursor)
    restore = _restore_map(removed, to)
    if not isinstance(payload.get("success"), bool):
        raise ConversionError(
            "not an API response envelope",
            path=("success",),
            value=payload.get("success"),
            expected="an object with a boolean success key",
            hint="pass the whole response body; convert bare records with to_v2/to_v1",
        )
    if payload["success"] is False:
        # Error envelopes (error, error_info, code, errorCode) have the same
        # layout in both versions.
        return s.copy_json(payload, ()), {}
    kind = _kind(payload)
    if next_cursor is not None and (to == "v1" or kind in ("single", "deleted")):
        raise ConversionError(
            "next_cursor applies only to v1 -> v2 of list and search responses",
            value=next_cursor,
            expected="next_cursor=None",
            hint="drop next_cursor for this response",
        )
    if to == "v2":
        envelope, lost = _to_v2(payload, kind, settings, next_cursor)
        return envelope, ({"source": "v1", **lost} if lost else {})
    return _to_v1(payload, kind, settings, restore), {}


def _check_arguments(
    payload: Any, to: Any, settings: _Settings, next_cursor: Any
) -> Version:
    if not isinstance(payload, Mapping):
        raise ConversionError(
            "invalid payload",
            value=payload,
            expected="a JSON object: the whole response body",
            hint="decode the response body with json.loads first",
        )
    if type(to) is not str or to not in ("v1", "v2"):
        raise ConversionError(
            "invalid target version",
            value=to,
            expected="'v1' or 'v2'",
            hint="pass to='v1' or to='v2'",
        )
    plan_for(settings.entity)  # raises ConversionError for an unknown entity
    if settings.fields is not None and not isinstance(settings.fields, FieldCatalog):
        raise ConversionError(
            "invalid fields argument",
            value=settings.fields,
            expected="a FieldCatalog or None",
            hint="load definitions with FieldCatalog.from_json(...) or "
            "FieldCatalog.from_file(...)",
        )
    if next_cursor is not None and not isinstance(next_cursor, str):
        raise ConversionError(
            "invalid next_cursor argument",
            value=next_cursor,
            expected="the cursor string from the v2 API, or None",
            hint="pass additional_data.next_cursor of the v2 response",
        )
    return "v1" if to == "v1" else "v2"


def _kind(payload: Mapping[str, Any]) -> str:
    data = payload.get("data")
    if isinstance(data, list):
        return "list"
    if isinstance(data, Mapping) and isinstance(data.get("items"), list):
        return "search"
    # DELETE responses carry {"id": 5}, or a list of ids for bulk deletes.
    if isinstance(data, Mapping) and data.keys() == {"id"}:
        return "deleted"
    additional = payload.get("additional_data")
    if (
        data is None
        and isinstance(additional, Mapping)
        and ("pagination" in additional or "next_cursor" in additional)
    ):
        return "list"  # an empty page: v1 sends null data
    if data is None or isinstance(data, Mapping):
        return "single"
    raise ConversionError(
        "invalid envelope data",
        path=("data",),
        value=data,
        expected="an object, an array of objects, search results or null",
    )


def _restore_map(removed: Any, to: Version) -> Mapping[str, Any]:
    if removed is None or (isinstance(removed, Mapping) and not removed):
        return {}
    if not isinstance(removed, Mapping):
        raise ConversionError(
            "invalid removed map",
            path=("removed",),
            value=removed,
            expected="the dict that convert_envelope_lossless returned",
            hint="pass the second item of convert_envelope_lossless's result",
        )
    if removed.get("source") != to:
        raise ConversionError(
            f"removed map does not come from a conversion from {to}",
            path=("removed", "source"),
            value=removed.get("source"),
            expected=repr(to),
            hint=f"pass the map that convert_envelope_lossless returned for the "
            f"{to} envelope",
        )
    absent = removed.get(ABSENT_KEY, [])
    if not isinstance(absent, list) or not all(type(key) is str for key in absent):
        raise ConversionError(
            "invalid removed map",
            path=("removed", ABSENT_KEY),
            value=absent,
            expected="a list of envelope keys",
            hint="pass the map that convert_envelope_lossless returned, unchanged",
        )
    return removed


# v1 -> v2


def _to_v2(
    payload: Mapping[str, Any], kind: str, settings: _Settings, next_cursor: str | None
) -> tuple[JSONObject, JSONObject]:
    out: JSONObject = {}
    lost: JSONObject = {}
    data_lost: Any = None
    for key, value in payload.items():
        if key == "data":
            out["data"], data_lost = _data_to_v2(value, kind, settings)
        elif key in _V1_ONLY_KEYS or key == "additional_data":
            lost[key] = s.copy_json(value, (key,))
        else:
            out[key] = s.copy_json(value, (key,))
    if kind in ("list", "search"):
        out["additional_data"] = {
            "next_cursor": _cursor_to_v2(payload.get("additional_data"), next_cursor)
        }
        if "additional_data" not in payload:
            lost[ABSENT_KEY] = ["additional_data"]
    if data_lost:
        lost["data"] = data_lost
    return out, lost


def _data_to_v2(data: Any, kind: str, settings: _Settings) -> tuple[Any, Any]:
    if data is None or kind in ("search", "deleted"):
        # Search items and DELETE responses have the same body in both versions.
        return s.copy_json(data, ("data",)), None
    if kind == "single":
        return _record_to_v2(data, settings, ("data",))
    pairs = [
        _record_to_v2(record, settings, ("data", index))
        for index, record in enumerate(data)
    ]
    records = [record for record, _ in pairs]
    maps = [left_out for _, left_out in pairs]
    return records, (maps if any(maps) else None)


def _record_to_v2(
    record: Any, settings: _Settings, path: Path
) -> tuple[JSONObject, JSONObject]:
    entity, fields, include = settings.entity, settings.fields, settings.include_fields
    try:
        if not settings.lossless:
            return to_v2(entity, record, fields=fields, include_fields=include), {}
        converted, left_out = to_v2_lossless(
            entity, record, fields=fields, include_fields=include
        )
    except ConversionError as error:
        raise error.prefixed(path) from None
    return converted, left_out


def _cursor_to_v2(additional: Any, next_cursor: str | None) -> str | None:
    path: Path = ("additional_data",)
    if additional is None:
        # No paging data: the endpoint returned the whole list.
        return next_cursor
    if not isinstance(additional, Mapping):
        raise ConversionError(
            "invalid additional_data",
            path=path,
            value=additional,
            expected="an object or null",
        )
    pagination = additional.get("pagination")
    if pagination is None:
        # v1 cursor endpoints (such as /v1/deals/collection) already send one.
        cursor = additional.get("next_cursor")
        if cursor is not None and not isinstance(cursor, str):
            raise ConversionError(
                "invalid next_cursor",
                path=(*path, "next_cursor"),
                value=cursor,
                expected="a string or null",
            )
        if next_cursor is not None and cursor is not None and cursor != next_cursor:
            raise ConversionError(
                "next_cursor disagrees with the envelope's own cursor",
                path=(*path, "next_cursor"),
                value=cursor,
                expected=_short_repr(next_cursor),
            )
        return cursor if cursor is not None else next_cursor
    more = (
        pagination.get("more_items_in_collection")
        if isinstance(pagination, Mapping)
        else None
    )
    more_path = (*path, "pagination", "more_items_in_collection")
    if more is False:
        if next_cursor is not None:
            raise ConversionError(
                "next_cursor given for the last page",
                path=more_path,
                value=more,
                expected="true when the caller passes a cursor",
                hint="drop next_cursor; the last page has none",
            )
        return None
    if more is True:
        if next_cursor is None:
            raise ConversionError(
                "missing next_cursor for a page with more items",
                path=more_path,
                value=more,
                expected="false, or a next_cursor from the caller",
                hint=_NEXT_CURSOR_HINT,
            )
        return next_cursor
    raise ConversionError(
        "invalid or missing more_items_in_collection",
        path=more_path,
        value=more,
        expected="true or false",
    )


# v2 -> v1


def _to_v1(
    payload: Mapping[str, Any],
    kind: str,
    settings: _Settings,
    restore: Mapping[str, Any],
) -> JSONObject:
    for key in _V1_ONLY_KEYS:
        if key in payload:
            raise _already_v1(key, payload[key])
    additional = payload.get("additional_data")
    if isinstance(additional, Mapping) and "pagination" in additional:
        raise _already_v1("additional_data", additional)
    out: JSONObject = {}
    for key, value in payload.items():
        if key == "data":
            out["data"] = _data_to_v1(value, kind, settings, restore.get("data"))
        elif key != "additional_data":
            out[key] = s.copy_json(value, (key,))
    if "additional_data" in restore:
        out["additional_data"] = s.copy_value(
            restore["additional_data"], ("removed", "additional_data")
        )
    elif kind in ("list", "search"):
        if not _was_absent(restore, additional):
            out["additional_data"] = _paging_to_v1(additional)
    elif additional is not None:
        out["additional_data"] = s.copy_json(additional, ("additional_data",))
    if "related_objects" in restore:
        out["related_objects"] = s.copy_value(
            restore["related_objects"], ("removed", "related_objects")
        )
    return out


def _was_absent(restore: Mapping[str, Any], additional: Any) -> bool:
    """Tell whether to leave additional_data out, as the v1 original did.

    Only an empty cursor is left out with it, because a cursor that the v2
    side gained after the conversion must not be dropped.
    """
    return "additional_data" in restore.get(ABSENT_KEY, ()) and additional in (
        None,
        {"next_cursor": None},
    )


def _already_v1(key: str, value: Any) -> ConversionError:
    return ConversionError(
        "envelope already has v1 keys",
        path=(key,),
        value=value,
        expected="a v2 envelope (additional_data.next_cursor, no related_objects)",
        hint="convert this envelope with to='v2', or pass it on unchanged",
    )


def _data_to_v1(data: Any, kind: str, settings: _Settings, restore: Any) -> Any:
    if data is None or kind in ("search", "deleted"):
        return s.copy_json(data, ("data",))
    if kind == "single":
        return _record_to_v1(data, settings, restore, ("data",))
    maps = restore if isinstance(restore, list) and len(restore) == len(data) else []
    return [
        _record_to_v1(record, settings, maps[index] if maps else None, ("data", index))
        for index, record in enumerate(data)
    ]


def _record_to_v1(
    record: Any, settings: _Settings, restore: Any, path: Path
) -> JSONObject:
    try:
        return to_v1(
            settings.entity, record, fields=settings.fields, removed=restore or None
        )
    except ConversionError as error:
        raise error.prefixed(path) from None


def _paging_to_v1(additional: Any) -> JSONObject:
    """Build v1 paging data from v2's cursor.

    v1 offsets (start, limit, next_start) cannot be computed from a cursor,
    so only more_items_in_collection is set. The cursor stays in
    additional_data.next_cursor, where v1's cursor endpoints send it.
    """
    path: Path = ("additional_data",)
    if additional is None:
        cursor = None
        extra: Mapping[str, Any] = {}
    elif isinstance(additional, Mapping):
        cursor = additional.get("next_cursor")
        extra = {
            key: value for key, value in additional.items() if key != "next_cursor"
        }
    else:
        raise ConversionError(
            "invalid additional_data",
            path=path,
            value=additional,
            expected="an object or null",
        )
    if cursor is not None and not isinstance(cursor, str):
        raise ConversionError(
            "invalid next_cursor",
            path=(*path, "next_cursor"),
            value=cursor,
            expected="a string or null",
        )
    return {
        "pagination": {"more_items_in_collection": cursor is not None},
        "next_cursor": cursor,
        **s.copy_json(extra, path),
    }
