"""Python source for the converters of :mod:`pipedrive_shapes._shapes`.

:func:`generate_forward` and :func:`generate_backward` write the function
of one record shape from the action table of
:class:`pipedrive_shapes._engine.Plan`. Each key's action becomes one
expression or statement that does what the engine's conversion loop does
for that action, and the record is finished as the engine's finishing
steps finish it.
"""

from __future__ import annotations

from typing import Any

from pipedrive_shapes import _custom
from pipedrive_shapes import _scalars as s
from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._custom_codecs import codecs_for
from pipedrive_shapes._engine import (
    CUSTOM,
    DROP,
    FOREIGN,
    Plan,
    build_groups,
    classify_forward,
    merge_custom,
    string_key,
)
from pipedrive_shapes._rules import SKIP
from pipedrive_shapes._shapes import ShapeFunction


class Source:
    """Python source of one generated function and the names it uses."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = keys
        self.names: dict[str, Any] = {
            "_SCALARS": s.SCALAR_TYPES,
            "_copy_json": s.copy_json,
        }
        self.lines: list[str] = []
        #: Entries of the output's dict display, until ``out`` is created.
        self.display: list[str] | None = []

    def name(self, prefix: str, value: Any) -> str:
        """Bind ``value`` to a new global name of the generated function."""
        name = f"{prefix}{len(self.names)}"
        self.names[name] = value
        return name

    def copied(self, local: str, key: str) -> str:
        """Return the expression that copies a passed-through value, as the loops do."""
        return (
            f"{local} if type({local}) in _SCALARS else _copy_json({local}, ({key!r},))"
        )

    def encoded(self, local: str, key: str, action: tuple[Any, ...]) -> str:
        """Return the expression that runs a codec action, as the loops do."""
        _, codec, path, unchanged = action
        codec_name = self.name("_codec", codec)
        path_name = self.name("_path", path)
        call = f"{codec_name}({local}, {path_name})"
        inline = s.INLINE_CODECS.get(codec)
        if inline is not None:
            template, names = inline
            self.names.update(names)
            return f"({template.format(value=local, call=call)})"
        if not unchanged:
            return call
        types_name = self.name("_types", unchanged)
        return f"{local} if type({local}) in {types_name} else {call}"

    def entry(self, target: str, expression: str) -> None:
        """Set output key ``target`` to ``expression``, after all earlier keys."""
        if self.display is not None:
            self.display.append(f"{target!r}: {expression}")
        else:
            self.lines.append(f"    out[{target!r}] = {expression}")

    def flush(self) -> None:
        """Create ``out`` from the entries so far, before a statement that uses it."""
        if self.display is not None:
            self.lines.append(f"    out = {{{', '.join(self.display)}}}")
            self.display = None

    def build(self, signature: str, result: str) -> ShapeFunction:
        """Compile the collected lines into a function named ``convert``."""
        self.flush()
        unpack = "".join(f"v{index}, " for index in range(len(self.keys)))
        body = [f"    ({unpack}) = payload.values()", *self.lines]
        text = "\n".join([f"def convert({signature}):", *body, f"    return {result}"])
        namespace = dict(self.names)
        exec(compile(text, "<pipedrive_shapes shape>", "exec"), namespace)
        function: ShapeFunction = namespace["convert"]
        return function


def generate_forward(
    plan: Plan,
    actions: dict[str, Any],
    keys: tuple[str, ...],
    catalog: FieldCatalog | None,
) -> ShapeFunction | None:
    """Write the v1 -> v2 function of one shape, or None to stay on the loop."""
    source = Source(keys)
    custom: list[tuple[int, str]] = []
    for index, key in enumerate(keys):
        action = actions.get(key)
        if action is None:
            action = classify_forward(plan, actions, key, catalog)
        if action is FOREIGN:
            return None
        if action is CUSTOM:
            custom.append((index, key))
        elif action is not DROP:
            emit(source, index, key, action)
    source.flush()
    if plan.nested:
        source.names["_plan"] = plan
        source.names["build_groups"] = build_groups
        source.lines.append("    if st.groups: build_groups(_plan, st.groups, out)")
    if plan.has_custom_fields and (custom or plan.always_custom_fields):
        fields = custom_fields_code(source, plan, custom, catalog)
        source.lines.append(f"    out['custom_fields'] = {fields}")
    return source.build("payload, st", "out")


def custom_fields_code(
    source: Source,
    plan: Plan,
    custom: list[tuple[int, str]],
    catalog: FieldCatalog | None,
) -> str:
    """Return the expression of the v2 ``custom_fields`` object, as :func:`_custom.to_v2` builds it."""
    codecs = codecs_for(catalog, plan.entity) if catalog is not None else None
    groups: dict[str, list[str]] = {}
    for index, key in custom:
        # Every value is copied before any is converted, as _custom.to_v2
        # does, so that the first error reported is the same.
        source.lines.append(f"    c{index} = {source.copied(f'v{index}', key)}")
        base, suffix = _custom.split_custom_key(key, plan.entity, catalog, codecs)
        groups.setdefault(base, []).append(f"{suffix!r}: c{index}")
    codecs_name = source.name("_codecs", codecs)
    source.names["_encode_group"] = _custom.encode_group
    entries = []
    for base, parts in groups.items():
        parts_code = f"{{{', '.join(parts)}}}"
        encoder = codecs.encoders.get(base) if codecs is not None else None
        if encoder is not None:
            value = f"{source.name('_encoder', encoder)}({parts_code})"
        else:
            value = (
                f"_encode_group({plan.entity!r}, {base!r}, {parts_code}, "
                f"st.catalog, {codecs_name}, st.strict)"
            )
        entries.append(f"{base!r}: {value}")
    return f"{{{', '.join(entries)}}}"


def generate_backward(
    plan: Plan, actions: dict[str, Any], keys: tuple[str, ...]
) -> ShapeFunction | None:
    """Write the v2 -> v1 function of one shape, or None to stay on the loop."""
    source = Source(keys)
    for index, key in enumerate(keys):
        action = actions.get(key)
        if action is None:
            action = string_key(key)
        if action is FOREIGN:
            return None
        if action is CUSTOM:
            source.flush()
            source.names["_to_v1"] = _custom.to_v1
            source.lines.append(
                f"    st.custom = _to_v1({plan.entity!r}, v{index}, st.catalog, strict=st.strict)"
            )
        elif action is not DROP:
            emit(source, index, key, action)
    source.flush()
    # What _finish_backward does, written out for this shape.
    if "_to_v1" in source.names:
        source.names["merge_custom"] = merge_custom
        source.lines.append("    if st.custom: merge_custom(st.custom, payload, out)")
    if plan.derivations:
        source.names["_SKIP"] = SKIP
        source.names["_copy_value"] = s.copy_value
    for key, derive in plan.derivations:
        derive_name = source.name("_derive", derive)
        source.lines.extend(
            [
                f"    if {key!r} not in out:",
                f"        derived = {derive_name}(payload, st.parent)",
                "        if derived is not _SKIP:",
                f"            out[{key!r}] = _copy_value(derived, ({key!r},))",
            ]
        )
    return source.build("payload, st", "out")


def emit(source: Source, index: int, key: str, action: Any) -> None:
    """Add the code of one key's action (a copy, a codec or a handler)."""
    local = f"v{index}"
    kind = type(action)
    if kind is str:
        source.entry(action, source.copied(local, key))
    elif kind is tuple:
        source.entry(action[0], source.encoded(local, key, action))
    else:
        source.flush()
        handler = source.name("_handler", action)
        source.lines.append(f"    {handler}({local}, out, st)")
