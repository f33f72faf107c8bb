"""Deal: ``/v1/deals`` <-> ``/api/v2/deals``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from pipedrive_shapes._rules import (
    SKIP,
    IncludeOnly,
    Labels,
    Removed,
    Rule,
    flag,
    ident,
    include_counts,
    include_timestamps,
    number,
    related,
    removed,
    timestamp,
    visible_to,
)

NAME: Final = "deal"
CUSTOM_FIELDS: Final = True


def _active(deal: Mapping[str, Any], parent: Mapping[str, Any] | None) -> Any:
    """`status == "open"`, which is what v1's `active` meant."""
    return deal["status"] == "open" if "status" in deal else SKIP


def _weighted_value(deal: Mapping[str, Any], parent: Mapping[str, Any] | None) -> Any:
    """`value * probability / 100`; `value` when `probability` is null."""
    value = deal.get("value")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return SKIP
    probability = deal.get("probability")
    if not isinstance(probability, int | float) or isinstance(probability, bool):
        # v1 weighted an unset deal probability by the stage's probability,
        # which a deal record does not carry; 100 % is the value itself.
        return value
    try:
        weighted = value * probability / 100
    except OverflowError:
        return SKIP
    if not math.isfinite(weighted):
        # Past the float range: v1 could not have held it either.
        return SKIP
    return (
        int(weighted) if type(value) is int and weighted == int(weighted) else weighted
    )


def _currency(deal: Mapping[str, Any], parent: Mapping[str, Any] | None) -> Any:
    """Equal to `currency`."""
    return deal.get("currency", SKIP)


def _currency_of(amount: str) -> Removed:
    def derive(deal: Mapping[str, Any], parent: Mapping[str, Any] | None) -> Any:
        """`currency`, or null when the amount is null."""
        if "currency" not in deal or amount not in deal:
            return SKIP
        return None if deal[amount] is None else deal["currency"]

    return Removed(f"{amount}_currency", derive=derive)


#: Fields returned by v2 only when named in ``include_fields``.
INCLUDE_FIELDS: Final[tuple[IncludeOnly, ...]] = (
    *include_counts(
        "next_activity_id",
        "last_activity_id",
        "products_count",
        "files_count",
        "notes_count",
        "followers_count",
        "email_messages_count",
        "activities_count",
        "done_activities_count",
        "undone_activities_count",
        "participants_count",
    ),
    *include_timestamps(
        "first_won_time", "last_incoming_mail_time", "last_outgoing_mail_time"
    ),
    # Only in Pipedrive's v2 models: no v1 counterpart.
    IncludeOnly("smart_bcc_email"),
    IncludeOnly("source_lead_id"),
)

RULES: Final[tuple[Rule, ...]] = (
    ident("id"),
    related("creator_user_id"),
    related("user_id", "owner_id"),
    related("person_id"),
    related("org_id"),
    ident("pipeline_id"),
    ident("stage_id"),
    number("value"),
    number("acv"),
    number("arr"),
    number("mrr"),
    number("probability"),
    flag("deleted", "is_deleted"),
    flag("is_archived"),
    visible_to(),
    Labels(),
    timestamp("add_time"),
    timestamp("update_time"),
    timestamp("stage_change_time"),
    timestamp("close_time"),
    timestamp("won_time"),
    timestamp("lost_time"),
    timestamp("rotten_time"),
    timestamp("archive_time"),
    *INCLUDE_FIELDS,
    Removed("active", derive=_active),
    Removed("weighted_value", derive=_weighted_value),
    Removed("weighted_value_currency", derive=_currency),
    _currency_of("acv"),
    _currency_of("arr"),
    _currency_of("mrr"),
    *removed(
        "formatted_value",
        "formatted_weighted_value",
        "stage_order_nr",
        "person_name",
        "org_name",
        "owner_name",
        "org_hidden",
        "person_hidden",
        "next_activity_date",
        "next_activity_time",
        "next_activity_subject",
        "next_activity_type",
        "next_activity_duration",
        "next_activity_note",
        "last_activity_date",
        "average_time_to_won",
        "average_stage_progress",
        "stay_in_pipeline_stages",
        # Related activity objects of GET /v1/deals/:id; v2 has no related objects.
        "last_activity",
        "next_activity",
    ),
)
