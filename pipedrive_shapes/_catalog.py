"""Custom field definitions read from Pipedrive's field endpoints.

Converting custom fields needs each field's type: a v1 ``"123"`` is an enum
option id for one field and plain text for another, and a ``<key>_until``
sibling belongs to a date range or to a time range. :class:`FieldCatalog`
reads the responses of ``GET /v1/dealFields`` (and the person, organization,
product and activity variants) and of the matching v2 endpoints into one
immutable lookup table.

The two versions list the same facts in different shapes:

- v1 items use ``key`` and ``name`` and list each subfield (the currency of a
  monetary field, the parts of an address) as a row of its own, with
  ``is_subfield: true``, ``parent_id`` and ``id_suffix``.
- v2 items use ``field_code`` and ``field_name`` and nest the subfields in a
  ``subfields`` list, which also names the main ``value``.

Both load into the same :class:`FieldDefinition` objects.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from pipedrive_shapes._catalog_reading import (
    DEFAULT_SUBFIELDS,
    ENTITIES,
    OptionId,
    OptionTag,
    SubfieldLink,
    brief_repr,
    entity_from_file_name,
    fields_file_path,
    normalize_entity,
    normalize_option_id,
    option_tag,
    read_fields_file,
    read_row,
    response_items,
    split_rows,
    subfield_links,
)
from pipedrive_shapes.errors import ConversionError

__all__ = [
    "DEFAULT_SUBFIELDS",
    "ENTITIES",
    "FieldCatalog",
    "FieldDefinition",
    "OptionId",
]


class _Options(Mapping[OptionId, str]):
    """Read-only option id -> label map that keeps boolean and integer ids distinct."""

    __slots__ = ("_labels",)

    def __init__(self, labels: Mapping[OptionTag, str]) -> None:
        self._labels = dict(labels)

    def __getitem__(self, option_id: OptionId) -> str:
        if not isinstance(option_id, int | str):
            raise KeyError(option_id)
        return self._labels[option_tag(option_id)]

    def __iter__(self) -> Iterator[OptionId]:
        return (option_id for _, option_id in self._labels)

    def __len__(self) -> int:
        return len(self._labels)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Options):
            return self._labels == other._labels
        if isinstance(other, Mapping):
            try:
                return self == _options_from_mapping(other)
            except (TypeError, ValueError):
                return False
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._labels.items()))

    def __repr__(self) -> str:
        # Built by hand because dict(self.items()) would merge True with 1.
        pairs = (f"{option_id!r}: {label!r}" for option_id, label in self.items())
        return "{" + ", ".join(pairs) + "}"


def _options_from_mapping(options: Mapping[Any, Any]) -> _Options:
    """Build options from a caller's mapping, normalizing the ids.

    :raises TypeError: for an id that is not an int, float, str or bool, or a
        label that is not a str.
    :raises ValueError: for a float id with a fraction, NaN or infinity, an
        integer id of more than about 900 digits, or one id given twice with
        different labels.
    """
    labels: dict[OptionTag, str] = {}
    for raw_id, label in options.items():
        option_id = normalize_option_id(raw_id)
        if option_id is None:
            error = ValueError if isinstance(raw_id, int | float | str) else TypeError
            raise error(
                f"invalid option id {brief_repr(raw_id)}: expected int, str or bool "
                "(integers of at most 900 digits)"
            )
        if not isinstance(label, str):
            raise TypeError(
                f"invalid label {brief_repr(label)} for option {brief_repr(raw_id)}: "
                "expected str"
            )
        tag = option_tag(option_id)
        if labels.get(tag, label) != label:
            raise ValueError(
                f"option id {brief_repr(raw_id)} is given twice with different labels"
            )
        labels[tag] = label
    return _Options(labels)


@dataclass(frozen=True, slots=True)
class FieldDefinition:
    """One field of one entity, as a fields endpoint describes it.

    :param key: the v1 ``key`` or v2 ``field_code``.
    :param name: the v1 ``name`` or v2 ``field_name``.
    :param field_type: the type as Pipedrive spells it (``"varchar"``,
        ``"enum"``, ``"monetary"``, ...). Unknown types are kept as given.
    :param entity: ``"deal"``, ``"person"``, ``"organization"``,
        ``"product"``, ``"activity"`` or None when unknown (``"org"`` is
        accepted and stored as ``"organization"``).
    :param is_custom: whether the field is user-created.
    :param options: option id -> label for option types. Integral numbers and
        numeric strings are stored as ints, so ``{"23": "Low"}`` becomes
        ``{23: "Low"}``. Booleans stay booleans and never match ``1``/``0``.
    :param subfields: the subfield names, e.g. ``("currency",)`` for a
        monetary field. The main ``value`` is not listed.
    :raises ConversionError: for an unknown entity. It is a ValueError.
    :raises ValueError: for conflicting option labels or an invalid option id
        of the right type (see :attr:`options`).
    :raises TypeError: for a key, name, type, flag, option id, label or
        subfield name of the wrong type.
    """

    key: str
    name: str
    field_type: str
    entity: str | None
    is_custom: bool
    options: Mapping[OptionId, str] = field(default_factory=dict)
    subfields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # The fingerprint sorts and serializes these members, so a wrong type
        # must fail here and not in a later lookup.
        for member in ("key", "name", "field_type"):
            value = getattr(self, member)
            if not isinstance(value, str):
                raise TypeError(f"invalid {member} {brief_repr(value)}: expected str")
        if not isinstance(self.is_custom, bool):
            raise TypeError(
                f"invalid is_custom {brief_repr(self.is_custom)}: expected bool"
            )
        if self.entity is not None:
            object.__setattr__(self, "entity", normalize_entity(self.entity))

        if not isinstance(self.options, Mapping):
            raise TypeError(
                f"invalid options {brief_repr(self.options)}: "
                "expected a mapping of option id to label"
            )
        if not isinstance(self.options, _Options):
            object.__setattr__(self, "options", _options_from_mapping(self.options))

        subfields = self.subfields
        if isinstance(subfields, str) or not isinstance(subfields, Iterable):
            raise TypeError(
                f"invalid subfields {brief_repr(subfields)}: "
                "expected an iterable of str"
            )
        names = tuple(subfields)
        for name in names:
            if not isinstance(name, str):
                raise TypeError(f"invalid subfield {brief_repr(name)}: expected str")
        object.__setattr__(self, "subfields", names)


def _merge_subfields(field_type: str, names: Iterable[str]) -> tuple[str, ...]:
    """Return the type's default subfields followed by any extra ``names``."""
    merged = list(DEFAULT_SUBFIELDS.get(field_type, ()))
    seen = set(merged)
    for name in names:
        # v2 lists the main value as a subfield. It is the field itself.
        if name != "value" and name not in seen:
            seen.add(name)
            merged.append(name)
    return tuple(merged)


_COMPARED_MEMBERS: Final = ("name", "field_type", "is_custom", "options", "subfields")


def _conflict_error(
    existing: FieldDefinition, new: FieldDefinition, path: Sequence[str | int]
) -> ConversionError:
    """Build the error for two different definitions of one field.

    The error shows the first member in which they differ, so that a
    megabyte field name cannot make the message a megabyte long.
    """
    entity = existing.entity or "an unknown entity"
    # Equal slots mean equal entity and key, so one of these members differs.
    member = next(
        (
            member
            for member in _COMPARED_MEMBERS
            if getattr(existing, member) != getattr(new, member)
        ),
        "name",
    )
    return ConversionError(
        f"conflicting definitions of field {brief_repr(existing.key)} for {entity}",
        path=path,
        value=getattr(new, member),
        expected=f"{member} {brief_repr(getattr(existing, member))} as defined first",
        hint="keep one of the two responses, or load them as separate entities",
    )


class FieldCatalog:
    """Field definitions of one or more entities, read from fields endpoints.

    A catalog is immutable. :meth:`merged` returns a new catalog with the
    fields of both, so the per-entity responses can be combined into one.
    Lookups for an entity fall back to definitions loaded without an entity
    when the entity has no definition of its own.

    Every entity argument must be one of :data:`ENTITIES` or ``"org"``.
    Anything else raises :class:`ConversionError`, which is a ValueError.

    >>> catalog = FieldCatalog.from_json(
    ...     {"success": True, "data": [{"key": "status", "name": "Status",
    ...      "field_type": "status", "options": [{"id": "won", "label": "Won"}]}]},
    ...     entity="deal",
    ... )
    >>> catalog.option_label("deal", "status", "won")
    'Won'

    :param definitions: the definitions to hold. Two definitions with the
        same entity and key must be equal.
    :raises ConversionError: for an item that is not a
        :class:`FieldDefinition`, or two different definitions of one field.
    """

    __slots__ = ("_fields", "_fingerprint", "_unattached")

    def __init__(self, definitions: Iterable[FieldDefinition] = ()) -> None:
        self._fields: dict[tuple[str | None, str], FieldDefinition] = {}
        self._unattached: tuple[SubfieldLink, ...] = ()
        self._fingerprint: str | None = None
        if not isinstance(definitions, Iterable):
            raise ConversionError(
                "invalid field definitions",
                value=definitions,
                expected="an iterable of FieldDefinition",
                hint="read fields endpoint responses with FieldCatalog.from_json",
            )
        for index, definition in enumerate(definitions):
            if not isinstance(definition, FieldDefinition):
                raise ConversionError(
                    "invalid field definition",
                    path=(index,),
                    value=definition,
                    expected="a FieldDefinition",
                    hint="read fields endpoint responses with FieldCatalog.from_json",
                )
            self._add(definition, ())

    def _add(self, definition: FieldDefinition, path: Sequence[str | int]) -> None:
        slot = (definition.entity, definition.key)
        existing = self._fields.get(slot)
        if existing is not None and existing != definition:
            raise _conflict_error(existing, definition, path)
        self._fields[slot] = definition

    def _attach(self, orphans: Iterable[SubfieldLink]) -> None:
        """Add subfield rows to their parents and keep the ones left over.

        The suffixes are grouped per parent first, so that each parent is
        rebuilt once and the cost stays linear in the number of rows.
        """
        # A dict keeps the first-seen order and drops repeated rows in O(1).
        left = dict.fromkeys(self._unattached)
        suffixes: dict[tuple[str | None, str], list[str]] = {}
        for orphan in orphans:
            parent_key = orphan.parent_key
            slot = None if parent_key is None else (orphan.entity, parent_key)
            if slot is None or slot not in self._fields:
                left[orphan] = None
                continue
            suffixes.setdefault(slot, []).append(orphan.suffix)
        for slot, names in suffixes.items():
            parent = self._fields[slot]
            subfields = _merge_subfields(parent.field_type, (*parent.subfields, *names))
            self._fields[slot] = replace(parent, subfields=subfields)
        self._unattached = tuple(left)

    @classmethod
    def from_json(cls, data: Any, *, entity: str | None = None) -> FieldCatalog:
        """Read a v1 or v2 fields endpoint response into a catalog.

        :param data: the whole response (``{"success": true, "data": [...]}``)
            or its ``data`` list. Each item may be v1 (``key``) or v2
            (``field_code``). v1 subfield rows are added to their parent's
            ``subfields``. A subfield row whose parent is missing is kept in
            :attr:`unattached_subfields` and attached by a later :meth:`merged`.
        :param entity: the entity the fields belong to, or None.
        :raises ConversionError: for an unknown entity, an item that is not an
            object, lacks a key or a type, has invalid options, or redefines a
            key differently.
        """
        entity_name = None if entity is None else normalize_entity(entity)
        rows = [read_row(item, path) for item, path in response_items(data)]
        parents, subfield_rows = split_rows(rows)
        catalog = cls()
        for row in parents:
            definition = FieldDefinition(
                key=row.key,
                name=row.name,
                field_type=row.field_type,
                entity=entity_name,
                is_custom=row.is_custom,
                options=_Options(row.options),
                subfields=_merge_subfields(row.field_type, row.listed_subfields),
            )
            catalog._add(definition, (*row.path, row.key_member))

        catalog._attach(subfield_links(parents, subfield_rows, entity_name))
        return catalog

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], *, entity: str | None = None
    ) -> FieldCatalog:
        """Read a JSON file holding a fields endpoint response.

        :param path: the file, as a str, bytes or :class:`os.PathLike` path.
            Its content is read as :meth:`from_json` reads data.
        :param entity: the entity, or None to take it from a file name that
            contains ``dealFields``, ``personFields``, ``organizationFields``
            (or ``orgFields``), ``productFields`` or ``activityFields``, in
            any case and also spelled ``deal_fields``. A file name naming no
            entity loads with entity None.
        :raises ConversionError: for a value that is not a path, an unknown
            entity, or a file name that names several entities. Also for a
            file that is not UTF-8 JSON, is nested too deeply, has an integer
            too long for Python to parse, or contains invalid content. The
            message names the file.
        :raises OSError: when the file cannot be read.
        """
        file_path = fields_file_path(path)
        file_name = os.path.basename(file_path)
        if entity is None:
            entity_name = entity_from_file_name(file_name)
        else:
            entity_name = normalize_entity(entity)
        data = read_fields_file(file_path)
        try:
            return cls.from_json(data, entity=entity_name)
        except ConversionError as error:
            raise ConversionError(
                f"{error.message} in {file_name!r}",
                path=error.path,
                value=error.value,
                expected=error.expected,
                hint=error.hint,
            ) from error

    def merged(self, other: FieldCatalog) -> FieldCatalog:
        """Return a catalog with the definitions of both catalogs.

        Subfield rows left unattached in either catalog are added to a parent
        that the other catalog provides.

        :raises ConversionError: when ``other`` is not a catalog, or both
            define one field differently.
        """
        if not isinstance(other, FieldCatalog):
            raise ConversionError(
                "invalid catalog to merge",
                value=other,
                expected="a FieldCatalog",
                hint="read the other response with FieldCatalog.from_json first",
            )
        result = FieldCatalog(self._fields.values())
        for definition in other._fields.values():
            result._add(definition, ())
        result._attach((*self._unattached, *other._unattached))
        return result

    def get(self, entity: str, key: str) -> FieldDefinition | None:
        """Look up a field by key: the entity's own, else one loaded without entity.

        A key that is not a string names no field and returns None.

        :raises ConversionError: for an unknown entity name.
        """
        name = normalize_entity(entity)
        if not isinstance(key, str):
            return None
        found = self._fields.get((name, key))
        return found if found is not None else self._fields.get((None, key))

    def custom_keys(self, entity: str) -> frozenset[str]:
        """Return the keys of the entity's custom fields.

        :raises ConversionError: for an unknown entity name.
        """
        name = normalize_entity(entity)
        return frozenset(
            key
            for (owner, key), definition in self._fields.items()
            if owner in (name, None) and definition.is_custom
        )

    def by_name(self, entity: str, name: str) -> FieldDefinition | None:
        """Look up a field by its exact display name.

        A name that is not a string matches no field and returns None.

        :raises ConversionError: for an unknown entity name, or when two
            fields of the entity share the name.
        """
        owner_name = normalize_entity(entity)
        if not isinstance(name, str):
            return None
        for owner in (owner_name, None):
            matches = [
                definition
                for (field_owner, _), definition in self._fields.items()
                if field_owner == owner and definition.name == name
            ]
            if len(matches) > 1:
                raise ConversionError(
                    f"field name {brief_repr(name)} is ambiguous "
                    f"for {owner or 'fields without entity'}",
                    value=[definition.key for definition in matches],
                    expected="one field with that name",
                    hint="look the field up by key with get()",
                )
            if matches:
                return matches[0]
        return None

    def option_label(self, entity: str, key: str, option_id: OptionId) -> str | None:
        """Return the label of an option, or None for an unknown field or option.

        ``option_id`` may be a v1 string such as ``"23"``. It matches the
        option loaded as ``23``. A boolean id matches only a boolean option.
        An id of another type matches no option.

        :raises ConversionError: for an unknown entity name.
        """
        definition = self.get(entity, key)
        normalized = normalize_option_id(option_id)
        if definition is None or normalized is None:
            return None
        return definition.options.get(normalized)

    def option_id(self, entity: str, key: str, label: str) -> OptionId | None:
        """Return the id of the option with this exact label, or None.

        A label that is not a string matches no option.

        :raises ConversionError: for an unknown entity name, or when two
            options of the field share the label.
        """
        definition = self.get(entity, key)
        if definition is None or not isinstance(label, str):
            return None
        matches = [
            option_id for option_id, text in definition.options.items() if text == label
        ]
        if len(matches) > 1:
            raise ConversionError(
                f"option label {brief_repr(label)} is ambiguous "
                f"for field {brief_repr(key)}",
                value=matches,
                expected="one option with that label",
                hint="pass the option id instead of the label",
            )
        return matches[0] if matches else None

    @property
    def unattached_subfields(self) -> tuple[tuple[str | None, str], ...]:
        """``(entity, key)`` of v1 subfield rows whose parent field is missing."""
        return tuple((orphan.entity, orphan.key) for orphan in self._unattached)

    @property
    def fingerprint(self) -> str:
        """A SHA-256 hex digest of the contents, for caching conversion plans.

        Equal contents give equal fingerprints whatever the load order. Any
        difference in a definition or an unattached subfield changes the
        digest, unless two contents collide in SHA-256.
        """
        if self._fingerprint is None:
            # surrogatepass encodes a lone surrogate from a JSON "\ud800"
            # escape, which strict UTF-8 rejects, and is still one-to-one.
            encoded = self._canonical_json().encode("utf-8", "surrogatepass")
            self._fingerprint = hashlib.sha256(encoded).hexdigest()
        return self._fingerprint

    def _canonical_json(self) -> str:
        definitions = sorted(
            (
                [
                    definition.entity,
                    definition.key,
                    definition.name,
                    definition.field_type,
                    definition.is_custom,
                    _tagged_options(definition.options),
                    list(definition.subfields),
                ]
                for definition in self._fields.values()
            ),
            # None sorts after every entity name, and json.dumps keeps the order.
            key=lambda item: (item[0] is None, item[0] or "", item[1]),
        )
        unattached = sorted(
            (
                [orphan.entity, orphan.key, orphan.parent_key, orphan.suffix]
                for orphan in self._unattached
            ),
            key=lambda item: [(part is None, part or "") for part in item],
        )
        return json.dumps([definitions, unattached], ensure_ascii=False, sort_keys=True)

    def __len__(self) -> int:
        return len(self._fields)

    def __iter__(self) -> Iterator[FieldDefinition]:
        return iter(self._fields.values())

    def __contains__(self, item: object) -> bool:
        if not (isinstance(item, tuple) and len(item) == 2):
            return False
        entity, key = item
        if not (isinstance(entity, str) and isinstance(key, str)):
            return False
        try:
            return self.get(entity, key) is not None
        except ValueError:
            return False

    def __repr__(self) -> str:
        entities = sorted({entity or "any entity" for entity, _ in self._fields})
        return (
            f"<FieldCatalog {len(self)} fields of {', '.join(entities) or 'no entity'}>"
        )


def _tagged_options(options: Mapping[OptionId, str]) -> list[list[Any]]:
    """Return options as ``[is_bool, id, label]`` lists in a stable order."""
    return sorted(
        (
            [isinstance(option_id, bool), option_id, label]
            for option_id, label in options.items()
        ),
        key=lambda item: (item[0], type(item[1]).__name__, str(item[1])),
    )
