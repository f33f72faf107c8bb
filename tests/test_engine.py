"""The compiled action tables give exactly what calling each rule's handler gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipedrive_shapes import ENTITIES, ConversionError, FieldCatalog
from pipedrive_shapes._api import plan_for, same_json
from pipedrive_shapes._engine import (
    State,
    apply_backward,
    apply_backward_plain,
    apply_forward,
    apply_forward_plain,
)

FIXTURES = Path(__file__).parent / "fixtures"
CATALOG = FieldCatalog.from_file(FIXTURES / "fields" / "dealFields.v1.json")


def _outcome(function: Any, entity: str, payload: Any, **options: Any) -> Any:
    try:
        return function(plan_for(entity), payload, State(entity, **options))
    except ConversionError as error:
        return ("error", error.path, error.message)


def _both_forward(entity: str, payload: Any, **options: Any) -> tuple[Any, Any]:
    return (
        _outcome(apply_forward, entity, payload, **options),
        _outcome(apply_forward_plain, entity, payload, **options),
    )


def _both_backward(entity: str, payload: Any, **options: Any) -> tuple[Any, Any]:
    return (
        _outcome(apply_backward, entity, payload, **options),
        _outcome(apply_backward_plain, entity, payload, **options),
    )


@pytest.mark.parametrize("entity", ENTITIES)
def test_compiled_forward_matches_plain_on_guide(entity: str) -> None:
    v1 = json.loads((FIXTURES / "guide" / f"{entity}.v1.json").read_text())
    compiled, plain = _both_forward(entity, v1)
    assert same_json(compiled, plain)


@pytest.mark.parametrize("entity", ENTITIES)
def test_compiled_backward_matches_plain_on_guide(entity: str) -> None:
    v2 = json.loads((FIXTURES / "guide" / f"{entity}.v2.json").read_text())
    compiled, plain = _both_backward(entity, v2)
    assert same_json(compiled, plain)


def test_compiled_forward_matches_plain_with_include_fields() -> None:
    v1 = json.loads((FIXTURES / "guide" / "deal.v1.json").read_text())
    compiled, plain = _both_forward("deal", v1, include=frozenset({"products_count"}))
    assert same_json(compiled, plain)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)


def _mutations(entity: str, version: str) -> st.SearchStrategy[dict[str, Any]]:
    """Guide examples with some fields replaced by arbitrary JSON values."""
    base = json.loads((FIXTURES / "guide" / f"{entity}.{version}.json").read_text())
    keys = [*sorted(base), "d4de1c1518b4531717c676029a45911c340390a6", "extra"]
    return st.dictionaries(st.sampled_from(keys), json_values, max_size=4).map(
        lambda changes: {**base, **changes}
    )


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_compiled_forward_matches_plain_on_mutated_records(
    entity: str, data: st.DataObject
) -> None:
    """Compiled and plain v1 -> v2 agree on output or on the error, for any record."""
    record = data.draw(_mutations(entity, "v1"))
    compiled, plain = _both_forward(entity, record)
    assert same_json(compiled, plain) or compiled == plain


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_compiled_backward_matches_plain_on_mutated_records(
    entity: str, data: st.DataObject
) -> None:
    """Compiled and plain v2 -> v1 agree on output or on the error, for any record."""
    record = data.draw(_mutations(entity, "v2"))
    compiled, plain = _both_backward(entity, record, catalog=CATALOG)
    assert same_json(compiled, plain) or compiled == plain
