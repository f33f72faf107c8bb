"""Dask bags convert on worker processes exactly as the pure functions do."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from pipedrive_shapes import ConversionError, FieldCatalog, to_v1, to_v2

db = pytest.importorskip("dask.bag")
from pipedrive_shapes.dask import to_v1_bag, to_v2_bag  # noqa: E402

EXAMPLES = Path(__file__).parent.parent / "examples"
CATALOG = FieldCatalog.from_file(EXAMPLES / "deal_fields.v1.json")
DEALS = [
    json.loads(line)
    for line in (EXAMPLES / "deals.v1.ndjson").read_text().splitlines()
    if line
]


def test_catalog_survives_pickling() -> None:
    assert pickle.loads(pickle.dumps(CATALOG)).fingerprint == CATALOG.fingerprint


def test_to_v2_bag_on_processes_matches_pure_function() -> None:
    bag = db.from_sequence(DEALS, npartitions=2)
    converted = to_v2_bag(bag, "deal", fields=CATALOG).compute(scheduler="processes")
    assert converted == [to_v2("deal", deal, fields=CATALOG) for deal in DEALS]


def test_to_v1_bag_on_processes_matches_pure_function() -> None:
    v2 = [to_v2("deal", deal, fields=CATALOG) for deal in DEALS]
    bag = db.from_sequence(v2, npartitions=2)
    converted = to_v1_bag(bag, "deal", fields=CATALOG).compute(scheduler="processes")
    assert converted == [to_v1("deal", deal, fields=CATALOG) for deal in v2]


def test_to_v2_bag_include_fields_reach_workers() -> None:
    bag = db.from_sequence([{"id": 1, "products_count": 3}], npartitions=1)
    converted = to_v2_bag(bag, "deal", include_fields="products_count").compute(
        scheduler="processes"
    )
    assert converted[0]["products_count"] == 3


def test_to_v2_bag_bad_record_raises_from_compute() -> None:
    bag = db.from_sequence([{"id": 1, "value": "lots"}], npartitions=1)
    with pytest.raises(ConversionError):
        to_v2_bag(bag, "deal").compute(scheduler="processes")
