"""Hostile input: every public function returns or raises ConversionError.

The promise under test: given any JSON value, or any Python value of the
wrong type, each public function of ``pipedrive_shapes`` either returns or
raises :class:`~pipedrive_shapes.ConversionError` (marshmallow's
``ValidationError`` from the schema layer). It never raises another
exception, never hangs, never changes its input, never returns lists or
dicts shared with its input, and costs time linear in the input size.

The first part is a table of named cases, one hostile value and one
function each. The second part contains the Hypothesis properties, which
feed arbitrary JSON and near-valid payloads (the guide's examples with
fields retyped, removed, added or doubled) to every public function.
``tests/test_fuzz_long.py`` runs the same properties with many more
examples, and ``docs/hostile-input.md`` lists every case and its outcome.

A case that shows a bug is a strict xfail whose reason names what breaks,
so a fix turns it into an XPASS failure until the marker is removed.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import gc
import itertools
import json
import math
import os
import subprocess
import sys
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from pipedrive_shapes import (
    ENTITIES,
    ConversionError,
    FieldCatalog,
    LossyConversionWarning,
    convert_body,
    convert_envelope,
    convert_envelope_lossless,
    convert_query,
    convert_request,
    convert_route,
    convert_webhook_subscription,
    dehumanize,
    humanize,
    normalize_webhook,
    normalize_webhook_lossless,
    to_v1,
    to_v2,
    to_v2_lossless,
)
from pipedrive_shapes._api import same_json

FIXTURES = Path(__file__).parent / "fixtures"
GUIDE = FIXTURES / "guide"
FIELDS = FIXTURES / "fields"
WEBHOOKS = FIXTURES / "webhooks"
ROOT = Path(__file__).parent.parent


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


V1_EXAMPLES: dict[str, dict[str, Any]] = {
    entity: _load(GUIDE / f"{entity}.v1.json") for entity in ENTITIES
}
V2_EXAMPLES: dict[str, dict[str, Any]] = {
    entity: _load(GUIDE / f"{entity}.v2.json") for entity in ENTITIES
}
WEBHOOK_EXAMPLES: dict[str, dict[str, Any]] = {
    path.name: _load(path) for path in sorted(WEBHOOKS.glob("v[12]_*.json"))
}

DEAL_FIELDS = FieldCatalog.from_file(FIELDS / "dealFields.v1.json")
#: Every entity's field definitions in one catalog.
ALL_FIELDS = (
    DEAL_FIELDS.merged(FieldCatalog.from_file(FIELDS / "personFields.v1.json"))
    .merged(FieldCatalog.from_file(FIELDS / "organizationFields.v1.json"))
    .merged(FieldCatalog.from_file(FIELDS / "productFields.v1.json"))
    .merged(FieldCatalog.from_file(FIELDS / "activityFields.v1.json"))
)

# Custom deal fields of tests/fixtures/fields/dealFields.v1.json.
TEXT_KEY = "ee4d4fe65a2e4ae1fdc4f197896f7eb997ff6c4a"  # varchar
MONETARY_KEY = "fe9feb26e7df581e80f30392241f4a8838971633"
ENUM_KEY = "99722a1205feb1d12a5d34a6c4d87e0251be66f1"  # options 31, 32, 33
SET_KEY = "ee2400b321c143db98b8bea146aef0b301e08fd7"  # options 41 to 44
SET_OPTION_IDS = (41, 42, 43, 44)
NDA_KEY = "f81606fc6a314d3e9c99ea62674133dfcd1b78c0"  # options true, false
CUSTOM_KEYS = (
    TEXT_KEY,
    MONETARY_KEY,
    ENUM_KEY,
    SET_KEY,
    NDA_KEY,
    "b7f1147861d4dfad2a6819727ab7a582eac4dedd",  # address
    "549aa60a1502921e15999e262b9b6e6f81852f99",  # daterange
    "06ef31c6ff56a0219167827728c8ad6e0fb05c48",  # time
    "88caec9877a840103a1035680c2dc3e253a3a643",  # user
    "a" * 40,  # a key that no catalog defines
)
SUFFIXES = ("currency", "until", "locality", "formatted_address", "timezone_id")

#: Nesting deeper than Python's default recursion limit of 1000.
DEEP = 10_000
#: More digits than int() and str() convert by default (the limit is 4300).
HUGE_DIGITS = 5_000
MEGABYTE = 1_000_000


# Checks shared by the named cases and the properties


def outcome(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``function`` and return its result, or the rejection it raised.

    A rejection is a ConversionError or a marshmallow ValidationError; any
    other exception propagates and fails the calling test with its
    traceback. Lossy-conversion warnings are silenced.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossyConversionWarning)
        try:
            return function(*args, **kwargs)
        except (ConversionError, ValidationError) as error:
            return error


def is_rejection(result: Any) -> bool:
    return isinstance(result, ConversionError | ValidationError)


def fingerprint(value: Any) -> list[Any]:
    """Flatten ``value`` into comparable tokens without recursion.

    Integers are written in hex, which has no digit limit, and floats with
    ``float.hex``, which keeps -0.0 apart from 0.0 and spells NaN.
    """
    tokens: list[Any] = []
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if isinstance(item, Mapping):
            tokens.append((kind, len(item)))
            for key, child in item.items():
                tokens.append(("key", _scalar_token(key)))
                stack.append(child)
        elif isinstance(item, list | tuple | set | frozenset):
            tokens.append((kind, len(item)))
            stack.extend(item)
        else:
            tokens.append(_scalar_token(item))
    return tokens


def _scalar_token(item: Any) -> Any:
    kind = type(item)
    if kind is int:
        return (kind, hex(item))
    if kind is float:
        return (kind, item.hex())
    if kind in (bool, str, bytes, type(None)):
        return (kind, item)
    if kind is tuple:
        return (kind, tuple(_scalar_token(part) for part in item))
    return (kind, id(item))


def mutable_containers(value: Any) -> Iterator[Any]:
    """Yield every list and mapping inside ``value``, without recursion.

    Tuples, named tuples and dataclass instances (such as Request) are
    walked but not yielded, because they cannot be changed in place.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            yield item
            stack.extend(item)
        elif isinstance(item, tuple):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(
                getattr(item, field.name) for field in dataclasses.fields(item)
            )


def shared_containers(result: Any, inputs: Any) -> list[Any]:
    """Return the mutable containers of ``result`` that are also in ``inputs``."""
    input_ids = {id(item) for item in mutable_containers(inputs)}
    return [item for item in mutable_containers(result) if id(item) in input_ids]


def non_json_parts(value: Any) -> list[Any]:
    """Return the keys and values in ``value`` that JSON cannot hold.

    Tuples from the API's own return values (a pair, a NamedTuple) and the
    Request dataclass are walked, not reported.
    """
    found: list[Any] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            found.extend(key for key in item if type(key) is not str)
            stack.extend(item.values())
        elif type(item) is list or isinstance(item, tuple):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(
                getattr(item, field.name) for field in dataclasses.fields(item)
            )
        elif type(item) not in (str, int, float, bool, type(None)):
            found.append(item)
    return found


def check_rejection(error: Any) -> None:
    """Check that a ConversionError is well formed.

    It has a path of keys and indices, and a message that UTF-8 can encode
    (a log file would fail on a lone surrogate copied from the input).
    """
    if isinstance(error, ConversionError):
        assert isinstance(error.path, tuple)
        assert all(type(part) in (str, int) for part in error.path), error.path
        assert str(error) == error.args[0]
        str(error).encode("utf-8")


def check_hostile(
    function: Callable[..., Any], *args: Any, json_in: bool = True, **kwargs: Any
) -> Any:
    """Call ``function``, check the promise and return its result or rejection.

    :param json_in: whether the arguments contain only JSON values, so that
        the result must contain only JSON values too.
    """
    inputs = (args, kwargs)
    before = fingerprint(inputs)
    result = outcome(function, *args, **kwargs)
    assert fingerprint(inputs) == before, "the input was changed"
    if is_rejection(result):
        check_rejection(result)
        return result
    assert shared_containers(result, inputs) == [], "the result shares containers"
    if json_in:
        assert non_json_parts(result) == [], "JSON input gave a non-JSON result"
    return result


def nested_list(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def nested_dict(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


class ReadOnlyMapping(Mapping[str, Any]):
    """A Mapping that is not a dict, as a caller's own record class might be."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class BrokenItemsError(Exception):
    """The error that BrokenItems raises, which must reach the caller unchanged."""


class BrokenItems(dict[str, Any]):
    """A dict whose ``items``, ``keys``, ``values`` and iteration raise."""

    def items(self) -> Any:
        raise BrokenItemsError("items")

    def keys(self) -> Any:
        raise BrokenItemsError("keys")

    def values(self) -> Any:
        raise BrokenItemsError("values")

    def __iter__(self) -> Any:
        raise BrokenItemsError("iter")


def run_time(function: Callable[[], Any]) -> float:
    """Return how long one run of ``function`` takes, in seconds.

    The garbage collector is off during the run, as timeit turns it off: a
    full collection walks every object of the test process, so its cost
    has nothing to do with the input size.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        function()
        return time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()


#: Time at 10 N over time at N: linear cost gives about 10, quadratic 100.
MAX_GROWTH = 30


def growth(
    make: Callable[[int], Callable[[], Any]], size: int, repeat: int = 5
) -> float:
    """Return how much slower ``make(10 * size)()`` runs than ``make(size)()``.

    Both run once to warm caches, then ``repeat`` times in turn, and the
    fastest run of each counts, so a busy machine slows both sizes alike.
    """
    small, large = make(size), make(10 * size)
    small()
    large()
    small_times, large_times = [], []
    for _ in range(repeat):
        small_times.append(run_time(small))
        large_times.append(run_time(large))
    return min(large_times) / max(min(small_times), 1e-6)


# Named cases. A test named test_<unit>_<case> feeds one hostile value to one
# public function. Strict xfails mark bugs: the reason names what breaks, and
# raises= names the exception the bug raises today.


#: How a test fails when the library returns where it should raise: a failed
#: assert, or pytest.raises reporting that nothing was raised.
WRONG_RESULT = (AssertionError, pytest.fail.Exception)


def bug(reason: str, raises: Any = WRONG_RESULT) -> pytest.MarkDecorator:
    """Mark a test as a known bug: a strict xfail that expects ``raises``."""
    return pytest.mark.xfail(strict=True, reason=reason, raises=raises)


#: Not a JSON object, in every Python shape a caller might pass by mistake.
NOT_MAPPINGS = [None, 5, 1.5, True, "deal", b"{}", [], [{"id": 1}], (), {1, 2}]


def short(error: ConversionError) -> bool:
    """Tell whether an error message stays short however big its value is."""
    return len(str(error)) < 1_000


# to_v2


@pytest.mark.parametrize("payload", NOT_MAPPINGS, ids=repr)
def test_to_v2_payload_not_mapping(payload: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid payload") as caught:
        to_v2("deal", payload)
    assert caught.value.path == ()


@pytest.mark.parametrize("entity", [5, None, ["deal"], "Deal", "deals", "", b"deal"])
def test_to_v2_entity_unknown(entity: Any) -> None:
    with pytest.raises(ConversionError, match=r"^unknown entity"):
        to_v2(entity, {"id": 1})


@pytest.mark.parametrize("key", [1, None, True, 1.5, (1,), b"id"], ids=repr)
def test_to_v2_key_not_string(key: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid key"):
        to_v2("deal", {key: 1})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("id", True),
        ("pipeline_id", False),
        ("user_id", True),
        ("value", True),
        ("probability", False),
        ("visible_to", True),
        ("label", True),
    ],
)
def test_to_v2_bool_for_int(key: str, value: bool) -> None:
    """True is an int in Python, but never an id, number or label in Pipedrive."""
    with pytest.raises(ConversionError) as caught:
        to_v2("deal", {key: value})
    assert caught.value.path == (key,)


def test_to_v2_follower_bare_id() -> None:
    """v1 listed followers as bare user ids, so such an id becomes a record."""
    assert to_v2("follower", 5) == {"user_id": 5, "add_time": None}


def test_to_v2_follower_bool_id() -> None:
    with pytest.raises(ConversionError, match=r"^invalid payload"):
        to_v2("follower", True)


def test_to_v2_huge_int_id() -> None:
    assert to_v2("deal", {"id": 10**400})["id"] == 10**400


def test_to_v2_huge_int_flag() -> None:
    with pytest.raises(ConversionError, match=r"^invalid boolean"):
        to_v2("deal", {"deleted": 10**HUGE_DIGITS})


def test_to_v2_huge_numeric_string_id() -> None:
    with pytest.raises(ConversionError):
        to_v2("deal", {"id": "1" * HUGE_DIGITS})


def test_to_v2_huge_numeric_string_label() -> None:
    with pytest.raises(ConversionError):
        to_v2("deal", {"label": "1" * HUGE_DIGITS})


def test_to_v2_huge_numeric_string_option() -> None:
    with pytest.raises(ConversionError):
        to_v2("deal", {SET_KEY: "1" * HUGE_DIGITS}, fields=DEAL_FIELDS)


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_to_v2_non_finite_number(number: float) -> None:
    with pytest.raises(ConversionError, match=r"^invalid number"):
        to_v2("deal", {"value": number})


def test_to_v2_nan_unknown_key() -> None:
    """A field without a rule is copied, NaN included."""
    assert math.isnan(to_v2("deal", {"x": math.nan})["x"])


def test_to_v2_negative_zero() -> None:
    value = to_v2("deal", {"value": -0.0})["value"]
    assert math.copysign(1.0, value) == -1.0


def test_to_v2_lone_surrogate_text() -> None:
    assert to_v2("deal", {"title": "\ud800"})["title"] == "\ud800"


def test_to_v2_lone_surrogate_key() -> None:
    assert to_v2("deal", {"\ud800": 1})["\ud800"] == 1


def test_to_v2_lone_surrogate_timestamp() -> None:
    with pytest.raises(ConversionError, match=r"^invalid v1 timestamp"):
        to_v2("deal", {"add_time": "2024-07-01 05:46:3\ud800"})


def test_to_v2_tuple_label() -> None:
    with pytest.raises(ConversionError, match=r"^invalid label"):
        to_v2("deal", {"label": (1, 2)})


def test_to_v2_non_json_values_pass() -> None:
    """Sets and bytes in fields without a rule are copied as they are."""
    out = to_v2("deal", {"x": {1, 2}, "title": b"x"})
    assert out["x"] == {1, 2}
    assert out["title"] == b"x"


def test_to_v2_tuple_value_copied() -> None:
    payload = {"x": (1, [2])}
    assert shared_containers(to_v2("deal", payload), payload) == []


def test_to_v2_ordered_dict_value_copied() -> None:
    payload = {"x": OrderedDict(a=[1])}
    assert shared_containers(to_v2("deal", payload), payload) == []


def test_to_v2_mapping_payload() -> None:
    """A Mapping that is not a dict converts like the dict it holds."""
    record = {"id": 1, "user_id": {"id": 2, "value": 2}, "label": "3"}
    out = to_v2("deal", ReadOnlyMapping(record))
    assert type(out) is dict
    assert out == to_v2("deal", record)


def test_to_v2_items_raises() -> None:
    """The mapping's own exception goes through, neither hidden nor replaced."""
    with pytest.raises(BrokenItemsError):
        to_v2("deal", BrokenItems(id=1))


#: Each public function that reads a mapping, as a call taking that mapping.
MAPPING_READERS: dict[str, Callable[[Any], Any]] = {
    "to_v1": lambda mapping: to_v1("deal", mapping),
    "humanize": lambda mapping: humanize("deal", mapping, fields=DEAL_FIELDS),
    "dehumanize": lambda mapping: dehumanize("deal", mapping, fields=DEAL_FIELDS),
    "convert_body": lambda mapping: convert_body("deal", mapping, "POST"),
    "convert_query": lambda mapping: convert_query("GET", "/v1/deals", mapping),
    "convert_envelope": lambda mapping: convert_envelope("deal", mapping),
    "normalize_webhook": normalize_webhook,
    "convert_webhook_subscription": convert_webhook_subscription,
    "from_json": FieldCatalog.from_json,
}


@pytest.mark.parametrize("name", list(MAPPING_READERS))
def test_mapping_readers_items_raises(name: str) -> None:
    """A broken mapping's own exception goes through, or the call rejects it."""
    with contextlib.suppress(BrokenItemsError):
        outcome(MAPPING_READERS[name], BrokenItems(id=1, title="x"))


@pytest.mark.parametrize("name", list(MAPPING_READERS))
def test_mapping_readers_read_only_mapping(name: str) -> None:
    """A Mapping that is not a dict gives what the same dict gives."""
    data = {"id": 1, "title": "x"}
    from_mapping = outcome(MAPPING_READERS[name], ReadOnlyMapping(data))
    from_dict = outcome(MAPPING_READERS[name], data)
    assert is_rejection(from_mapping) == is_rejection(from_dict)
    if not is_rejection(from_dict):
        assert from_mapping == from_dict


def test_to_v2_deep_nesting() -> None:
    with pytest.raises(ConversionError, match=r"^value nested too deeply") as caught:
        to_v2("deal", {"x": nested_list(DEEP)})
    assert caught.value.path == ("x",)


def test_to_v2_deep_nesting_dict() -> None:
    with pytest.raises(ConversionError, match=r"^value nested too deeply"):
        to_v2("deal", {"x": nested_dict(DEEP)})


def test_to_v2_deep_nesting_custom_field() -> None:
    with pytest.raises(ConversionError, match=r"^value nested too deeply"):
        to_v2("deal", {TEXT_KEY: nested_list(DEEP)})


def test_to_v2_deep_nesting_id() -> None:
    with pytest.raises(ConversionError):
        to_v2("deal", {"id": nested_list(DEEP)})


def test_to_v2_megabyte_title() -> None:
    title = "x" * MEGABYTE
    assert to_v2("deal", {"title": title})["title"] == title


def test_to_v2_megabyte_timestamp() -> None:
    with pytest.raises(ConversionError, match=r"^invalid v1 timestamp") as caught:
        to_v2("deal", {"add_time": "2" * MEGABYTE})
    assert short(caught.value)


def test_to_v2_conflicting_user_and_owner() -> None:
    with pytest.raises(ConversionError, match=r"^conflicting values") as caught:
        to_v2("deal", {"user_id": 1, "owner_id": 2})
    assert caught.value.path == ("owner_id",)


def test_to_v2_agreeing_user_and_owner() -> None:
    """A v2 key that agrees with its v1 source is harmless."""
    assert to_v2("deal", {"user_id": 1, "owner_id": 1})["owner_id"] == 1


def test_to_v2_conflicting_custom_fields() -> None:
    """A v1 custom key and a v2 custom_fields object that disagree."""
    with pytest.raises(ConversionError, match=r"^conflicting values"):
        to_v2("deal", {TEXT_KEY: "a", "custom_fields": {TEXT_KEY: "b"}})


#: Two v1 spellings of one field, with values that disagree.
V1_ALIAS_CONFLICTS = [
    pytest.param("pipeline", {"active_flag": True, "active": False}, id="pipeline"),
    pytest.param("person", {"is_active": True, "active_flag": False}, id="person"),
    pytest.param(
        "organization", {"active_flag": False, "is_active": True}, id="organization"
    ),
    pytest.param(
        "activity",
        {"location_formatted_location": "a", "location_formatted_address": "b"},
        id="activity",
    ),
]


@pytest.mark.parametrize(("entity", "payload"), V1_ALIAS_CONFLICTS)
def test_to_v2_alias_conflict(entity: str, payload: dict[str, Any]) -> None:
    with pytest.raises(ConversionError, match=r"^conflicting values"):
        to_v2(entity, payload)


def test_to_v2_label_ids_win_over_label() -> None:
    """label_ids wins, as docs/decisions.md decides, and to_v2_lossless keeps label."""
    payload = {"label": "1", "label_ids": [2]}
    assert to_v2("person", payload)["label_ids"] == [2]
    assert to_v2_lossless("person", payload)[1]["label"] == "1"


@pytest.mark.parametrize("entity", ENTITIES)
def test_to_v2_v2_example(entity: str) -> None:
    """A v2 record given to to_v2 raises, or comes back unchanged where the shapes agree."""
    result = outcome(to_v2, entity, V2_EXAMPLES[entity])
    assert is_rejection(result) or same_json(result, V2_EXAMPLES[entity])


def test_to_v2_address_part_container() -> None:
    with pytest.raises(ConversionError, match=r"^invalid address part"):
        to_v2("organization", {"address_locality": {"value": "Paris"}})


def test_to_v2_fields_wrong_type() -> None:
    with pytest.raises(ConversionError, match=r"^invalid fields argument"):
        to_v2("deal", {}, fields={})  # type: ignore[arg-type]


def test_to_v2_field_names_without_fields() -> None:
    with pytest.raises(ConversionError, match=r"^field_names needs field definitions"):
        to_v2("deal", {}, field_names=True)


def test_to_v2_strict_ambiguous_custom_value() -> None:
    with pytest.raises(ConversionError, match=r"^ambiguous custom field value"):
        to_v2("deal", {"a" * 40: "1,2"}, strict=True)


def test_to_v2_include_fields_wrong_type() -> None:
    with pytest.raises(ConversionError):
        to_v2("deal", {}, include_fields=5)  # type: ignore[arg-type]


def test_to_v2_custom_fields_argument_wrong_type() -> None:
    with pytest.raises(ConversionError):
        to_v2("deal", {"a" * 40: 1}, custom_fields=5)  # type: ignore[arg-type]


def test_to_v2_custom_subfield_list_copied() -> None:
    payload = {f"{TEXT_KEY}_timezone_id": [1]}
    assert shared_containers(to_v2("deal", payload), payload) == []


def test_to_v2_deal_product_comments_copied() -> None:
    payload = {"comments": [1]}
    assert shared_containers(to_v2("deal_product", payload), payload) == []


# to_v1


@pytest.mark.parametrize("payload", NOT_MAPPINGS, ids=repr)
def test_to_v1_payload_not_mapping(payload: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid payload"):
        to_v1("deal", payload)


@pytest.mark.parametrize("key", [1, None, True, (1,)], ids=repr)
def test_to_v1_key_not_string(key: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid key"):
        to_v1("deal", {key: 1})


@pytest.mark.parametrize(
    ("key", "value"),
    [("owner_id", True), ("value", False), ("visible_to", True), ("label_ids", [True])],
)
def test_to_v1_bool_for_int(key: str, value: Any) -> None:
    with pytest.raises(ConversionError) as caught:
        to_v1("deal", {key: value})
    assert caught.value.path[0] == key


@pytest.mark.parametrize("number", [math.nan, math.inf])
def test_to_v1_non_finite_number(number: float) -> None:
    with pytest.raises(ConversionError, match=r"^invalid v2 number"):
        to_v1("deal", {"value": number})


@pytest.mark.parametrize("entity", ENTITIES)
def test_to_v1_v1_example(entity: str) -> None:
    """A v1 record given to to_v1 raises, or comes back unchanged where the shapes agree."""
    result = outcome(to_v1, entity, V1_EXAMPLES[entity])
    assert is_rejection(result) or same_json(result, V1_EXAMPLES[entity])


def test_to_v1_conflicting_owner_and_user() -> None:
    with pytest.raises(ConversionError, match=r"^conflicting values"):
        to_v1("deal", {"owner_id": 1, "user_id": 2})


#: Two v2 spellings of one field, with values that disagree.
V2_ALIAS_CONFLICTS = [
    pytest.param(
        "activity",
        {"participants": [{"person_id": 1, "primary": True, "primary_flag": False}]},
        id="participant",
    ),
    pytest.param(
        "activity",
        {"attendees": [{"email": "a@example.com", "email_address": "b@example.com"}]},
        id="attendee",
    ),
    pytest.param(
        "person", {"im": [{"value": "a"}], "ims": [{"value": "b"}]}, id="person"
    ),
]


@pytest.mark.parametrize(("entity", "payload"), V2_ALIAS_CONFLICTS)
def test_to_v1_alias_conflict(entity: str, payload: dict[str, Any]) -> None:
    with pytest.raises(ConversionError, match=r"^conflicting values"):
        to_v1(entity, payload)


def test_to_v1_custom_fields_not_object() -> None:
    with pytest.raises(ConversionError, match=r"^invalid custom_fields"):
        to_v1("deal", {"custom_fields": [1]})


def test_to_v1_megabyte_timestamp() -> None:
    with pytest.raises(ConversionError, match=r"^invalid RFC 3339 timestamp") as caught:
        to_v1("deal", {"add_time": "2024-07-01T05:46:33" + "0" * MEGABYTE + "Z"})
    assert short(caught.value)


def test_to_v1_deep_nesting() -> None:
    with pytest.raises(ConversionError, match=r"^value nested too deeply"):
        to_v1("deal", {"x": nested_list(DEEP)})


def test_to_v1_huge_int_visible_to() -> None:
    with pytest.raises(ConversionError):
        to_v1("deal", {"visible_to": 10**HUGE_DIGITS})


def test_to_v1_huge_int_option() -> None:
    with pytest.raises(ConversionError):
        to_v1(
            "deal", {"custom_fields": {ENUM_KEY: 10**HUGE_DIGITS}}, fields=DEAL_FIELDS
        )


def test_to_v1_deep_nesting_custom_list() -> None:
    with pytest.raises(ConversionError):
        to_v1("deal", {"custom_fields": {"a" * 40: nested_list(DEEP)}})


def test_to_v1_set_items_not_ids() -> None:
    value = {"custom_fields": {SET_KEY: [[1], {"id": [2]}]}}
    with pytest.raises(ConversionError):
        to_v1("deal", value, fields=DEAL_FIELDS)


def test_to_v1_custom_fields_key_not_string() -> None:
    with pytest.raises(ConversionError, match=r"^invalid key"):
        to_v1("deal", {"custom_fields": {1: "x"}})


def test_to_v1_custom_key_collides_with_root() -> None:
    with pytest.raises(ConversionError):
        to_v1("deal", {"custom_fields": {TEXT_KEY: "a"}, TEXT_KEY: "b"})


def test_to_v1_custom_subfield_collides_with_root() -> None:
    payload = {
        "custom_fields": {MONETARY_KEY: {"value": 1, "currency": "EUR"}},
        f"{MONETARY_KEY}_currency": "USD",
    }
    with pytest.raises(ConversionError):
        to_v1("deal", payload, fields=DEAL_FIELDS)


def test_to_v1_custom_subfield_list_copied() -> None:
    payload = {"custom_fields": {"a" * 40: {"value": 1, "currency": [1]}}}
    assert shared_containers(to_v1("deal", payload), payload) == []


def test_to_v1_address_part_copied() -> None:
    payload = {"address": {"value": [1]}}
    assert shared_containers(to_v1("organization", payload), payload) == []


def test_to_v1_derived_currency_copied() -> None:
    payload = {"currency": ["EUR"], "value": 5, "acv": 1}
    assert shared_containers(to_v1("deal", payload), payload) == []


def test_to_v1_removed_not_mapping() -> None:
    with pytest.raises(ConversionError, match=r"^invalid removed map"):
        to_v1("deal", {"id": 1}, removed=[1])  # type: ignore[arg-type]


def test_to_v1_removed_absent_not_list() -> None:
    with pytest.raises(ConversionError):
        to_v1("deal", {"id": 1}, removed={"__absent__": 5})


# to_v2_lossless


def test_to_v2_lossless_nan_round_trip() -> None:
    v2, removed = to_v2_lossless("deal", {"x": math.nan})
    assert math.isnan(to_v1("deal", v2, removed=removed)["x"])


def test_to_v2_lossless_negative_zero_round_trip() -> None:
    v2, removed = to_v2_lossless("deal", {"value": -0.0})
    back = to_v1("deal", v2, removed=removed)
    assert math.copysign(1.0, back["value"]) == -1.0


def test_to_v2_lossless_int_flag_round_trip() -> None:
    """v1's 1 for true comes back as 1, not True."""
    payload = {"id": 1, "deleted": 1}
    v2, removed = to_v2_lossless("deal", payload)
    assert same_json(to_v1("deal", v2, removed=removed), payload)


def test_to_v2_lossless_surrogate_round_trip() -> None:
    payload = {"title": "\udfff", "\ud800": "\ud800"}
    v2, removed = to_v2_lossless("deal", payload)
    assert same_json(to_v1("deal", v2, removed=removed), payload)


@pytest.mark.parametrize("entity", ENTITIES)
def test_to_v2_lossless_mixed_example(entity: str) -> None:
    """The v1 example with the v2 example's keys added raises or round-trips."""
    payload = {**V2_EXAMPLES[entity], **V1_EXAMPLES[entity]}
    pair = outcome(to_v2_lossless, entity, payload)
    if not is_rejection(pair):
        assert same_json(to_v1(entity, pair[0], removed=pair[1]), payload)


def test_to_v2_lossless_strict_integer_custom_value() -> None:
    to_v2("deal", {"a" * 40: 5}, strict=True)
    to_v2_lossless("deal", {"a" * 40: 5}, strict=True)


def test_to_v2_lossless_custom_list_of_non_ids() -> None:
    assert "custom_fields" in to_v2("deal", {"a" * 40: [1.5]})
    to_v2_lossless("deal", {"a" * 40: [1.5]})


# humanize and dehumanize


@pytest.mark.parametrize("function", [humanize, dehumanize])
@pytest.mark.parametrize("record", NOT_MAPPINGS, ids=repr)
def test_humanize_record_not_mapping(function: Any, record: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid payload"):
        function("deal", record, fields=DEAL_FIELDS)


@pytest.mark.parametrize("function", [humanize, dehumanize])
def test_humanize_custom_fields_not_object(function: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid custom_fields"):
        function("deal", {"custom_fields": [1]}, fields=DEAL_FIELDS)


@pytest.mark.parametrize("option", [True, 31.0, [31], 10**400, "\ud800"], ids=repr)
def test_humanize_option_id_wrong_type(option: Any) -> None:
    with pytest.raises(ConversionError, match=r"^unknown option id"):
        humanize("deal", {"custom_fields": {ENUM_KEY: option}}, fields=DEAL_FIELDS)


def test_humanize_one_for_true_option() -> None:
    """1 equals True in Python, but is not the boolean option true."""
    with pytest.raises(ConversionError, match=r"^unknown option id"):
        humanize("deal", {"custom_fields": {NDA_KEY: 1}}, fields=DEAL_FIELDS)


def test_dehumanize_megabyte_label() -> None:
    record = {"custom_fields": {"deal_size": "L" * MEGABYTE}}
    with pytest.raises(ConversionError, match=r"^unknown option label") as caught:
        dehumanize("deal", record, fields=DEAL_FIELDS)
    assert short(caught.value)


def test_humanize_name_collision() -> None:
    record = {"custom_fields": {ENUM_KEY: 31, "deal_size": "x"}}
    with pytest.raises(ConversionError):
        humanize("deal", record, fields=DEAL_FIELDS)


def test_dehumanize_name_collision() -> None:
    record = {"custom_fields": {"deal_size": "Small", ENUM_KEY: "Medium"}}
    with pytest.raises(ConversionError):
        dehumanize("deal", record, fields=DEAL_FIELDS)


def test_humanize_fields_none() -> None:
    with pytest.raises(ConversionError):
        humanize("deal", {"custom_fields": {}}, fields=None)  # type: ignore[arg-type]


def test_humanize_entity_wrong_type() -> None:
    with pytest.raises(ConversionError):
        humanize(["deal"], {"custom_fields": {}}, fields=DEAL_FIELDS)  # type: ignore[arg-type]


def test_humanize_entity_unknown() -> None:
    with pytest.raises(ConversionError):
        humanize("nope", {"custom_fields": {}}, fields=DEAL_FIELDS)


# FieldCatalog


@pytest.mark.parametrize("data", [None, 5, "x", True, {"data": 5}, {"success": True}])
def test_field_catalog_not_a_response(data: Any) -> None:
    with pytest.raises(ConversionError):
        FieldCatalog.from_json(data)


@pytest.mark.parametrize("row", [1, None, "key", [], {"key": 1}, {"key": "a" * 40}])
def test_field_catalog_row_invalid(row: Any) -> None:
    with pytest.raises(ConversionError):
        FieldCatalog.from_json([row])


def test_field_catalog_nan_option_id() -> None:
    rows = [
        {
            "key": "a" * 40,
            "name": "n",
            "field_type": "enum",
            "options": [{"id": math.nan, "label": "x"}],
        }
    ]
    with pytest.raises(ConversionError, match=r"^invalid option id"):
        FieldCatalog.from_json(rows)


def test_field_catalog_entity_unknown() -> None:
    """An unknown entity name raises the ValueError that from_json documents."""
    with pytest.raises(ValueError, match="unknown entity"):
        FieldCatalog.from_json([], entity="nope")


def test_field_catalog_megabyte_name() -> None:
    rows = [{"key": "a" * 40, "name": "n" * MEGABYTE, "field_type": "varchar"}]
    catalog = FieldCatalog.from_json(rows, entity="deal")
    assert humanize("deal", {"custom_fields": {"a" * 40: 1}}, fields=catalog)


def test_field_catalog_deep_nesting() -> None:
    with pytest.raises(ConversionError):
        FieldCatalog.from_json(nested_list(DEEP))


def test_field_catalog_lone_surrogate() -> None:
    rows = [{"key": "a" * 40, "name": "\ud800", "field_type": "varchar"}]
    outcome(lambda: to_v2("deal", {"a" * 40: "x"}, fields=FieldCatalog.from_json(rows)))


def test_field_catalog_huge_option_id_string() -> None:
    rows = [
        {
            "key": "a" * 40,
            "name": "n",
            "field_type": "enum",
            "options": [{"id": "1" * HUGE_DIGITS, "label": "x"}],
        }
    ]
    outcome(FieldCatalog.from_json, rows)


def test_field_catalog_huge_option_id() -> None:
    rows = [
        {
            "key": "a" * 40,
            "name": "n",
            "field_type": "enum",
            "options": [{"id": 10**HUGE_DIGITS, "label": "x"}],
        }
    ]
    outcome(lambda: FieldCatalog.from_json(rows).fingerprint)


def test_field_catalog_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.json"
    path.write_bytes(b'[{"key": "\xff"}]')
    with pytest.raises(ConversionError, match="is not UTF-8"):
        FieldCatalog.from_file(path)


def test_field_catalog_file_not_json(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.json"
    path.write_text('{"data": [', encoding="utf-8")
    with pytest.raises(ConversionError, match="is not valid JSON"):
        FieldCatalog.from_file(path)


def test_field_catalog_file_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.json"
    path.write_text("[" * DEEP + "]" * DEEP, encoding="utf-8")
    with pytest.raises(ConversionError):
        FieldCatalog.from_file(path)


def test_field_catalog_file_huge_int(tmp_path: Path) -> None:
    path = tmp_path / "dealFields.json"
    path.write_text("1" * HUGE_DIGITS, encoding="utf-8")
    with pytest.raises(ConversionError):
        FieldCatalog.from_file(path)


def test_field_catalog_file_path_none() -> None:
    with pytest.raises(ConversionError):
        FieldCatalog.from_file(None)  # type: ignore[arg-type]


# Requests


@pytest.mark.parametrize("method", [None, 5, b"GET"], ids=repr)
def test_convert_route_method_not_string(method: Any) -> None:
    with pytest.raises(ConversionError):
        convert_route(method, "/v1/deals")


@pytest.mark.parametrize("path", [None, 5, b"/v1/deals"], ids=repr)
def test_convert_route_path_not_string(path: Any) -> None:
    with pytest.raises(ConversionError):
        convert_route("GET", path)


def test_convert_route_to_unknown() -> None:
    """An unknown target version raises the ValueError every docstring names."""
    with pytest.raises(ValueError, match="to must be"):
        convert_route("GET", "/v1/deals", to="v3")


@pytest.mark.parametrize(
    "path",
    ["", "/", "/v2/deals", "/v1/deals/abc", "/v1/" + "a/" * 1000],
    ids=lambda path: repr(path)[:20],
)
def test_convert_route_no_endpoint(path: str) -> None:
    with pytest.raises(ConversionError):
        convert_route("GET", path)


def test_convert_route_megabyte_id() -> None:
    """An id of a million digits stays text: it is never turned into an int."""
    route = convert_route("GET", "/v1/deals/" + "9" * MEGABYTE)
    assert route.path == "/api/v2/deals/" + "9" * MEGABYTE


def test_convert_route_megabyte_path() -> None:
    with pytest.raises(ConversionError) as caught:
        convert_route("GET", "/v1/deals/x/" + "y" * MEGABYTE)
    assert short(caught.value)


def test_convert_route_surrogate_message() -> None:
    with pytest.raises(ConversionError) as caught:
        convert_route("GET", "/v1/deals/\udcff")
    str(caught.value).encode("utf-8")


@pytest.mark.parametrize("query", [5, [1], "start=0"], ids=repr)
def test_convert_query_query_not_mapping(query: Any) -> None:
    with pytest.raises(ConversionError):
        convert_query("GET", "/v1/deals", query)


@pytest.mark.parametrize(
    "value", [math.nan, 1.5, b"x", {1, 2}, {"a": 1}, [1, None]], ids=repr
)
def test_convert_query_value_wrong_type(value: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid query parameter value"):
        convert_query("GET", "/v1/deals", {"status": value})


def test_convert_query_deep_list_value() -> None:
    with pytest.raises(ConversionError):
        convert_query("GET", "/v1/deals", {"ids": nested_list(DEEP)})


def test_convert_query_huge_int_value() -> None:
    with pytest.raises(ConversionError):
        convert_query("GET", "/v1/deals", {"filter_id": 10**HUGE_DIGITS})


def test_convert_query_huge_start() -> None:
    with pytest.raises(ConversionError):
        convert_query("GET", "/v1/deals?start=" + "9" * HUGE_DIGITS)


def test_convert_query_conflicting_spellings() -> None:
    with pytest.raises(ConversionError, match=r"^conflicting values"):
        convert_query("GET", "/v1/deals", {"user_id": 1, "owner_id": 2})


@pytest.mark.parametrize(("value", "text"), [(True, "true"), ("abc", "abc")])
def test_convert_query_id_filter_passed_as_text(value: Any, text: str) -> None:
    """Id filters are not checked: the API rejects what is no id."""
    assert convert_query("GET", "/v1/deals", {"user_id": value}).query == {
        "owner_id": text
    }


def test_convert_route_follower_ids_not_mapping() -> None:
    with pytest.raises(ConversionError):
        convert_route("DELETE", "/v1/deals/1/followers/2", follower_ids=5)  # type: ignore[arg-type]


def test_convert_route_follower_ids_huge_int() -> None:
    ids: dict[int | str, int | str] = {2: 10**HUGE_DIGITS}
    with pytest.raises(ConversionError):
        convert_route("DELETE", "/v1/deals/1/followers/2", follower_ids=ids)


@pytest.mark.parametrize("body", [[1], "x", 5, True], ids=repr)
def test_convert_body_not_mapping(body: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid request body"):
        convert_body("deal", body, "POST")


@pytest.mark.parametrize("method", ["GET", None, 5], ids=repr)
def test_convert_body_method_without_body(method: Any) -> None:
    with pytest.raises(ConversionError):
        convert_body("deal", {"title": "x"}, method)


def test_convert_body_entity_unknown() -> None:
    with pytest.raises(ConversionError):
        convert_body("nope", {"title": "x"}, "POST")


def test_convert_body_unhashable_currency() -> None:
    body = {"prices": [{"currency": [1]}, {"currency": {}}]}
    with pytest.raises(ConversionError):
        convert_body("product", body, "PUT")


def test_convert_request_body_on_get() -> None:
    with pytest.raises(ConversionError, match="takes no request body") as caught:
        convert_request("GET", "/v1/deals", body={"title": "x"})
    assert caught.value.path == ("body",)


def test_convert_request_entity_mismatch() -> None:
    with pytest.raises(ConversionError):
        convert_request("POST", "/v1/deals", body={"title": "x"}, entity="person")


# Webhooks


def v1_delivery(**meta: Any) -> dict[str, Any]:
    """A minimal webhook v1 delivery for an added deal, with ``meta`` added."""
    return {
        "v": 1,
        "meta": {"action": "added", "object": "deal", "id": 1, **meta},
        "current": {"id": 1},
        "previous": None,
        "event": "added.deal",
    }


def v2_delivery(**meta: Any) -> dict[str, Any]:
    """A minimal webhook v2 delivery for a created deal, with ``meta`` added."""
    return {"meta": {"action": "create", "entity": "deal", **meta}, "data": {"id": 1}}


@pytest.mark.parametrize("payload", [None, [], "x"], ids=repr)
def test_normalize_webhook_payload_not_mapping(payload: Any) -> None:
    with pytest.raises(ConversionError):
        normalize_webhook(payload)


@pytest.mark.parametrize("payload", [{}, {"id": 1}, {1: 2}], ids=repr)
def test_normalize_webhook_not_a_delivery(payload: Any) -> None:
    with pytest.raises(ConversionError, match=r"^not a webhook delivery"):
        normalize_webhook(payload)


def test_normalize_webhook_mixed_versions() -> None:
    with pytest.raises(
        ConversionError, match=r"^delivery mixes webhook v1 and v2 keys"
    ):
        normalize_webhook({**v1_delivery(), "data": {"id": 1}})


def test_normalize_webhook_to_unknown() -> None:
    with pytest.raises(ValueError, match="invalid target"):
        normalize_webhook(v1_delivery(), to="v3")  # type: ignore[arg-type]


def test_normalize_webhook_removed_from_other_format() -> None:
    """A removed map of the other direction raises the documented ValueError."""
    with pytest.raises(ValueError, match="cannot restore"):
        normalize_webhook(v1_delivery(), removed={"source": "v1"})


def test_normalize_webhook_deep_nesting() -> None:
    payload = v1_delivery()
    payload["current"] = {"id": 1, "x": nested_list(DEEP)}
    with pytest.raises(ConversionError, match=r"^value nested too deeply"):
        normalize_webhook(payload)


def test_normalize_webhook_megabyte_title() -> None:
    payload = v1_delivery()
    payload["current"] = {"id": 1, "title": "x" * MEGABYTE}
    assert normalize_webhook(payload)["data"]["title"] == "x" * MEGABYTE


@pytest.mark.parametrize("timestamp", [10**30, math.nan, 1e300, "x", True], ids=repr)
def test_normalize_webhook_timestamp_invalid(timestamp: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid timestamp"):
        normalize_webhook(v1_delivery(timestamp=timestamp))


def test_normalize_webhook_list_action() -> None:
    with pytest.raises(ConversionError):
        normalize_webhook(v1_delivery(action=[]))


def test_normalize_webhook_v2_dict_action() -> None:
    with pytest.raises(ConversionError):
        normalize_webhook(v2_delivery(action={}))


def test_normalize_webhook_huge_int_id() -> None:
    with pytest.raises(ConversionError):
        normalize_webhook(v1_delivery(id=10**HUGE_DIGITS))


def test_normalize_webhook_huge_entity_id() -> None:
    with pytest.raises(ConversionError):
        normalize_webhook(v2_delivery(entity_id="1" * HUGE_DIGITS), to="v1")


def test_normalize_webhook_huge_timestamp_string() -> None:
    with pytest.raises(ConversionError):
        normalize_webhook(v2_delivery(timestamp="9" * HUGE_DIGITS))


def test_normalize_webhook_deep_nesting_id() -> None:
    payload = v1_delivery()
    payload["current"] = {"id": nested_list(DEEP)}
    with pytest.raises(ConversionError):
        normalize_webhook(payload)


def test_normalize_webhook_meta_list_copied() -> None:
    payload = v1_delivery(change_source=["app"])
    assert shared_containers(normalize_webhook(payload), payload) == []


def test_convert_webhook_subscription_body_not_mapping() -> None:
    with pytest.raises(ConversionError):
        convert_webhook_subscription(None)  # type: ignore[arg-type]


def test_convert_webhook_subscription_list_action() -> None:
    with pytest.raises(ConversionError):
        convert_webhook_subscription({"event_action": [], "event_object": "deal"})


# Envelopes


def v1_page(*records: dict[str, Any]) -> dict[str, Any]:
    pagination = {"start": 0, "limit": 100, "more_items_in_collection": False}
    return {
        "success": True,
        "data": list(records),
        "additional_data": {"pagination": pagination},
    }


@pytest.mark.parametrize("payload", [None, [], "x"], ids=repr)
def test_convert_envelope_payload_not_mapping(payload: Any) -> None:
    with pytest.raises(ConversionError):
        convert_envelope("deal", payload)


@pytest.mark.parametrize("success", [None, 1, "true", [True]], ids=repr)
def test_convert_envelope_success_not_bool(success: Any) -> None:
    with pytest.raises(ConversionError, match=r"^not an API response envelope"):
        convert_envelope("deal", {"success": success, "data": []})


@pytest.mark.parametrize("data", [5, "x", True, 1.5], ids=repr)
def test_convert_envelope_data_scalar(data: Any) -> None:
    with pytest.raises(ConversionError, match=r"^invalid envelope data"):
        convert_envelope("deal", {"success": True, "data": data})


def test_convert_envelope_record_not_mapping() -> None:
    with pytest.raises(ConversionError, match=r"^invalid payload") as caught:
        convert_envelope("deal", {"success": True, "data": [{"id": 1}, 5]})
    assert caught.value.path == ("data", 1)


def test_convert_envelope_more_items_without_cursor() -> None:
    page = v1_page({"id": 1})
    page["additional_data"]["pagination"]["more_items_in_collection"] = True
    with pytest.raises(ConversionError, match=r"^missing next_cursor"):
        convert_envelope("deal", page)


def test_convert_envelope_deep_nesting() -> None:
    with pytest.raises(ConversionError, match=r"^value nested too deeply"):
        convert_envelope("deal", {"success": True, "x": nested_list(DEEP)})


def test_convert_envelope_lossless_round_trip() -> None:
    page = v1_page(V1_EXAMPLES["deal"], {"id": 2, "x": math.inf})
    page["related_objects"] = {"user": {"18": {"id": 18}}}
    envelope, removed = convert_envelope_lossless("deal", page)
    assert same_json(convert_envelope("deal", envelope, to="v1", removed=removed), page)


def test_convert_envelope_lossless_no_additional_data() -> None:
    page = {"success": True, "data": [{"id": 1}]}
    envelope, removed = convert_envelope_lossless("deal", page)
    assert same_json(convert_envelope("deal", envelope, to="v1", removed=removed), page)


def test_convert_envelope_next_cursor_wrong_type() -> None:
    page = v1_page({"id": 1})
    page["additional_data"]["pagination"]["more_items_in_collection"] = True
    with pytest.raises(ConversionError):
        convert_envelope("deal", page, next_cursor=[1])  # type: ignore[arg-type]


# Schemas


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("record", NOT_MAPPINGS, ids=repr)
def test_schema_load_not_mapping(version: str, record: Any) -> None:
    from pipedrive_shapes.schemas import schema_for

    if version == "v1" and type(record) is int:
        pytest.skip("a v1 follower schema loads a bare user id")
    with pytest.raises(ValidationError):
        schema_for("deal", version)().load(record)


@pytest.mark.parametrize(
    ("entity", "version"), [(["deal"], "v1"), ("deal", 1), ("x", "v2")]
)
def test_schema_for_unknown(entity: Any, version: Any) -> None:
    from pipedrive_shapes.schemas import schema_for

    with pytest.raises(ConversionError, match=r"^unknown"):
        schema_for(entity, version)


def test_schema_load_deep_nesting() -> None:
    from pipedrive_shapes.schemas import schema_for

    with pytest.raises(ValidationError):
        schema_for("deal", "v1")(to="v2").load({"id": 1, "x": nested_list(DEEP)})


def test_schema_load_copies_nested_containers() -> None:
    from pipedrive_shapes.schemas import schema_for

    record = {"id": 1, "x": [1], "user_id": {"id": 2, "value": 2}}
    loaded = schema_for("deal", "v1")().load(record)
    assert shared_containers(loaded, record) == []


def test_schema_load_deep_nesting_id() -> None:
    from pipedrive_shapes.schemas import schema_for

    with pytest.raises(ValidationError):
        schema_for("deal", "v1")().load({"id": nested_list(DEEP)})


def test_schema_load_huge_numeric_string_id() -> None:
    from pipedrive_shapes.schemas import schema_for

    with pytest.raises(ValidationError):
        schema_for("deal", "v1")().load({"id": "1" * HUGE_DIGITS})


# Command line tool. main() runs in the test process; a hostile input file
# must end with exit status 1 and one error message, never a traceback.


def run_cli(*argv: str) -> int:
    """Run the command line tool and return its exit status.

    An exception that escapes main() fails the test with its traceback.
    """
    from pipedrive_shapes.cli import main

    return main(list(argv))


#: Input files that no command can convert: each must end with status 1.
BAD_INPUTS = {
    "invalid_utf8": b'{"id": 1, "title": "\xff"}',
    "nan_literal": b'{"id": 1, "value": NaN}',
    "lone_surrogate_escape": b'{"id": 1, "title": "\\ud800"}',
    "empty": b"",
    "scalar": b"5",
    "envelope_data_scalar": b'{"success": true, "data": 5}',
    "deep_nesting": b'{"id": 1, "x": ' + b"[" * DEEP + b"]" * DEEP + b"}",
    "huge_int": b'{"id": 1, "value": 1' + b"0" * HUGE_DIGITS + b"}",
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_cli_convert_bad_input(name: str, tmp_path: Path, capsys: Any) -> None:
    source = tmp_path / "input.json"
    source.write_bytes(BAD_INPUTS[name])
    status = run_cli("convert", "--entity", "deal", "--to", "v2", str(source))
    assert status == 1
    assert "error" in capsys.readouterr().err


def test_cli_convert_megabyte_title(tmp_path: Path) -> None:
    source, target = tmp_path / "input.json", tmp_path / "output.json"
    source.write_text(json.dumps({"id": 1, "title": "x" * MEGABYTE}), encoding="utf-8")
    assert (
        run_cli(
            "convert", "--entity", "deal", "--to", "v2", str(source), "-o", str(target)
        )
        == 0
    )
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "x" * MEGABYTE


def test_cli_convert_duplicate_keys(tmp_path: Path) -> None:
    source = tmp_path / "input.json"
    source.write_bytes(b'{"id": 1, "title": "a", "title": "b"}')
    assert run_cli("convert", "--entity", "deal", "--to", "v2", str(source)) == 1


@pytest.mark.parametrize(
    "name", ["huge_int", "invalid_utf8", "nan_literal", "deep_nesting"]
)
def test_cli_webhook_bad_input(name: str, tmp_path: Path, capsys: Any) -> None:
    source = tmp_path / "delivery.json"
    source.write_bytes(BAD_INPUTS[name])
    assert run_cli("webhook", "--to", "v2", str(source)) == 1
    assert "error" in capsys.readouterr().err


def test_cli_webhook_list_action(tmp_path: Path) -> None:
    source = tmp_path / "delivery.json"
    source.write_text(json.dumps(v1_delivery(action=[])), encoding="utf-8")
    assert run_cli("webhook", "--to", "v2", str(source)) == 1


@pytest.mark.parametrize("name", ["huge_int", "invalid_utf8", "scalar", "deep_nesting"])
def test_cli_request_bad_body(name: str, tmp_path: Path, capsys: Any) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(BAD_INPUTS[name])
    assert run_cli("request", "--to", "v2", "PUT /v1/deals/5", "--body", str(body)) == 1
    assert "error" in capsys.readouterr().err


def test_cli_request_unhashable_currency(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text(
        '{"prices": [{"currency": [1]}, {"currency": {}}]}', encoding="utf-8"
    )
    assert (
        run_cli("request", "--to", "v2", "PUT /v1/products/5", "--body", str(body)) == 1
    )


@pytest.mark.parametrize(
    "call",
    ["GET /v1/deals?start=" + "9" * HUGE_DIGITS, "FOO /v1/deals", "GET /v1/nothing"],
    ids=["huge_start", "unknown_method", "unknown_path"],
)
def test_cli_request_bad_call(call: str, capsys: Any) -> None:
    assert run_cli("request", "--to", "v2", call) == 1
    assert "error" in capsys.readouterr().err


def test_cli_module_entry_point(tmp_path: Path) -> None:
    """python -m pipedrive_shapes reports a bad file without a traceback."""
    source = tmp_path / "input.json"
    source.write_bytes(BAD_INPUTS["invalid_utf8"])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pipedrive_shapes", "convert", "--entity", "deal"]
    done = subprocess.run(
        [*command, "--to", "v2", str(source)],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr


# Linear cost: the time at 10 N over the time at N, never a wall-clock limit.


def set_value(size: int) -> str:
    """A multiple-option value with ``size`` ids: "41,42,43,44,41,..."."""
    return ",".join(str(SET_OPTION_IDS[index % 4]) for index in range(size))


def test_to_v2_many_options_linear_cost() -> None:
    """A 100,000-option set value converts both ways in linear time."""

    def make(size: int) -> Callable[[], Any]:
        record = {"id": 1, SET_KEY: set_value(size)}

        def run() -> None:
            v2 = to_v2("deal", record, fields=DEAL_FIELDS)
            to_v1("deal", v2, fields=DEAL_FIELDS)

        return run

    assert growth(make, 10_000) < MAX_GROWTH


def test_humanize_many_options_linear_cost() -> None:
    """A 30,000-option set value gets labels and ids back in linear time."""

    def make(size: int) -> Callable[[], Any]:
        v2 = to_v2("deal", {"id": 1, SET_KEY: set_value(size)}, fields=DEAL_FIELDS)

        def run() -> None:
            readable = humanize("deal", v2, fields=DEAL_FIELDS)
            dehumanize("deal", readable, fields=DEAL_FIELDS)

        return run

    assert growth(make, 3_000, repeat=3) < MAX_GROWTH


def test_to_v2_megabyte_label_linear_cost() -> None:
    """A 200 KB label string ("7,7,7,...") converts both ways in linear time."""

    def make(size: int) -> Callable[[], Any]:
        record = {"id": 1, "label": ",".join("7" * (size // 2))}
        return lambda: to_v1("deal", to_v2("deal", record))

    assert growth(make, 20_000, repeat=3) < MAX_GROWTH


def test_humanize_megabyte_option_label_linear_cost() -> None:
    """A 1 MB option label loads, names and labels a value in linear time.

    N starts at 1 MB: below that, the strings fit in the CPU cache and the
    ratio between 100 KB and 1 MB mixes cache misses into the growth.
    """

    def make(size: int) -> Callable[[], Any]:
        options = [{"id": 1, "label": "L" * size}, {"id": 2, "label": "M" * size}]
        rows = [
            {"key": SET_KEY, "name": "Big", "field_type": "set", "options": options}
        ]

        def run() -> None:
            catalog = FieldCatalog.from_json(rows, entity="deal")
            v2 = to_v2("deal", {SET_KEY: "1,2"}, fields=catalog, field_names=True)
            to_v1("deal", v2, fields=catalog, field_names=True)

        return run

    assert growth(make, MEGABYTE, repeat=3) < MAX_GROWTH


def test_to_v2_lossless_many_keys_linear_cost() -> None:
    def make(size: int) -> Callable[[], Any]:
        record = {f"{index:040x}": index for index in range(size)}
        record.update({f"key{index}": index for index in range(size)})

        def run() -> None:
            v2, removed = to_v2_lossless("deal", record)
            to_v1("deal", v2, removed=removed)

        return run

    assert growth(make, 1_000, repeat=3) < MAX_GROWTH


def test_normalize_webhook_many_fields_linear_cost() -> None:
    def make(size: int) -> Callable[[], Any]:
        current = {"id": 1, **{f"{index:040x}": index for index in range(size)}}
        payload = v1_delivery(action="updated")
        payload.update(current=current, previous={**current}, event="updated.deal")
        return lambda: normalize_webhook(normalize_webhook(payload), to="v1")

    assert growth(make, 1_000, repeat=3) < MAX_GROWTH


def test_convert_envelope_many_records_linear_cost() -> None:
    def make(size: int) -> Callable[[], Any]:
        page = v1_page(*({"id": index, "title": "x"} for index in range(size)))
        return lambda: convert_envelope_lossless("deal", page)

    assert growth(make, 1_000, repeat=3) < MAX_GROWTH


def test_convert_query_many_ids_linear_cost() -> None:
    """Deduplicating 100,000 ids, which v2 then rejects as too many, is linear."""

    def make(size: int) -> Callable[[], Any]:
        query = {"ids": ",".join(map(str, range(size)))}
        return lambda: outcome(convert_query, "GET", "/v1/deals", query)

    assert growth(make, 10_000, repeat=3) < MAX_GROWTH


def test_convert_query_repeated_ids_linear_cost() -> None:
    def make(size: int) -> Callable[[], Any]:
        path = "/v1/deals?" + "&".join(f"ids[]={index}" for index in range(size))
        return lambda: outcome(convert_query, "GET", path)

    assert growth(make, 5_000, repeat=3) < MAX_GROWTH


def test_humanize_same_names_linear_cost() -> None:
    """Fields of one name get _2, _3, ... in linear time."""
    runs = itertools.count()

    def make(size: int) -> Callable[[], Any]:
        rows = [
            {"key": f"{index:040x}", "name": "Same", "field_type": "varchar"}
            for index in range(size)
        ]

        def run() -> None:
            # A field of a new name each run: humanize caches names per catalog.
            extra = {"key": "f" * 40, "name": f"run {next(runs)}", "field_type": "text"}
            catalog = FieldCatalog.from_json([*rows, extra], entity="deal")
            humanize("deal", {"custom_fields": {}}, fields=catalog)

        return run

    assert growth(make, 300, repeat=3) < MAX_GROWTH


def test_field_catalog_many_subfields_linear_cost() -> None:
    def make(size: int) -> Callable[[], Any]:
        rows = [
            {
                "key": f"{index:040x}_currency",
                "name": "Currency",
                "field_type": "varchar",
                "id": None,
                "is_subfield": True,
                "parent_id": index,
                "id_suffix": "currency",
            }
            for index in range(size)
        ]
        return lambda: FieldCatalog.from_json(rows, entity="deal")

    assert growth(make, 1_000, repeat=3) < MAX_GROWTH


# Strategies

#: Strings that mean something to some field: numbers, flags, timestamps,
#: comma lists, currency codes, webhook actions and lone surrogates.
TRICKY_STRINGS = (
    "",
    " ",
    "0",
    "1",
    "-1",
    "007",
    "1.5",
    "1e400",
    "NaN",
    "Infinity",
    "1_000",
    "\u0663",  # ARABIC-INDIC DIGIT THREE: isdigit() is true, isascii() false
    "true",
    "false",
    "1,2",
    "1,,2",
    " 7 , 8 ",
    "2024-07-01 05:46:33",
    "2024-07-01T05:46:33Z",
    "2024-07-01T05:46:33.123+02:00",
    "2024-02-30 00:00:00",
    "0000-00-00 00:00:00",
    "2024-07-01",
    "12:30",
    "25:00:00",
    "EUR",
    "eur",
    "open",
    "deleted",
    "added",
    "change",
    "deal",
    "\ud800",
    "a\udfffb",
    "a\x00b",
    "\u202e",
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
    st.sampled_from(TRICKY_STRINGS),
)


def json_values(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Arbitrary JSON values whose object keys come from ``keys``."""

    def containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        lists = st.lists(children, max_size=3)
        return lists | st.dictionaries(keys, children, max_size=3)

    return st.recursive(json_scalars, containers, max_leaves=8)


any_json = json_values(st.text(max_size=6) | st.sampled_from(("id", "value", "")))

#: Python values that are not JSON, for the wrong-type properties.
python_values = st.one_of(
    any_json,
    st.sampled_from(
        (math.nan, math.inf, -math.inf, -0.0, 10**400, -(10**400), b"1", object())
    ),
    st.tuples(json_scalars, json_scalars),
    st.frozensets(st.integers(), max_size=3),
    st.builds(set, st.lists(st.integers(), max_size=3)),
    st.builds(bytearray, st.binary(max_size=3)),
    st.dictionaries(
        st.integers() | st.none() | st.booleans(), json_scalars, max_size=2
    ),
    st.builds(ReadOnlyMapping, st.dictionaries(st.text(max_size=5), json_scalars)),
)


def record_keys(entity: str) -> st.SearchStrategy[str]:
    """Keys of both versions' records of ``entity``, custom keys and others."""
    names = set(V1_EXAMPLES[entity]) | set(V2_EXAMPLES[entity])
    names.update(CUSTOM_KEYS)
    names.update(f"{key}_{suffix}" for key in CUSTOM_KEYS[:3] for suffix in SUFFIXES)
    names.update(("custom_fields", "label", "label_ids", "user_id", "owner_id"))
    return st.sampled_from(sorted(names)) | st.text(max_size=8)


def _slots(record: Any) -> list[tuple[Any, Any]]:
    """List every (container, key or index) pair inside ``record``."""
    slots: list[tuple[Any, Any]] = []
    stack = [record]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            slots.extend((item, key) for key in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            slots.extend((item, index) for index in range(len(item)))
            stack.extend(item)
    return slots


@st.composite
def mutated(
    draw: st.DrawFn,
    example: dict[str, Any],
    keys: st.SearchStrategy[str],
    values: st.SearchStrategy[Any] = any_json,
) -> dict[str, Any]:
    """A copy of ``example`` with one to four fields retyped, removed or added.

    Retyping reaches nested values too, such as ``prices[0].currency``.
    """
    record = copy.deepcopy(example)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        action = draw(st.sampled_from(("retype", "remove", "add")))
        slots = _slots(record)
        if action == "add" or not slots:
            record[draw(keys)] = draw(values)
            continue
        container, key = draw(st.sampled_from(slots))
        if action == "retype":
            container[key] = draw(values)
        elif isinstance(container, dict):
            del container[key]
        else:
            container.pop(key)
    return record


def records(entity: str, version: str) -> st.SearchStrategy[dict[str, Any]]:
    """Near-valid ``version`` records of ``entity`` and arbitrary objects.

    Near-valid records are the guide's example of that version, of the other
    version (a record given in the wrong direction) and of both merged (mixed
    v1 and v2 keys), each with a few fields mutated.
    """
    keys = record_keys(entity)
    own = V1_EXAMPLES if version == "v1" else V2_EXAMPLES
    other = V2_EXAMPLES if version == "v1" else V1_EXAMPLES
    both = {**own[entity], **other[entity]}
    values = json_values(keys)
    return st.one_of(
        mutated(own[entity], keys, values),
        mutated(other[entity], keys, values),
        mutated(both, keys, values),
        st.dictionaries(keys, values, max_size=6),
    )


entities = st.sampled_from(ENTITIES)
catalogs = st.sampled_from((None, ALL_FIELDS))
versions = st.sampled_from(("v1", "v2"))


@st.composite
def entity_records(draw: st.DrawFn, version: str) -> tuple[str, dict[str, Any]]:
    entity = draw(entities)
    return entity, draw(records(entity, version))


def _readable_names() -> tuple[str, ...]:
    blank = {"custom_fields": dict.fromkeys(DEAL_FIELDS.custom_keys("deal"))}
    return tuple(sorted(humanize("deal", blank, fields=DEAL_FIELDS)["custom_fields"]))


#: The names that humanize gives the deal custom fields, such as deal_size.
READABLE_NAMES = _readable_names()


@st.composite
def custom_field_records(draw: st.DrawFn, readable: bool) -> dict[str, Any]:
    """v2 deal records whose custom_fields use keys and ids, or names and labels.

    Other keys are arbitrary text, but never a readable name of a field when
    the keys are hex keys: such a record is ambiguous, and
    test_humanize_name_collision pins what happens to it.
    """
    known = READABLE_NAMES if readable else CUSTOM_KEYS
    others = st.text(max_size=6).filter(lambda name: name not in READABLE_NAMES)
    names = st.sampled_from(known) | others
    values = st.one_of(
        json_values(names),
        st.sampled_from((31, 32, 41, True, False, "Small", "Yes", "CRM seats")),
        st.lists(st.sampled_from((41, 42, 99, "Onboarding", "x")), max_size=3),
    )
    custom = draw(st.dictionaries(names, values, max_size=5))
    return {"id": draw(st.integers()), "custom_fields": custom}


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PATH_TEMPLATES = (
    "/v1/deals",
    "/v1/deals/{}",
    "/v1/deals/{}/followers",
    "/v1/deals/{}/followers/{}",
    "/v1/deals/{}/products",
    "/v1/persons/{}/deals",
    "/v1/organizations/{}",
    "/v1/products/{}",
    "/v1/activities",
    "/v1/pipelines/{}",
    "/v1/stages?pipeline_id={}",
    "/v1/deals/search?term={}",
    "/api/v1/deals/{}",
    "/api/v2/deals",
    "/api/v2/deals/{}",
    "/api/v2/persons/{}/followers",
    "/api/v2/deals/{}/products",
    "https://example.pipedrive.com/v1/deals/{}",
)
path_parts = st.one_of(
    st.integers(min_value=-5, max_value=10**6).map(str),
    st.sampled_from(TRICKY_STRINGS),
    st.text(max_size=6),
)


@st.composite
def request_paths(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(PATH_TEMPLATES) | st.text(max_size=12))
    pieces = template.split("{}")
    text = pieces[0]
    for piece in pieces[1:]:
        text += draw(path_parts) + piece
    if draw(st.booleans()):
        text += "?" + draw(st.text(max_size=12))
    return text


query_names = st.sampled_from(
    (
        "start",
        "limit",
        "cursor",
        "sort",
        "sort_by",
        "sort_direction",
        "user_id",
        "owner_id",
        "status",
        "ids",
        "filter_id",
        "include_fields",
        "custom_fields",
        "term",
        "fields",
        "stage_id",
        "pipeline_id",
        "person_id",
        "updated_since",
        "since_timestamp",
    )
) | st.text(max_size=6)
queries = st.none() | st.dictionaries(query_names, json_values(query_names), max_size=4)


@st.composite
def envelopes(draw: st.DrawFn, entity: str, version: str) -> dict[str, Any]:
    """v1 or v2 response envelopes around near-valid records, with junk parts."""
    record = records(entity, version)
    data = draw(
        st.one_of(
            record,
            st.lists(record, max_size=3),
            st.none(),
            st.fixed_dictionaries({"items": st.lists(any_json, max_size=2)}),
            st.fixed_dictionaries({"id": any_json}),
            any_json,
        )
    )
    envelope: dict[str, Any] = {"success": draw(st.booleans() | json_scalars)}
    envelope["data"] = data
    pagination = st.fixed_dictionaries(
        {"more_items_in_collection": st.booleans() | json_scalars},
        optional={"start": json_scalars, "limit": json_scalars, "next_start": any_json},
    )
    additional = st.one_of(
        st.none(),
        st.fixed_dictionaries({"pagination": pagination | any_json}),
        st.fixed_dictionaries({"next_cursor": st.none() | st.text(max_size=6)}),
        any_json,
    )
    if draw(st.booleans()):
        envelope["additional_data"] = draw(additional)
    if draw(st.booleans()):
        envelope["related_objects"] = draw(any_json)
    return envelope


webhook_keys = st.sampled_from(
    (
        "v",
        "meta",
        "current",
        "previous",
        "data",
        "retry",
        "event",
        "matches_filters",
        "action",
        "object",
        "entity",
        "entity_id",
        "version",
        "timestamp",
        "attempt",
        "id",
        "custom_fields",
        "type",
        "value",
        "active_flag",
        "visible_to",
        "label",
    )
) | st.text(max_size=6)
webhook_deliveries = st.sampled_from(sorted(WEBHOOK_EXAMPLES)).flatmap(
    lambda name: mutated(
        WEBHOOK_EXAMPLES[name], webhook_keys, json_values(webhook_keys)
    )
) | st.dictionaries(webhook_keys, json_values(webhook_keys), max_size=5)

subscription_bodies = st.dictionaries(
    st.sampled_from(("event_action", "event_object", "subscription_url", "version"))
    | st.text(max_size=5),
    st.sampled_from(("*", "added", "updated", "merged", "deleted", "create", "change"))
    | st.sampled_from(("delete", "deal", "person", "lead", "activityType", "1.0"))
    | any_json,
    max_size=4,
)


# Properties, shared with tests/test_fuzz_long.py


def reversed_keys(value: Any) -> Any:
    """Copy ``value`` with the keys of every object in reverse order."""
    if isinstance(value, dict):
        return {key: reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [reversed_keys(item) for item in value]
    return value


def check_key_order(
    function: Callable[..., Any], entity: str, record: Any, result: Any, **kwargs: Any
) -> None:
    """Check that the order of a record's keys changes neither outcome nor result.

    JSON objects are unordered, so two spellings of one field that disagree
    must raise, not let the later key win.
    """
    if not isinstance(record, dict):
        return
    again = outcome(function, entity, reversed_keys(record), **kwargs)
    assert is_rejection(again) == is_rejection(result), "key order decides acceptance"
    if not is_rejection(result):
        assert same_json(again, result), "key order changes the result"


def check_to_v2(
    entity: str, record: Any, catalog: FieldCatalog | None, strict: bool
) -> None:
    """Check that to_v2 returns or rejects, and that what it accepts round-trips."""
    result = check_hostile(to_v2, entity, record, fields=catalog, strict=strict)
    check_key_order(to_v2, entity, record, result, fields=catalog, strict=strict)
    if is_rejection(result):
        return
    pair = check_hostile(to_v2_lossless, entity, record, fields=catalog, strict=strict)
    assert not is_rejection(pair), (
        f"to_v2 accepts the record, to_v2_lossless raises {pair}"
    )
    v2, removed = pair
    assert same_json(v2, result)
    json.dumps(removed, allow_nan=False)
    back = check_hostile(to_v1, entity, v2, fields=catalog, removed=removed)
    assert not is_rejection(back), f"to_v1 rejects what to_v2 produced: {back}"
    if entity == "follower" and type(record) is int:
        # v1 listed followers as bare user ids; they come back as records.
        record = {"user_id": record, "add_time": None}
    assert same_json(back, record), "the lossless round trip changed the record"


def check_to_v1(
    entity: str, record: Any, catalog: FieldCatalog | None, strict: bool
) -> None:
    result = check_hostile(to_v1, entity, record, fields=catalog, strict=strict)
    check_key_order(to_v1, entity, record, result, fields=catalog, strict=strict)


def check_humanize(record: Any, catalog: FieldCatalog) -> None:
    """Check that humanize returns or rejects, and that dehumanize undoes it."""
    result = check_hostile(humanize, "deal", record, fields=catalog)
    if is_rejection(result):
        return
    back = check_hostile(dehumanize, "deal", result, fields=catalog)
    assert not is_rejection(back), f"dehumanize rejects humanize's result: {back}"
    assert same_json(back, record), "dehumanize did not undo humanize"


def check_dehumanize(record: Any, catalog: FieldCatalog) -> None:
    """Check that dehumanize returns or rejects, and that humanize undoes it."""
    result = check_hostile(dehumanize, "deal", record, fields=catalog)
    if is_rejection(result):
        return
    back = check_hostile(humanize, "deal", result, fields=catalog)
    assert not is_rejection(back), f"humanize rejects dehumanize's result: {back}"
    assert same_json(back, record), "humanize did not undo dehumanize"


def check_catalog(data: Any) -> None:
    """Check that from_json returns a usable catalog or rejects the data."""
    catalog = check_hostile(FieldCatalog.from_json, data, json_in=False)
    if is_rejection(catalog):
        return
    assert isinstance(catalog.fingerprint, str)
    assert repr(catalog)
    assert len(list(catalog)) == len(catalog)
    check_hostile(to_v2, "deal", V1_EXAMPLES["deal"], fields=catalog)


def check_request(
    method: Any, path: Any, query: Any, body: Any, to: str, strict: bool
) -> None:
    check_hostile(convert_route, method, path, to=to, query=query)
    check_hostile(convert_query, method, path, query, to=to, strict=strict)
    check_hostile(
        convert_request, method, path, query=query, body=body, to=to, strict=strict
    )


def check_body(entity: str, body: Any, method: str, to: str, strict: bool) -> None:
    check_hostile(convert_body, entity, body, method, to=to, strict=strict)
    check_hostile(convert_body, entity, body, method, to=to, fields=ALL_FIELDS)


def check_webhook(payload: Any, to: str, catalog: FieldCatalog | None) -> None:
    check_hostile(normalize_webhook, payload, to=to, fields=catalog)
    check_hostile(normalize_webhook_lossless, payload, to=to, fields=catalog)


def check_envelope(entity: str, payload: Any, to: str) -> None:
    """Check that convert_envelope returns or rejects, and v1 envelopes round-trip."""
    pair = check_hostile(convert_envelope_lossless, entity, payload, to=to)
    check_hostile(convert_envelope, entity, payload, to=to)
    if is_rejection(pair) or to == "v1":
        return
    converted, removed = pair
    back = check_hostile(convert_envelope, entity, converted, to="v1", removed=removed)
    assert not is_rejection(back), f"to='v1' rejects the v2 envelope: {back}"
    assert same_json(back, payload), "the lossless envelope round trip changed it"


def check_schema(entity: str, version: str, record: Any, to: Any) -> None:
    from pipedrive_shapes.schemas import schema_for

    schema = schema_for(entity, version)
    check_hostile(schema(to=to).load, record)
    check_hostile(schema(to=to, fields_catalog=ALL_FIELDS).load, record)


# Property tests. The Hypothesis profile fixes the seed; only the number of
# examples is set here, sized to keep this file under a minute.

FUZZ = settings(max_examples=100)


@FUZZ
@given(entity_records("v1"), catalogs, st.booleans())
def test_to_v2_fuzz_near_valid_records(
    pair: tuple[str, dict[str, Any]], catalog: FieldCatalog | None, strict: bool
) -> None:
    """A mutated v1 record converts losslessly or raises ConversionError."""
    check_to_v2(*pair, catalog, strict)


@FUZZ
@given(entities, any_json, catalogs)
def test_to_v2_fuzz_any_json(entity: str, payload: Any, catalog: Any) -> None:
    """Any JSON value as a v1 record converts losslessly or raises ConversionError."""
    check_to_v2(entity, payload, catalog, False)


@FUZZ
@given(entities, python_values)
def test_to_v2_fuzz_python_values(entity: str, payload: Any) -> None:
    """A Python value of the wrong type raises ConversionError or converts."""
    check_hostile(to_v2, entity, payload, json_in=False)
    check_hostile(to_v2, entity, {"id": 1, "title": payload}, json_in=False)


@FUZZ
@given(entity_records("v2"), catalogs, st.booleans())
def test_to_v1_fuzz_near_valid_records(
    pair: tuple[str, dict[str, Any]], catalog: FieldCatalog | None, strict: bool
) -> None:
    """A mutated v2 record converts or raises ConversionError."""
    check_to_v1(*pair, catalog, strict)


@FUZZ
@given(entities, python_values)
def test_to_v1_fuzz_python_values(entity: str, payload: Any) -> None:
    check_hostile(to_v1, entity, payload, json_in=False)
    check_hostile(to_v1, entity, {"custom_fields": {"a" * 40: payload}}, json_in=False)


@FUZZ
@given(custom_field_records(readable=False))
def test_humanize_fuzz_custom_fields(record: dict[str, Any]) -> None:
    """humanize returns or rejects, and dehumanize undoes it."""
    check_humanize(record, DEAL_FIELDS)


@FUZZ
@given(custom_field_records(readable=True))
def test_dehumanize_fuzz_custom_fields(record: dict[str, Any]) -> None:
    """dehumanize returns or rejects, and humanize undoes it."""
    check_dehumanize(record, DEAL_FIELDS)


field_rows = st.fixed_dictionaries(
    {},
    optional={
        "key": st.sampled_from(CUSTOM_KEYS) | any_json,
        "field_code": st.sampled_from(CUSTOM_KEYS) | any_json,
        "name": st.text(max_size=6) | any_json,
        "field_name": st.text(max_size=6) | any_json,
        "field_type": st.sampled_from(("enum", "set", "varchar", "monetary", "address"))
        | any_json,
        "options": st.lists(
            st.fixed_dictionaries(
                {}, optional={"id": any_json, "label": st.text(max_size=4) | any_json}
            ),
            max_size=3,
        )
        | any_json,
        "id": any_json,
        "is_subfield": st.booleans() | any_json,
        "parent_id": any_json,
        "id_suffix": st.sampled_from(SUFFIXES) | any_json,
        "edit_flag": any_json,
        "subfields": any_json,
    },
)
field_responses = st.one_of(
    any_json,
    st.lists(field_rows, max_size=4),
    st.fixed_dictionaries(
        {"success": st.booleans(), "data": st.lists(field_rows, max_size=4)}
    ),
)


@FUZZ
@given(field_responses)
def test_field_catalog_fuzz_from_json(data: Any) -> None:
    """from_json returns a usable catalog or raises ConversionError."""
    check_catalog(data)


@FUZZ
@given(
    st.sampled_from(METHODS) | st.text(max_size=5),
    request_paths(),
    queries,
    st.none() | records("deal", "v1"),
    versions,
    st.booleans(),
)
def test_convert_request_fuzz(
    method: str, path: str, query: Any, body: Any, to: str, strict: bool
) -> None:
    """Routes, queries and whole requests convert or raise ConversionError."""
    check_request(method, path, query, body, to, strict)


@FUZZ
@given(st.data(), entities, st.sampled_from(("POST", "PUT", "PATCH")), versions)
def test_convert_body_fuzz(
    data: st.DataObject, entity: str, method: str, to: str
) -> None:
    """A mutated record as a request body converts or raises ConversionError."""
    body = data.draw(records(entity, "v1" if to == "v2" else "v2"))
    check_body(entity, body, method, to, data.draw(st.booleans()))


@FUZZ
@given(webhook_deliveries, versions, st.sampled_from((None, ALL_FIELDS)))
def test_normalize_webhook_fuzz(payload: Any, to: str, catalog: Any) -> None:
    """A mutated webhook delivery converts or raises ConversionError."""
    check_webhook(payload, to, catalog)


@FUZZ
@given(subscription_bodies, versions)
def test_convert_webhook_subscription_fuzz(body: Any, to: str) -> None:
    check_hostile(convert_webhook_subscription, body, to=to)


@FUZZ
@given(st.data(), entities, versions)
def test_convert_envelope_fuzz(data: st.DataObject, entity: str, to: str) -> None:
    """An envelope converts (v1 ones losslessly) or raises ConversionError."""
    payload = data.draw(envelopes(entity, "v1" if to == "v2" else "v2"))
    check_envelope(entity, payload, to)


@FUZZ
@given(st.data(), entities, versions)
def test_schemas_fuzz_load(data: st.DataObject, entity: str, version: str) -> None:
    """A schema's load returns or raises ValidationError for any near-valid record."""
    record = data.draw(records(entity, version) | any_json)
    to = data.draw(st.sampled_from((None, "v1" if version == "v2" else "v2")))
    check_schema(entity, version, record, to)
