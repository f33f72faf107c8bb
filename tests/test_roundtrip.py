"""Round-trip properties of the converters over every entity, on generated records.

The records come from ``tests/strategies.py``, which builds them from the
schemas. The number of examples per property is set by the Hypothesis
profile in ``tests/conftest.py``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import with_catalog

from pipedrive_shapes import ENTITIES, to_v1, to_v2, to_v2_lossless
from pipedrive_shapes._api import plan_for, same_json
from pipedrive_shapes._validate import validate
from pipedrive_shapes.schemas import schema_for


def include(entity: str) -> list[str]:
    """Every include_fields name of ``entity``, so v2 -> v1 -> v2 keeps them all."""
    return sorted(plan_for(entity).include_names)


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_strategies_generate_valid_records(entity: str, data: st.DataObject) -> None:
    """Every generated v1 and v2 record, and every v2 normal form, passes its schema."""
    record, _, catalog = data.draw(with_catalog(entity, "v1", extra_keys=True))
    assert validate(entity, record, version="v1", fields=catalog) == []
    raw, normal, catalog = data.draw(with_catalog(entity, "v2"))
    assert validate(entity, raw, version="v2", fields=catalog) == []
    assert validate(entity, normal, version="v2", fields=catalog) == []


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_lossless_v1_round_trip(entity: str, data: st.DataObject) -> None:
    """to_v1(to_v2_lossless(x)) gives back every valid v1 record x, key for key and type for type."""
    record, _, catalog = data.draw(with_catalog(entity, "v1", extra_keys=True))
    v2, removed = to_v2_lossless(entity, record, fields=catalog)
    assert same_json(to_v1(entity, v2, fields=catalog, removed=removed), record)


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_canonical_v2_round_trip(entity: str, data: st.DataObject) -> None:
    """to_v2(to_v1(y)) gives back every canonical v2 record y (UTC "Z" timestamps, no fractions)."""
    record, _, catalog = data.draw(with_catalog(entity, "v2", canonical=True))
    v1 = to_v1(entity, record, fields=catalog)
    back = to_v2(entity, v1, fields=catalog, include_fields=include(entity))
    assert same_json(back, record)


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_any_v2_round_trip_normalises(entity: str, data: st.DataObject) -> None:
    """to_v2(to_v1(y)) gives every valid v2 record y in its normal form."""
    record, normal, catalog = data.draw(with_catalog(entity, "v2"))
    v1 = to_v1(entity, record, fields=catalog)
    back = to_v2(entity, v1, fields=catalog, include_fields=include(entity))
    assert same_json(back, normal)


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_to_v2_idempotent(entity: str, data: st.DataObject) -> None:
    """to_v2(to_v1(to_v2(x))) equals to_v2(x) for every valid v1 record x."""
    record, _, catalog = data.draw(with_catalog(entity, "v1"))
    names = include(entity)
    once = to_v2(entity, record, fields=catalog, include_fields=names)
    twice = to_v2(
        entity,
        to_v1(entity, once, fields=catalog),
        fields=catalog,
        include_fields=names,
    )
    assert same_json(twice, once)


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_to_v2_output_validates(entity: str, data: st.DataObject) -> None:
    """to_v2 turns every valid v1 record into a valid v2 record, except visible_to "0"."""
    record, _, catalog = data.draw(with_catalog(entity, "v1"))
    out = to_v2(entity, record, fields=catalog, include_fields=include(entity))
    problems = validate(entity, out, version="v2", fields=catalog)
    if record.get("visible_to") in ("0", 0):
        # Old accounts hold visibility 0, which v2 does not have. The
        # converter keeps it, so the v2 schema reports it.
        assert problems == ["$.visible_to: Must be one of: 1, 3, 5, 7."]
    else:
        assert problems == []


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_to_v1_output_validates(entity: str, data: st.DataObject) -> None:
    """to_v1 turns every valid v2 record into a valid v1 record."""
    record, _, catalog = data.draw(with_catalog(entity, "v2"))
    out = to_v1(entity, record, fields=catalog)
    assert validate(entity, out, version="v1", fields=catalog) == []


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_v1_schema_load_agrees_with_to_v2(entity: str, data: st.DataObject) -> None:
    """Loading a v1 record with schemas.v1.<Entity>Schema(to="v2") returns to_v2's result."""
    record, _, catalog = data.draw(with_catalog(entity, "v1", extra_keys=True))
    names = include(entity)
    schema = schema_for(entity, "v1")(
        to="v2", fields_catalog=catalog, include_fields=names
    )
    expected = to_v2(entity, record, fields=catalog, include_fields=names)
    assert same_json(schema.load(record), expected)


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_v2_schema_load_agrees_with_to_v1(entity: str, data: st.DataObject) -> None:
    """Loading a v2 record with schemas.v2.<Entity>Schema(to="v1") returns to_v1's result."""
    record, _, catalog = data.draw(with_catalog(entity, "v2"))
    schema = schema_for(entity, "v2")(to="v1", fields_catalog=catalog)
    assert same_json(schema.load(record), to_v1(entity, record, fields=catalog))


# Regression tests for the smallest failing examples that the properties found.


def test_to_v1_pads_years_before_1000() -> None:
    out = to_v1("stage", {"add_time": "0999-01-01T00:01:00+00:01"})
    assert out["add_time"] == "0999-01-01 00:00:00"


def test_to_v1_leaves_out_infinite_weighted_value() -> None:
    out = to_v1("deal", {"value": 1e308, "probability": 200})
    assert "weighted_value" not in out


def test_to_v1_leaves_out_overflowing_integer_weighted_value() -> None:
    out = to_v1("deal", {"value": 2666, "probability": 6.743035014487307e304})
    assert "weighted_value" not in out


def test_to_v2_lossless_with_include_fields_round_trips() -> None:
    """A field kept through include_fields is in the v2 record, not in removed."""
    import json
    from pathlib import Path

    from pipedrive_shapes import to_v1, to_v2_lossless

    deal = json.loads(
        (Path(__file__).parent / "fixtures" / "guide" / "deal.v1.json").read_text()
    )
    deal["products_count"] = 3
    v2, removed = to_v2_lossless("deal", deal, include_fields=["products_count"])
    assert v2["products_count"] == 3
    assert "products_count" not in removed
    assert to_v1("deal", v2, removed=removed) == deal
