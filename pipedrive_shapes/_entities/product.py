"""Product: ``/v1/products`` <-> ``/api/v2/products``."""

from __future__ import annotations

from typing import Final

from pipedrive_shapes._rules import (
    Items,
    Rule,
    deleted_flag,
    flag,
    ident,
    number,
    related,
    removed,
    timestamp,
    visible_to,
)

NAME: Final = "product"
CUSTOM_FIELDS: Final = True

#: One entry of a product's ``prices``. v2 dropped the price row's own id and
#: the formatted price, and renamed ``overhead_cost`` to ``direct_cost``.
PRICE_RULES: Final[tuple[Rule, ...]] = (
    *removed("id", "price_formatted"),
    ident("product_id"),
    number("price"),
    number("cost"),
    number("overhead_cost", "direct_cost"),
)

RULES: Final[tuple[Rule, ...]] = (
    ident("id"),
    number("tax"),
    deleted_flag("active_flag"),
    flag("selectable", "is_linkable"),
    visible_to(),
    related("owner_id"),
    # Variations moved to their own endpoint, /api/v2/products/:id/variations.
    *removed("first_char", "files_count", "product_variations"),
    timestamp("add_time"),
    timestamp("update_time"),
    Items("prices", rules=PRICE_RULES),
)
