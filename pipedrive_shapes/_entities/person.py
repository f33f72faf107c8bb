"""Person: ``/v1/persons`` <-> ``/api/v2/persons``."""

from __future__ import annotations

from typing import Final

from pipedrive_shapes._entities._shared import CONTACT_RULES, DELETE_TIME
from pipedrive_shapes._rules import (
    IncludeOnly,
    Items,
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

NAME: Final = "person"
CUSTOM_FIELDS: Final = True

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
    # Need the marketing app; strings.
    IncludeOnly("marketing_status"),
    IncludeOnly("doi_status"),
    IncludeOnly("smart_bcc_email"),
)

RULES: Final[tuple[Rule, ...]] = (
    ident("id"),
    # The guide's prose calls the v1 flag is_active; v1 responses use active_flag.
    deleted_flag("active_flag", v1_aliases=("is_active",)),
    related("owner_id"),
    related("org_id"),
    related("picture_id"),
    Labels(),
    visible_to(),
    Items("phone", "phones", rules=CONTACT_RULES),
    Items("email", "emails", rules=CONTACT_RULES),
    # Pipedrive's v2 models and request samples also spell it im.
    Items("im", "ims", rules=CONTACT_RULES, v2_aliases=("im",)),
    address("postal_address"),
    timestamp("add_time"),
    timestamp("update_time"),
    *INCLUDE_FIELDS,
    DELETE_TIME,
    *removed(
        "company_id",
        "first_char",
        "owner_name",
        "org_name",
        "next_activity_date",
        "next_activity_time",
        "last_activity_date",
    ),
)
