"""Follower of a deal, person, organization, product or user.

v1 user followers were bare user ids; the API layer turns such an id into
``{"user_id": id, "add_time": null}`` before these rules apply.
"""

from __future__ import annotations

from typing import Final

from pipedrive_shapes._rules import Rule, ident, removed, timestamp

NAME: Final = "follower"
CUSTOM_FIELDS: Final = False

RULES: Final[tuple[Rule, ...]] = (
    ident("user_id"),
    timestamp("add_time"),
    # The relation's own id and the followed record's id: the parent id is
    # in the request path in v2.
    *removed("id", "deal_id", "person_id", "org_id", "product_id"),
)
