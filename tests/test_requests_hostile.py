"""Hostile input to request conversion: each case returns or raises ConversionError.

convert_request, convert_route, convert_query and convert_body take any
value for any argument. A wrong type or a value with no equivalent raises
ConversionError, whose message stays short and encodable as UTF-8 whatever
the value, and the cost stays linear in the size of the input.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipedrive_shapes._requests import (
    convert_body,
    convert_query,
    convert_request,
    convert_route,
)
from pipedrive_shapes._requests_cli import register_request_command
from pipedrive_shapes._routes import MESSAGE_TEXT_LIMIT, message_text, quoted
from pipedrive_shapes._routes import _split_selectors as split_selectors
from pipedrive_shapes.errors import ConversionError

GUIDE = Path(__file__).parent / "fixtures" / "guide"
#: More digits than int() and str() convert by default (the limit is 4300).
HUGE_DIGITS = 5_000
MEGABYTE = 1_000_000
#: An error message is short when it stays under this many characters.
SHORT_MESSAGE = 1_000
#: Input size of the linear-cost checks, and how many times larger the big
#: input is. Linear cost makes the big input about 100 times slower, and
#: quadratic cost 10,000 times. Cache misses and other processes add to the
#: linear figure: 150 to 430 in runs on a busy shared machine.
SMALL_SIZE = 1_000
SIZE_FACTOR = 100
MAX_GROWTH = 2_000


def guide_body(entity: str) -> dict[str, Any]:
    """Return the guide's v1 record of ``entity``, usable as a request body."""
    record: dict[str, Any] = json.loads(
        (GUIDE / f"{entity}.v1.json").read_text(encoding="utf-8")
    )
    return record


def rejection(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``function`` and return the ConversionError it raises."""
    with pytest.raises(ConversionError) as caught:
        function(*args, **kwargs)
    return caught.value


def is_clean_message(error: ConversionError) -> bool:
    """Tell whether the message is short and UTF-8 can encode it."""
    text = str(error)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return len(text) < SHORT_MESSAGE


def growth(make: Callable[[int], Callable[[], Any]]) -> float:
    """Return how much slower ``make(SIZE_FACTOR * SMALL_SIZE)()`` runs than
    ``make(SMALL_SIZE)()``.

    The fastest of five runs counts for each size, so that a run slowed down
    by other processes weighs less.
    """

    def fastest(function: Callable[[], Any]) -> float:
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            function()
            timings.append(time.perf_counter() - start)
        return min(timings)

    small, large = make(SMALL_SIZE), make(SIZE_FACTOR * SMALL_SIZE)
    small()
    return fastest(large) / max(fastest(small), 1e-6)


def quietly(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``function`` and return its result, or the ConversionError it raised."""
    try:
        return function(*args, **kwargs)
    except ConversionError as error:
        return error


# Message text


def test_message_text_short_printable_unchanged() -> None:
    assert message_text("GET /deals") == "GET /deals"


def test_message_text_long_text_cut() -> None:
    assert len(message_text("y" * MEGABYTE)) <= MESSAGE_TEXT_LIMIT + 2


def test_message_text_surrogate_escaped() -> None:
    assert message_text("a\udcffb") == "'a\\udcffb'"


def test_quoted_short_text_is_repr() -> None:
    assert quoted("Ada Lovelace") == "'Ada Lovelace'"


def test_quoted_many_escapes_cut() -> None:
    assert len(quoted("\x00" * MESSAGE_TEXT_LIMIT)) <= MESSAGE_TEXT_LIMIT + 2


# Routes: method, path and follower_ids


@pytest.mark.parametrize("method", [None, 5, b"GET", ["GET"]], ids=repr)
def test_convert_route_method_not_string(method: Any) -> None:
    error = rejection(convert_route, method, "/v1/deals")
    assert error.path == ("method",)
    assert error.value == method


@pytest.mark.parametrize("path", [None, 5, b"/v1/deals", ["/v1/deals"]], ids=repr)
def test_convert_route_path_not_string(path: Any) -> None:
    error = rejection(convert_route, "GET", path)
    assert error.path == ("path",)
    assert error.value == path


def test_convert_route_megabyte_path_short_message() -> None:
    error = rejection(convert_route, "GET", "/v1/deals/x/" + "y" * MEGABYTE)
    assert is_clean_message(error)
    assert error.value == "/v1/deals/x/" + "y" * MEGABYTE


def test_convert_route_megabyte_method_short_message() -> None:
    error = rejection(convert_route, "G" * MEGABYTE, "/v1/deals")
    assert is_clean_message(error)


def test_convert_route_many_segments_short_message() -> None:
    error = rejection(convert_route, "GET", "/v1/" + "a/" * 100_000)
    assert is_clean_message(error)


def test_convert_route_unprintable_segment_escaped() -> None:
    error = rejection(convert_route, "GET", "/v1/deals/x\u2028y")
    assert "\u2028" not in str(error)
    assert "\\u2028" in str(error)


def test_convert_route_surrogate_path_rejected() -> None:
    error = rejection(convert_route, "GET", "/v1/deals/\udcff")
    assert str(error).startswith("invalid text in request path")
    assert is_clean_message(error)


def test_convert_route_surrogate_host_rejected() -> None:
    error = rejection(convert_route, "GET", "https://h\udcff/v1/deals")
    assert error.path == ("path",)


@pytest.mark.parametrize(
    "path", ["http://[::1/v1/deals", "https://a\uff03b/v1/deals"], ids=repr
)
def test_convert_route_invalid_host(path: str) -> None:
    error = rejection(convert_route, "GET", path)
    assert str(error).startswith("invalid host in request path")


def test_convert_route_selector_kept_out() -> None:
    route = convert_route("GET", "/v1/deals:(id,title)/5")
    assert route.path == "/api/v2/deals/5"
    assert list(route.removed) == ["path:(id,title)"]


def test_convert_route_unclosed_selectors_linear_cost() -> None:
    def make(size: int) -> Callable[[], Any]:
        return lambda: quietly(convert_route, "GET", "/v1/deals" + ":(" * size)

    assert growth(make) < MAX_GROWTH


@given(st.text(alphabet=":()a/", max_size=30))
def test_split_selectors_matches_pattern(raw: str) -> None:
    """The scan finds what the pattern ``:(`` up to the next ``)`` finds."""
    pattern = re.compile(r":\([^)]*\)")
    assert split_selectors(raw) == (
        pattern.sub("", raw),
        tuple(pattern.findall(raw)),
    )


@pytest.mark.parametrize("follower_ids", [5, "77=9", [(77, 9)], {77}], ids=repr)
def test_convert_route_follower_ids_not_mapping(follower_ids: Any) -> None:
    error = rejection(
        convert_route, "DELETE", "/v1/deals/1/followers/77", follower_ids=follower_ids
    )
    assert error.path == ("follower_ids",)


@pytest.mark.parametrize(
    "follower_ids",
    [{77: 10**HUGE_DIGITS}, {10**HUGE_DIGITS: 9}, {77: True}, {77: 1.5}, {77: None}],
    ids=["huge_user", "huge_follower", "bool", "float", "none"],
)
def test_convert_route_follower_id_wrong_type(follower_ids: Any) -> None:
    error = rejection(
        convert_route, "DELETE", "/v1/deals/1/followers/77", follower_ids=follower_ids
    )
    assert error.path == ("follower_ids",)
    assert is_clean_message(error)


def test_convert_route_follower_huge_int_to_v1() -> None:
    error = rejection(
        convert_route,
        "DELETE",
        "/api/v2/deals/1/followers/9",
        to="v1",
        follower_ids={77: 10**HUGE_DIGITS},
    )
    assert error.path == ("follower_ids",)


def test_convert_route_many_followers_short_message() -> None:
    follower_ids = {index: index for index in range(100_000)}
    error = rejection(
        convert_route, "DELETE", "/v1/deals/1/followers/x1", follower_ids=follower_ids
    )
    assert is_clean_message(error)


def test_convert_route_few_followers_listed() -> None:
    error = rejection(
        convert_route, "DELETE", "/v1/deals/1/followers/78", follower_ids={77: 9}
    )
    assert error.expected == "one of 77"


def test_convert_route_many_followers_counted() -> None:
    follower_ids = {index: index for index in range(10)}
    error = rejection(
        convert_route, "DELETE", "/v1/deals/1/followers/78", follower_ids=follower_ids
    )
    assert error.expected == "one of the 10 follower ids in follower_ids"


def test_convert_route_follower_int_subclass_key() -> None:
    class UserId(int):
        pass

    route = convert_route(
        "DELETE", "/v1/deals/1/followers/77", follower_ids={UserId(77): UserId(9)}
    )
    assert route.path == "/api/v2/deals/1/followers/9"


@pytest.mark.parametrize("to", ["v3", None, ["v2"], b"v2"], ids=repr)
def test_convert_route_to_invalid(to: Any) -> None:
    error = rejection(convert_route, "GET", "/v1/deals", to=to)
    assert error.path == ("to",)


def test_convert_route_to_invalid_is_value_error() -> None:
    """ConversionError is a ValueError, so older ``except ValueError`` still works."""
    with pytest.raises(ValueError, match="to must be"):
        convert_route("GET", "/v1/deals", to="v3")


# Queries


@pytest.mark.parametrize("query", [5, [1], "start=0", ("start", 0)], ids=repr)
def test_convert_query_query_not_mapping(query: Any) -> None:
    error = rejection(convert_query, "GET", "/v1/deals", query)
    assert error.path == ("query",)


@pytest.mark.parametrize("name", [1, None, ("start",), b"start"], ids=repr)
def test_convert_query_name_not_string(name: Any) -> None:
    error = rejection(convert_query, "GET", "/v1/deals", {name: 0})
    assert str(error).startswith("invalid query parameter name")


def test_convert_query_nested_list_rejected() -> None:
    error = rejection(convert_query, "GET", "/v1/products", {"ids": [[1, 2], 3]})
    assert error.path == ("query", "ids")
    assert error.value == [1, 2]


def test_convert_query_deep_list_rejected() -> None:
    value: Any = 1
    for _ in range(10_000):
        value = [value]
    error = rejection(convert_query, "GET", "/v1/deals", {"ids": value})
    assert error.path == ("query", "ids")


def test_convert_query_flat_list_joined() -> None:
    converted = convert_query("GET", "/v1/products", {"ids": [1, "2", 3]})
    assert converted.query["ids"] == "1,2,3"


def test_convert_query_huge_int_value() -> None:
    error = rejection(convert_query, "GET", "/v1/deals", {"filter_id": 10**HUGE_DIGITS})
    assert error.path == ("query", "filter_id")
    assert is_clean_message(error)


@pytest.mark.parametrize("name", ["start", "limit"])
def test_convert_query_huge_count(name: str) -> None:
    error = rejection(convert_query, "GET", f"/v1/deals?{name}=" + "9" * HUGE_DIGITS)
    assert str(error).startswith(f"invalid {name}")


def test_convert_query_long_start_not_zero() -> None:
    """A start within the digit bound still parses, and a non-zero one raises."""
    error = rejection(convert_query, "GET", "/v1/deals?start=" + "9" * 900)
    assert str(error).startswith("v2 pages with an opaque cursor")


def test_convert_query_leading_zeros_start() -> None:
    converted = convert_query("GET", "/v1/deals?start=000")
    assert converted.query == {}


@pytest.mark.parametrize(
    "query",
    [{"term": "\ud800"}, {"\udcff": 1}, {"ids": ["1", "\udcff"]}],
    ids=["value", "name", "list_item"],
)
def test_convert_query_surrogate_rejected(query: Any) -> None:
    error = rejection(convert_query, "GET", "/v1/deals", query)
    assert str(error).startswith("invalid text in query parameter")
    assert is_clean_message(error)


@pytest.mark.parametrize("path", ["/v1/deals?term=\udcff", "/v1/deals?\udcff=1"])
def test_convert_query_surrogate_query_string(path: str) -> None:
    error = rejection(convert_query, "GET", path)
    assert error.path == ("path",)


def test_convert_request_target_encodable() -> None:
    call = convert_request("GET", "/v1/deals/search?term=caf%C3%A9")
    assert call.target == "/api/v2/deals/search?term=caf%C3%A9"


def test_convert_query_strict_unprintable_name_escaped() -> None:
    error = rejection(convert_query, "GET", "/v1/deals", {"a\u2028b": 1}, strict=True)
    assert "\u2028" not in str(error)


def test_convert_query_conflicting_long_value_short() -> None:
    query = {"user_id": "1" * MEGABYTE, "owner_id": "2"}
    error = rejection(convert_query, "GET", "/v1/deals", query)
    assert str(error).startswith("conflicting values")
    assert is_clean_message(error)


def test_convert_query_path_id_disagrees_short() -> None:
    path = "/v1/persons/" + "5" * MEGABYTE + "/deals"
    error = rejection(convert_query, "GET", path, {"person_id": "6"})
    assert str(error).startswith("query parameter person_id disagrees")
    assert is_clean_message(error)


def test_convert_query_ids_deduplicated_in_order() -> None:
    converted = convert_query("GET", "/v1/products", {"ids": "3, 1,3,2,1"})
    assert converted.query["ids"] == "3,1,2"


def test_convert_query_repeated_ids_joined() -> None:
    converted = convert_query("GET", "/v1/products?ids[]=3&ids[]=1&ids=3")
    assert converted.query["ids"] == "3,1"


def test_convert_query_repeated_scalar_rejected() -> None:
    error = rejection(convert_query, "GET", "/v1/deals?status=open&status=won")
    assert str(error).startswith("repeated query parameter")


def test_convert_query_many_ids_linear_cost() -> None:
    def make(size: int) -> Callable[[], Any]:
        query = {"ids": ",".join(map(str, range(size)))}
        return lambda: quietly(convert_query, "GET", "/v1/products", query)

    assert growth(make) < MAX_GROWTH


def test_convert_query_repeated_ids_linear_cost() -> None:
    def make(size: int) -> Callable[[], Any]:
        path = "/v1/products?" + "&".join(f"ids[]={index}" for index in range(size))
        return lambda: quietly(convert_query, "GET", path)

    assert growth(make) < MAX_GROWTH


def test_convert_query_many_statuses_linear_cost() -> None:
    def make(size: int) -> Callable[[], Any]:
        query = {"status": ",".join(map(str, range(size)))}
        return lambda: quietly(convert_query, "GET", "/v1/deals", query)

    assert growth(make) < MAX_GROWTH


# Bodies


@pytest.mark.parametrize("method", ["GET", "DELETE", None, 5, b"POST"], ids=repr)
def test_convert_body_method_without_body(method: Any) -> None:
    error = rejection(convert_body, "deal", {"title": "x"}, method)
    assert str(error).startswith("only POST, PUT and PATCH requests carry a body")
    assert error.value == method


@pytest.mark.parametrize("entity", ["nope", None, 5, ["deal"], "Deal"], ids=repr)
def test_convert_body_entity_unknown(entity: Any) -> None:
    error = rejection(convert_body, entity, {"title": "x"}, "POST")
    assert str(error).startswith("unknown entity")
    assert error.value == entity


@pytest.mark.parametrize("currency", [[1], {}, 5, True], ids=repr)
def test_convert_body_currency_not_string(currency: Any) -> None:
    body = guide_body("product")
    body["prices"][0]["currency"] = currency
    error = rejection(convert_body, "product", body, "PUT")
    assert error.path == ("prices", 0, "currency")
    assert str(error).startswith("invalid currency")


def test_convert_body_unhashable_currencies() -> None:
    body = {"prices": [{"currency": [1]}, {"currency": {}}]}
    error = rejection(convert_body, "product", body, "PUT")
    assert error.path == ("prices", 0, "currency")


def test_convert_body_same_currency_twice() -> None:
    body = guide_body("product")
    body["prices"].append(copy.deepcopy(body["prices"][0]))
    error = rejection(convert_body, "product", body, "PUT")
    assert error.path == ("prices", 1, "currency")


def test_convert_body_missing_currency_allowed() -> None:
    body = {"prices": [{"price": 5}, {"price": 6}]}
    converted = convert_body("product", body, "PUT")
    assert converted.body == {"prices": [{"price": 5}, {"price": 6}]}


def test_convert_body_long_name_parts_short() -> None:
    body = {"name": "x", "first_name": "a" * MEGABYTE, "last_name": "b"}
    error = rejection(convert_body, "person", body, "POST")
    assert str(error).startswith("name disagrees")
    assert is_clean_message(error)


@pytest.mark.parametrize("entity", ["person", 5, ["deal"]], ids=repr)
def test_convert_request_entity_mismatch(entity: Any) -> None:
    error = rejection(
        convert_request, "POST", "/v1/deals", body={"title": "x"}, entity=entity
    )
    assert error.path == ("entity",)
    assert error.value == entity


def test_convert_request_entity_mismatch_is_value_error() -> None:
    with pytest.raises(ValueError, match="does not match the route"):
        convert_request("POST", "/v1/deals", body={"title": "x"}, entity="person")


# Properties


#: Characters of request lines, with a lone surrogate and an unprintable one.
REQUEST_CHARACTERS = st.sampled_from("GETPOSUAHD /v1api2dels?=&:()5#\udcff\u2028é")
#: Any text, lone surrogates included (st.text leaves them out by default).
HOSTILE_TEXT = st.lists(REQUEST_CHARACTERS | st.characters(), max_size=40).map("".join)


#: More examples than the profile's default, which rarely builds a lone
#: surrogate into a path that reaches an error message.
MANY_EXAMPLES = settings(max_examples=300)


@MANY_EXAMPLES
@given(
    HOSTILE_TEXT,
    st.sampled_from(
        ("/v1/deals", "/api/v2/deals/5", "/v1/persons/5/deals", "")
    ).flatmap(lambda prefix: HOSTILE_TEXT.map(lambda rest: prefix + rest)),
    st.none() | st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=3),
    st.sampled_from(("v1", "v2")),
    st.booleans(),
)
def test_convert_request_any_text(
    method: str, path: str, query: Any, to: str, strict: bool
) -> None:
    """Any text, lone surrogates included, converts or raises a clean error."""
    result = quietly(convert_request, method, path, query=query, to=to, strict=strict)
    if isinstance(result, ConversionError):
        assert is_clean_message(result)
    else:
        result.target.encode("utf-8")


@MANY_EXAMPLES
@given(
    st.sampled_from(("GET", "POST", "PUT", "PATCH", "DELETE")),
    st.sampled_from(("/v1/deals", "/v1/deals/5", "/api/v2/deals/5", "/v1/products")),
    st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=3),
    st.sampled_from(("v1", "v2")),
)
def test_convert_query_any_names(
    method: str, path: str, query: dict[str, str], to: str
) -> None:
    """Query names and values of any text convert or raise a clean error."""
    result = quietly(convert_query, method, path, query, to=to, strict=True)
    if isinstance(result, ConversionError):
        assert is_clean_message(result)


# The command line tool


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pipedrive-shapes")
    commands = parser.add_subparsers(dest="command", required=True)
    register_request_command(commands)
    args = parser.parse_args(["request", *argv])
    status: int = args.handler(args)
    return status


def test_cli_request_huge_int_body(tmp_path: Path, capsys: Any) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(b'{"title": "x", "value": 1' + b"0" * HUGE_DIGITS + b"}")
    assert run_cli(["--to", "v2", "PUT /v1/deals/5", "--body", str(body)]) == 1
    assert "cannot read the body: invalid JSON" in capsys.readouterr().err


def test_cli_request_unhashable_currency(tmp_path: Path, capsys: Any) -> None:
    body = tmp_path / "body.json"
    body.write_text('{"prices": [{"currency": [1]}, {"currency": {}}]}')
    assert run_cli(["--to", "v2", "PUT /v1/products/5", "--body", str(body)]) == 1
    assert "invalid currency" in capsys.readouterr().err


def test_cli_request_undecodable_argument(capsys: Any) -> None:
    """A path byte that is not UTF-8 reaches argv as a lone surrogate."""
    assert run_cli(["--to", "v2", "GET https://h\udcff/v1/deals"]) == 1
    assert "invalid text in request path" in capsys.readouterr().err
