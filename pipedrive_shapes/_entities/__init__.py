"""Rule tables, one module per entity, and the registry of entity names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pipedrive_shapes._entities import (
    activity,
    deal,
    deal_product,
    follower,
    organization,
    person,
    pipeline,
    product,
    product_variation,
    stage,
)
from pipedrive_shapes._rules import Rule


@dataclass(frozen=True, slots=True)
class EntitySpec:
    """An entity's rule table and whether its records carry custom fields."""

    name: str
    rules: tuple[Rule, ...]
    custom_fields: bool
    #: Whether v2 records always carry ``custom_fields``, even when empty.
    always_custom_fields: bool


SPECS: Final[dict[str, EntitySpec]] = {
    module.NAME: EntitySpec(
        module.NAME,
        module.RULES,
        module.CUSTOM_FIELDS,
        getattr(module, "ALWAYS_CUSTOM_FIELDS", module.CUSTOM_FIELDS),
    )
    for module in (
        product,
        product_variation,
        deal_product,
        pipeline,
        stage,
        deal,
        person,
        organization,
        activity,
        follower,
    )
}

#: Every entity name that the converters accept.
ENTITIES: Final = tuple(SPECS)
