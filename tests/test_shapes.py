"""Converters generated per record shape give exactly what the rules give."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import strategies
from hypothesis import given
from hypothesis import strategies as st
from test_engine import _mutations

from pipedrive_shapes import (
    ENTITIES,
    ConversionError,
    FieldCatalog,
    _shapes,
    to_v1,
    to_v2,
)
from pipedrive_shapes._api import plan_for, same_json
from pipedrive_shapes._codegen import generate_backward, generate_forward
from pipedrive_shapes._engine import (
    State,
    apply_backward,
    apply_backward_plain,
    apply_forward,
    apply_forward_plain,
)

FIXTURES = Path(__file__).parent / "fixtures"
CATALOG = FieldCatalog.from_file(FIXTURES / "fields" / "dealFields.v1.json")
NO_NAMES: frozenset[str] = frozenset()


def _guide(entity: str, version: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (FIXTURES / "guide" / f"{entity}.{version}.json").read_text()
    )
    return loaded


def _run(function: Any, entity: str, payload: Any, options: dict[str, Any]) -> Any:
    state = State(entity, **options)
    state.payload = payload  # as apply_forward and apply_backward set it
    try:
        return function(payload, state)
    except ConversionError as error:
        return ("error", error.path, error.message)


def _plain(function: Any, entity: str, payload: Any, options: dict[str, Any]) -> Any:
    return _run(
        lambda record, state: function(plan_for(entity), record, state),
        entity,
        payload,
        options,
    )


def _generated_forward(entity: str, payload: dict[str, Any], **options: Any) -> Any:
    """Generate the v1 -> v2 function of the payload's shape and run it."""
    plan = plan_for(entity)
    catalog = options.get("catalog")
    actions, _ = plan.variant("v2", options.get("include", NO_NAMES), catalog)
    function = generate_forward(plan, actions, tuple(payload), catalog)
    if function is None:
        return None
    return _run(function, entity, payload, options)


def _generated_backward(entity: str, payload: dict[str, Any], **options: Any) -> Any:
    """Generate the v2 -> v1 function of the payload's shape and run it."""
    plan = plan_for(entity)
    actions, _ = plan.variant("v1", NO_NAMES, options.get("catalog"))
    function = generate_backward(plan, actions, tuple(payload))
    if function is None:
        return None
    return _run(function, entity, payload, options)


def _order(value: Any) -> Any:
    """The key order of every object in a JSON value."""
    if isinstance(value, dict):
        return [(key, _order(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_order(item) for item in value]
    return None


def _same(generated: Any, plain: Any) -> bool:
    """Equal JSON with the same key order everywhere, or the same error."""
    if isinstance(generated, dict) and isinstance(plain, dict):
        return same_json(generated, plain) and _order(generated) == _order(plain)
    return bool(generated == plain)


@pytest.mark.parametrize("entity", ENTITIES)
def test_generated_forward_matches_plain_on_guide(entity: str) -> None:
    v1 = _guide(entity, "v1")
    generated = _generated_forward(entity, v1, catalog=CATALOG)
    assert _same(
        generated, _plain(apply_forward_plain, entity, v1, {"catalog": CATALOG})
    )


@pytest.mark.parametrize("entity", ENTITIES)
def test_generated_backward_matches_plain_on_guide(entity: str) -> None:
    v2 = _guide(entity, "v2")
    generated = _generated_backward(entity, v2, catalog=CATALOG)
    assert _same(
        generated, _plain(apply_backward_plain, entity, v2, {"catalog": CATALOG})
    )


def test_generated_forward_matches_plain_with_include_fields() -> None:
    v1 = _guide("deal", "v1")
    options = {"include": frozenset({"products_count"})}
    generated = _generated_forward("deal", v1, **options)
    assert _same(generated, _plain(apply_forward_plain, "deal", v1, options))


def _catalogs(entity: str) -> st.SearchStrategy[FieldCatalog | None]:
    if plan_for(entity).has_custom_fields:
        return st.none() | strategies.catalogs(entity)
    return st.none()


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_generated_forward_matches_plain_on_strategy_records(
    entity: str, data: st.DataObject
) -> None:
    """On v1 records with custom fields of every type, both paths agree."""
    catalog = data.draw(_catalogs(entity))
    record, _ = data.draw(strategies.records(entity, "v1", catalog, extra_keys=True))
    options = {"catalog": catalog, "strict": data.draw(st.booleans())}
    generated = _generated_forward(entity, record, **options)
    assert _same(generated, _plain(apply_forward_plain, entity, record, options))


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_generated_backward_matches_plain_on_strategy_records(
    entity: str, data: st.DataObject
) -> None:
    """On v2 records with custom fields of every type, both paths agree."""
    catalog = data.draw(_catalogs(entity))
    record, _ = data.draw(strategies.records(entity, "v2", catalog))
    options = {"catalog": catalog, "strict": data.draw(st.booleans())}
    generated = _generated_backward(entity, record, **options)
    assert _same(generated, _plain(apply_backward_plain, entity, record, options))


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_generated_forward_matches_plain_on_mutated_records(
    entity: str, data: st.DataObject
) -> None:
    """With arbitrary JSON in any field, both paths give the same output or error."""
    record = data.draw(_mutations(entity, "v1"))
    generated = _generated_forward(entity, record, catalog=CATALOG)
    plain = _plain(apply_forward_plain, entity, record, {"catalog": CATALOG})
    assert generated is None or _same(generated, plain)


@pytest.mark.parametrize("entity", ENTITIES)
@given(data=st.data())
def test_generated_backward_matches_plain_on_mutated_records(
    entity: str, data: st.DataObject
) -> None:
    """With arbitrary JSON in any field, both paths give the same output or error."""
    record = data.draw(_mutations(entity, "v2"))
    generated = _generated_backward(entity, record, catalog=CATALOG)
    plain = _plain(apply_backward_plain, entity, record, {"catalog": CATALOG})
    assert generated is None or _same(generated, plain)


def test_generate_forward_declines_shape_with_v2_key() -> None:
    v1 = {**_guide("deal", "v1"), "owner_id": 1}
    assert _generated_forward("deal", v1) is None


def test_generate_backward_declines_shape_with_v1_key() -> None:
    v2 = {**_guide("deal", "v2"), "user_id": 1}
    assert _generated_backward("deal", v2) is None


def _shapes_of(entity: str, direction: str, catalog: FieldCatalog | None = None) -> Any:
    return plan_for(entity).variant(direction, NO_NAMES, catalog)[1]


def test_apply_forward_generates_after_repeated_shape() -> None:
    record = {"id": 7, "name": "Repeated", "active_flag": True, "x_shape_probe": 1}
    for _ in range(_shapes.COMPILE_AFTER):
        apply_forward(plan_for("pipeline"), record, State("pipeline"))
    assert _shapes_of("pipeline", "v2").compiled.get(tuple(record)) is not None


def test_apply_forward_leaves_one_off_shape_on_loop() -> None:
    record = {"id": 7, "name": "Once", "x_one_off_probe": 1}
    apply_forward(plan_for("pipeline"), record, State("pipeline"))
    assert tuple(record) not in _shapes_of("pipeline", "v2").compiled


def test_apply_backward_generates_after_repeated_shape() -> None:
    record = {"id": 7, "name": "Repeated", "is_deleted": False, "x_shape_probe": 1}
    for _ in range(_shapes.COMPILE_AFTER):
        apply_backward(plan_for("pipeline"), record, State("pipeline"))
    assert _shapes_of("pipeline", "v1").compiled.get(tuple(record)) is not None


def test_apply_forward_remembers_declined_shape() -> None:
    record = {"id": 7, "active_flag": True, "is_deleted": False, "x_declined": 1}
    for _ in range(_shapes.COMPILE_AFTER):
        apply_forward(plan_for("pipeline"), record, State("pipeline"))
    compiled = _shapes_of("pipeline", "v2").compiled
    assert tuple(record) in compiled
    assert compiled[tuple(record)] is None


def test_apply_forward_keeps_wide_record_on_loop() -> None:
    record = {f"x_wide_{index}": index for index in range(_shapes.MAX_KEYS + 1)}
    for _ in range(_shapes.COMPILE_AFTER):
        apply_forward(plan_for("pipeline"), record, State("pipeline"))
    assert tuple(record) not in _shapes_of("pipeline", "v2").compiled


def test_shapes_stop_generating_when_full() -> None:
    shapes = _shapes.Shapes()
    for index in range(_shapes.MAX_SHAPES):
        shapes.compiled[(f"key{index}",)] = None
    sightings = [shapes.sighted(("new",)) for _ in range(_shapes.COMPILE_AFTER)]
    assert not any(sightings)


def test_shapes_counts_start_over_when_full() -> None:
    shapes = _shapes.Shapes()
    for index in range(_shapes.MAX_COUNTED + 10):
        shapes.sighted((f"key{index}",))
    assert len(shapes.seen) <= _shapes.MAX_COUNTED


def test_to_v2_repeated_record_stable() -> None:
    """The first calls run the loop and the later ones the generated function."""
    v1 = _guide("deal", "v1")
    outputs = [
        to_v2("deal", v1, fields=CATALOG) for _ in range(_shapes.COMPILE_AFTER + 2)
    ]
    assert all(_same(output, outputs[0]) for output in outputs)


def test_to_v1_repeated_record_stable() -> None:
    v2 = _guide("deal", "v2")
    outputs = [
        to_v1("deal", v2, fields=CATALOG) for _ in range(_shapes.COMPILE_AFTER + 2)
    ]
    assert all(_same(output, outputs[0]) for output in outputs)


def test_generated_forward_output_shares_nothing_with_input() -> None:
    v1 = {**_guide("deal", "v1"), "x_nested": {"list": [1, 2]}}
    output = _generated_forward("deal", v1)
    assert output["x_nested"] == v1["x_nested"]
    assert output["x_nested"] is not v1["x_nested"]


def test_generated_forward_reports_key_path_of_bad_value() -> None:
    v1 = {**_guide("deal", "v1"), "add_time": "yesterday"}
    outcome = _generated_forward("deal", v1)
    assert outcome[:2] == ("error", ("add_time",))


def test_generated_shape_with_quotes_in_keys_converts() -> None:
    """Keys are written into the generated source; quotes and newlines stay data."""
    record = {"id": 1, "x'\"\n\\key": "value", "name": "Pipeline"}
    assert _generated_forward("pipeline", record)["x'\"\n\\key"] == "value"


@pytest.mark.parametrize(
    "label_ids",
    [[2, 3], [], None, [2**3000 - 1], [2**3000], [-(2**3000)], [1, True], "2,3", [1.0]],
)
def test_generated_backward_label_ids_match_plain(label_ids: Any) -> None:
    """The inline form of label_ids gives what labels_to_v1 gives, errors included."""
    v2 = {**_guide("deal", "v2"), "label_ids": label_ids}
    generated = _generated_backward("deal", v2)
    assert _same(generated, _plain(apply_backward_plain, "deal", v2, {}))
