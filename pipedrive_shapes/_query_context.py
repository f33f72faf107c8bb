"""Shared parts of query conversion: the context and the value parsers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pipedrive_shapes._paths import format_path
from pipedrive_shapes._query_tables import INCLUDE_FIELDS, V1_PARAMS, V2_PARAMS
from pipedrive_shapes._routes import (
    Endpoint,
    RoutePair,
    Version,
    message_text,
    quoted,
)
from pipedrive_shapes._scalars import digits_to_int
from pipedrive_shapes.errors import ConversionError


def removed_key(name: str) -> str:
    """Return the key that names query parameter ``name`` in a removed map."""
    return format_path(("query", name))[2:]


@dataclass(slots=True)
class QueryContext:
    """The state of one query conversion: the route, the input and the output."""

    pair: RoutePair
    to: Version
    strict: bool
    source: Mapping[str, str]
    out: dict[str, str] = field(default_factory=dict)
    removed: dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> Endpoint:
        return self.pair.side(self.to)

    @property
    def target_key(self) -> str:
        return str(self.target)

    @property
    def target_params(self) -> frozenset[str]:
        table = V2_PARAMS if self.to == "v2" else V1_PARAMS
        return table.get(self.target_key, frozenset())

    def emit(self, name: str, value: str) -> None:
        if name in self.out and self.out[name] != value:
            raise ConversionError(
                f"conflicting values for query parameter {message_text(name)}",
                path=("query", name),
                value=value,
                expected=quoted(self.out[name]),
                hint="pass each parameter once, in one version's spelling",
            )
        self.out[name] = value

    def drop(self, name: str, reason: str) -> None:
        """Record a parameter that the target cannot carry (raise when strict)."""
        if self.strict:
            found = {"value": self.source[name]} if name in self.source else {}
            raise ConversionError(
                f"{self.to} has no equivalent of query parameter {message_text(name)}",
                path=("query", name),
                hint=reason,
                **found,
            )
        self.removed[removed_key(name)] = reason

    def note(self, name: str, reason: str) -> None:
        """Record a parameter left out without loss, which strict mode accepts.

        v1 returns optional fields, every custom field and unpaged lists
        without being asked, so leaving out the v2 parameter loses nothing.
        """
        self.removed[removed_key(name)] = reason

    @property
    def unsupported(self) -> str:
        reason = f"not a parameter of {self.to} {self.target}"
        if self.target.method in ("POST", "PUT", "PATCH"):
            reason += "; send entity fields in the body"
        return reason


Handler = Callable[[QueryContext, str, str], None]


# Shared value parsers.


def parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true"):
        return True
    if lowered in ("0", "false"):
        return False
    raise ConversionError(
        "invalid boolean query parameter",
        path=("query", name),
        value=value,
        expected="true, false, 1 or 0",
    )


def parse_count(name: str, value: str, minimum: int) -> int:
    number = digits_to_int(value.strip())
    if number is not None and number >= minimum:
        return number
    raise ConversionError(
        f"invalid {name}",
        path=("query", name),
        value=value,
        expected=f"a whole number of at least {minimum}",
    )


def split_list(value: str) -> list[str]:
    """Split a comma list into its non-empty items, without repeats, in order."""
    stripped = (part.strip() for part in value.split(","))
    return list(dict.fromkeys(item for item in stripped if item))


def rfc3339(name: str, value: str) -> str:
    """Convert v1's ``YYYY-MM-DD HH:MM:SS`` (UTC) or an RFC 3339 timestamp to RFC 3339 UTC."""
    text = value.strip()
    try:
        if len(text) == 19 and text[10] == " ":
            moment = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text.replace("z", "Z"))
            if moment.tzinfo is None or "T" not in text.upper():
                raise ValueError(text)
    except ValueError:
        raise ConversionError(
            "invalid timestamp",
            path=("query", name),
            value=value,
            expected="'YYYY-MM-DD HH:MM:SS' in UTC or an RFC 3339 timestamp",
        ) from None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_statuses(name: str, value: str, allowed: tuple[str, ...]) -> str:
    stripped = (part.strip() for part in value.split(","))
    statuses = [status for status in stripped if status]
    # Checked before removing repeats, so that a long list of unknown
    # statuses never fills a dict.
    if not statuses or any(status not in allowed for status in statuses):
        raise ConversionError(
            "invalid deal status",
            path=("query", name),
            value=value,
            expected="one or more of " + ", ".join(allowed),
        )
    return ",".join(dict.fromkeys(statuses))


def convert_include_fields(context: QueryContext, name: str, value: str) -> None:
    allowed = INCLUDE_FIELDS.get(context.target_key)
    if name not in context.target_params or allowed is None:
        if context.to == "v1":
            context.note(
                name,
                "v1 has no include_fields parameter and returns its optional fields by default",
            )
            return
        raise ConversionError(
            f"{context.target} accepts no include_fields",
            path=("query", name),
            value=value,
            hint="leave include_fields out; this endpoint has no optional fields",
        )
    names = split_list(value)
    unknown = [item for item in names if item not in allowed]
    if unknown:
        raise ConversionError(
            f"field not available through include_fields on {context.target}",
            path=("query", name),
            value=unknown[0] if len(unknown) == 1 else unknown,
            expected="names from " + ", ".join(sorted(allowed)),
        )
    if names:
        context.emit(name, ",".join(names))
