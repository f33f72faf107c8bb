"""Render ``docs/fields.md``, the per-entity table of field rules, from the rule tables.

Run ``python -m pipedrive_shapes._fieldtable > docs/fields.md`` after changing
a table; a test fails while the file and the tables disagree.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipedrive_shapes._entities import SPECS
from pipedrive_shapes._rules import (
    Field,
    IncludeOnly,
    Items,
    Labels,
    Nested,
    Removed,
    Rule,
)

_HEADER = """# Field rules per entity

What happens to each field on the way from v1 to v2 and back. Fields not
listed pass through unchanged in both directions. Generated from the rule
tables in `pipedrive_shapes/_entities/` by
`python -m pipedrive_shapes._fieldtable`; do not edit by hand.

Custom fields (40-hex-character keys and their `_<subfield>` siblings) move
into `custom_fields`; see `custom-fields.md`.
"""


def _code(name: str) -> str:
    return f"`{name}`"


def _rows(rule: Rule, prefix: str = "") -> Iterator[tuple[str, str, str, str]]:
    if isinstance(rule, Field):
        v1 = " / ".join(_code(prefix + key) for key in (rule.v1, *rule.v1_aliases))
        v2 = " / ".join(_code(prefix + key) for key in (rule.v2_key, *rule.v2_aliases))
        yield v1, v2, rule.kind, "converted back"
    elif isinstance(rule, Removed):
        back = "copied back if present" if rule.v2_passthrough else "left out"
        if rule.derive is not None:
            back = (rule.derive.__doc__ or "derived").strip().splitlines()[0]
        yield _code(prefix + rule.v1), "—", rule.kind, back
    elif isinstance(rule, IncludeOnly):
        yield (
            _code(prefix + rule.v1),
            _code(prefix + rule.v1),
            rule.kind,
            "converted back if present",
        )
        if rule.items:
            for item in rule.items:
                yield from _rows(item, f"{prefix}{rule.v1}[].")
    elif isinstance(rule, Nested):
        names = ", ".join(f"`_{name}`" for name in (*rule.subfields, *rule.dropped))
        v1 = f"{_code(prefix + rule.v1)} and {names}"
        dropped = ", ".join(rule.dropped)
        note = f"{rule.kind}; {dropped} left out" if dropped else rule.kind
        yield (
            v1,
            f"{_code(prefix + rule.v2)} object",
            note,
            "flattened; missing parts null",
        )
    elif isinstance(rule, Items):
        v2 = " / ".join(_code(prefix + key) for key in (rule.v2_key, *rule.v2_aliases))
        yield _code(prefix + rule.v1), v2, rule.kind, "converted back item by item"
        for item in rule.rules:
            yield from _rows(item, f"{prefix}{rule.v2_key}[].")
    elif isinstance(rule, Labels):
        yield (
            f"`{rule.v1}` (or `label_ids`)",
            _code(rule.v2),
            rule.kind,
            "joined with commas; `[]` -> null",
        )


def render() -> str:
    """Return the Markdown text of ``docs/fields.md``."""
    lines = [_HEADER]
    for name, spec in SPECS.items():
        lines.append(f"## {name}\n")
        lines.append("| v1 | v2 | rule | v2 -> v1 |")
        lines.append("|---|---|---|---|")
        for rule in spec.rules:
            for row in _rows(rule):
                lines.append("| " + " | ".join(row) + " |")
        custom = (
            "always have" if spec.always_custom_fields else "have, when a field is set,"
        )
        if spec.custom_fields:
            lines.append(f"\nv2 records {custom} a `custom_fields` object.\n")
        else:
            lines.append("\nNo custom fields.\n")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    sys.stdout.write(render())
