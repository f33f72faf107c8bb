"""Webhook meta blocks and subscription bodies, webhook v1 <-> webhook v2.

Both use the event vocabulary that changed between the versions: v1's
actions ``added``, ``updated``, ``merged`` and ``deleted`` became ``create``,
``change`` and ``delete``. In ``meta``, v1 names the object ``object`` and
its id ``id`` (an integer), counts retries from 0 and sends Unix seconds.
v2 names them ``entity`` and ``entity_id`` (a string), counts attempts from
1, uses ``id`` for the event and sends RFC 3339 timestamps.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final, Literal

from pipedrive_shapes import _scalars as s
from pipedrive_shapes._paths import Path
from pipedrive_shapes.errors import ConversionError, LossyConversionWarning

__all__ = [
    "check_target",
    "convert_webhook_subscription",
    "meta_v1_to_v2",
    "meta_v2_to_v1",
    "normalize_v2_meta",
]

Version = Literal["v1", "v2"]
JSONObject = dict[str, Any]

_ACTIONS_V1_TO_V2: Final = {
    "added": "create",
    "updated": "change",
    "merged": "change",
    "deleted": "delete",
}
_ACTIONS_V2_TO_V1: Final = {"create": "added", "change": "updated", "delete": "deleted"}

# Meta keys that webhook v2 removed, per Pipedrive's migration guide, plus
# prepublish_timestamp, which v1 deliveries carry without documentation.
_V1_ONLY_META: Final = (
    "timestamp_micro",
    "trans_pending",
    "pipedrive_service_name",
    "matches_filters",
    "send_activity_notifications",
    "activity_notifications_language",
    "prepublish_timestamp",
)
# Meta keys that webhook v2 added and v1 has no place for.
_V2_ONLY_META: Final = (
    "id",
    "correlation_id",
    "webhook_owner_id",
    "merged_from_id",
    "merged_to_id",
)
_V1_META_KEYS: Final = frozenset(
    {
        *("action", "object", "id", "company_id", "user_id", "webhook_id", "v"),
        *("is_bulk_update", "timestamp", "type", "change_source", "host"),
        *("permitted_user_ids", *_V1_ONLY_META),
    }
)
_V2_META_KEYS: Final = frozenset(
    {
        *("action", "entity", "entity_id", "company_id", "user_id", "webhook_id"),
        *("is_bulk_edit", "timestamp", "type", "version", "change_source", "attempt"),
        *("host", "permitted_user_ids", *_V2_ONLY_META),
    }
)
_V2_ID_KEYS: Final = (
    "entity_id",
    "company_id",
    "user_id",
    "webhook_id",
    "webhook_owner_id",
    "merged_from_id",
    "merged_to_id",
    "id",
)


def check_target(to: Any) -> Version:
    """Return ``to`` when it names a webhook format, else raise ConversionError."""
    if type(to) is str and to in ("v1", "v2"):
        return "v1" if to == "v1" else "v2"
    raise ConversionError(
        "invalid target version",
        value=to,
        expected="'v1' or 'v2'",
        hint="pass to='v1' or to='v2'",
    )


def meta_v1_to_v2(
    meta: Mapping[str, Any], retry: int | None
) -> tuple[JSONObject, JSONObject]:
    """Convert a v1 ``meta`` and the top-level ``retry`` to a v2 ``meta`` (v1 -> v2).

    :returns: ``(meta, removed)``; ``removed`` contains the v1-only keys.
    """
    action = meta.get("action")
    if type(action) is not str or action not in _ACTIONS_V1_TO_V2:
        raise _invalid_action(action, tuple(_ACTIONS_V1_TO_V2))
    out: JSONObject = {
        "action": _ACTIONS_V1_TO_V2[action],
        "entity": _entity_name(meta.get("object"), ("meta", "object")),
    }
    if "id" in meta:
        out["entity_id"] = _id_string(meta["id"], ("meta", "id"))
    for key in ("company_id", "user_id", "webhook_id"):
        if key in meta:
            out[key] = _id_string(meta[key], ("meta", key))
    if "is_bulk_update" in meta:
        out["is_bulk_edit"] = _copy_meta(meta, "is_bulk_update")
    if "timestamp" in meta:
        out["timestamp"] = _epoch_to_rfc3339(meta["timestamp"], ("meta", "timestamp"))
    if "type" in meta:
        out["type"] = _copy_meta(meta, "type")
    out["version"] = "2.0"
    if "change_source" in meta:
        out["change_source"] = _copy_meta(meta, "change_source")
    if retry is not None:
        out["attempt"] = retry + 1
    if "host" in meta:
        out["host"] = _copy_meta(meta, "host")
    if "permitted_user_ids" in meta:
        out["permitted_user_ids"] = _id_strings(meta["permitted_user_ids"])
    _copy_unknown(meta, _V1_META_KEYS, out)

    lost = {key: _copy_meta(meta, key) for key in _V1_ONLY_META if key in meta}
    if action == "merged":
        # v1 does not say which object was merged away, so merged_from_id
        # stays unset; the action is kept for the way back.
        lost["action"] = "merged"
    return out, lost


def normalize_v2_meta(meta: Mapping[str, Any]) -> JSONObject:
    """Check a v2 ``meta`` and write its ids as strings and its timestamp as RFC 3339."""
    action = meta.get("action")
    if type(action) is not str or action not in _ACTIONS_V2_TO_V1:
        raise _invalid_action(action, tuple(_ACTIONS_V2_TO_V1))
    _check_keys(meta)
    out: JSONObject = s.copy_json(meta, ("meta",))
    out["entity"] = _entity_name(meta.get("entity"), ("meta", "entity"))
    # The official examples send ids as strings; other senders use numbers.
    for key in _V2_ID_KEYS:
        if meta.get(key) is not None:
            out[key] = _id_string(meta[key], ("meta", key))
    if "permitted_user_ids" in meta:
        out["permitted_user_ids"] = _id_strings(meta["permitted_user_ids"])
    if "timestamp" in meta:
        # User events send Unix seconds; the others send RFC 3339.
        out["timestamp"] = _timestamp_to_rfc3339(meta["timestamp"])
    if "attempt" in meta:
        _attempt(meta["attempt"])
    return out


def meta_v2_to_v1(meta: Mapping[str, Any]) -> tuple[JSONObject, int | None, JSONObject]:
    """Convert a checked v2 ``meta`` to a v1 ``meta`` and ``retry`` (v2 -> v1).

    :returns: ``(meta, retry, removed)``; ``removed`` contains the v2-only keys
        and a timestamp whose milliseconds v1 cannot hold.
    """
    action = _ACTIONS_V2_TO_V1[meta["action"]]
    if action == "updated" and meta.get("merged_from_id") is not None:
        action = "merged"
    out: JSONObject = {"action": action, "object": meta["entity"], "v": 1}
    if "entity_id" in meta:
        out["id"] = _id_number(meta["entity_id"])
    for key in ("company_id", "user_id"):
        if key in meta:
            out[key] = _id_number(meta[key])
    # v1 deliveries send webhook_id as a string too.
    for key in ("webhook_id", "change_source", "host", "type"):
        if key in meta:
            out[key] = meta[key]
    if "is_bulk_edit" in meta:
        out["is_bulk_update"] = meta["is_bulk_edit"]
    if "permitted_user_ids" in meta:
        out["permitted_user_ids"] = [
            _id_number(item) for item in meta["permitted_user_ids"]
        ]
    lost = {key: meta[key] for key in _V2_ONLY_META if key in meta}
    if "timestamp" in meta:
        out["timestamp"] = epoch = _rfc3339_to_epoch(meta["timestamp"])
        if _epoch_to_rfc3339(epoch, ("meta", "timestamp")) != meta["timestamp"]:
            lost["timestamp"] = meta["timestamp"]  # the milliseconds v1 cannot hold
    if meta.get("version", "2.0") != "2.0":
        lost["version"] = meta["version"]
    _copy_unknown(meta, _V2_META_KEYS, out)
    retry = meta["attempt"] - 1 if "attempt" in meta else None
    return out, retry, lost


def _entity_name(value: Any, path: Path) -> str:
    if isinstance(value, str) and value:
        return value
    raise ConversionError(
        "missing or invalid object type",
        path=path,
        value=value,
        expected="an object type such as 'deal' or 'person'",
        hint="pass the request body exactly as Pipedrive posted it",
    )


def _invalid_action(value: Any, allowed: tuple[str, ...]) -> ConversionError:
    return ConversionError(
        "invalid webhook action",
        path=("meta", "action"),
        value=value,
        expected=f"one of {', '.join(allowed)}",
        hint="v1 actions are added, updated, merged and deleted; v2 ones are create, "
        "change and delete",
    )


def _id_string(value: Any, path: Path) -> str:
    if type(value) is int and s.is_printable_int(value):
        return str(value)
    if isinstance(value, str) and value and not _is_long_digit_string(value):
        return value
    raise ConversionError(
        "invalid id",
        path=path,
        value=value,
        expected="an integer or a non-empty string",
    )


def _is_long_digit_string(text: str) -> bool:
    # A digit string id becomes an integer in v1, and digits_to_int parses at
    # most MAX_INT_DIGITS digits, so a longer one is rejected on the way in.
    return text.isascii() and text.isdigit() and s.digits_to_int(text) is None


def _id_strings(values: Any) -> list[str]:
    path = ("meta", "permitted_user_ids")
    if not isinstance(values, list):
        raise ConversionError(
            "invalid permitted_user_ids",
            path=path,
            value=values,
            expected="a list of user ids",
        )
    return [_id_string(item, (*path, index)) for index, item in enumerate(values)]


def _id_number(value: Any) -> Any:
    # Numeric ids become v1 integers; lead ids are UUIDs and stay strings.
    # normalize_v2_meta has rejected digit strings that are too long to parse.
    number = s.digits_to_int(value) if isinstance(value, str) else None
    return value if number is None else number


def _attempt(value: Any) -> int:
    if type(value) is int and value >= 1 and s.is_printable_int(value):
        return value
    raise ConversionError(
        "invalid attempt",
        path=("meta", "attempt"),
        value=value,
        expected="a whole number from 1 (first delivery) to 4",
    )


def _epoch_to_rfc3339(value: Any, path: Path) -> str:
    number = s.digits_to_int(value) if isinstance(value, str) else None
    if number is not None:
        value = number
    if type(value) is int:
        try:
            return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, OSError, ValueError):
            pass
    raise ConversionError(
        "invalid timestamp",
        path=path,
        value=value,
        expected="Unix time in whole seconds, such as 1735725600",
    )


def _timestamp_to_rfc3339(value: Any) -> str:
    if isinstance(value, str) and not value.isdigit():
        _rfc3339_to_epoch(value)
        return value
    return _epoch_to_rfc3339(value, ("meta", "timestamp"))


def _rfc3339_to_epoch(value: Any) -> int:
    if type(value) is int:
        return value
    number = s.digits_to_int(value) if isinstance(value, str) else None
    if number is not None:
        return number
    if isinstance(value, str) and len(value) >= 20 and value[10] in "Tt":
        try:
            moment = datetime.fromisoformat(value.upper())
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return int(moment.timestamp() // 1)
    raise ConversionError(
        "invalid timestamp",
        path=("meta", "timestamp"),
        value=value,
        expected="an RFC 3339 timestamp such as '2025-01-01T10:00:00.412Z', or Unix seconds",
    )


def _copy_unknown(
    source: Mapping[str, Any], known: frozenset[str], out: JSONObject
) -> None:
    # Keys that neither format documents pass through unchanged.
    _check_keys(source)
    for key, value in source.items():
        if key not in known and key not in out:
            out[key] = s.copy_value(value, ("meta", key))


def _copy_meta(meta: Mapping[str, Any], key: str) -> Any:
    return s.copy_value(meta[key], ("meta", key))


def _check_keys(meta: Mapping[str, Any]) -> None:
    # v1 meta keys are sorted on the way out, and JSON needs string keys.
    for key in meta:
        if type(key) is not str:
            raise ConversionError(
                "invalid meta key",
                path=("meta",),
                value=key,
                expected="string keys, as in JSON objects",
                hint="convert the keys to strings",
            )


# Subscriptions

_SUBSCRIPTION_ACTIONS: Final[Mapping[Version, Mapping[str, str]]] = {
    "v2": _ACTIONS_V1_TO_V2,
    "v1": _ACTIONS_V2_TO_V1,
}
_SUBSCRIPTION_VERSIONS: Final[Mapping[Version, str]] = {"v1": "1.0", "v2": "2.0"}
_V1_OBJECTS: Final = frozenset(
    {"*", "activity", "activityType", "deal", "note", "organization", "person"}
    | {"pipeline", "product", "stage", "user"}
)


def convert_webhook_subscription(
    body: Mapping[str, Any], to: Version = "v2"
) -> JSONObject:
    """Convert a ``POST /v1/webhooks`` body between webhook v1 and v2.

    ``event_action`` names are translated (``added`` <-> ``create``,
    ``updated`` <-> ``change``, ``deleted`` <-> ``delete``; ``*`` stays) and
    ``version`` is set to ``"1.0"`` or ``"2.0"``. Other keys are copied.
    A v1 ``merged`` subscription becomes ``change``, which also fires on
    ordinary edits, and a v2 ``change`` becomes ``updated``, which misses
    merges; both emit :class:`LossyConversionWarning`.

    >>> convert_webhook_subscription({"event_action": "added", "event_object": "deal"})
    {'event_action': 'create', 'event_object': 'deal', 'version': '2.0'}

    :raises ConversionError: when ``body`` is not a mapping or ``to`` is
        neither ``"v1"`` nor ``"v2"``, for an unknown action, or for an
        object the target version has no webhooks for (``activityType`` in
        v2; ``lead`` and the newer objects in v1).
    """
    if not isinstance(body, Mapping):
        raise ConversionError(
            "invalid subscription body",
            value=body,
            expected="a JSON object with event_action and event_object",
            hint="pass the body of a POST /v1/webhooks request",
        )
    to = check_target(to)
    table = _SUBSCRIPTION_ACTIONS[to]
    action = body.get("event_action")
    if type(action) is not str or (
        action != "*" and action not in table and action not in table.values()
    ):
        raise ConversionError(
            "invalid event_action",
            path=("event_action",),
            value=action,
            expected=f"'*' or one of {', '.join(sorted({*table, *table.values()}))}",
        )
    _check_subscription_object(body.get("event_object"), to)
    if action == "merged":
        _warn_subscription(
            "a v1 'merged' subscription becomes 'change', which also "
            "fires on ordinary edits"
        )
    elif action == "change" and to == "v1":
        _warn_subscription(
            "a v2 'change' subscription becomes 'updated', which misses "
            "merges; add a second subscription for 'merged'"
        )
    out: JSONObject = s.copy_json(body, ())
    out["event_action"] = table.get(action, action)
    out["version"] = _SUBSCRIPTION_VERSIONS[to]
    return out


def _check_subscription_object(event_object: Any, to: Version) -> None:
    if not isinstance(event_object, str) or not event_object:
        raise ConversionError(
            "missing or invalid event_object",
            path=("event_object",),
            value=event_object,
            expected="an object type such as 'deal', or '*'",
        )
    if to == "v2" and event_object == "activityType":
        raise ConversionError(
            "webhook v2 has no activityType events",
            path=("event_object",),
            value=event_object,
            expected="an object type that webhook v2 supports",
            hint="keep this subscription on version 1.0",
        )
    if to == "v1" and event_object not in _V1_OBJECTS:
        raise ConversionError(
            "webhook v1 has no events for this object type",
            path=("event_object",),
            value=event_object,
            expected=f"one of {', '.join(sorted(_V1_OBJECTS))}",
            hint="keep this subscription on version 2.0",
        )


def _warn_subscription(message: str) -> None:
    warnings.warn(message, LossyConversionWarning, stacklevel=3)
