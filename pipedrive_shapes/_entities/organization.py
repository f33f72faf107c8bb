"""Organization: ``/v1/organizations`` <-> ``/api/v2/organizations``."""

from __future__ import annotations

from typing import Final

from pipedrive_shapes._entities import person
from pipedrive_shapes._entities._shared import DELETE_TIME
from pipedrive_shapes._rules import (
    IncludeOnly,
    Labels,
    Rule,
    address,
    deleted_flag,
    ident,
    include_counts,
    related,
    removed,
    timestamp,
    visible_to,
)

NAME: Final = "organization"
CUSTOM_FIELDS: Final = True

#: The guide's prose gives organizations the person list of include-only
#: fields, and its example adds people_count; a field in either list is
#: treated as include-only.
INCLUDE_FIELDS: Final[tuple[IncludeOnly, ...]] = (
    *person.INCLUDE_FIELDS,
    *include_counts("people_count"),
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
