"""The engine that applies an entity's rule table to one record.

A table is compiled once into a :class:`Plan`: two dicts from input key to
handler, one per direction. Converting a record is then a single pass over
its keys with one dict look-up each. Keys without a rule are copied as they
are, and custom field keys are collected for :mod:`pipedrive_shapes._custom`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from pipedrive_shapes import _custom
from pipedrive_shapes import _scalars as s
from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._rules import (
    SKIP,
    Codec,
    Derivation,
    Field,
    IncludeOnly,
    Items,
    Labels,
    Nested,
    Removed,
    Rule,
)
from pipedrive_shapes._shapes import MAX_KEYS, ShapeFunction, Shapes
from pipedrive_shapes.errors import ConversionError

Handler = Callable[[Any, dict[str, Any], "State"], None]

_SCALARS: Final = s.SCALAR_TYPES


class State:
    """Options and scratch space of one conversion call, beside the output dict."""

    __slots__ = (
        "catalog",
        "custom",
        "entity",
        "foreign",
        "groups",
        "include",
        "parent",
        "payload",
        "strict",
    )

    def __init__(
        self,
        entity: str,
        *,
        catalog: FieldCatalog | None = None,
        include: frozenset[str] = frozenset(),
        strict: bool = False,
        parent: Mapping[str, Any] | None = None,
    ) -> None:
        self.entity = entity
        self.catalog = catalog
        self.include = include
        self.strict = strict
        self.parent = parent
        self.payload: Mapping[str, Any] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.custom: dict[str, Any] = {}
        self.foreign: list[str] = []


class Plan:
    """Compiled handlers for one entity (or one kind of list item).

    :param rules: the entity's rule table.
    :param entity: the entity name, used in messages and catalog look-ups.
    :param custom_fields: whether the entity carries custom fields.
    """

    def __init__(
        self,
        rules: tuple[Rule, ...],
        entity: str,
        *,
        custom_fields: bool,
        always_custom_fields: bool = True,
    ) -> None:
        self.entity = entity
        self.rules = rules
        self.has_custom_fields = custom_fields
        self.always_custom_fields = always_custom_fields
        self.forward: dict[str, Handler] = {}
        self.backward: dict[str, Handler] = {}
        self.derivations: list[tuple[str, Derivation]] = []
        self.nested: dict[str, Nested] = {}
        #: The handler of each include-only field once it is requested.
        self.included: dict[str, Handler] = {}
        self._variants: dict[
            tuple[str, frozenset[str], str | None], tuple[dict[str, Any], Shapes]
        ] = {}
        self.include_names: frozenset[str] = frozenset(
            rule.v1 for rule in rules if isinstance(rule, IncludeOnly)
        )
        for rule in rules:
            _compile_rule(self, rule)
        self._mark_foreign_keys()

    def actions(
        self, direction: str, include: frozenset[str], catalog: FieldCatalog | None
    ) -> dict[str, Any]:
        """Return the key -> action table for one direction and set of options.

        An action is a target key (copy the value), a ``(target, codec,
        path, unchanged types)`` tuple, one of the markers :data:`DROP`, :data:`FOREIGN` and
        :data:`CUSTOM`, or a handler to call. Tables are built once per
        direction, ``include_fields`` set and catalog, and then also remember
        how each key without a rule was classified.
        """
        return self.variant(direction, include, catalog)[0]

    def variant(
        self, direction: str, include: frozenset[str], catalog: FieldCatalog | None
    ) -> tuple[dict[str, Any], Shapes]:
        """Return the action table of :meth:`actions` with its generated shapes."""
        key = (
            direction,
            include,
            catalog.fingerprint if catalog is not None else None,
        )
        variant = self._variants.get(key)
        if variant is None:
            if len(self._variants) >= _MAX_VARIANTS:
                self._variants.clear()
            variant = self._variants[key] = (
                self._build_actions(direction, include),
                Shapes(),
            )
        return variant

    def _build_actions(self, direction: str, include: frozenset[str]) -> dict[str, Any]:
        handlers = self.forward if direction == "v2" else self.backward
        table: dict[str, Any] = {}
        for key, handler in handlers.items():
            if direction == "v2" and key in self.include_names:
                handler = self.included[key] if key in include else _ignore
            table[key] = _action(handler)
        if direction == "v1" and self.has_custom_fields:
            table["custom_fields"] = CUSTOM
        return table

    def _mark_foreign_keys(self) -> None:
        # A v2-only key in v1 input (or the reverse) means mixed or misrouted
        # input. Such keys are collected and checked once the record is done.
        v2_only = set(self.backward) - set(self.forward)
        v1_only = set(self.forward) - set(self.backward)
        if self.has_custom_fields:
            v2_only.add("custom_fields")
        for key in v2_only:
            self.forward[key] = _foreign
        for key in v1_only:
            self.backward[key] = _foreign


def _foreign(value: Any, out: dict[str, Any], st: State) -> None:
    """Mark a key of the other version; the loops record the key instead."""


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: Actions that the conversion loops handle inline.
DROP: Final = _Marker("DROP")
FOREIGN: Final = _Marker("FOREIGN")
CUSTOM: Final = _Marker("CUSTOM")

_MAX_VARIANTS: Final = 64
#: Keys without a rule are classified once and remembered, up to this many
#: per table, so records with ever-new keys cannot grow memory without end.
_MAX_REMEMBERED_KEYS: Final = 4096


def _action(handler: Handler) -> Any:
    if handler is _ignore:
        return DROP
    if handler is _foreign:
        return FOREIGN
    return _SIMPLE.get(handler, handler)


def _compile_rule(plan: Plan, rule: Rule) -> None:
    if isinstance(rule, Field):
        _compile_field(plan, rule)
    elif isinstance(rule, Removed):
        _compile_removed(plan, rule)
    elif isinstance(rule, IncludeOnly):
        _compile_include_only(plan, rule)
    elif isinstance(rule, Nested):
        _compile_nested(plan, rule)
    elif isinstance(rule, Items):
        _compile_items(plan, rule)
    else:
        _compile_labels(plan, rule)


def _converting(source: str, target: str, codec: Codec | None) -> Handler:
    path = (source,)
    if codec is None:

        def copy(value: Any, out: dict[str, Any], st: State) -> None:
            out[target] = value if type(value) in _SCALARS else s.copy_json(value, path)

        _SIMPLE[copy] = target
        return copy

    def convert(value: Any, out: dict[str, Any], st: State) -> None:
        out[target] = codec(value, path)

    _SIMPLE[convert] = (target, codec, path, s.UNCHANGED_TYPES.get(codec, _NO_TYPES))
    return convert


_NO_TYPES: Final[frozenset[type]] = frozenset()
#: The inline form of each handler that only renames or re-encodes one value:
#: the target key, or (target key, codec, path, types the codec returns
#: unchanged). The conversion loops run these without a call per key.
_SIMPLE: dict[Handler, str | tuple[str, Codec, tuple[str], frozenset[type]]] = {}


def _compile_field(plan: Plan, rule: Field) -> None:
    v2 = rule.v2_key
    forward_keys = (rule.v1, *rule.v1_aliases)
    backward_keys = (v2, *rule.v2_aliases)
    for key in forward_keys:
        handler = _converting(key, v2, rule.to_v2)
        plan.forward[key] = _spelling(handler, key, v2, forward_keys)
    for key in backward_keys:
        handler = _converting(key, rule.v1, rule.to_v1)
        plan.backward[key] = _spelling(handler, key, rule.v1, backward_keys)


def _spelling(
    convert: Handler, source: str, target: str, spellings: tuple[str, ...]
) -> Handler:
    """Return the handler of one spelling of a field that may have several.

    With one spelling this is ``convert`` itself. With more, two spellings in
    one record must agree, because keeping either value would drop the other
    silently.
    """
    if len(spellings) == 1:
        return convert
    others = tuple(name for name in spellings if name != source)

    def check(value: Any, out: dict[str, Any], st: State) -> None:
        before = out.get(target, _ABSENT)
        convert(value, out, st)
        seen_other = any(name in st.payload for name in others)
        if before is not _ABSENT and seen_other and before != out[target]:
            raise ConversionError(
                "conflicting values: two spellings of one field disagree",
                path=(source,),
                value=value,
                expected=f"the value of {', '.join(others)}",
                hint="keep only one spelling of the field",
            )

    return check


_ABSENT: Final = object()


def _ignore(value: Any, out: dict[str, Any], st: State) -> None:
    """Drop a v1 field that v2 no longer has."""


def _compile_removed(plan: Plan, rule: Removed) -> None:
    for key in (rule.v1, *rule.v1_aliases):
        plan.forward[key] = _ignore
    if rule.v2_passthrough:
        plan.backward[rule.v1] = _converting(rule.v1, rule.v1, None)
    if rule.derive is not None:
        plan.derivations.append((rule.v1, rule.derive))


def _compile_include_only(plan: Plan, rule: IncludeOnly) -> None:
    name = rule.v1
    if rule.items is not None:
        item_plan = Plan(rule.items, plan.entity, custom_fields=False)
        convert = _list_handler(item_plan, name, name, forward=True)
        plan.backward[name] = _list_handler(item_plan, name, name, forward=False)
    else:
        convert = _converting(name, name, rule.to_v2)
        plan.backward[name] = _converting(name, name, rule.to_v1)

    def forward(value: Any, out: dict[str, Any], st: State) -> None:
        if name in st.include:
            convert(value, out, st)

    plan.forward[name] = forward
    plan.included[name] = convert


def _compile_nested(plan: Plan, rule: Nested) -> None:
    target = rule.v2
    plan.nested[target] = rule
    for key, subfield in rule.v1_keys().items():
        plan.forward[key] = _collecting(target, subfield, key)

    def backward(value: Any, out: dict[str, Any], st: State) -> None:
        _flatten_nested(rule, value, out)

    plan.backward[target] = backward


def _collecting(target: str, subfield: str, key: str) -> Handler:
    path = (key,)

    def collect(value: Any, out: dict[str, Any], st: State) -> None:
        if type(value) not in _SCALARS:
            raise ConversionError(
                "invalid address part",
                path=path,
                value=value,
                expected="a string, a number or null",
                hint="v1 spreads an address over flat string keys",
            )
        group = st.groups.get(target)
        if group is None:
            group = st.groups[target] = {}
            out[target] = None  # keeps the object where v1 had its first key
        elif subfield in group and group[subfield] != value:
            # Two spellings of one part, such as the guide's
            # location_formatted_location beside location_formatted_address.
            raise ConversionError(
                "conflicting values: two spellings of one field disagree",
                path=path,
                value=value,
                expected=f"{group[subfield]!r}, the value of the other spelling",
                hint="keep only one spelling of the field",
            )
        group[subfield] = value

    return collect


def build_nested(rule: Nested, group: Mapping[str, Any]) -> dict[str, Any] | None:
    """Build the v2 object from the collected v1 parts; all-null gives null."""
    obj = {"value": group.get("value")}
    for name in rule.subfields:
        obj[name] = group.get(name)
    if all(item is None for item in obj.values()):
        return None
    return obj


def _flatten_nested(rule: Nested, value: Any, out: dict[str, Any]) -> None:
    prefix = rule.v1
    if value is None:
        out[prefix] = None
        for name in (*rule.subfields, *rule.dropped):
            out[f"{prefix}_{name}"] = None
        return
    if not isinstance(value, Mapping):
        raise ConversionError(
            "invalid address object",
            path=(rule.v2,),
            value=value,
            expected="an object with 'value' and address subfields, or null",
            hint="v2 sends addresses as objects such as {'value': '...'}",
        )
    out[prefix] = s.copy_value(value.get("value"), (rule.v2, "value"))
    for name in (*rule.subfields, *rule.dropped):
        out[f"{prefix}_{name}"] = s.copy_value(value.get(name), (rule.v2, name))
    for name, item in value.items():
        if name != "value" and name not in rule.subfields and name not in rule.dropped:
            out[f"{prefix}_{name}"] = s.copy_json(item, (rule.v2, name))


def _compile_items(plan: Plan, rule: Items) -> None:
    item_plan = Plan(rule.rules, plan.entity, custom_fields=False)
    v1, v2 = rule.v1, rule.v2_key
    plan.forward[v1] = _list_handler(item_plan, v1, v2, forward=True)
    spellings = (v2, *rule.v2_aliases)
    for key in spellings:
        handler = _list_handler(item_plan, key, v1, forward=False)
        plan.backward[key] = _spelling(handler, key, v1, spellings)


def _list_handler(
    item_plan: Plan, source: str, target: str, *, forward: bool
) -> Handler:
    def convert(value: Any, out: dict[str, Any], st: State) -> None:
        if value is None:
            out[target] = None
            return
        if not isinstance(value, list):
            raise ConversionError(
                f"invalid {source}",
                path=(source,),
                value=value,
                expected="a list of objects or null",
                hint=f"send {source} as a JSON array of objects",
            )
        converted = []
        for index, item in enumerate(value):
            item_state = State(st.entity, strict=st.strict, parent=st.payload)
            try:
                converted.append(
                    apply_forward(item_plan, item, item_state)
                    if forward
                    else apply_backward(item_plan, item, item_state)
                )
            except ConversionError as error:
                raise error.prefixed((source, index)) from None
        out[target] = converted

    return convert


def _compile_labels(plan: Plan, rule: Labels) -> None:
    v1, v2 = rule.v1, rule.v2
    path_v1, path_v2 = (v1,), (v2,)

    def from_label(value: Any, out: dict[str, Any], st: State) -> None:
        # An explicit v1 label_ids list wins over the label string.
        if v2 not in st.groups:
            out[v2] = s.labels_to_v2(value, path_v1)

    def from_label_ids(value: Any, out: dict[str, Any], st: State) -> None:
        st.groups[v2] = {}
        out[v2] = s.labels_to_v2(value, path_v2)

    plan.forward[v1] = from_label
    plan.forward[v2] = from_label_ids
    plan.backward[v2] = _converting(v2, v1, s.labels_to_v1)


def string_key(key: Any) -> str:
    """Return ``key`` as an exact ``str``; a str subclass becomes a plain string."""
    if type(key) is str:
        return key
    if isinstance(key, str):
        return str.__str__(key)
    raise ConversionError(
        "invalid key",
        path=(),
        value=key,
        expected="string keys, as in JSON objects",
        hint="convert the keys to strings",
    )


def _require_mapping(payload: Any) -> None:
    if not isinstance(payload, Mapping):
        raise ConversionError(
            "invalid payload",
            path=(),
            value=payload,
            expected="a JSON object (dict)",
            hint="convert each record on its own; lists go through one call per item",
        )


def apply_forward(plan: Plan, payload: Any, st: State) -> dict[str, Any]:
    """Convert one v1 record to v2 with ``plan``."""
    if type(payload) is not dict and not isinstance(payload, Mapping):
        _require_mapping(payload)
    st.payload = payload
    actions, shapes = plan.variant("v2", st.include, st.catalog)
    if type(payload) is dict and len(payload) <= MAX_KEYS:
        keys = tuple(payload)
        function = shapes.compiled.get(keys)
        if function is None and keys not in shapes.compiled and shapes.sighted(keys):
            function = shapes.compiled[keys] = _generate(
                "v2", plan, actions, keys, st.catalog
            )
        if function is not None:
            return function(payload, st)
    out: dict[str, Any] = {}
    custom = st.custom
    # Branches are ordered by how often each kind of key occurs.
    for key, value in payload.items():
        action = actions.get(key)
        if action is None:
            action = classify_forward(plan, actions, key, st.catalog)
        kind = type(action)
        if kind is str:
            out[action] = (
                value if type(value) in _SCALARS else s.copy_json(value, (key,))
            )
        elif kind is tuple:
            if type(value) in action[3]:
                out[action[0]] = value
            else:
                out[action[0]] = action[1](value, action[2])
        elif action is DROP:
            pass
        elif action is CUSTOM:
            custom[key] = value
        elif action is FOREIGN:
            st.foreign.append(key)
        else:
            action(value, out, st)
    return _finish_forward(plan, payload, st, out)


def apply_forward_plain(plan: Plan, payload: Any, st: State) -> dict[str, Any]:
    """Convert one v1 record to v2 by calling each key's handler.

    This is the rule semantics without the inlined actions of
    :func:`apply_forward`; tests check that both give the same output.
    """
    _require_mapping(payload)
    st.payload = payload
    out: dict[str, Any] = {}
    catalog_keys = (
        _custom.catalog_custom_keys(st.catalog, plan.entity)
        if plan.has_custom_fields
        else frozenset()
    )
    for key, value in payload.items():
        handler = plan.forward.get(key)
        if key in plan.include_names:
            handler = plan.included[key] if key in st.include else _ignore
        if handler is _foreign:
            st.foreign.append(key)
        elif handler is not None:
            handler(value, out, st)
        elif plan.has_custom_fields and _custom.is_custom_key(
            string_key(key), catalog_keys
        ):
            st.custom[key] = value
        else:
            out[string_key(key)] = s.copy_json(value, (key,))
    return _finish_forward(plan, payload, st, out)


def _finish_forward(
    plan: Plan, payload: Mapping[str, Any], st: State, out: dict[str, Any]
) -> dict[str, Any]:
    custom = st.custom
    if st.groups:
        build_groups(plan, st.groups, out)
    if plan.has_custom_fields and (custom or plan.always_custom_fields):
        out["custom_fields"] = _custom.to_v2(
            plan.entity, custom, st.catalog, strict=st.strict
        )
    if st.foreign:
        # An empty custom_fields object is the engine's own, not converted data.
        produced = (
            out if custom else {k: v for k, v in out.items() if k != "custom_fields"}
        )
        _check_foreign(st.foreign, payload, produced, "v2", "v1")
    return out


def build_groups(
    plan: Plan, groups: dict[str, dict[str, Any]], out: dict[str, Any]
) -> None:
    """Replace each nested field's placeholder with the object of its parts."""
    for target, group in groups.items():
        rule = plan.nested.get(target)
        if rule is not None:
            out[target] = build_nested(rule, group)


def classify_forward(
    plan: Plan, actions: dict[str, Any], key: Any, catalog: FieldCatalog | None
) -> Any:
    """Classify a v1 key without a rule: a custom field, or a field to copy."""
    name = string_key(key)
    action: Any = name
    if plan.has_custom_fields:
        catalog_keys = _custom.catalog_custom_keys(catalog, plan.entity)
        if _custom.is_custom_key(name, catalog_keys):
            action = CUSTOM
    if len(actions) < _MAX_REMEMBERED_KEYS:
        actions[key] = action
    return action


def apply_backward(plan: Plan, payload: Any, st: State) -> dict[str, Any]:
    """Convert one v2 record to v1 with ``plan``."""
    if type(payload) is not dict and not isinstance(payload, Mapping):
        _require_mapping(payload)
    st.payload = payload
    actions, shapes = plan.variant("v1", _NO_NAMES, st.catalog)
    if type(payload) is dict and len(payload) <= MAX_KEYS:
        keys = tuple(payload)
        function = shapes.compiled.get(keys)
        if function is None and keys not in shapes.compiled and shapes.sighted(keys):
            function = shapes.compiled[keys] = _generate(
                "v1", plan, actions, keys, st.catalog
            )
        if function is not None:
            return function(payload, st)
    out: dict[str, Any] = {}
    for key, value in payload.items():
        action: Any = actions.get(key)
        if action is None:
            action = string_key(key)
            if len(actions) < _MAX_REMEMBERED_KEYS:
                actions[key] = action
        kind = type(action)
        if kind is str:
            out[action] = (
                value if type(value) in _SCALARS else s.copy_json(value, (key,))
            )
        elif kind is tuple:
            if type(value) in action[3]:
                out[action[0]] = value
            else:
                out[action[0]] = action[1](value, action[2])
        elif action is CUSTOM:
            st.custom = _custom.to_v1(plan.entity, value, st.catalog, strict=st.strict)
        elif action is FOREIGN:
            st.foreign.append(key)
        elif action is DROP:
            pass
        else:
            action(value, out, st)
    return _finish_backward(plan, payload, st, out)


def apply_backward_plain(plan: Plan, payload: Any, st: State) -> dict[str, Any]:
    """Convert one v2 record to v1 by calling each key's handler (see
    :func:`apply_forward_plain`)."""
    _require_mapping(payload)
    st.payload = payload
    out: dict[str, Any] = {}
    for key, value in payload.items():
        handler = plan.backward.get(key)
        if handler is _foreign:
            st.foreign.append(key)
        elif handler is not None:
            handler(value, out, st)
        elif key == "custom_fields" and plan.has_custom_fields:
            st.custom = _custom.to_v1(plan.entity, value, st.catalog, strict=st.strict)
        else:
            out[string_key(key)] = s.copy_json(value, (key,))
    return _finish_backward(plan, payload, st, out)


def _finish_backward(
    plan: Plan, payload: Mapping[str, Any], st: State, out: dict[str, Any]
) -> dict[str, Any]:
    if st.custom:
        merge_custom(st.custom, payload, out)
    for key, derive in plan.derivations:
        if key not in out:
            derived = derive(payload, st.parent)
            if derived is not SKIP:
                out[key] = s.copy_value(derived, (key,))
    if st.foreign:
        _check_foreign(st.foreign, payload, out, "v1", "v2")
    return out


_NO_NAMES: Final[frozenset[str]] = frozenset()


def _generate(
    direction: str,
    plan: Plan,
    actions: dict[str, Any],
    keys: tuple[str, ...],
    catalog: FieldCatalog | None,
) -> ShapeFunction | None:
    """Generate the function of one shape, or return None to stay on the loop."""
    # Imported here: the code generator builds on this module's markers and
    # finishing steps, and it runs once per shape, not once per record.
    from pipedrive_shapes import _codegen

    if direction == "v2":
        return _codegen.generate_forward(plan, actions, keys, catalog)
    return _codegen.generate_backward(plan, actions, keys)


def merge_custom(
    custom: dict[str, Any], payload: Mapping[str, Any], out: dict[str, Any]
) -> None:
    """Add the flattened custom fields to ``out``, which must not have their keys."""
    if out.keys().isdisjoint(custom):
        out.update(custom)
        return
    for key in custom:
        if key in out:
            raise ConversionError(
                "custom field key also at the record's root",
                path=(key,),
                value=payload.get(key),
                expected="each custom field only under custom_fields",
                hint="v2 records carry custom fields in custom_fields alone",
            )


def _check_foreign(
    keys: list[str],
    payload: Mapping[str, Any],
    out: dict[str, Any],
    other: str,
    own: str,
) -> None:
    """Accept a key of the other version only where it agrees with the output."""
    for key in keys:
        if key not in out:
            raise ConversionError(
                f"{other} field in a {own} payload",
                path=(key,),
                value=payload[key],
                expected=f"{own} fields only",
                hint=f"this record looks like {other}; convert it in the other direction",
            )
        if out[key] != payload[key]:
            raise ConversionError(
                f"conflicting values: the {own} field and its {other} replacement disagree",
                path=(key,),
                value=payload[key],
                expected=f"{out[key]!r}, the value converted from the {own} field",
                hint="keep only one of the two fields",
            )
