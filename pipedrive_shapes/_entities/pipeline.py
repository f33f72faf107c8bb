"""Pipeline: ``/v1/pipelines`` <-> ``/api/v2/pipelines``."""

from __future__ import annotations

from typing import Final

from pipedrive_shapes._rules import Rule, deleted_flag, flag, ident, removed, timestamp

NAME: Final = "pipeline"
CUSTOM_FIELDS: Final = False

RULES: Final[tuple[Rule, ...]] = (
    ident("id"),
    # The guide's prose calls the v1 flag active_flag; v1 responses use active.
    deleted_flag("active", v1_aliases=("active_flag",)),
    flag("selected", "is_selected"),
    flag("deal_probability", "is_deal_probability_enabled"),
    timestamp("add_time"),
    timestamp("update_time"),
    *removed("url_title"),
)
