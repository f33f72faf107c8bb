"""Organization: ``/v1/organizations`` <-> ``/api/v2/organizations``."""

from __future__ import annotations

from typing import Final

from pipedrive_shapes._entities._shared import DELETE_TIME
from pipedrive_shapes._rules import (
    IncludeOnly,
    Labels,
    Rule,
    address,
    deleted_flag,
    ident,
    include_counts,
    include_timestamps,
    related,
    removed,
    timestamp,
    visible_to,
)

NAME: Final = "organization"
CUSTOM_FIELDS: Final = True

#: The guide's prose and its example list different include-only fields for
#: organizations; a field in either list is treated as include-only.
INCLUDE_FIELDS: Final[tuple[IncludeOnly, ...]] = (
    *include_counts(
        "next_activity_id",
        "last_activity_id",
        "open_deals_count",
        "related_open_deals_count",
        "closed_deals_count",
        "related_closed_deals_count",
        "participant_open_deals_count",
        "participant_closed_deals_count",
        "email_messages_count",
        "people_count",
        "activities_count",
        "done_activities_count",
        "undone_activities_count",
        "files_count",
        "notes_count",
        "followers_count",
        "won_deals_count",
        "related_won_deals_count",
        "lost_deals_count",
        "related_lost_deals_count",
    ),
    *include_timestamps("last_incoming_mail_time", "last_outgoing_mail_time"),
    IncludeOnly("marketing_status"),
    IncludeOnly("doi_status"),
    IncludeOnly("smart_bcc_email"),
)

RULES: Final[tuple[Rule, ...]] = (
    ident("id"),
    deleted_flag("active_flag", v1_aliases=("is_active",)),
    related("owner_id"),
    related("picture_id"),
    Labels(),
    visible_to(),
    address("address"),
    timestamp("add_time"),
    timestamp("update_time"),
    *INCLUDE_FIELDS,
    DELETE_TIME,
    *removed(
        "company_id",
        "category_id",
        "edit_name",
        "country_code",
        "first_char",
        "owner_name",
        "next_activity_date",
        "next_activity_time",
        "last_activity_date",
        "last_activity",
        "next_activity",
    ),
)
