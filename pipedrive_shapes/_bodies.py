"""Request-body conversion between Pipedrive API v1 and v2.

The entity shape (renames, booleans, ids, nested addresses, custom fields)
comes from :func:`pipedrive_shapes.to_v2` and :func:`pipedrive_shapes.to_v1`.
This module adds the rules that hold only for POST and PATCH (v1 PUT)
bodies, as the v2 migration guide states them: required names, no deleted
state, contact lists as objects, activity participants, read-only fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from pipedrive_shapes import _scalars
from pipedrive_shapes._api import to_v1, to_v2
from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._entities import ENTITIES, SPECS
from pipedrive_shapes._paths import format_path
from pipedrive_shapes._routes import Version, quoted
from pipedrive_shapes._rules import IncludeOnly, Items, Nested, Removed, Rule
from pipedrive_shapes.errors import ConversionError

Action = Literal["create", "update"]

#: The field a POST body must carry, per entity (persons are special-cased).
REQUIRED_FIELDS: Final = {
    "product": "name",
    "product_variation": "name",
    "pipeline": "name",
    "stage": "name",
    "deal": "title",
    "organization": "name",
    "follower": "user_id",
}
#: Resource path of each entity, for the advice on deleting.
RESOURCES: Final = {
    "product": "products/:id",
    "product_variation": "products/:id/variations/:product_variation_id",
    "deal_product": "deals/:id/products/:product_attachment_id",
    "pipeline": "pipelines/:id",
    "stage": "stages/:id",
    "deal": "deals/:id",
    "person": "persons/:id",
    "organization": "organizations/:id",
    "activity": "activities/:id",
    "follower": "<entity>/:id/followers/:user_id",
}
# v1 keys whose false value means "deleted". v2's is_deleted and v1's deal
# "deleted" mean it when true.
_ACTIVE_FLAGS: Final = {
    "product": ("active_flag",),
    "stage": ("active_flag",),
    "person": ("active_flag", "is_active"),
    "organization": ("active_flag", "is_active"),
    "activity": ("active_flag", "is_active"),
    "pipeline": ("active", "active_flag"),
}
_DELETED_FLAGS: Final = {"deal": ("deleted", "is_deleted")}
_CONTACT_KEYS: Final = (("phone", "phones"), ("email", "emails"), ("im", "ims"))
_DEFAULT_CONTACT_LABEL: Final = "work"
#: Deal fields that a v2 PATCH does not accept (official client changelog 28.0.1).
_DEAL_PATCH_READ_ONLY: Final = ("add_time", "update_time", "stage_change_time")
#: Include-only fields that v2 request bodies may still set.
_WRITABLE_INCLUDE: Final = {"activity": ("attendees",)}

_NOT_DELETED_REASON: Final = (
    "v2 request bodies cannot set the deleted state; the record stays not deleted"
)
_SPECIFIC_REASONS: Final = {
    ("product", "product_variations"): (
        "v2 manages variations through /api/v2/products/:id/variations"
    ),
    ("deal", "active"): "v2 has no active field; it always equalled status == 'open'",
    ("pipeline", "order_nr"): (
        "order_nr is read-only in v2: new pipelines go to the end of the list, "
        "and reordering happens in the Pipedrive UI"
    ),
}
_REMOVED_REASON: Final = "v2 no longer has this field"
_READ_ONLY_INCLUDE: Final = (
    "v2 returns this field only in responses (through include_fields)"
)
_DROPPED_SUBFIELD: Final = "v2 address objects have no such subfield"


@dataclass(slots=True)
class _Body:
    entity: str
    action: Action
    to: Version
    strict: bool
    removed: dict[str, str] = field(default_factory=dict)

    def drop(self, path: Sequence[str | int], value: Any, reason: str) -> None:
        """Record a field that the target cannot carry (raise when strict)."""
        if self.strict:
            raise ConversionError(
                f"{self.to} request bodies have no equivalent of this field",
                path=path,
                value=value,
                hint=reason,
            )
        self.removed[format_path(("body", *path))[2:]] = reason


def action_of(method: object) -> Action:
    """Return ``"create"`` for POST and ``"update"`` for PUT or PATCH.

    :raises ConversionError: for any other method, or one that is not a string.
    """
    verb = method.strip().upper() if isinstance(method, str) else None
    if verb == "POST":
        return "create"
    if verb in ("PUT", "PATCH"):
        return "update"
    raise ConversionError(
        "only POST, PUT and PATCH requests carry a body",
        value=method,
        expected="'POST', 'PUT' or 'PATCH'",
        hint="leave the body out of other requests",
    )


def check_entity(entity: object) -> str:
    """Return ``entity`` when it names an entity that request bodies carry.

    :raises ConversionError: for any other value.
    """
    if isinstance(entity, str) and entity in SPECS:
        return entity
    raise ConversionError(
        "unknown entity",
        value=entity,
        expected=f"one of {', '.join(ENTITIES)}",
        hint="pass the singular entity name, such as 'deal'",
    )


def convert_body_parts(
    entity: str,
    body: Mapping[str, Any],
    method: str,
    *,
    to: Version,
    strict: bool = False,
    fields: FieldCatalog | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Convert one request body of ``entity`` to version ``to`` (internal engine).

    :returns: the converted body and the removed map.
    """
    check_entity(entity)
    if not isinstance(body, Mapping):
        raise ConversionError(
            "invalid request body", value=body, expected="a JSON object"
        )
    context = _Body(entity, action_of(method), to, strict)
    payload = dict(body)
    _check_deleted_state(context, payload)
    if context.action == "create":
        _check_required(context, payload)
    if entity == "person":
        _person_name(context, payload)
    archive_time = _pop_archive_time(context, payload)
    if to == "v2":
        out = _forward(context, payload, fields)
    else:
        out = _backward(context, payload, fields)
    if archive_time is not None:
        out["archive_time"] = archive_time
    return out, context.removed


def _forward(
    context: _Body, payload: dict[str, Any], fields: FieldCatalog | None
) -> dict[str, Any]:
    entity = context.entity
    if entity == "pipeline" and "order_nr" in payload:
        _drop_key(context, payload, "order_nr")

    if entity == "deal" and context.action == "update":
        for key in _DEAL_PATCH_READ_ONLY:
            if key in payload:
                context.drop(
                    (key,),
                    payload.pop(key),
                    "v2 PATCH /deals/:id does not accept this field",
                )
    if entity == "person":
        for v1_key, _ in _CONTACT_KEYS:
            if v1_key in payload:
                payload[v1_key] = _contact_objects(payload[v1_key], v1_key)

    _report_dropped(context, SPECS[entity].rules, payload, ())
    include = [name for name in _WRITABLE_INCLUDE.get(entity, ()) if name in payload]
    out = to_v2(entity, payload, fields=fields, include_fields=include)
    out.pop("is_deleted", None)  # Deleted-state keys were checked and removed above.
    if out.get("custom_fields") == {}:
        out.pop("custom_fields")  # An empty object would change nothing.

    if entity == "person":
        for _, v2_key in _CONTACT_KEYS:
            if isinstance(out.get(v2_key), list):
                _mark_primary(out[v2_key], v2_key)
    if entity == "activity":
        _person_to_participant(context, out)
    if entity == "product" and isinstance(out.get("prices"), list):
        _check_one_price_per_currency(out["prices"])
    return out


def _backward(
    context: _Body, payload: dict[str, Any], fields: FieldCatalog | None
) -> dict[str, Any]:
    out = to_v1(context.entity, payload, fields=fields)
    # to_v1 rebuilds response-only v1 fields, such as a deal's "active" or an
    # activity's "assigned_to_user_id", and writes a null address subpremise.
    # A request never sends them.
    rules = SPECS[context.entity].rules
    for key in _derived_fields(rules):
        if key not in payload:
            out.pop(key, None)
    for key in _dropped_subfields(rules):
        if key in out and out[key] is None and key not in payload:
            del out[key]
    return out


def _drop_key(context: _Body, payload: dict[str, Any], key: str) -> None:
    reason = _SPECIFIC_REASONS.get((context.entity, key), _REMOVED_REASON)
    context.drop((key,), payload.pop(key), reason)


# Deleted state, required fields and names.


def _check_deleted_state(context: _Body, payload: dict[str, Any]) -> None:
    """Reject a body that creates a deleted record or deletes one.

    Flags that mean "not deleted" are dropped and reported, because a v2
    request body cannot carry the deleted state at all.
    """
    entity = context.entity
    # Each key with the flag value that means "deleted".
    keys = [(key, False) for key in _ACTIVE_FLAGS.get(entity, ())]
    keys += [(key, True) for key in _DELETED_FLAGS.get(entity, ("is_deleted",))]
    for key, deleted_when in keys:
        if key not in payload:
            continue
        value = payload[key]
        if _scalars.bool_to_v2(value, (key,)) is deleted_when:
            _raise_deleted(context, key, value)
        del payload[key]
        context.removed[format_path(("body", key))[2:]] = _NOT_DELETED_REASON
    if entity == "deal" and payload.get("status") == "deleted":
        _raise_deleted(context, "status", "deleted")


def _raise_deleted(context: _Body, key: str, value: Any) -> None:
    delete = f"DELETE /api/{context.to}/{RESOURCES[context.entity]}"
    if context.action == "create":
        raise ConversionError(
            "POST cannot create a record that is already deleted",
            path=(key,),
            value=value,
            expected="a record that is not deleted",
            hint=f"create the {context.entity} without the deleted state, then send {delete}",
        )
    raise ConversionError(
        "an update cannot delete the record",
        path=(key,),
        value=value,
        expected="no deleted state in the update body",
        hint=f"send {delete} instead",
    )


def _check_required(context: _Body, payload: Mapping[str, Any]) -> None:
    key = REQUIRED_FIELDS.get(context.entity)
    if key is not None and _is_blank(payload.get(key)):
        raise ConversionError(
            f"missing {key}",
            path=(key,),
            value=payload.get(key),
            expected=f"a non-empty {key}",
            hint=f"{key} is the only field required to create a {context.entity}",
        )


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _person_name(context: _Body, payload: dict[str, Any]) -> None:
    """Check a person's name and set ``name`` when only its two parts are given.

    v2 takes ``name`` (and splits it itself) or both ``first_name`` and
    ``last_name`` (and joins them with a space). Writing the joined name out
    keeps the body valid for v1 too, which required ``name``.
    """
    name = payload.get("name")
    has_name = not _is_blank(name)
    has_first, has_last = "first_name" in payload, "last_name" in payload
    if not has_first and not has_last:
        if not has_name and (context.action == "create" or "name" in payload):
            raise _missing_name(name)
        return
    if not (has_first and has_last):
        if has_name:
            return  # v2 derives both parts from name.
        raise _missing_name(name)
    parts = (payload["first_name"], payload["last_name"])
    for key, part in zip(("first_name", "last_name"), parts, strict=True):
        if part is not None and not isinstance(part, str):
            raise ConversionError(
                f"invalid {key}", path=(key,), value=part, expected="a string"
            )
    joined = " ".join(part.strip() for part in parts if part and part.strip())
    if not has_name:
        if not joined:
            raise ConversionError(
                "first_name and last_name are both empty",
                path=("first_name",),
                value=parts[0],
                expected="at least one non-empty name part",
                hint="either part may be empty, but not both",
            )
        payload["name"] = joined
    elif not isinstance(name, str) or name.strip() != joined:
        raise ConversionError(
            "name disagrees with first_name and last_name",
            path=("name",),
            value=name,
            expected=quoted(joined),
            hint="send either name or the two parts, or make them agree",
        )


def _missing_name(name: Any) -> ConversionError:
    return ConversionError(
        "missing name",
        path=("name",),
        value=name,
        expected="name, or both first_name and last_name",
        hint="send name, or send first_name and last_name together",
    )


def _pop_archive_time(context: _Body, payload: dict[str, Any]) -> str | None:
    """Take out a deal's ``archive_time``, which request bodies write as plain UTC.

    v2 documents ``archive_time`` in request bodies as ``YYYY-MM-DD HH:MM:SS``
    although its responses use RFC 3339. v1 used the plain form everywhere.
    """
    if context.entity != "deal" or payload.get("archive_time") is None:
        return None
    value = payload.pop("archive_time")
    if isinstance(value, str) and "T" not in value.upper():
        _scalars.timestamp_to_v2(value, ("archive_time",))  # Validates the plain form.
        return value
    return str(_scalars.timestamp_to_v1(value, ("archive_time",)))


# Fields that v2 dropped.


def _report_dropped(
    context: _Body,
    rules: Sequence[Rule],
    record: Mapping[str, Any],
    path: tuple[str | int, ...],
) -> None:
    """Report every key of ``record`` that the v2 shape leaves out."""
    reasons: dict[str, str] = {}
    items: dict[str, Sequence[Rule]] = {}
    writable = _WRITABLE_INCLUDE.get(context.entity, ())
    for rule in rules:
        if isinstance(rule, Removed):
            for name in (rule.v1, *rule.v1_aliases):
                reasons[name] = _SPECIFIC_REASONS.get(
                    (context.entity, name), _REMOVED_REASON
                )
        elif isinstance(rule, IncludeOnly) and rule.v1 not in writable:
            reasons[rule.v1] = _READ_ONLY_INCLUDE
        elif isinstance(rule, Nested):
            for name in rule.dropped:
                reasons[f"{rule.v1}_{name}"] = _DROPPED_SUBFIELD
        elif isinstance(rule, Items):
            items[rule.v1] = rule.rules
    for key, value in record.items():
        if key in reasons:
            context.drop((*path, key), value, reasons[key])
        elif key in items and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    _report_dropped(context, items[key], item, (*path, key, index))


def _derived_fields(rules: Sequence[Rule]) -> list[str]:
    return [rule.v1 for rule in rules if isinstance(rule, Removed) and rule.derive]


def _dropped_subfields(rules: Sequence[Rule]) -> list[str]:
    return [
        f"{rule.v1}_{name}"
        for rule in rules
        if isinstance(rule, Nested)
        for name in rule.dropped
    ]


# Persons: phones, emails and ims.


def _contact_objects(value: Any, key: str) -> Any:
    """Turn v1's plain string or list of strings into a list of contact objects."""
    if value is None:
        return None
    if isinstance(value, str):
        return [{"value": value}] if value else []
    if isinstance(value, Mapping):
        return [dict(value)]
    if isinstance(value, list):
        entries: list[Any] = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                entries.append({"value": item})
            elif isinstance(item, Mapping):
                entries.append(dict(item))
            else:
                raise ConversionError(
                    f"invalid {key} entry",
                    path=(key, index),
                    value=item,
                    expected="a string or an object with a value",
                )
        return entries
    raise ConversionError(
        f"invalid {key}",
        path=(key,),
        value=value,
        expected="a string, a list of strings or a list of objects",
    )


def _mark_primary(entries: list[Any], key: str) -> None:
    """Default each label to "work" and leave exactly one entry primary."""
    primaries: list[int] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or "value" not in entry:
            raise ConversionError(
                f"{key} entry without a value",
                path=(key, index),
                value=entry,
                expected="an object with a value",
            )
        if _is_blank(entry.get("label")):
            entry["label"] = _DEFAULT_CONTACT_LABEL
        if _scalars.bool_to_v2(entry.get("primary"), (key, index, "primary")):
            primaries.append(index)
    if len(primaries) > 1:
        raise ConversionError(
            f"more than one primary entry in {key}",
            path=(key, primaries[1], "primary"),
            value=True,
            expected="at most one primary entry",
            hint="mark a single entry as primary",
        )
    chosen = primaries[0] if primaries else 0  # v2 makes the first entry primary.
    for index, entry in enumerate(entries):
        entry["primary"] = index == chosen


# Activities: person_id is read-only in v2.


def _person_to_participant(context: _Body, out: dict[str, Any]) -> None:
    """Move ``person_id`` into a primary participant, as v2 sets it that way."""
    if "person_id" not in out:
        return
    person = out.pop("person_id")
    participants = out.get("participants")

    if person is None:
        context.drop(
            ("person_id",),
            None,
            "v2 sets person_id through participants; send the participants list to change it",
        )
        return
    if not participants:
        out["participants"] = [{"person_id": person, "primary": True}]
        return

    if not isinstance(participants, list):
        return  # Unreachable: to_v2 rejects participants that are not a list.

    primary = [
        entry
        for entry in participants
        if isinstance(entry, dict) and entry.get("primary")
    ]
    matching = [
        entry
        for entry in participants
        if isinstance(entry, dict) and entry.get("person_id") == person
    ]
    if primary and primary[0].get("person_id") == person:
        return
    if not primary and matching:
        matching[0]["primary"] = True  # v1's person_id was the primary participant.
        return
    raise ConversionError(
        "person_id disagrees with participants",
        path=("person_id",),
        value=person,
        expected="the person_id of the primary participant",
        hint="v2 sets person_id through the primary participant; send only participants",
    )


def _check_one_price_per_currency(prices: list[Any]) -> None:
    seen: set[str] = set()
    for index, price in enumerate(prices):
        currency = price.get("currency") if isinstance(price, dict) else None
        if currency is None:
            continue
        if not isinstance(currency, str):
            raise ConversionError(
                "invalid currency",
                path=("prices", index, "currency"),
                value=currency,
                expected="a currency code string such as 'EUR'",
            )
        if currency in seen:
            raise ConversionError(
                "more than one price in the same currency",
                path=("prices", index, "currency"),
                value=currency,
                expected="at most one price per currency",
            )
        seen.add(currency)
