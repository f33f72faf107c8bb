"""Rules and derivations that several entities share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pipedrive_shapes import _scalars as s
from pipedrive_shapes._rules import SKIP, Removed, Rule, flag


def delete_time(record: Mapping[str, Any], parent: Mapping[str, Any] | None) -> Any:
    """`update_time` when `is_deleted`, else null: v2's rule for a deleted record."""
    if "is_deleted" not in record:
        return SKIP
    if record["is_deleted"] is not True:
        return None
    return s.timestamp_to_v1(record.get("update_time"), ("update_time",))


DELETE_TIME: Final = Removed("delete_time", derive=delete_time)

#: One entry of a person's phones, emails or ims. v1 sometimes sent
#: ``primary`` as the string "true".
CONTACT_RULES: Final[tuple[Rule, ...]] = (flag("primary"),)
