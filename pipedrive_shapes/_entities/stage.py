"""Stage: ``/v1/stages`` <-> ``/api/v2/stages``."""

from __future__ import annotations

from typing import Final

from pipedrive_shapes._rules import (
    Rule,
    deleted_flag,
    flag,
    ident,
    number,
    removed,
    timestamp,
)

NAME: Final = "stage"
CUSTOM_FIELDS: Final = False

RULES: Final[tuple[Rule, ...]] = (
    ident("id"),
    ident("pipeline_id"),
    number("deal_probability"),
    deleted_flag("active_flag"),
    flag("rotten_flag", "is_deal_rot_enabled"),
    number("rotten_days", "days_to_rotten"),
    timestamp("add_time"),
    timestamp("update_time"),
    # Both now live on the pipeline: name and is_deal_probability_enabled.
    *removed("pipeline_name", "pipeline_deal_probability"),
)
