"""Activity: ``/v1/activities`` <-> ``/api/v2/activities``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pipedrive_shapes import _scalars as s
from pipedrive_shapes._entities._shared import DELETE_TIME
from pipedrive_shapes._rules import (
    SKIP,
    Field,
    IncludeOnly,
    Items,
    Removed,
    Rule,
    address,
    deleted_flag,
    flag,
    ident,
    removed,
    timestamp,
)

NAME: Final = "activity"
CUSTOM_FIELDS: Final = True
#: v2 activity records have no custom_fields object unless a field is set.
ALWAYS_CUSTOM_FIELDS: Final = False


def _done_time_to_v2(value: Any, path: s.Path) -> Any:
    # v1 wrote "" for an activity not marked as done; v2 writes null.
    return s.timestamp_to_v2(value, path)


def _done_time_to_v1(value: Any, path: s.Path) -> Any:
    return "" if value is None else s.timestamp_to_v1(value, path)


def _organizer_to_v1(value: Any, path: s.Path) -> Any:
    # The guide's own v2 example still shows is_organizer as 0, so v2 input
    # may carry 0/1; that is already the v1 form.
    if type(value) is int and value in (0, 1):
        return value
    return s.bool_to_01(value, path)


def _assigned_to(activity: Mapping[str, Any], parent: Mapping[str, Any] | None) -> Any:
    """Equal to `owner_id` (v1's `user_id`), as it always was."""
    return activity.get("owner_id", SKIP)


#: One attendee: is_organizer is 0/1 in v1 and a boolean in v2. Pipedrive's
#: v2 models spell the address ``email``; the guide keeps ``email_address``.
ATTENDEE_RULES: Final[tuple[Rule, ...]] = (
    Field("is_organizer", None, s.bool_to_v2, _organizer_to_v1, kind="0/1 -> boolean"),
    Field("email_address", v2_aliases=("email",)),
    ident("person_id"),
    ident("user_id"),
)

#: One participant. The guide's v2 example still shows primary_flag, while its
#: request text and Pipedrive's v2 models use primary.
PARTICIPANT_RULES: Final[tuple[Rule, ...]] = (
    flag("primary_flag", "primary", v2_aliases=("primary_flag",)),
    ident("person_id"),
)

RULES: Final[tuple[Rule, ...]] = (
    ident("id"),
    deleted_flag("active_flag", v1_aliases=("is_active",)),
    ident("user_id", "owner_id"),
    ident("created_by_user_id", "creator_user_id"),
    flag("done"),
    flag("busy_flag", "busy"),
    ident("org_id"),
    ident("person_id"),
    ident("deal_id"),
    ident("project_id"),
    timestamp("add_time"),
    timestamp("update_time"),
    Field(
        "marked_as_done_time",
        None,
        _done_time_to_v2,
        _done_time_to_v1,
        kind="timestamp, empty string -> null",
    ),
    # The guide's v1 example spells the last part location_formatted_location.
    address("location", formatted_location="formatted_address"),
    IncludeOnly("attendees", items=ATTENDEE_RULES),
    Items("participants", rules=PARTICIPANT_RULES),
    Removed("assigned_to_user_id", derive=_assigned_to),
    DELETE_TIME,
    *removed(
        "deal_title",
        "lead_title",
        "project_title",
        "person_name",
        "org_name",
        "owner_name",
        "type_name",
        "person_dropbox_bcc",
        "deal_dropbox_bcc",
        "company_id",
        "last_notification_time",
        "last_notification_user_id",
        "notification_language_id",
        "calendar_sync_include_context",
        "reference_type",
        "reference_id",
        "series",
        "is_recurring",
        "rec_rule",
        "rec_rule_extension",
        "rec_master_activity_id",
        "original_start_time",
        "source_timezone",
        "update_user_id",
        "lead",
    ),
)
