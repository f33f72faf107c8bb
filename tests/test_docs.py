"""The generated documentation matches the code."""

from __future__ import annotations

from pathlib import Path

from pipedrive_shapes._fieldtable import render

DOCS = Path(__file__).parent.parent / "docs"


def test_fields_table_matches_rule_tables() -> None:
    """docs/fields.md is regenerated with python -m pipedrive_shapes._fieldtable."""
    assert (DOCS / "fields.md").read_text() == render()
