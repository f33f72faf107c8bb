"""Timestamps, booleans, numbers, ids, labels and visible_to, in both directions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipedrive_shapes import ConversionError, to_v1, to_v2
from pipedrive_shapes import _scalars as s


@pytest.mark.parametrize(
    ("v1", "v2"),
    [
        ("2024-07-01 05:46:33", "2024-07-01T05:46:33Z"),
        ("2024-02-29 23:59:59", "2024-02-29T23:59:59Z"),
        ("2023-02-22 08:52:06.047", "2023-02-22T08:52:06Z"),
        (None, None),
        ("", None),
        ("0000-00-00 00:00:00", None),
    ],
)
def test_timestamp_to_v2_converts(v1: Any, v2: Any) -> None:
    assert s.timestamp_to_v2(v1, ("add_time",)) == v2


@pytest.mark.parametrize(
    "bad",
    [
        "2024-07-01",
        "2024-13-01 00:00:00",
        "2023-02-29 00:00:00",
        "2024-07-01 24:00:00",
        "2024-07-01T05:46:33Z",
        "yesterday",
        1719812793,
        "2024-07-01 05:46:33.",
    ],
)
def test_timestamp_to_v2_rejects_invalid(bad: Any) -> None:
    with pytest.raises(ConversionError) as caught:
        s.timestamp_to_v2(bad, ("add_time",))
    assert caught.value.path == ("add_time",)


@pytest.mark.parametrize(
    ("v2", "v1"),
    [
        ("2024-07-01T05:46:33Z", "2024-07-01 05:46:33"),
        ("2024-07-01T05:46:33.000Z", "2024-07-01 05:46:33"),
        ("2024-07-01T07:46:33+02:00", "2024-07-01 05:46:33"),
        ("2024-07-01T00:30:00-01:00", "2024-07-01 01:30:00"),
        ("2024-12-31T23:30:00.123456-01:00", "2025-01-01 00:30:00"),
        ("2024-07-01t05:46:33z", "2024-07-01 05:46:33"),
        (None, None),
    ],
)
def test_timestamp_to_v1_normalises_to_utc(v2: Any, v1: Any) -> None:
    assert s.timestamp_to_v1(v2, ("add_time",)) == v1


@pytest.mark.parametrize(
    "bad",
    [
        "2024-07-01 05:46:33",
        "2024-07-01T05:46:33",
        "2024-07-01T05:46:33+2:00",
        "2024-07-01T05:46:33+24:00",
        "2024-02-30T00:00:00Z",
        "",
        "2024-07-01T05:46:33.Z",
        0,
    ],
)
def test_timestamp_to_v1_rejects_invalid(bad: Any) -> None:
    with pytest.raises(ConversionError) as caught:
        s.timestamp_to_v1(bad, ("update_time",))
    assert caught.value.path == ("update_time",)


@pytest.mark.parametrize(
    ("v1", "v2"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
        ("true", True),
        ("false", False),
        (None, None),
    ],
)
def test_bool_to_v2_accepts_v1_forms(v1: Any, v2: Any) -> None:
    assert s.bool_to_v2(v1, ("done",)) is v2


@pytest.mark.parametrize("bad", [2, -1, "yes", "", 1.0, [], {}])
def test_bool_to_v2_rejects_other_values(bad: Any) -> None:
    with pytest.raises(ConversionError):
        s.bool_to_v2(bad, ("done",))


@pytest.mark.parametrize("bad", [1, 0, "true", "false"])
def test_bool_to_v1_rejects_non_booleans(bad: Any) -> None:
    with pytest.raises(ConversionError):
        s.bool_to_v1(bad, ("is_deleted",))


@pytest.mark.parametrize(
    ("v1", "v2"),
    [
        (500, 500),
        ("500", 500),
        ("-12", -12),
        ("12.5", 12.5),
        (12.5, 12.5),
        ("", None),
        (None, None),
    ],
)
def test_number_to_v2_converts_numeric_strings(v1: Any, v2: Any) -> None:
    assert s.number_to_v2(v1, ("value",)) == v2


@pytest.mark.parametrize(
    "bad", ["abc", "1,000", "nan", "inf", "1_000", float("nan"), True, [1]]
)
def test_number_to_v2_rejects_non_numbers(bad: Any) -> None:
    with pytest.raises(ConversionError):
        s.number_to_v2(bad, ("value",))


def test_number_to_v1_rejects_strings() -> None:
    with pytest.raises(ConversionError):
        s.number_to_v1("500", ("value",))


@pytest.mark.parametrize(
    ("v1", "v2"),
    [
        ("2,3", [2, 3]),
        ("3", [3]),
        (7, [7]),
        ([2, 3], [2, 3]),
        (None, []),
        ("", []),
        (" 2, 3 ", [2, 3]),
    ],
)
def test_labels_to_v2_reads_every_v1_form(v1: Any, v2: Any) -> None:
    assert s.labels_to_v2(v1, ("label",)) == v2


@pytest.mark.parametrize("bad", ["2,x", "2,,3", 2.5, {"id": 2}, [True]])
def test_labels_to_v2_rejects_non_ids(bad: Any) -> None:
    with pytest.raises(ConversionError):
        s.labels_to_v2(bad, ("label",))


def test_labels_to_v1_empty_list_is_null() -> None:
    assert s.labels_to_v1([], ("label_ids",)) is None


def test_labels_to_v1_joins_ids() -> None:
    assert s.labels_to_v1([3, 7], ("label_ids",)) == "3,7"


@pytest.mark.parametrize(
    ("v1", "v2"), [("3", 3), ("7", 7), ("0", 0), (5, 5), (None, None)]
)
def test_visible_to_to_v2_converts(v1: Any, v2: Any) -> None:
    assert s.visible_to_to_v2(v1, ("visible_to",)) == v2


def test_visible_to_to_v2_rejects_words() -> None:
    with pytest.raises(ConversionError):
        s.visible_to_to_v2("everyone", ("visible_to",))


@pytest.mark.parametrize(
    ("v1", "v2"),
    [
        ({"id": 18, "value": 18, "name": "User"}, 18),
        ({"id": 18, "name": "User"}, 18),
        ({"value": 1, "name": "Org"}, 1),
        (18, 18),
        ("18", 18),
        (None, None),
    ],
)
def test_related_to_v2_takes_value_then_id(v1: Any, v2: Any) -> None:
    assert s.related_to_v2(v1, ("owner_id",)) == v2


def test_related_to_v2_object_without_id_raises() -> None:
    with pytest.raises(ConversionError) as caught:
        s.related_to_v2({"name": "Org"}, ("org_id",))
    assert caught.value.path == ("org_id",)


def test_dates_and_times_are_not_timestamps() -> None:
    out = to_v2(
        "activity", {"due_date": "2024-01-01", "due_time": "09:30", "duration": "01:20"}
    )
    assert out == {"due_date": "2024-01-01", "due_time": "09:30", "duration": "01:20"}


def test_deal_dates_pass_through_both_ways() -> None:
    v1 = {"expected_close_date": "2024-07-01", "local_won_date": "2024-07-01"}
    assert to_v1("deal", to_v2("deal", v1)) == v1


def test_marked_as_done_time_empty_string_becomes_null() -> None:
    assert to_v2("activity", {"marked_as_done_time": ""}) == {
        "marked_as_done_time": None
    }


def test_marked_as_done_time_null_becomes_empty_string() -> None:
    assert to_v1("activity", {"marked_as_done_time": None}) == {
        "marked_as_done_time": ""
    }


def test_deal_product_comments_null_becomes_empty_string() -> None:
    assert to_v2("deal_product", {"comments": None}) == {"comments": ""}


def test_deal_product_comments_empty_string_becomes_null() -> None:
    assert to_v1("deal_product", {"comments": ""})["comments"] is None


@pytest.mark.parametrize("bad", ["9", 9, "03", 2])
def test_visible_to_to_v2_rejects_unknown_groups(bad: Any) -> None:
    with pytest.raises(ConversionError):
        s.visible_to_to_v2(bad, ("visible_to",))


def test_visible_to_to_v1_rejects_unknown_groups() -> None:
    with pytest.raises(ConversionError):
        s.visible_to_to_v1(9, ("visible_to",))


def test_timestamp_to_v2_rfc3339_hint() -> None:
    with pytest.raises(ConversionError, match="convert v2 records with to_v1"):
        s.timestamp_to_v2("2024-01-01T00:00:00Z", ("add_time",))


def test_timestamp_to_v1_pads_years_before_1000() -> None:
    assert (
        s.timestamp_to_v1("0999-01-01T00:01:00+00:01", ("add_time",))
        == "0999-01-01 00:00:00"
    )


def test_timestamp_to_v1_before_year_one_raises() -> None:
    with pytest.raises(ConversionError):
        s.timestamp_to_v1("0001-01-01T00:00:00+01:00", ("add_time",))


date_like = (
    st.text("0123456789-", min_size=8, max_size=11)
    | st.dates().map(str)
    | st.text(max_size=12)
)
clock_like = (
    st.text("0123456789:", min_size=4, max_size=9)
    | st.times().map(lambda moment: moment.strftime("%H:%M:%S"))
    | st.text(max_size=9)
)


@given(text=date_like)
def test_is_date_matches_field_by_field_check(text: str) -> None:
    """The pattern check of a date agrees with checking year, month and day apart."""
    assert s.is_date(text) == s._is_valid_date(text)


@given(text=clock_like)
def test_is_clock_time_matches_field_by_field_check(text: str) -> None:
    """The pattern check of HH:MM[:SS] agrees with checking the parts apart."""
    reference = s._is_valid_clock(text + ":00" if len(text) == 5 else text)
    assert s.is_clock_time(text) == reference


def test_is_date_accepts_leap_day() -> None:
    assert s.is_date("2024-02-29")


def test_is_date_rejects_leap_day_of_common_year() -> None:
    assert not s.is_date("2023-02-29")


def test_is_clock_time_rejects_non_ascii_digits() -> None:
    assert not s.is_clock_time("\uff109:30")  # a fullwidth zero


class _Text(str):
    """A str subclass, which takes the checks' slower path."""


def test_is_date_accepts_str_subclass() -> None:
    assert s.is_date(_Text("2024-07-01"))
