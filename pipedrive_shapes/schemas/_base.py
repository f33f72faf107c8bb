"""Base classes of the entity schemas: options, checks shared by every entity,
and conversion on load."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, ClassVar

from marshmallow import (
    INCLUDE,
    RAISE,
    Schema,
    ValidationError,
    post_load,
    pre_load,
    validates_schema,
)

from pipedrive_shapes import _scalars as s
from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes.errors import ConversionError
from pipedrive_shapes.schemas._fields import conversion_message
from pipedrive_shapes.schemas._values import v1_custom_field_errors


def error_tree(path: Iterable[str | int], message: str) -> dict[Any, Any]:
    """Nest ``message`` under ``path`` the way marshmallow keys its messages."""
    keys = list(path)
    tree: Any = [message]
    for key in reversed(keys):
        tree = {key: tree}
    return tree if keys else {"_schema": tree}


def alias_errors(schema: Schema, original: Any) -> dict[str, list[str]]:
    """Report a key given both under its own name and under an alias."""
    if not isinstance(original, Mapping):
        return {}
    errors: dict[str, list[str]] = {}
    for name, field in schema.fields.items():
        target = field.metadata.get("alias_of")
        key = field.data_key or name
        if target is not None and key in original and target in original:
            errors[key] = [f"Duplicate of {target!r}: give only one of the two."]
    return errors


class CheckedSchema(Schema):
    """A schema that rejects a key given both under its name and under an
    alias, and whose loaded data shares no lists or dicts with the input."""

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _check_aliases(self, data: Any, original_data: Any, **kwargs: Any) -> None:
        errors = alias_errors(self, original_data)
        if errors:
            raise ValidationError(errors)

    @post_load(pass_original=True)
    def _finish(self, data: Any, original_data: Any, **kwargs: Any) -> Any:
        return self.finish_load(data, original_data)

    def finish_load(self, data: Any, original_data: Any) -> Any:
        """Return the result of :meth:`load` for one record.

        marshmallow keeps unknown keys' values and checked values as the
        input's objects, so the loaded data is copied.
        """
        return s.copy_json(data)


class V2NestedSchema(CheckedSchema):
    """An object inside a v2 record: unknown keys are rejected."""

    class Meta:
        unknown = RAISE


class V1NestedSchema(CheckedSchema):
    """An object inside a v1 record: unknown keys pass."""

    class Meta:
        unknown = INCLUDE


class EntitySchema(CheckedSchema):
    """A record of one entity in one API version.

    :param fields_catalog: the account's field definitions. Custom field keys
        must then be fields of the catalog and their values must fit the
        field types. Without a catalog, custom field values are checked by
        their shape only.
    :param to: ``"v1"`` or ``"v2"`` to return the converted record from
        :meth:`load`, as :func:`pipedrive_shapes.to_v1` or
        :func:`pipedrive_shapes.to_v2` would return it; None (the default) to
        return the loaded record unchanged.
    :param include_fields: with ``to="v2"``, the v2 ``include_fields`` names
        to keep, as for :func:`pipedrive_shapes.to_v2`.
    :param kwargs: passed on to :class:`marshmallow.Schema`.
    :raises TypeError: for a ``fields_catalog`` that is not a FieldCatalog.
    :raises ValueError: for a ``to`` that is not the other version.
    """

    #: The entity name, as :data:`pipedrive_shapes.ENTITIES` spells it.
    ENTITY: ClassVar[str]
    #: The API version this schema describes.
    VERSION: ClassVar[str]
    #: Whether records of the entity carry custom fields.
    CUSTOM_FIELDS: ClassVar[bool] = False

    def __init__(
        self,
        *,
        fields_catalog: FieldCatalog | None = None,
        to: str | None = None,
        include_fields: Iterable[str] | str = (),
        **kwargs: Any,
    ) -> None:
        if fields_catalog is not None and not isinstance(fields_catalog, FieldCatalog):
            raise TypeError(
                f"fields_catalog must be a FieldCatalog or None, not {type(fields_catalog).__name__}"
            )
        other = "v2" if self.VERSION == "v1" else "v1"
        if to is not None and to != other:
            raise ValueError(
                f"to must be {other!r} or None for a {self.VERSION} schema, not {to!r}"
            )
        super().__init__(**kwargs)
        self.fields_catalog = fields_catalog
        self.to = to
        self.include_fields = include_fields

    def finish_load(self, data: Any, original_data: Any) -> Any:
        """Return the loaded record, or the converted one when ``to`` is set."""
        if self.to is None:
            return s.copy_json(data)
        # Imported here: pipedrive_shapes._api may import the validation
        # module, which imports these schemas.
        from pipedrive_shapes._api import to_v1, to_v2

        try:
            if self.to == "v2":
                return to_v2(
                    self.ENTITY,
                    original_data,
                    fields=self.fields_catalog,
                    include_fields=self.include_fields,
                )
            return to_v1(self.ENTITY, original_data, fields=self.fields_catalog)
        except ConversionError as error:
            raise ValidationError(
                error_tree(error.path, conversion_message(error))
            ) from error


class V2EntitySchema(EntitySchema):
    """A v2 record: unknown keys are rejected."""

    VERSION = "v2"

    class Meta:
        unknown = RAISE


class V1EntitySchema(EntitySchema):
    """A v1 record: unknown keys pass, except keys that only v2 records have.

    v1 records carry many keys the guide never mentions, and custom fields
    sit at the root under their 40-hex-character keys.
    """

    VERSION = "v1"

    class Meta:
        unknown = INCLUDE

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _check_root_keys(self, data: Any, original_data: Any, **kwargs: Any) -> None:
        if not isinstance(original_data, Mapping):
            return
        errors: dict[str, list[str]] = {}
        for key in v2_only_keys(self.ENTITY):
            if key in original_data and key not in self.fields:
                errors[key] = ["Field of the v2 shape: v1 records do not have it."]
        if self.CUSTOM_FIELDS:
            errors.update(
                v1_custom_field_errors(self.ENTITY, original_data, self.fields_catalog)
            )
        if errors:
            raise ValidationError(errors)


@cache
def v2_only_keys(entity: str) -> frozenset[str]:
    """Return the keys that the converter treats as v2's in a v1 record of ``entity``."""
    from pipedrive_shapes import _engine
    from pipedrive_shapes._api import plan_for

    plan = plan_for(entity)
    return frozenset(
        key for key, handler in plan.forward.items() if handler is _engine._foreign
    )


class V1FollowerBase(V1EntitySchema):
    """A v1 follower schema that loads a bare user id as a record, because v1
    listed a user's followers as bare user ids."""

    @pre_load
    def _wrap_user_id(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool):
            return {"user_id": data, "add_time": None}
        return data
