"""Deal product (a product attached to a deal): ``/v1/deals/:id/products`` <-> v2."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pipedrive_shapes import _scalars as s
from pipedrive_shapes._rules import (
    Field,
    Removed,
    Rule,
    flag,
    ident,
    number,
    removed,
    timestamp,
)

NAME: Final = "deal_product"
CUSTOM_FIELDS: Final = False


def _comments_to_v2(value: Any, path: s.Path) -> Any:
    # v2 never returns null comments: an unset comment is "".
    return "" if value is None else s.copy_value(value, path)


def _comments_to_v1(value: Any, path: s.Path) -> Any:
    return None if value == "" else s.copy_value(value, path)


def _always_active(item: Mapping[str, Any], parent: Mapping[str, Any] | None) -> bool:
    """Always true, as it was in v1 (which is why v2 dropped it)."""
    return True


RULES: Final[tuple[Rule, ...]] = (
    ident("id"),
    ident("deal_id"),
    ident("product_id"),
    ident("product_variation_id"),
    number("item_price"),
    number("quantity"),
    number("sum"),
    number("tax"),
    number("discount"),
    flag("enabled_flag", "is_enabled"),
    timestamp("add_time"),
    timestamp("last_edit", "update_time"),
    Field(
        "comments", None, _comments_to_v2, _comments_to_v1, kind="null -> empty string"
    ),
    Removed("active_flag", derive=_always_active),
    # Pipedrive's v2 model still lists order_nr, so v2 input may carry it.
    Removed("order_nr", v2_passthrough=True),
    # duration and duration_unit were dropped from both versions' models.
    *removed(
        "product", "quantity_formatted", "sum_formatted", "duration", "duration_unit"
    ),
)
