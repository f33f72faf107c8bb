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
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Final

from pipedrive_shapes.errors import UNSET, ConversionError

__all__ = [
    "DEFAULT_SUBFIELDS",
    "ENTITIES",
    "FieldCatalog",
    "FieldDefinition",
    "OptionId",
]

OptionId = int | str | bool
"""An option id as Pipedrive returns it: a number, a string or a boolean."""

ENTITIES: Final = ("deal", "person", "organization", "product", "activity")
"""Entity names used by the catalog, in the library's spelling."""

_ENTITY_ALIASES: Final = {"org": "organization"}

_ADDRESS_SUBFIELDS: Final = (
    "subpremise",
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

DEFAULT_SUBFIELDS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "monetary": ("currency",),
        "address": _ADDRESS_SUBFIELDS,
        "daterange": ("until",),
        "timerange": ("until",),
        "time": ("timezone_id", "timezone_name"),
    }
)
"""Subfield names per field type: the ``<key>_<name>`` siblings in v1 records.

A loaded definition always lists these for its type, in this order, followed
by any other subfield the response names.
"""

_KNOWN_SUFFIXES: Final = frozenset(
    name for names in DEFAULT_SUBFIELDS.values() for name in names
)
_CUSTOM_KEY: Final = re.compile(r"[0-9a-f]{40}")
# Only the canonical spelling of an integer becomes an int, so "007" or "+5"
# stay strings and still round-trip unchanged.
_CANONICAL_INT: Final = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FILE_ENTITY: Final = re.compile(
    r"(?<![a-z])(deal|person|organization|org|product|activity)[_-]?fields",
    re.IGNORECASE,
)
_LOAD_HINT: Final = "load the fields endpoint response unchanged"

JsonPath = tuple[str | int, ...]


def _load_error(
    subject: str, path: JsonPath, value: Any, expected: str, hint: str = _LOAD_HINT
) -> ConversionError:
    """Build the error for a missing (``UNSET``) or invalid ``subject``."""
    state = "missing" if value is UNSET else "invalid"
    return ConversionError(
        f"{state} {subject}", path=path, value=value, expected=expected, hint=hint
    )


def _normalize_entity(entity: str) -> str:
    """Return the library's spelling of ``entity`` or raise ``ValueError``."""
    name = _ENTITY_ALIASES.get(entity, entity)
    if name not in ENTITIES:
        raise ValueError(
            f"unknown entity {entity!r}: expected one of {', '.join(ENTITIES)}"
        )
    return name


def _normalize_option_id(raw: Any) -> OptionId | None:
    """Return ``raw`` as an option id, or None when it cannot be one.

    Integral numbers and numeric strings become ints, so ``"23"`` from a v1
    record and ``23`` from a field definition name the same option.
    """
    if isinstance(raw, bool | int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    if isinstance(raw, str):
        return int(raw) if _CANONICAL_INT.fullmatch(raw) else raw
    return None


def _option_tag(option_id: OptionId) -> tuple[bool, OptionId]:
    # True == 1 and hash(True) == hash(1) in Python, so a plain dict would
    # merge a boolean option with an integer one. The tag keeps them apart.
    return (isinstance(option_id, bool), option_id)


class _Options(Mapping[OptionId, str]):
    """Read-only option id -> label map that keeps boolean and integer ids distinct."""

    __slots__ = ("_labels",)

    def __init__(self, labels: Mapping[tuple[bool, OptionId], str]) -> None:
        self._labels = dict(labels)

    def __getitem__(self, option_id: OptionId) -> str:
        if not isinstance(option_id, int | str):
            raise KeyError(option_id)
        return self._labels[_option_tag(option_id)]

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
    """Build options from a caller's mapping, normalizing the ids."""
    labels: dict[tuple[bool, OptionId], str] = {}
    for raw_id, label in options.items():
        option_id = _normalize_option_id(raw_id)
        if option_id is None:
            raise TypeError(f"invalid option id {raw_id!r}: expected int, str or bool")
        if not isinstance(label, str):
            raise TypeError(
                f"invalid label {label!r} for option {raw_id!r}: expected str"
            )
        tag = _option_tag(option_id)
        if labels.get(tag, label) != label:
            raise ValueError(
                f"option id {raw_id!r} is given twice with different labels"
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
    :raises ValueError: for an unknown entity or conflicting option labels.
    :raises TypeError: for option ids or labels of the wrong type.
    """

    key: str
    name: str
    field_type: str
    entity: str | None
    is_custom: bool
    options: Mapping[OptionId, str] = field(default_factory=dict)
    subfields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.entity is not None:
            object.__setattr__(self, "entity", _normalize_entity(self.entity))
        if not isinstance(self.options, _Options):
            object.__setattr__(self, "options", _options_from_mapping(self.options))
        object.__setattr__(self, "subfields", tuple(self.subfields))


@dataclass(frozen=True, slots=True)
class _SubfieldLink:
    """A v1 subfield row with the parent key and subfield name it belongs to."""

    entity: str | None
    key: str
    parent_key: str | None
    suffix: str


@dataclass(slots=True)
class _Row:
    """One item of a fields response, checked but not yet grouped."""

    path: JsonPath
    key_member: str
    key: str
    name: str
    field_type: str
    is_custom: bool
    options: _Options
    listed_subfields: tuple[str, ...]
    row_id: int | None
    parent_id: int | None
    id_suffix: str | None
    is_subfield: bool


def _merge_subfields(field_type: str, names: Iterable[str]) -> tuple[str, ...]:
    """Return the type's default subfields followed by any extra ``names``."""
    merged = list(DEFAULT_SUBFIELDS.get(field_type, ()))
    for name in names:
        # v2 lists the main value as a subfield. It is the field itself.
        if name != "value" and name not in merged:
            merged.append(name)
    return tuple(merged)


def _entity_from_file_name(file_name: str) -> str | None:
    """Return the entity named in a file name such as ``dealFields.v1.json``."""
    found = {
        _normalize_entity(match.group(1).lower())
        for match in _FILE_ENTITY.finditer(os.path.basename(file_name))
    }
    if len(found) > 1:
        raise ValueError(
            f"file name {file_name!r} names several entities ({', '.join(sorted(found))}): "
            "pass entity= explicitly"
        )
    return found.pop() if found else None


def _response_items(data: Any) -> list[tuple[Any, JsonPath]]:
    """Return the field items of a response with the JSON path of each."""
    if isinstance(data, list):
        return [(item, (index,)) for index, item in enumerate(data)]
    if not isinstance(data, Mapping):
        raise _load_error(
            "field definitions response",
            (),
            data,
            "an object with a data list, or a list of field definitions",
        )
    if data.get("success") is False:
        raise ConversionError(
            "the field definitions response reports a failure",
            path=("success",),
            value=False,
            expected="true",
            hint=f"fix the request first (error: {data.get('error')!r})",
        )
    if "data" not in data:
        raise _load_error("data", ("data",), UNSET, "a list of field definitions")
    inner = data["data"]
    if inner is None:
        return []
    if isinstance(inner, Mapping):
        # GET /v1/dealFields/{id} and the v2 single-field routes return one object.
        return [(inner, ("data",))]
    if not isinstance(inner, list):
        raise _load_error("data", ("data",), inner, "a list of field definitions")
    return [(item, ("data", index)) for index, item in enumerate(inner)]


def _required_string(
    item: Mapping[str, Any], member: str, path: JsonPath, example: str
) -> str:
    """Return ``item[member]`` if it is a non-empty string, else raise."""
    value = item.get(member, UNSET)
    if isinstance(value, str) and value:
        return value
    raise _load_error(
        member,
        (*path, member),
        value,
        f"a non-empty string such as {example!r}",
        f"{_LOAD_HINT}: every field definition has {member}",
    )


def _read_options(raw: Any, path: JsonPath) -> _Options:
    """Read an ``options`` list of ``{id, label}`` objects."""
    # NOTE: v1 also lists deleted options in ``options_deleted``. They are not
    # read, so old records that still carry a deleted id get no label.
    if raw is None:
        return _Options({})
    if not isinstance(raw, list):
        raise _load_error("options", path, raw, "a list of {id, label} objects or null")
    labels: dict[tuple[bool, OptionId], str] = {}
    for index, option in enumerate(raw):
        option_path = (*path, index)
        if not isinstance(option, Mapping):
            raise _load_error(
                "option", option_path, option, "an object with id and label"
            )
        raw_id = option.get("id", UNSET)
        option_id = None if raw_id is UNSET else _normalize_option_id(raw_id)
        if option_id is None:
            raise _load_error(
                "option id",
                (*option_path, "id"),
                raw_id,
                "an integer, a string or a boolean",
            )
        label = option.get("label", UNSET)
        if not isinstance(label, str):
            raise _load_error(
                "option label", (*option_path, "label"), label, "a string"
            )
        tag = _option_tag(option_id)
        if labels.get(tag, label) != label:
            raise ConversionError(
                "duplicate option id with a different label",
                path=(*option_path, "id"),
                value=raw_id,
                expected="one label per option id",
                hint="remove the duplicate option from the field definition",
            )
        labels[tag] = label
    return _Options(labels)


def _read_subfield_names(raw: Any, parent_key: str, path: JsonPath) -> tuple[str, ...]:
    """Read a ``subfields`` list: v2 ``{field_code}`` objects, v1 rows or names."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _load_error("subfields", path, raw, "a list of subfield objects or null")
    names: list[str] = []
    for index, entry in enumerate(raw):
        name: Any = entry
        if isinstance(entry, Mapping):
            name = entry.get("id_suffix") or entry.get("field_code") or entry.get("key")
            if isinstance(name, str) and name.startswith(parent_key + "_"):
                name = name[len(parent_key) + 1 :]
        if not isinstance(name, str) or not name:
            raise _load_error(
                "subfield",
                (*path, index),
                entry,
                "a subfield name or an object with field_code, key or id_suffix",
            )
        names.append(name)
    return tuple(names)


def _plain_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _read_row(item: Any, path: JsonPath) -> _Row:
    """Check one v1 or v2 field definition item and return its facts."""
    if not isinstance(item, Mapping):
        raise _load_error(
            "field definition",
            path,
            item,
            "an object with key (v1) or field_code (v2) and field_type",
            "pass the items of the response's data list unchanged",
        )
    # v2 items always carry field_code. An item with neither key nor
    # field_code is read as v2 only when it has other v2 members.
    is_v2 = "field_code" in item or (
        "key" not in item and ("field_name" in item or "is_custom_field" in item)
    )
    key_member, name_member = ("field_code", "field_name") if is_v2 else ("key", "name")
    key = _required_string(item, key_member, path, "title")
    field_type = _required_string(item, "field_type", path, "varchar")

    name = item.get(name_member)
    if name is None:
        name = key
    elif not isinstance(name, str):
        raise _load_error(name_member, (*path, name_member), name, "a string or null")

    is_custom = _CUSTOM_KEY.fullmatch(key) is not None
    is_custom = is_custom or item.get("is_custom_field") is True
    options = _read_options(item.get("options"), (*path, "options"))
    subfields = _read_subfield_names(item.get("subfields"), key, (*path, "subfields"))

    id_suffix = item.get("id_suffix")
    parent_id = _plain_int(item.get("parent_id"))
    return _Row(
        path=path,
        key_member=key_member,
        key=key,
        name=name,
        field_type=field_type,
        is_custom=is_custom,
        options=options,
        listed_subfields=subfields,
        row_id=_plain_int(item.get("id")),
        parent_id=parent_id,
        id_suffix=id_suffix if isinstance(id_suffix, str) and id_suffix else None,
        is_subfield=item.get("is_subfield") is True or parent_id is not None,
    )


def _split_suffix(key: str) -> tuple[str, str] | None:
    """Split ``<parent>_<known subfield>`` keys, e.g. ``abc..._currency``."""
    for suffix in _KNOWN_SUFFIXES:
        if key.endswith("_" + suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix) - 1], suffix
    return None


def _split_rows(rows: Sequence[_Row]) -> tuple[list[_Row], list[_Row]]:
    """Separate top-level field rows from v1 subfield rows."""
    top_keys = {row.key for row in rows if not row.is_subfield}
    parents: list[_Row] = []
    subfield_rows: list[_Row] = []
    for row in rows:
        split = None if row.is_subfield else _split_suffix(row.key)
        # A <parent>_currency row without the subfield flag is still a
        # subfield when its parent is listed or is a custom field key.
        is_subfield = row.is_subfield or (
            split is not None
            and (split[0] in top_keys or _CUSTOM_KEY.fullmatch(split[0]) is not None)
        )
        (subfield_rows if is_subfield else parents).append(row)
    return parents, subfield_rows


def _parent_hint(row: _Row) -> tuple[str | None, str]:
    """Derive a subfield row's parent key and suffix from its own members."""
    if row.id_suffix is not None:
        if row.key.endswith("_" + row.id_suffix):
            return row.key[: -len(row.id_suffix) - 1], row.id_suffix
        return None, row.id_suffix
    split = _split_suffix(row.key)
    if split is not None:
        return split
    return None, row.key


def _subfield_links(
    parents: Sequence[_Row], subfield_rows: Sequence[_Row], entity: str | None
) -> list[_SubfieldLink]:
    """Name the parent key and suffix of each subfield row.

    ``parent_id`` wins when it names a row of the same response. Otherwise the
    parent key comes from the row's key, e.g. ``address`` for
    ``address_formatted_address``.
    """
    keys_by_id = {row.row_id: row.key for row in parents if row.row_id is not None}
    links: list[_SubfieldLink] = []
    for row in subfield_rows:
        parent_key, suffix = _parent_hint(row)
        if row.parent_id in keys_by_id:
            parent_key = keys_by_id[row.parent_id]
            if row.id_suffix is None and row.key.startswith(parent_key + "_"):
                suffix = row.key[len(parent_key) + 1 :]
        links.append(_SubfieldLink(entity, row.key, parent_key, suffix))
    return links


def _conflict_error(
    existing: FieldDefinition, new: FieldDefinition, path: Sequence[str | int]
) -> ConversionError:
    entity = existing.entity or "an unknown entity"
    return ConversionError(
        f"conflicting definitions of field {existing.key!r} for {entity}",
        path=path,
        value=new,
        expected=f"the same definition as {existing!r}",
        hint="keep one of the two responses, or load them as separate entities",
    )


class FieldCatalog:
    """Field definitions of one or more entities, read from fields endpoints.

    A catalog is immutable. :meth:`merged` returns a new catalog with the
    fields of both, so the per-entity responses can be combined into one.
    Lookups for an entity fall back to definitions loaded without an entity
    when the entity has no definition of its own.

    >>> catalog = FieldCatalog.from_json(
    ...     {"success": True, "data": [{"key": "status", "name": "Status",
    ...      "field_type": "status", "options": [{"id": "won", "label": "Won"}]}]},
    ...     entity="deal",
    ... )
    >>> catalog.option_label("deal", "status", "won")
    'Won'

    :param definitions: the definitions to hold. Two definitions with the
        same entity and key must be equal.
    :raises ConversionError: for two different definitions of one field.
    """

    __slots__ = ("_fields", "_fingerprint", "_unattached")

    def __init__(self, definitions: Iterable[FieldDefinition] = ()) -> None:
        self._fields: dict[tuple[str | None, str], FieldDefinition] = {}
        self._unattached: tuple[_SubfieldLink, ...] = ()
        self._fingerprint: str | None = None
        for definition in definitions:
            self._add(definition, ())

    def _add(self, definition: FieldDefinition, path: Sequence[str | int]) -> None:
        slot = (definition.entity, definition.key)
        existing = self._fields.get(slot)
        if existing is not None and existing != definition:
            raise _conflict_error(existing, definition, path)
        self._fields[slot] = definition

    def _attach(self, orphans: Iterable[_SubfieldLink]) -> None:
        """Add subfield rows to their parents and keep the ones left over."""
        left: list[_SubfieldLink] = list(self._unattached)
        for orphan in orphans:
            if orphan.parent_key is None:
                parent = None
            else:
                slot = (orphan.entity, orphan.parent_key)
                parent = self._fields.get(slot)
            if parent is None:
                if orphan not in left:
                    left.append(orphan)
                continue
            subfields = _merge_subfields(
                parent.field_type, (*parent.subfields, orphan.suffix)
            )
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
        :raises ConversionError: for an item that is not an object, lacks a key
            or a type, has invalid options, or redefines a key differently.
        :raises ValueError: for an unknown entity name.
        """
        entity_name = None if entity is None else _normalize_entity(entity)
        rows = [_read_row(item, path) for item, path in _response_items(data)]
        parents, subfield_rows = _split_rows(rows)
        catalog = cls()
        for row in parents:
            definition = FieldDefinition(
                key=row.key,
                name=row.name,
                field_type=row.field_type,
                entity=entity_name,
                is_custom=row.is_custom,
                options=row.options,
                subfields=_merge_subfields(row.field_type, row.listed_subfields),
            )
            catalog._add(definition, (*row.path, row.key_member))

        catalog._attach(_subfield_links(parents, subfield_rows, entity_name))
        return catalog

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], *, entity: str | None = None
    ) -> FieldCatalog:
        """Read a JSON file holding a fields endpoint response.

        :param path: the file. Its content is read as :meth:`from_json` reads
            data.
        :param entity: the entity, or None to take it from a file name that
            contains ``dealFields``, ``personFields``, ``organizationFields``
            (or ``orgFields``), ``productFields`` or ``activityFields``, in
            any case and also spelled ``deal_fields``. A file name naming no
            entity loads with entity None.
        :raises ConversionError: when the file is not UTF-8 JSON or its content
            is invalid. The message names the file.
        :raises ValueError: when the file name names several entities.
        :raises OSError: when the file cannot be read.
        """
        file_path = os.fspath(path)
        file_name = os.path.basename(file_path)
        if entity is None:
            entity = _entity_from_file_name(file_name)
        with open(file_path, "rb") as handle:
            raw = handle.read()
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise ConversionError(
                f"field definitions file {file_name!r} is not UTF-8 ({error.reason})",
                value=file_path,
                expected="a UTF-8 JSON file",
                hint="save the response body unchanged",
            ) from error
        except json.JSONDecodeError as error:
            raise ConversionError(
                f"field definitions file {file_name!r} is not valid JSON "
                f"({error.msg} at line {error.lineno} column {error.colno})",
                value=file_path,
                expected="a JSON fields endpoint response",
                hint="save the response body unchanged (one JSON document, not NDJSON)",
            ) from error
        try:
            return cls.from_json(data, entity=entity)
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

        :raises ConversionError: when both define one field differently.
        """
        result = FieldCatalog(self._fields.values())
        for definition in other._fields.values():
            result._add(definition, ())
        result._attach((*self._unattached, *other._unattached))
        return result

    def get(self, entity: str, key: str) -> FieldDefinition | None:
        """Look up a field by key: the entity's own, else one loaded without entity.

        :raises ValueError: for an unknown entity name.
        """
        name = _normalize_entity(entity)
        found = self._fields.get((name, key))
        return found if found is not None else self._fields.get((None, key))

    def custom_keys(self, entity: str) -> frozenset[str]:
        """Return the keys of the entity's custom fields.

        :raises ValueError: for an unknown entity name.
        """
        name = _normalize_entity(entity)
        return frozenset(
            key
            for (owner, key), definition in self._fields.items()
            if owner in (name, None) and definition.is_custom
        )

    def by_name(self, entity: str, name: str) -> FieldDefinition | None:
        """Look up a field by its exact display name.

        :raises ConversionError: when two fields of the entity share the name.
        :raises ValueError: for an unknown entity name.
        """
        owner_name = _normalize_entity(entity)
        for owner in (owner_name, None):
            matches = [
                definition
                for (field_owner, _), definition in self._fields.items()
                if field_owner == owner and definition.name == name
            ]
            if len(matches) > 1:
                raise ConversionError(
                    f"field name {name!r} is ambiguous for {owner or 'fields without entity'}",
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

        :raises ValueError: for an unknown entity name.
        """
        definition = self.get(entity, key)
        normalized = _normalize_option_id(option_id)
        if definition is None or normalized is None:
            return None
        return definition.options.get(normalized)

    def option_id(self, entity: str, key: str, label: str) -> OptionId | None:
        """Return the id of the option with this exact label, or None.

        :raises ConversionError: when two options of the field share the label.
        :raises ValueError: for an unknown entity name.
        """
        definition = self.get(entity, key)
        if definition is None:
            return None
        matches = [
            option_id for option_id, text in definition.options.items() if text == label
        ]
        if len(matches) > 1:
            raise ConversionError(
                f"option label {label!r} is ambiguous for field {key!r}",
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
            self._fingerprint = hashlib.sha256(
                self._canonical_json().encode()
            ).hexdigest()
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
