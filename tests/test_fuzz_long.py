"""Long fuzz runs of the hostile-input properties of tests/test_hostile.py.

The same properties as there, run with many more examples. The module is
skipped unless one of two environment variables is set:

- ``HYPOTHESIS_PROFILE=long`` runs each property with the long profile's
  number of examples (``tox -e long``);
- ``PIPEDRIVE_SHAPES_FUZZ_EXAMPLES=N`` runs each property with N examples
  under any profile.

Every test carries the ``long`` marker, so ``pytest -m long`` selects them.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_hostile import (
    ALL_FIELDS,
    DEAL_FIELDS,
    METHODS,
    any_json,
    catalogs,
    check_body,
    check_catalog,
    check_dehumanize,
    check_envelope,
    check_hostile,
    check_humanize,
    check_request,
    check_schema,
    check_to_v1,
    check_to_v2,
    custom_field_records,
    entities,
    entity_records,
    envelopes,
    field_responses,
    python_values,
    queries,
    records,
    request_paths,
    subscription_bodies,
    versions,
    webhook_deliveries,
)

from pipedrive_shapes import FieldCatalog, convert_webhook_subscription, to_v1, to_v2

EXAMPLES = os.environ.get("PIPEDRIVE_SHAPES_FUZZ_EXAMPLES")
LONG_RUN = os.environ.get("HYPOTHESIS_PROFILE") == "long" or EXAMPLES is not None
#: The example count of PIPEDRIVE_SHAPES_FUZZ_EXAMPLES, or the profile's.
LONG = settings(max_examples=int(EXAMPLES)) if EXAMPLES else settings()

pytestmark = [
    pytest.mark.long,
    pytest.mark.skipif(
        not LONG_RUN,
        reason="set HYPOTHESIS_PROFILE=long or PIPEDRIVE_SHAPES_FUZZ_EXAMPLES=N",
    ),
]


@LONG
@given(entity_records("v1"), catalogs, st.booleans())
def test_to_v2_long_near_valid_records(
    pair: tuple[str, dict[str, Any]], catalog: FieldCatalog | None, strict: bool
) -> None:
    check_to_v2(*pair, catalog, strict)


@LONG
@given(entities, any_json, catalogs)
def test_to_v2_long_any_json(entity: str, payload: Any, catalog: Any) -> None:
    check_to_v2(entity, payload, catalog, False)


@LONG
@given(entities, python_values)
def test_to_v2_long_python_values(entity: str, payload: Any) -> None:
    check_hostile(to_v2, entity, payload, json_in=False)


@LONG
@given(entity_records("v2"), catalogs, st.booleans())
def test_to_v1_long_near_valid_records(
    pair: tuple[str, dict[str, Any]], catalog: FieldCatalog | None, strict: bool
) -> None:
    check_to_v1(*pair, catalog, strict)


@LONG
@given(entities, python_values)
def test_to_v1_long_python_values(entity: str, payload: Any) -> None:
    check_hostile(to_v1, entity, payload, json_in=False)


@LONG
@given(custom_field_records(readable=False))
def test_humanize_long_custom_fields(record: dict[str, Any]) -> None:
    check_humanize(record, DEAL_FIELDS)


@LONG
@given(custom_field_records(readable=True))
def test_dehumanize_long_custom_fields(record: dict[str, Any]) -> None:
    check_dehumanize(record, DEAL_FIELDS)


@LONG
@given(field_responses)
def test_field_catalog_long_from_json(data: Any) -> None:
    check_catalog(data)


@LONG
@given(
    st.sampled_from(METHODS) | st.text(max_size=5),
    request_paths(),
    queries,
    st.none() | records("deal", "v1"),
    versions,
    st.booleans(),
)
def test_convert_request_long(
    method: str, path: str, query: Any, body: Any, to: str, strict: bool
) -> None:
    check_request(method, path, query, body, to, strict)


@LONG
@given(st.data(), entities, st.sampled_from(("POST", "PUT", "PATCH")), versions)
def test_convert_body_long(
    data: st.DataObject, entity: str, method: str, to: str
) -> None:
    body = data.draw(records(entity, "v1" if to == "v2" else "v2"))
    check_body(entity, body, method, to, data.draw(st.booleans()))


@LONG
@given(webhook_deliveries, versions, st.sampled_from((None, ALL_FIELDS)))
def test_normalize_webhook_long(payload: Any, to: str, catalog: Any) -> None:
    from test_hostile import check_webhook

    check_webhook(payload, to, catalog)


@LONG
@given(subscription_bodies, versions)
def test_convert_webhook_subscription_long(body: Any, to: str) -> None:
    check_hostile(convert_webhook_subscription, body, to=to)


@LONG
@given(st.data(), entities, versions)
def test_convert_envelope_long(data: st.DataObject, entity: str, to: str) -> None:
    payload = data.draw(envelopes(entity, "v1" if to == "v2" else "v2"))
    check_envelope(entity, payload, to)


@LONG
@given(st.data(), entities, versions)
def test_schemas_long_load(data: st.DataObject, entity: str, version: str) -> None:
    record = data.draw(records(entity, version) | any_json)
    to = data.draw(st.sampled_from((None, "v1" if version == "v2" else "v2")))
    check_schema(entity, version, record, to)
