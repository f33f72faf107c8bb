"""marshmallow schemas of v1 and v2 records, for validation and conversion on load.

``pipedrive_shapes.schemas.v1`` and ``pipedrive_shapes.schemas.v2`` hold one
schema per entity and version (``v2.DealSchema``, ``v1.PersonSchema``, ...)
and the schemas of nested objects. :func:`schema_for` looks one up by
entity name. See ``docs/schemas.md``.

>>> from pipedrive_shapes.schemas import v1
>>> v1.PipelineSchema(to="v2").load({"id": 1, "active": 1, "selected": "0"})
{'id': 1, 'is_deleted': False, 'is_selected': False}
"""

from __future__ import annotations

from pipedrive_shapes.errors import ConversionError
from pipedrive_shapes.schemas import v1, v2
from pipedrive_shapes.schemas._base import EntitySchema

__all__ = ["EntitySchema", "schema_for", "v1", "v2"]

_SCHEMAS: dict[str, dict[str, type[EntitySchema]]] = {
    module.__name__.rsplit(".", 1)[1]: {
        schema.ENTITY: schema
        for schema in vars(module).values()
        if isinstance(schema, type)
        and issubclass(schema, EntitySchema)
        and "ENTITY" in vars(schema)
    }
    for module in (v1, v2)
}


def schema_for(entity: str, version: str) -> type[EntitySchema]:
    """Return the schema class of ``entity`` records in ``version``.

    :param entity: one of :data:`pipedrive_shapes.ENTITIES`, such as ``"deal"``.
    :param version: ``"v1"`` or ``"v2"``.
    :raises ConversionError: for an unknown entity or version.

    >>> schema_for("deal", "v2").__name__
    'DealSchema'
    """
    by_entity = _SCHEMAS.get(version) if type(version) is str else None
    if by_entity is None:
        raise ConversionError(
            "unknown version",
            value=version,
            expected="'v1' or 'v2'",
            hint="pass version='v1' or version='v2'",
        )
    schema = by_entity.get(entity) if type(entity) is str else None
    if schema is None:
        raise ConversionError(
            "unknown entity",
            value=entity,
            expected=f"one of {', '.join(by_entity)}",
            hint="pass the singular entity name, e.g. 'deal'",
        )
    return schema
