"""Generate large NDJSON inputs for the command line benchmarks.

The records are the example v1 records in ``examples/``, repeated in turn
with a new ``id`` for each line, so every line differs and every line is a
realistic record. Measured sizes: a stage line is about 300 bytes and a deal
line about 3 KB, so 1 000 000 stages make about 300 MB.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

REPOSITORY_ROOT: Final = Path(__file__).resolve().parents[1]
EXAMPLES: Final = REPOSITORY_ROOT / "examples"

#: Example file and field definitions (or None) of each benchmark entity.
SOURCES: Final = {
    "stage": (EXAMPLES / "stages.v1.ndjson", None),
    "deal": (EXAMPLES / "deals.v1.ndjson", EXAMPLES / "deal_fields.v1.json"),
}


def write_records(path: Path, entity: str, count: int) -> int:
    """Write ``count`` NDJSON records of ``entity`` to ``path`` and return its size in bytes."""
    example, _ = SOURCES[entity]
    with open(example, encoding="utf-8") as stream:
        templates = [json.loads(line) for line in stream if line.strip()]
    with open(path, "wb") as output:
        for number in range(count):
            record = templates[number % len(templates)]
            record["id"] = number + 1
            output.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
    return path.stat().st_size


def field_arguments(entity: str) -> list[str]:
    """Return the ``--fields`` arguments for ``entity``, if it has definitions."""
    _, fields = SOURCES[entity]
    return [] if fields is None else ["--fields", str(fields)]
