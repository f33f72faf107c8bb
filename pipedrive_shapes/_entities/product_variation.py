"""Product variation: an item of v1 ``product_variations`` <-> ``/api/v2/products/:id/variations``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pipedrive_shapes._rules import SKIP, Items, Removed, Rule, ident, number, removed

NAME: Final = "product_variation"
CUSTOM_FIELDS: Final = False


def _product_id_from_variation(
    price: Mapping[str, Any], variation: Mapping[str, Any] | None
) -> Any:
    """Return the variation's `product_id`, which v2 keeps only at the variation's root."""
    if variation is None or "product_id" not in variation:
        return SKIP
    return variation["product_id"]


#: One entry of a variation's ``prices``: v2 dropped id, product_id, comment
#: and price_formatted, and renamed overhead_cost to direct_cost.
PRICE_RULES: Final[tuple[Rule, ...]] = (
    *removed("id", "comment", "price_formatted"),
    Removed("product_id", derive=_product_id_from_variation),
    ident("product_variation_id"),
    number("price"),
    number("cost"),
    number("overhead_cost", "direct_cost"),
)

RULES: Final[tuple[Rule, ...]] = (
    ident("id"),
    ident("product_id"),
    Items("prices", rules=PRICE_RULES),
)
