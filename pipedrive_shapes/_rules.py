"""The vocabulary of field rules that the entity tables are written in.

Each rule states one difference between the v1 and the v2 shape of a field
and describes both directions, so a table line serves v1 -> v2 and v2 -> v1
alike. The engine (:mod:`pipedrive_shapes._engine`) compiles a table into
per-key handlers once, and the rules themselves are plain data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from pipedrive_shapes import _scalars as s

Codec = Callable[[Any, s.Path], Any]
#: Computes a v1 value from the whole v2 object (and its parent object, for
#: list items); returns :data:`SKIP` when the value cannot be derived.
Derivation = Callable[[Mapping[str, Any], Mapping[str, Any] | None], Any]


class _Skip:
    def __repr__(self) -> str:
        return "SKIP"


SKIP: Final = _Skip()


@dataclass(frozen=True, slots=True)
class Field:
    """A field present in both versions, maybe renamed, maybe re-encoded.

    :param v1: the v1 key.
    :param v2: the v2 key (defaults to the v1 key).
    :param to_v2: converts the v1 value; ``None`` copies it unchanged.
    :param to_v1: converts the v2 value back; ``None`` copies it unchanged.
    :param v1_aliases: other v1 spellings read as this field.
    :param v2_aliases: other v2 spellings read as this field.
    :param kind: a short label for the documentation table.
    """

    v1: str
    v2: str | None = None
    to_v2: Codec | None = None
    to_v1: Codec | None = None
    v1_aliases: tuple[str, ...] = ()
    v2_aliases: tuple[str, ...] = ()
    kind: str = "unchanged"

    @property
    def v2_key(self) -> str:
        return self.v2 or self.v1


@dataclass(frozen=True, slots=True)
class Removed:
    """A v1 field that v2 no longer returns.

    :param derive: rebuilds the v1 value from the v2 object where the guide
        states it is derivable. Without it, v2 -> v1 leaves the key out.
    :param v2_passthrough: whether the field may still arrive in v2 input,
        because Pipedrive's v2 models kept it. It is then copied back.
    """

    v1: str
    derive: Derivation | None = None
    v2_passthrough: bool = False
    v1_aliases: tuple[str, ...] = ()
    kind: str = "removed"


@dataclass(frozen=True, slots=True)
class IncludeOnly:
    """A field that v2 returns only when named in ``include_fields``."""

    v1: str
    to_v2: Codec | None = None
    to_v1: Codec | None = None
    #: For a list of objects: the rules of one item.
    items: tuple[Rule, ...] | None = None
    kind: str = "include_fields only"


@dataclass(frozen=True, slots=True)
class Nested:
    """v1's flat ``<prefix>`` and ``<prefix>_<subfield>`` keys as one v2 object.

    :param v1: the v1 prefix, which is also the key of the main value.
    :param v2: the v2 key of the object.
    :param subfields: v2 subfield names, in output order, after ``value``.
    :param dropped: v1 subfields that v2 leaves out (restored as null).
    :param v1_subfield_aliases: other v1 suffixes read as a subfield.
    """

    v1: str
    v2: str
    subfields: tuple[str, ...]
    dropped: tuple[str, ...] = ()
    v1_subfield_aliases: Mapping[str, str] = field(default_factory=dict)
    kind: str = "nested object"

    def v1_keys(self) -> dict[str, str]:
        """Map every v1 key this rule reads to its v2 subfield name."""
        keys = {self.v1: "value"}
        for name in (*self.subfields, *self.dropped):
            keys[f"{self.v1}_{name}"] = name
        for suffix, name in self.v1_subfield_aliases.items():
            keys[f"{self.v1}_{suffix}"] = name
        return keys


@dataclass(frozen=True, slots=True)
class Items:
    """A list of objects whose fields follow a table of their own."""

    v1: str
    v2: str | None = None
    rules: tuple[Rule, ...] = ()
    v2_aliases: tuple[str, ...] = ()
    kind: str = "list of objects"

    @property
    def v2_key(self) -> str:
        return self.v2 or self.v1


@dataclass(frozen=True, slots=True)
class Labels:
    """v1's ``label`` ("2,3", 7 or null) and v2's ``label_ids`` ([2, 3]).

    Official v1 person and organization records also carry ``label_ids``;
    when present it wins over ``label``.
    """

    v1: str = "label"
    v2: str = "label_ids"
    kind: str = "comma string -> id list"


Rule = Field | Removed | IncludeOnly | Nested | Items | Labels


# Constructors for the common field kinds, so tables read as one line each.


def timestamp(v1: str, v2: str | None = None) -> Field:
    """Return a rule for a UTC timestamp: v1 ``YYYY-MM-DD HH:MM:SS`` <-> RFC 3339."""
    kind = "timestamp" if v2 is None else "renamed timestamp"
    return Field(v1, v2, s.timestamp_to_v2, s.timestamp_to_v1, kind=kind)


def flag(v1: str, v2: str | None = None, **options: Any) -> Field:
    """Return a rule for a boolean: v1 1/0/"1"/"0"/true/false <-> true/false."""
    kind = "boolean" if v2 is None else "renamed boolean"
    return Field(v1, v2, s.bool_to_v2, s.bool_to_v1, kind=kind, **options)


def deleted_flag(v1: str, **options: Any) -> Field:
    """Return a rule for v1's ``active_flag``/``active`` <-> v2's negated ``is_deleted``."""
    return Field(
        v1,
        "is_deleted",
        s.negated_bool_to_v2,
        s.negated_bool_to_v1,
        kind="negated boolean",
        **options,
    )


def related(v1: str, v2: str | None = None) -> Field:
    """Return a rule for a related object in v1 responses that is its id in v2."""
    kind = "object -> id" if v2 is None else "renamed, object -> id"
    return Field(v1, v2, s.related_to_v2, s.id_to_v1, kind=kind)


def ident(v1: str, v2: str | None = None) -> Field:
    """Return a rule for an integer id, which turns numeric strings into integers."""
    kind = "id" if v2 is None else "renamed id"
    return Field(v1, v2, s.id_to_v2, s.id_to_v1, kind=kind)


def number(v1: str, v2: str | None = None) -> Field:
    """Return a rule for a number, which turns numeric strings into numbers."""
    kind = "number" if v2 is None else "renamed number"
    return Field(v1, v2, s.number_to_v2, s.number_to_v1, kind=kind)


def renamed(v1: str, v2: str) -> Field:
    """Return a rule for a field whose key changed but whose value did not."""
    return Field(v1, v2, kind="renamed")


def visible_to() -> Field:
    """``visible_to``: v1 string "3" <-> v2 integer 3."""
    return Field(
        "visible_to", None, s.visible_to_to_v2, s.visible_to_to_v1, kind="string -> int"
    )


def include_counts(*names: str) -> tuple[IncludeOnly, ...]:
    """Integer fields returned only through ``include_fields``."""
    return tuple(IncludeOnly(name, s.id_to_v2, s.id_to_v1) for name in names)


def include_timestamps(*names: str) -> tuple[IncludeOnly, ...]:
    """Timestamps returned only through ``include_fields``."""
    return tuple(
        IncludeOnly(
            name,
            s.timestamp_to_v2,
            s.timestamp_to_v1,
            kind="include_fields only, timestamp",
        )
        for name in names
    )


def removed(*names: str) -> tuple[Removed, ...]:
    """Fields that v2 dropped and that cannot be rebuilt from v2 data."""
    return tuple(Removed(name) for name in names)


ADDRESS_SUBFIELDS: Final = (
    "street_number",
    "route",
    "sublocality",
    "locality",
    "admin_area_level_1",
    "admin_area_level_2",
    "country",
    "postal_code",
    "formatted_address",
)


def address(v1: str, v2: str | None = None, **aliases: str) -> Nested:
    """Return a rule for an address: ``<v1>_<subfield>`` keys in v1, one object in v2.

    ``subpremise`` is always null in v1, so v2 leaves it out. v2 -> v1 writes
    it back as null, or as v2's value when v2 input carries one.
    """
    return Nested(
        v1,
        v2 or v1,
        ADDRESS_SUBFIELDS,
        dropped=("subpremise",),
        v1_subfield_aliases=aliases,
    )
