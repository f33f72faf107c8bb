"""Benchmark records: one realistic v1 record and its v2 form per case.

Each case has a v1 record and the v2 record that :func:`pipedrive_shapes.to_v2`
makes of it, so v2 -> v1 is measured on what the converter itself produces.

- Entities with custom fields (deal, person, organization, product, activity)
  use the migration guide's v1 example with ten custom fields added, one of
  each common type. Their keys and definitions come from
  ``tests/fixtures/fields/dealFields.v1.json``. The guide's two placeholder
  custom keys are left out because no field definition describes them. For
  the other entities the guide's example is used as printed.
- ``person:real`` and ``activity:real`` are the real v1 records of
  ``tests/fixtures/real-v1/`` (45 and 62 keys) as published, with no custom
  fields added.

Run ``python benchmarks/records.py`` to print the size of every record.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

from pipedrive_shapes import FieldCatalog, to_v2

REPO: Final = Path(__file__).resolve().parent.parent
FIXTURES: Final = REPO / "tests" / "fixtures"
DEAL_FIELDS_FILE: Final = FIXTURES / "fields" / "dealFields.v1.json"

Direction = Literal["v1->v2", "v2->v1"]
DIRECTIONS: Final[tuple[Direction, ...]] = ("v1->v2", "v2->v1")

#: Entities whose guide example gets the ten custom fields, in table order.
CUSTOM_FIELD_ENTITIES: Final = ("deal", "person", "organization", "product", "activity")
#: Entities without custom fields, benchmarked on the guide's example alone.
PLAIN_ENTITIES: Final = (
    "pipeline",
    "stage",
    "deal_product",
    "product_variation",
    "follower",
)
#: Real v1 records: case name -> (entity, file under tests/fixtures/real-v1).
REAL_RECORDS: Final = {
    "person:real": ("person", "v1-person-airbyte-1.json"),
    "activity:real": ("activity", "v1-activity-airbyte-1.json"),
}

# Custom field keys of dealFields.v1.json, one per type.
TEXT_KEY: Final = "ac8bc7a55623d58b6c0a75989169186b97339a7d"  # text
MONETARY_KEY: Final = "fe9feb26e7df581e80f30392241f4a8838971633"  # monetary
ENUM_KEY: Final = "99722a1205feb1d12a5d34a6c4d87e0251be66f1"  # enum, options 31-33
SET_KEY: Final = "ee2400b321c143db98b8bea146aef0b301e08fd7"  # set, options 41-44
DATE_KEY: Final = "973c986cd1cb5c7fcdb0877cf53af793443c097f"  # date
DATERANGE_KEY: Final = "549aa60a1502921e15999e262b9b6e6f81852f99"  # daterange
ADDRESS_KEY: Final = "b7f1147861d4dfad2a6819727ab7a582eac4dedd"  # address
USER_KEY: Final = "88caec9877a840103a1035680c2dc3e253a3a643"  # user
DOUBLE_KEY: Final = "9af10364b13c5d8f4d02477e242e8eabff49fa37"  # double
TIME_KEY: Final = "06ef31c6ff56a0219167827728c8ad6e0fb05c48"  # time

CUSTOM_KEYS: Final = (
    TEXT_KEY,
    MONETARY_KEY,
    ENUM_KEY,
    SET_KEY,
    DATE_KEY,
    DATERANGE_KEY,
    ADDRESS_KEY,
    USER_KEY,
    DOUBLE_KEY,
    TIME_KEY,
)


def custom_fields_v1() -> dict[str, Any]:
    """Return the ten custom fields as a v1 response spreads them: 22 root keys.

    The user field is the object that v1 responses return for user fields;
    the other values have the forms of the guide's custom field examples.
    """
    return {
        TEXT_KEY: "Budget approved for Q3. Legal review of the DPA is pending.",
        MONETARY_KEY: 48000,
        f"{MONETARY_KEY}_currency": "EUR",
        ENUM_KEY: "32",
        SET_KEY: "41,43",
        DATE_KEY: "2024-06-28",
        DATERANGE_KEY: "2024-07-01",
        f"{DATERANGE_KEY}_until": "2024-07-31",
        ADDRESS_KEY: "Torstraße 140, 10119 Berlin, Germany",
        f"{ADDRESS_KEY}_subpremise": None,
        f"{ADDRESS_KEY}_street_number": "140",
        f"{ADDRESS_KEY}_route": "Torstraße",
        f"{ADDRESS_KEY}_sublocality": "Mitte",
        f"{ADDRESS_KEY}_locality": "Berlin",
        f"{ADDRESS_KEY}_admin_area_level_1": "Berlin",
        f"{ADDRESS_KEY}_admin_area_level_2": "Kreisfreie Stadt Berlin",
        f"{ADDRESS_KEY}_country": "Germany",
        f"{ADDRESS_KEY}_postal_code": "10119",
        f"{ADDRESS_KEY}_formatted_address": "Torstraße 140, 10119 Berlin, Germany",
        USER_KEY: {
            "id": 18,
            "name": "User Name",
            "email": "user@pipedrive.com",
            "has_pic": 0,
            "pic_hash": None,
            "active_flag": True,
            "value": 18,
        },
        DOUBLE_KEY: 12.5,
        TIME_KEY: "09:30:00",
    }


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _is_custom_key(key: str) -> bool:
    """Tell whether a root key is a custom field key or one of its subfields."""
    head = key[:40]
    return len(head) == 40 and not head.strip("0123456789abcdef")


@cache
def catalog() -> FieldCatalog:
    """Return the field definitions of every benchmarked entity.

    The deal gets all of ``dealFields.v1.json``. The other entities with
    custom fields get its custom field rows, so the ten keys have the same
    definitions everywhere.
    """
    response = _load(DEAL_FIELDS_FILE)
    merged = FieldCatalog.from_json(response, entity="deal")
    custom_rows = [row for row in response["data"] if _is_custom_key(row["key"])]
    for entity in CUSTOM_FIELD_ENTITIES[1:]:
        merged = merged.merged(
            FieldCatalog.from_json({"data": custom_rows}, entity=entity)
        )
    return merged


def field_types() -> dict[str, str]:
    """Return the ``field_type`` of every custom field in ``dealFields.v1.json``."""
    rows = _load(DEAL_FIELDS_FILE)["data"]
    return {
        row["key"]: row["field_type"]
        for row in rows
        if _is_custom_key(row["key"]) and not row.get("is_subfield")
    }


@dataclass(frozen=True)
class Case:
    """One benchmarked record in both shapes, with its JSON text."""

    #: The entity name, or the entity name and ``:real`` for a real record.
    name: str
    entity: str
    #: The source of the v1 record, relative to ``tests/fixtures``.
    source: str
    v1: dict[str, Any]
    v2: dict[str, Any]

    def record(self, direction: Direction) -> dict[str, Any]:
        """Return the input record of ``direction``."""
        return self.v1 if direction == "v1->v2" else self.v2

    def text(self, direction: Direction) -> str:
        """Return the input record of ``direction`` as compact JSON text."""
        return json.dumps(self.record(direction), ensure_ascii=False)

    def json_size(self, direction: Direction) -> int:
        """Return the size in bytes of the input record's UTF-8 JSON text."""
        return len(self.text(direction).encode("utf-8"))


def _case(name: str, entity: str, source: str, v1: dict[str, Any]) -> Case:
    v2 = to_v2(entity, v1, fields=catalog())
    return Case(name, entity, source, v1, v2)


def _guide_case(entity: str) -> Case:
    guide = _load(FIXTURES / "guide" / f"{entity}.v1.json")
    if entity not in CUSTOM_FIELD_ENTITIES:
        return _case(entity, entity, f"guide/{entity}.v1.json", guide)
    v1 = {key: value for key, value in guide.items() if not _is_custom_key(key)}
    v1.update(custom_fields_v1())
    source = f"guide/{entity}.v1.json + 10 custom fields"
    return _case(entity, entity, source, v1)


@cache
def cases() -> tuple[Case, ...]:
    """Return every benchmark case, deal first."""
    built = [_guide_case(entity) for entity in CUSTOM_FIELD_ENTITIES]
    for name, (entity, file_name) in REAL_RECORDS.items():
        v1 = _load(FIXTURES / "real-v1" / file_name)
        built.append(_case(name, entity, f"real-v1/{file_name}", v1))
    built.extend(_guide_case(entity) for entity in PLAIN_ENTITIES)
    return tuple(built)


def select(entities: set[str] | None) -> Iterator[Case]:
    """Yield the cases of the named entities (all cases for None)."""
    for case in cases():
        if entities is None or case.entity in entities:
            yield case


def main() -> None:
    """Print the key count and JSON size of every record."""
    print(f"{'case':<18} {'v1 keys':>7} {'v1 bytes':>8} {'v2 keys':>7} {'v2 bytes':>8}")
    for case in cases():
        print(
            f"{case.name:<18} {len(case.v1):>7} {case.json_size('v1->v2'):>8}"
            f" {len(case.v2):>7} {case.json_size('v2->v1'):>8}"
        )


if __name__ == "__main__":
    main()
