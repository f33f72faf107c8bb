"""validate() lists a record's problems; check() raises the first as a ConversionError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipedrive_shapes import ENTITIES, ConversionError, FieldCatalog, to_v1, to_v2
from pipedrive_shapes._validate import check, validate

GUIDE = Path(__file__).parent / "fixtures" / "guide"


def guide(entity: str, version: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GUIDE / f"{entity}.{version}.json").read_text())
    return data


@pytest.mark.parametrize("entity", ENTITIES)
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_validate_guide_example_has_no_problems(entity: str, version: str) -> None:
    assert validate(entity, guide(entity, version), version=version) == []


def test_validate_defaults_to_v2() -> None:
    assert validate("deal", guide("deal", "v1")) != []


def test_validate_names_nested_path() -> None:
    product = guide("product", "v2")
    product["prices"][0]["price"] = "54"
    assert validate("product", product) == ["$.prices[0].price: Not a valid number."]


def test_validate_sorts_problems() -> None:
    deal = {"visible_to": "3", "add_time": "2024-07-01 05:46:33", "value": "0"}
    assert validate("deal", deal) == [
        "$.add_time: Not a valid RFC 3339 timestamp, such as 2024-01-01T00:00:00Z.",
        "$.value: Not a valid number.",
        "$.visible_to: Must be one of: 1, 3, 5, 7.",
    ]


def test_validate_quotes_custom_field_key_path() -> None:
    deal = {
        "custom_fields": {
            "d4de1c1518b4531717c676029a45911c340390a6": {
                "value": "1",
                "currency": "EUR",
            }
        }
    }
    assert validate("deal", deal) == [
        "$.custom_fields.d4de1c1518b4531717c676029a45911c340390a6.value: Not a valid number."
    ]


def test_validate_reports_non_object_at_root() -> None:
    assert validate("deal", [1, 2]) == ["$: Invalid input type."]


def test_validate_v1_accepts_what_v1_sent() -> None:
    deal = {"value": "500", "visible_to": "0", "add_time": "", "active": 1}
    assert validate("deal", deal, version="v1") == []


def test_validate_uses_catalog() -> None:
    catalog = FieldCatalog.from_file(GUIDE.parent / "fields" / "dealFields.v1.json")
    assert validate("deal", {"custom_fields": {"f" * 40: 1}}, fields=catalog) == [
        f"$.custom_fields.{'f' * 40}: Unknown custom field: the field definitions have no such key."
    ]


def test_validate_rejects_unknown_entity() -> None:
    with pytest.raises(ConversionError, match="unknown entity"):
        validate("lead", {})


def test_validate_rejects_unknown_version() -> None:
    with pytest.raises(ConversionError, match="unknown version"):
        validate("deal", {}, version="v3")


def test_validate_rejects_fields_of_wrong_type() -> None:
    with pytest.raises(ConversionError, match="invalid fields argument"):
        validate("deal", {}, fields={"a": 1})  # type: ignore[arg-type]


def test_check_passes_valid_record() -> None:
    check("deal", guide("deal", "v2"), "v2", None)


def test_check_raises_first_problem_path() -> None:
    deal = {"visible_to": 2, "value": "0"}
    with pytest.raises(ConversionError) as caught:
        check("deal", deal, "v2", None)
    assert caught.value.path == ("value",)


def test_check_raises_first_problem_value() -> None:
    with pytest.raises(ConversionError) as caught:
        check("product", {"prices": [{"price": "54"}]}, "v2", None)
    assert caught.value.value == "54"


def test_check_message_is_lowercase_without_period() -> None:
    with pytest.raises(ConversionError) as caught:
        check("deal", {"value": "0"}, "v2", None)
    assert caught.value.message == "invalid v2 deal: not a valid number"


def test_check_output_message_names_converted_record() -> None:
    with pytest.raises(ConversionError) as caught:
        check("deal", {"visible_to": 0}, "v2", None, output=True)
    assert caught.value.message == (
        "the converted v2 deal is invalid: must be one of: 1, 3, 5, 7"
    )


def test_check_gives_payload_as_value_of_root_problem() -> None:
    with pytest.raises(ConversionError) as caught:
        check("deal", [1], "v2", None)
    assert caught.value.value == [1]


def test_visibility_zero_fails_v2_validation() -> None:
    """Old accounts hold visible_to "0"; v2 has no such group, and the converter keeps it."""
    out = to_v2("deal", {"visible_to": "0"})
    assert validate("deal", out) == ["$.visible_to: Must be one of: 1, 3, 5, 7."]


def test_to_v1_rejects_timestamp_before_year_1() -> None:
    with pytest.raises(ConversionError):
        to_v1("stage", {"add_time": "0001-01-01T00:30:00+01:00"})


def test_to_v1_huge_weighted_value_omitted() -> None:
    out = to_v1("deal", {"value": 10**400, "probability": 50.5})
    assert "weighted_value" not in out
