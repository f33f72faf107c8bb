"""The public entity converters: :func:`to_v2`, :func:`to_v1`, :func:`to_v2_lossless`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from pipedrive_shapes import _scalars as s
from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._engine import Plan, State, apply_backward, apply_forward
from pipedrive_shapes._entities import ENTITIES, SPECS
from pipedrive_shapes._humanize import dehumanize, humanize
from pipedrive_shapes._validate import check
from pipedrive_shapes.errors import ConversionError

#: Key of the lossless ``removed`` map that lists v1 keys the original record
#: did not have, although v2 -> v1 derives them.
ABSENT_KEY: Final = "__absent__"

_PLANS: dict[str, Plan] = {}


def plan_for(entity: Any) -> Plan:
    """Return the compiled plan of ``entity``, compiling it on first use."""
    plan = _PLANS.get(entity) if type(entity) is str else None
    if plan is None:
        spec = SPECS.get(entity) if type(entity) is str else None
        if spec is None:
            raise ConversionError(
                "unknown entity",
                value=entity,
                expected=f"one of {', '.join(ENTITIES)}",
                hint="pass the singular entity name, e.g. 'deal'",
            )
        plan = _PLANS[entity] = Plan(
            spec.rules,
            spec.name,
            custom_fields=spec.custom_fields,
            always_custom_fields=spec.always_custom_fields,
        )
    return plan


_NO_NAMES: Final[frozenset[str]] = frozenset()


def _names(value: Iterable[str] | str | None, argument: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset(part.strip() for part in value.split(",") if part.strip())
    if not isinstance(value, list | tuple | set | frozenset):
        raise ConversionError(
            f"invalid {argument} argument",
            value=value,
            expected="a list of field names or a comma-separated string",
            hint=f"pass {argument} such as ['products_count'] or 'products_count'",
        )
    names = frozenset(name for name in value if type(name) is str)
    for name in value:
        if type(name) is not str:
            raise ConversionError(
                f"invalid {argument} name",
                value=name,
                expected="field names as strings",
                hint=f"pass {argument} as a list of names or a comma-separated string",
            )
    return names


def _check_catalog(fields: Any) -> FieldCatalog | None:
    if fields is None or isinstance(fields, FieldCatalog):
        return fields
    raise ConversionError(
        "invalid fields argument",
        value=fields,
        expected="a FieldCatalog or None",
        hint="load definitions with FieldCatalog.from_json(...) or FieldCatalog.from_file(...)",
    )


def to_v2(
    entity: str,
    payload: Mapping[str, Any] | int,
    *,
    fields: FieldCatalog | None = None,
    include_fields: Iterable[str] | str = (),
    custom_fields: Iterable[str] | str | None = None,
    field_names: bool = False,
    strict: bool = False,
    validate: bool = False,
) -> dict[str, Any]:
    """Convert one v1 record of ``entity`` to its v2 shape (v1 -> v2).

    Fields that v2 no longer returns are left out; fields that v2 returns
    only through ``include_fields`` are kept when named there. Use
    :func:`to_v2_lossless` to keep what is left out.

    :param entity: one of :data:`ENTITIES`, such as ``"deal"``.
    :param payload: the v1 record, as decoded from JSON. It is not changed.
        For ``"follower"`` it may also be a bare user id, as v1 listed a
        user's followers.
    :param fields: the account's field definitions, which decide how custom
        fields convert; without them only the value's shape decides.
    :param include_fields: v2's ``include_fields`` names to keep.
    :param custom_fields: when given, only these custom field keys are kept,
        like v2's ``custom_fields`` query parameter.
    :param field_names: name custom fields by their field names and show
        option labels instead of ids (see :func:`humanize`); needs ``fields``.
    :param strict: raise where only field definitions could decide.
    :param validate: check the input against the v1 schema before converting
        and the output against the strict v2 schema after; the first problem
        raises :class:`ConversionError`.
    :returns: a new dict sharing no lists or dicts with ``payload``.
    :raises ConversionError: for a value v2 cannot hold, naming its path.

    >>> to_v2("stage", {"id": 1, "active_flag": True, "rotten_days": None})
    {'id': 1, 'is_deleted': False, 'days_to_rotten': None}
    """
    plan = plan_for(entity)
    if validate:
        check(entity, payload, "v1", _check_catalog(fields))
    include = (
        _NO_NAMES if include_fields == () else _names(include_fields, "include_fields")
    )
    unknown = include - plan.include_names if include else include
    if unknown:
        raise ConversionError(
            f"unknown include_fields name for {entity}",
            value=sorted(unknown)[0],
            expected=f"one of {', '.join(sorted(plan.include_names)) or 'none'}",
            hint="see the include_fields list of the v2 endpoint",
        )
    if entity == "follower" and type(payload) is int:
        # v1 listed a user's followers as bare user ids.
        payload = {"user_id": payload, "add_time": None}
    state = State(
        plan.entity, catalog=_check_catalog(fields), include=include, strict=strict
    )
    out = apply_forward(plan, payload, state)
    if custom_fields is not None and "custom_fields" in out:
        keep = _names(custom_fields, "custom_fields")
        out["custom_fields"] = {
            key: value for key, value in out["custom_fields"].items() if key in keep
        }
    if validate:
        check(entity, out, "v2", state.catalog, output=True)
    if field_names:
        out = humanize(plan.entity, out, fields=_require_catalog(state.catalog))
    return out


def _require_catalog(catalog: FieldCatalog | None) -> FieldCatalog:
    if catalog is None:
        raise ConversionError(
            "field_names needs field definitions",
            expected="fields=FieldCatalog(...)",
            hint="load the account's field definitions and pass them as fields=",
        )
    return catalog


def to_v1(
    entity: str,
    payload: Mapping[str, Any],
    *,
    fields: FieldCatalog | None = None,
    removed: Mapping[str, Any] | None = None,
    field_names: bool = False,
    strict: bool = False,
    validate: bool = False,
) -> dict[str, Any]:
    """Convert one v2 record of ``entity`` to its v1 shape (v2 -> v1).

    Fields that v1 had and v2 dropped come back where v2 data determines
    them (a deal's ``active`` from its ``status``, for example) and are left
    out where it does not. Related objects come back as bare ids, as v1
    requests wrote them.

    :param removed: the map returned by :func:`to_v2_lossless` for this
        record; with it the result equals the original v1 record exactly.
    :param field_names: the record's custom fields are named and labelled as
        :func:`humanize` writes them; needs ``fields``.
    :param validate: check the input against the strict v2 schema before
        converting and the output against the v1 schema after.
    :raises ConversionError: for a value that is not valid v2, naming its path.

    >>> to_v1("pipeline", {"id": 1, "is_deleted": False, "add_time": "2018-09-03T17:05:08Z"})
    {'id': 1, 'active': True, 'add_time': '2018-09-03 17:05:08'}
    """
    plan = plan_for(entity)
    state = State(plan.entity, catalog=_check_catalog(fields), strict=strict)
    if field_names:
        payload = dehumanize(
            plan.entity, payload, fields=_require_catalog(state.catalog)
        )
    if validate:
        check(entity, payload, "v2", state.catalog)
    out = apply_backward(plan, payload, state)
    if removed:
        _restore(out, removed)
    if validate:
        check(entity, out, "v1", state.catalog, output=True)
    return out


def _restore(out: dict[str, Any], removed: Mapping[str, Any]) -> None:
    if not isinstance(removed, Mapping):
        raise ConversionError(
            "invalid removed map",
            value=removed,
            expected="the dict returned by to_v2_lossless",
            hint="pass the second item of to_v2_lossless's result",
        )
    for key, value in removed.items():
        if key != ABSENT_KEY:
            out[key] = s.copy_value(value, ("removed", key))
        elif isinstance(value, list) and all(type(name) is str for name in value):
            for absent in value:
                out.pop(absent, None)
        else:
            raise ConversionError(
                "invalid removed map",
                path=("removed", ABSENT_KEY),
                value=value,
                expected="a list of v1 field names",
                hint="pass the map that to_v2_lossless returned, unchanged",
            )


def to_v2_lossless(
    entity: str,
    payload: Mapping[str, Any] | int,
    *,
    fields: FieldCatalog | None = None,
    include_fields: Iterable[str] | str = (),
    strict: bool = False,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Convert a v1 record to v2 and keep everything v2 cannot carry (v1 -> v2).

    :param include_fields: v2's ``include_fields`` names to keep in the v2
        record, as for :func:`to_v2`; they are then not in ``removed``.
    :returns: ``(v2_record, removed)``. ``removed`` maps each v1 key whose
        value does not come back from the v2 record alone to its original
        value, and lists under ``"__absent__"`` the keys that v2 -> v1 would
        add although the original lacked them. ``to_v1(entity, v2_record,
        removed=removed)`` then equals the original, key for key and type for
        type. The map is JSON-serialisable, so it can be stored beside the
        record; it describes that record as converted, not an edited copy.

    >>> v2, removed = to_v2_lossless("pipeline", {"id": 1, "url_title": "Sales"})
    >>> v2, removed
    ({'id': 1}, {'url_title': 'Sales'})
    >>> to_v1("pipeline", v2, removed=removed)
    {'id': 1, 'url_title': 'Sales'}
    """
    v2 = to_v2(
        entity, payload, fields=fields, include_fields=include_fields, strict=strict
    )
    # Not strict: a v2 value that is ambiguous on its own is settled by the
    # diff against the original below. A field kept through include_fields
    # stays out of the map when the v2 record gives it back exactly.
    rebuilt = to_v1(entity, v2, fields=fields)
    original: Mapping[str, Any] = (
        {"user_id": payload, "add_time": None} if isinstance(payload, int) else payload
    )
    removed: dict[str, Any] = {}
    for key, value in original.items():
        try:
            same = key in rebuilt and same_json(rebuilt[key], value)
        except RecursionError:
            same = False  # copy_json below reports the nesting as an error
        if not same:
            removed[key] = s.copy_json(value, (key,))
    absent = [key for key in rebuilt if key not in original]
    if absent:
        removed[ABSENT_KEY] = absent
    return v2, removed


def same_json(left: Any, right: Any) -> bool:
    """Compare two JSON values with their types: ``1``, ``1.0`` and ``True`` differ."""
    if type(left) is not type(right):
        return False
    if type(left) is dict:
        return left.keys() == right.keys() and all(
            same_json(item, right[key]) for key, item in left.items()
        )
    if type(left) is list:
        return len(left) == len(right) and all(
            same_json(a, b) for a, b in zip(left, right, strict=True)
        )
    return bool(left == right)
