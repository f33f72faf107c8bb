"""Webhook deliveries: webhook v1 and webhook v2 to one shape, and back.

Pipedrive posts two webhook formats. A v1 delivery carries ``v``, ``meta``,
``current``, ``previous`` (the whole object before the event), ``retry``,
``event`` and ``matches_filters``. A v2 delivery carries ``meta``, ``data``
and ``previous``, which lists only the fields that changed. Webhook v2
``data`` is neither the REST v1 nor the REST v2 entity shape: custom fields
are typed objects such as ``{"type": "enum", "id": 17}``, ``visible_to`` is
a string, and pipelines and stages keep their v1 field names.

:func:`normalize_webhook` turns either format into a v2 delivery whose
``data`` and ``previous`` follow the REST API v2 entity shapes, so one
consumer handles both, and turns v2 back into v1 where the v1 form is
defined. :func:`normalize_webhook_lossless` also returns what the target
format has no place for. Pipedrive describes both formats in its webhooks v2
migration guide: https://pipedrive.readme.io/docs/webhooks-v2-migration-guide
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

from pipedrive_shapes import _scalars as s
from pipedrive_shapes._api import to_v1, to_v2, to_v2_lossless
from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._paths import Path
from pipedrive_shapes._rules import Codec
from pipedrive_shapes._webhook_fields import (
    WEBHOOK_FIELD_TYPES,
    custom_fields_to_rest,
    custom_fields_to_typed,
    rest_field_to_typed,
    typed_field_to_rest,
)
from pipedrive_shapes._webhook_meta import (
    check_target,
    convert_webhook_subscription,
    meta_v1_to_v2,
    meta_v2_to_v1,
    normalize_v2_meta,
)
from pipedrive_shapes.errors import (
    ConversionError,
    LossyConversionWarning,
    _short_repr,
)

__all__ = [
    "WEBHOOK_ENTITIES",
    "WEBHOOK_FIELD_TYPES",
    "changed_fields",
    "convert_webhook_subscription",
    "custom_fields_to_rest",
    "custom_fields_to_typed",
    "detect_webhook_version",
    "normalize_webhook",
    "normalize_webhook_lossless",
    "rest_field_to_typed",
    "typed_field_to_rest",
]

Version = Literal["v1", "v2"]
JSONObject = dict[str, Any]

#: Entities whose ``data`` goes through the entity rules. Webhooks for other
#: objects (user, note, lead, activityType, ...) pass through unchanged.
WEBHOOK_ENTITIES: Final = frozenset(
    {"deal", "person", "organization", "product", "activity", "pipeline", "stage"}
)

_V1_DELIVERY_KEYS: Final = frozenset(
    {"v", "current", "retry", "event", "matches_filters"}
)

# Frames between the warnings.warn call and the caller of a public function.
_WARN_LEVEL: Final = 5


# Public API


def normalize_webhook(
    payload: Mapping[str, Any],
    *,
    fields: FieldCatalog | None = None,
    to: Version = "v2",
    removed: Mapping[str, Any] | None = None,
) -> JSONObject:
    """Convert a webhook v1 or v2 delivery into a v2 delivery (or back to v1).

    With ``to="v2"`` the result has ``meta``, ``data`` and ``previous``, and
    ``data``/``previous`` follow the REST API v2 entity shapes. With
    ``to="v1"`` the result is a v1 delivery whose ``current``/``previous``
    follow the v1 entity shapes. Parts that the target format has no place
    for are left out; :func:`normalize_webhook_lossless` returns them too.

    >>> delivery = {"v": 1, "meta": {"action": "deleted", "object": "stage",
    ...     "id": 9, "timestamp": 1735725600}, "current": None,
    ...     "previous": {"id": 9, "active_flag": True}, "retry": 0,
    ...     "event": "deleted.stage"}
    >>> normalize_webhook(delivery)
    {'meta': {'action': 'delete', 'entity': 'stage', 'entity_id': '9', 'timestamp': '2025-01-01T10:00:00Z', 'version': '2.0', 'attempt': 1}, 'data': None, 'previous': {'id': 9, 'is_deleted': False}}

    :param payload: one delivery, v1 or v2; the format is detected.
    :param fields: custom field definitions. v1 -> v2 needs them to tell
        option ids from numbers and text; v2 -> v1 needs them to flatten
        option and relation fields.
    :param to: the target format, ``"v2"`` or ``"v1"``.
    :param removed: a map that :func:`normalize_webhook_lossless` returned
        when it converted from the format ``to`` names; its contents are
        written back.
    :raises ConversionError: when the payload is not a mapping, is neither
        format, mixes both, or contains a value that cannot be converted.
        Also when ``to`` is neither ``"v1"`` nor ``"v2"``, ``fields`` is not
        a FieldCatalog, or ``removed`` is not such a map or comes from a
        conversion from the other format.
    """
    return _normalize(payload, fields, to, removed, lossless=False)[0]


def normalize_webhook_lossless(
    payload: Mapping[str, Any],
    *,
    fields: FieldCatalog | None = None,
    to: Version = "v2",
    removed: Mapping[str, Any] | None = None,
) -> tuple[JSONObject, JSONObject]:
    """Convert a delivery like :func:`normalize_webhook` and return what it left out.

    The second item is empty when nothing was left out. Otherwise its
    ``source`` is the input format (``"v1"`` or ``"v2"``), and its other keys
    map each part of the input delivery to what the output has no place
    for, under the input's own key names:

    - ``meta``: meta keys of the input format that the target lacks (v1's
      ``timestamp_micro``, v2's event ``id`` and ``correlation_id``, ...),
      and ``action: "merged"`` for a v1 merge, which becomes ``change``;
    - ``matches_filters``: v1's top-level filter matches;
    - ``current``, ``data``, ``previous``: what the entity conversion left
      out of that object (for v1 input, the map of :func:`to_v2_lossless`).

    Pass the map as ``removed=`` to the conversion in the other direction to
    get the input back; ``docs/webhooks.md`` lists what still differs.

    :returns: ``(delivery, removed)``.
    :raises ConversionError: as :func:`normalize_webhook` does.
    """
    return _normalize(payload, fields, to, removed, lossless=True)


def detect_webhook_version(payload: Mapping[str, Any]) -> Version:
    """Tell whether a delivery is webhook v1 or v2 from the keys it carries.

    :raises ConversionError: when it is not a mapping, or carries keys of
        both formats or of neither.
    """
    if not isinstance(payload, Mapping):
        raise ConversionError(
            "invalid payload",
            value=payload,
            expected="a JSON object: the body of one webhook request",
            hint="decode the request body with json.loads first",
        )
    meta = payload.get("meta")
    meta_keys = set(meta) if isinstance(meta, Mapping) else set()
    v1_keys = sorted(_V1_DELIVERY_KEYS & payload.keys())
    v1_keys += ["meta.object"] if "object" in meta_keys else []
    v2_keys = ["data"] if "data" in payload else []
    v2_keys += [f"meta.{key}" for key in ("entity", "version") if key in meta_keys]
    if v1_keys and v2_keys:
        raise ConversionError(
            "delivery mixes webhook v1 and v2 keys",
            value=list(payload),
            expected=f"either v1 keys ({', '.join(v1_keys)}) or v2 keys "
            f"({', '.join(v2_keys)})",
            hint="pass the request body exactly as Pipedrive posted it",
        )
    if v1_keys:
        return "v1"
    if v2_keys:
        return "v2"
    raise ConversionError(
        "not a webhook delivery",
        value=list(payload),
        expected="v1 keys (v, meta.object, current, event) or v2 keys "
        "(meta.entity, data, previous)",
        hint="pass the JSON body of one webhook request",
    )


def _normalize(
    payload: Mapping[str, Any],
    fields: FieldCatalog | None,
    to: Version,
    removed: Mapping[str, Any] | None,
    *,
    lossless: bool,
) -> tuple[JSONObject, JSONObject]:
    source = detect_webhook_version(payload)
    to = check_target(to)
    _check_catalog(fields)
    restore = _restore_map(removed, to)
    if source == "v1" and to == "v1":
        return s.copy_json(payload, ()), {}
    if source == "v1":
        delivery, lost = _v1_to_v2(payload, fields, lossless=lossless)
    else:
        delivery, lost = _v2_to_rest(payload)
        if to == "v1":
            delivery, lost = _rest_to_v1(delivery, lost, fields, restore)
    if to == "v2":
        delivery["meta"].update(_restored_meta(restore))
    return delivery, ({"source": source, **lost} if lost else {})


def _check_catalog(fields: Any) -> None:
    if fields is not None and not isinstance(fields, FieldCatalog):
        raise ConversionError(
            "invalid fields argument",
            value=fields,
            expected="a FieldCatalog or None",
            hint="load definitions with FieldCatalog.from_json(...) or "
            "FieldCatalog.from_file(...)",
        )


def _restore_map(removed: Any, to: Version) -> Mapping[str, Any]:
    # A removed map describes its input delivery, so it can only restore a
    # conversion back into that input's format.
    if removed is None or (isinstance(removed, Mapping) and not removed):
        return {}
    if not isinstance(removed, Mapping):
        raise ConversionError(
            "invalid removed map",
            path=("removed",),
            value=removed,
            expected="the dict that normalize_webhook_lossless returned",
            hint="pass the second item of normalize_webhook_lossless's result",
        )
    if removed.get("source") != to:
        raise ConversionError(
            f"removed map cannot restore a conversion to {to}",
            path=("removed", "source"),
            value=removed.get("source"),
            expected=repr(to),
            hint=f"pass the map returned by the conversion from {to}",
        )
    for part in ("meta", "current", "previous"):
        if removed.get(part) is not None and not isinstance(removed[part], Mapping):
            raise ConversionError(
                "invalid removed map",
                path=("removed", part),
                value=removed[part],
                expected="an object or null",
                hint="pass the map that normalize_webhook_lossless returned, unchanged",
            )
    return removed


def _restored_meta(restore: Mapping[str, Any]) -> JSONObject:
    meta = restore.get("meta")
    if meta is None:
        return {}
    for key in meta:
        # v1 meta keys are sorted on the way out, which needs string keys.
        if type(key) is not str:
            raise ConversionError(
                "invalid removed map",
                path=("removed", "meta"),
                value=key,
                expected="string keys, as in JSON objects",
                hint="pass the map that normalize_webhook_lossless returned, unchanged",
            )
    copied: JSONObject = s.copy_json(meta, ("removed", "meta"))
    return copied


# v1 -> v2


def _v1_to_v2(
    payload: Mapping[str, Any], fields: FieldCatalog | None, *, lossless: bool
) -> tuple[JSONObject, JSONObject]:
    meta = _require_object(payload.get("meta"), ("meta",))
    version = payload.get("v", 1)
    if type(version) is not int or version != 1:
        raise ConversionError(
            "unsupported webhook version",
            path=("v",),
            value=payload.get("v"),
            expected="1 for webhook v1",
        )
    meta_v2, lost_meta = meta_v1_to_v2(meta, _retry(payload.get("retry")))
    entity = meta_v2["entity"]
    _check_event(payload.get("event"), meta["action"], entity)
    current = _unwrap_user(payload.get("current"), entity, ("current",))
    previous = _unwrap_user(payload.get("previous"), entity, ("previous",))

    lost: JSONObject = {}
    if lost_meta:
        lost["meta"] = lost_meta
    if "matches_filters" in payload:
        lost["matches_filters"] = s.copy_value(
            payload["matches_filters"], ("matches_filters",)
        )
    # Keys that no documented v1 delivery has: v2 has no place for them, so
    # they go to the removed map rather than vanish.
    unknown = {
        key: s.copy_value(value, (key,))
        for key, value in payload.items()
        if key not in _V1_DELIVERY_KEYS and key not in ("meta", "previous")
    }
    if unknown:
        lost["unknown_keys"] = unknown
    if entity in WEBHOOK_ENTITIES:
        # The removed maps cost a second conversion, so only the lossless
        # variant computes them.
        convert = _entity_to_v2_lossless if lossless else _entity_to_v2
        data = convert(entity, current, fields, "current", lost)
        old = convert(entity, previous, fields, "previous", lost)
    else:
        _warn_passthrough(entity)
        data = None if current is None else s.copy_json(current, ("current",))
        old = None if previous is None else s.copy_json(previous, ("previous",))
    if data is not None and old is not None:
        old = changed_fields(data, old)
    return {"meta": meta_v2, "data": data, "previous": old}, lost


def _retry(value: Any) -> int | None:
    if value is None or (
        type(value) is int and value >= 0 and s.is_printable_int(value)
    ):
        return value
    raise ConversionError(
        "invalid retry",
        path=("retry",),
        value=value,
        expected="a whole number from 0 (first delivery) to 3",
    )


def _check_event(event: Any, action: str, entity: str) -> None:
    if event is not None and event != f"{action}.{entity}":
        raise ConversionError(
            "event does not match meta.action and meta.object",
            path=("event",),
            value=event,
            expected=_short_repr(f"{action}.{entity}"),
            hint="pass the request body exactly as Pipedrive posted it",
        )


def _unwrap_user(value: Any, entity: str, path: Path) -> Mapping[str, Any] | None:
    # v1 sends the object of user events as a one-item list.
    if entity == "user" and isinstance(value, list):
        if len(value) > 1:
            raise ConversionError(
                "invalid user event: more than one user",
                path=path,
                value=value,
                expected="a list with one user object",
            )
        path = (*path, 0)
        value = value[0] if value else None
    return None if value is None else _require_object(value, path)


def _entity_to_v2(
    entity: str,
    record: Mapping[str, Any] | None,
    fields: FieldCatalog | None,
    part: str,
    lost: JSONObject,
) -> JSONObject | None:
    if record is None:
        return None
    try:
        return to_v2(entity, record, fields=fields)
    except ConversionError as error:
        raise error.prefixed((part,)) from None


def _entity_to_v2_lossless(
    entity: str,
    record: Mapping[str, Any] | None,
    fields: FieldCatalog | None,
    part: str,
    lost: JSONObject,
) -> JSONObject | None:
    if record is None:
        return None
    try:
        converted, left_out = to_v2_lossless(entity, record, fields=fields)
    except ConversionError as error:
        raise error.prefixed((part,)) from None
    if left_out:
        lost[part] = left_out
    return converted


def changed_fields(data: Mapping[str, Any], previous: Mapping[str, Any]) -> JSONObject:
    """Reduce a whole previous object to webhook v2's changed-fields form.

    A key is kept, with its old value, when its value differs from the one
    in ``data``. A key that only one side has counts as null on the other.
    Custom fields are compared one by one, so only the changed ones appear
    under ``custom_fields``.
    """
    changed: JSONObject = {}
    for key in _ordered_union(previous, data):
        old, new = previous.get(key), data.get(key)
        if (
            key == "custom_fields"
            and isinstance(old, Mapping)
            and isinstance(new, Mapping)
        ):
            inner = {
                name: s.copy_json(old.get(name))
                for name in _ordered_union(old, new)
                if old.get(name) != new.get(name)
            }
            if inner:
                changed[key] = inner
        elif old != new:
            changed[key] = s.copy_json(old)
    return changed


def _ordered_union(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[str]:
    return [*first, *(key for key in second if key not in first)]


# Webhook v2 -> REST v2 shapes


def _v2_to_rest(payload: Mapping[str, Any]) -> tuple[JSONObject, JSONObject]:
    meta = normalize_v2_meta(_require_object(payload.get("meta"), ("meta",)))
    entity = meta["entity"]
    lost: JSONObject = {}
    data = _webhook_object_to_rest(entity, payload.get("data"), "data", lost)
    old = _webhook_object_to_rest(entity, payload.get("previous"), "previous", lost)
    if entity not in WEBHOOK_ENTITIES:
        _warn_passthrough(entity)
    for key, value in payload.items():
        if key not in ("meta", "data", "previous"):
            lost[key] = s.copy_value(value, (key,))
    return {"meta": meta, "data": data, "previous": old}, lost


def _webhook_object_to_rest(
    entity: str, record: Any, part: str, lost: JSONObject
) -> Any:
    """Convert webhook v2 ``data`` or ``previous`` to the REST v2 entity shape."""
    if record is None:
        return None
    path = (part,)
    out: JSONObject = s.copy_json(_require_object(record, path), path)
    left_out: JSONObject = {}
    if isinstance(out.get("custom_fields"), Mapping):
        values, extras = custom_fields_to_rest(
            out["custom_fields"], path=(*path, "custom_fields")
        )
        out["custom_fields"] = values
        if extras:
            left_out["custom_fields"] = extras
    for quirk in _QUIRKS.get(entity, ()):
        quirk(out, left_out, path)
    if left_out:
        lost[part] = left_out
    return out


Quirk = Callable[[JSONObject, JSONObject, Path], None]


def _rename(source: str, target: str, codec: Codec | None = None) -> Quirk:
    def apply(record: JSONObject, left_out: JSONObject, path: Path) -> None:
        if source not in record:
            return
        value = record.pop(source)
        if target in record:
            # Both spellings present: the REST v2 one wins, the other is kept aside.
            left_out[source] = value
        else:
            record[target] = value if codec is None else codec(value, (*path, source))

    return apply


def _set_aside(name: str) -> Quirk:
    """Move a field that webhook v2 sends and REST v2 does not into the removed map."""

    def apply(record: JSONObject, left_out: JSONObject, path: Path) -> None:
        if name in record:
            left_out[name] = record.pop(name)

    return apply


def _unwrap_clock(name: str) -> Quirk:
    """Replace an activity ``{timezone_id, value}`` time with its value."""

    def apply(record: JSONObject, left_out: JSONObject, path: Path) -> None:
        value = record.get(name)
        if isinstance(value, Mapping):
            record[name] = value.get("value")
            left_out[name] = {
                key: item for key, item in value.items() if key != "value"
            }

    return apply


def _visible_to(record: JSONObject, left_out: JSONObject, path: Path) -> None:
    if "visible_to" in record:
        record["visible_to"] = s.visible_to_to_v2(
            record["visible_to"], (*path, "visible_to")
        )


def _label(record: JSONObject, left_out: JSONObject, path: Path) -> None:
    # Person and organization webhooks send one label id as "label".
    if "label" in record:
        value = record.pop("label")
        if "label_ids" in record:
            left_out["label"] = value
        else:
            record["label_ids"] = s.labels_to_v2(value, (*path, "label"))


_DELETED: Final = _rename("active_flag", "is_deleted", s.negated_bool_to_v2)
_QUIRKS: Final[Mapping[str, tuple[Quirk, ...]]] = {
    "deal": (_visible_to, _label, _DELETED),
    "person": (_visible_to, _label, _DELETED, _rename("im", "ims")),
    "organization": (_visible_to, _label, _DELETED, _set_aside("country_code")),
    "product": (
        _visible_to,
        _DELETED,
        _rename("selectable", "is_linkable", s.bool_to_v2),
    ),
    "activity": (
        _DELETED,
        _rename("busy_flag", "busy", s.bool_to_v2),
        _unwrap_clock("due_time"),
        _unwrap_clock("duration"),
        _set_aside("update_user_id"),
    ),
    # Pipeline and stage webhooks keep the v1 field names.
    "pipeline": (
        _DELETED,
        _rename("deal_probability", "is_deal_probability_enabled", s.bool_to_v2),
        _rename("selected", "is_selected", s.bool_to_v2),
        _set_aside("url_title"),
    ),
    "stage": (
        _DELETED,
        _rename("rotten_flag", "is_deal_rot_enabled", s.bool_to_v2),
        _rename("rotten_days", "days_to_rotten"),
    ),
}
# Fields set aside above that v1 records have, so v2 -> v1 puts them back.
_V1_FIELDS_SET_ASIDE: Final = frozenset({"url_title", "country_code", "update_user_id"})


# REST v2 shapes -> v1


def _rest_to_v1(
    delivery: JSONObject,
    lost: JSONObject,
    fields: FieldCatalog | None,
    restore: Mapping[str, Any],
) -> tuple[JSONObject, JSONObject]:
    meta = delivery["meta"]
    entity = meta["entity"]
    meta_v1, retry, lost_meta = meta_v2_to_v1(meta)
    meta_v1.update(_restored_meta(restore))
    data, old = delivery["data"], delivery["previous"]
    extras_data = _take_v1_fields(lost, "data")
    extras_previous = _take_v1_fields(lost, "previous")
    if meta["action"] == "change" and data is not None and old is not None:
        # v2 sends only the changed fields; v1's previous is the current
        # state with those fields set back.
        old = _overlay(data, old)
        extras_previous = {**extras_data, **extras_previous}
    current: Any = _entity_to_v1(
        entity, data, fields, restore.get("current"), extras_data, "data"
    )
    previous: Any = _entity_to_v1(
        entity, old, fields, restore.get("previous"), extras_previous, "previous"
    )
    if entity == "user":
        current = None if current is None else [current]
        previous = None if previous is None else [previous]

    out: JSONObject = {"v": 1}
    unknown = restore.get("unknown_keys")
    if isinstance(unknown, Mapping):
        for key, value in unknown.items():
            out[key] = s.copy_value(value, ("removed", "unknown_keys", key))
    if "matches_filters" in restore:
        out["matches_filters"] = s.copy_value(
            restore["matches_filters"], ("removed", "matches_filters")
        )
    out["meta"] = dict(sorted(meta_v1.items()))  # v1 sends meta keys sorted
    out["current"] = current
    out["previous"] = previous
    if retry is not None:
        out["retry"] = retry
    out["event"] = f"{out['meta']['action']}.{out['meta']['object']}"
    if lost_meta:
        lost["meta"] = lost_meta
    return out, lost


def _take_v1_fields(lost: JSONObject, part: str) -> JSONObject:
    left_out = lost.get(part)
    if not isinstance(left_out, dict):
        return {}
    moved = {key: left_out.pop(key) for key in _V1_FIELDS_SET_ASIDE & left_out.keys()}
    if not left_out:
        del lost[part]
    return moved


def _overlay(data: Mapping[str, Any], changes: Mapping[str, Any]) -> JSONObject:
    merged: JSONObject = s.copy_json(data, ("data",))
    for key, value in changes.items():
        path = ("previous", key)
        if (
            key == "custom_fields"
            and isinstance(value, Mapping)
            and isinstance(merged.get(key), dict)
        ):
            merged[key].update(s.copy_json(value, path))
        else:
            merged[key] = s.copy_value(value, path)
    return merged


def _entity_to_v1(
    entity: str,
    record: JSONObject | None,
    fields: FieldCatalog | None,
    restore: Any,
    extras: JSONObject,
    part: str,
) -> JSONObject | None:
    if record is None or entity not in WEBHOOK_ENTITIES:
        return record
    restored = {**extras, **restore} if isinstance(restore, Mapping) else extras
    try:
        return to_v1(entity, record, fields=fields, removed=restored or None)
    except ConversionError as error:
        raise error.prefixed((part,)) from None


# Shared helpers


def _require_object(value: Any, path: Path) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    raise ConversionError(
        f"invalid {path[-1]}", path=path, value=value, expected="a JSON object"
    )


def _warn_passthrough(entity: str) -> None:
    note = "; webhook v2 has no activityType events" if entity == "activityType" else ""
    warnings.warn(
        f"no entity rules exist for {_short_repr(entity)} webhooks, so data and "
        f"previous pass through unchanged apart from custom fields{note}",
        LossyConversionWarning,
        stacklevel=_WARN_LEVEL,
    )
