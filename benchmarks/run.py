"""Time the converter against json.loads, a dict copy and marshmallow and pydantic peers.

Usage::

    python benchmarks/run.py [--quick] [--entities deal,person] [--profile]

Every operation is timed in batches of N calls with
:func:`time.perf_counter_ns`. The repeats go round-robin: each repeat runs one
batch of every operation of every selected case, so a slow phase of the
machine hits all figures alike. A figure is the median over the repeats, and
a ratio is the median of the per-repeat ratios of two operations. The
garbage collector is off while a batch runs, as :mod:`timeit` does.
``README.md`` beside this file explains each column.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any, Final

import peers
import records
from records import Case, Direction

import pipedrive_shapes
from pipedrive_shapes import to_v1, to_v2

FULL_REPEATS: Final = 201
QUICK_REPEATS: Final = 21
#: Target duration of one batch. N is chosen so that N calls take about this long.
FULL_BATCH_NS: Final = 2_000_000
QUICK_BATCH_NS: Final = 500_000
#: Total duration of the calls that estimate one call's duration.
CALIBRATION_NS: Final = 20_000_000
PROFILE_CALLS: Final = 5_000

OURS: Final = "ours"
LOADS: Final = "json.loads"
DICT_COPY: Final = "dict comprehension"

# Goals, as thresholds on the ratios.
MAX_OURS_PER_LOADS: Final = 0.5
MAX_OURS_PER_DICT_COPY: Final = 3.0
MIN_MARSHMALLOW_PER_OURS: Final = 10.0
MIN_PYDANTIC_PER_OURS: Final = 5.0


@dataclass
class Operation:
    """One timed callable with its batch size and its per-call durations."""

    name: str
    call: Callable[[], object]
    batch: int = 1
    #: Nanoseconds per call, one entry per repeat.
    samples: list[float] = field(default_factory=list)

    def median_ns(self) -> float:
        """Return the median duration of one call in nanoseconds."""
        return statistics.median(self.samples)


@dataclass
class Row:
    """The operations of one case in one direction."""

    case: Case
    direction: Direction
    operations: dict[str, Operation]

    def ratio(self, numerator: str, denominator: str) -> float | None:
        """Return the median per-repeat ratio of two operations, or None if one is absent."""
        top = self.operations.get(numerator)
        bottom = self.operations.get(denominator)
        if top is None or bottom is None:
            return None
        pairs = zip(top.samples, bottom.samples, strict=True)
        return statistics.median(a / b for a, b in pairs)


def _copy_keys(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items()}


def _ours(case: Case, direction: Direction) -> Callable[[], dict[str, Any]]:
    convert = to_v2 if direction == "v1->v2" else to_v1
    return partial(
        convert, case.entity, case.record(direction), fields=records.catalog()
    )


def build_row(case: Case, direction: Direction) -> Row:
    """Build and check the operations of one case and direction.

    :raises AssertionError: when a peer's output differs from the converter's.
    """
    record = case.record(direction)
    ours = _ours(case, direction)
    peers.check_peers(case, direction, ours())
    operations = {
        OURS: Operation(OURS, ours),
        LOADS: Operation(LOADS, partial(json.loads, case.text(direction))),
        DICT_COPY: Operation(DICT_COPY, partial(_copy_keys, record)),
    }
    for library in peers.LIBRARIES:
        convert = peers.peer(library, case.entity, direction)
        if convert is not None:
            operations[library] = Operation(library, partial(convert, record))
    return Row(case, direction, operations)


def _time_batch(operation: Operation) -> float:
    call = operation.call
    loop = range(operation.batch)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter_ns()
        for _ in loop:
            call()
        elapsed = time.perf_counter_ns() - start
    finally:
        if gc_was_enabled:
            gc.enable()
    return elapsed / operation.batch


def calibrate(operation: Operation, batch_ns: int) -> None:
    """Set the batch size so that one batch takes about ``batch_ns``."""
    calls = 0
    start = time.perf_counter_ns()
    while time.perf_counter_ns() - start < CALIBRATION_NS:
        operation.call()
        calls += 1
    per_call = (time.perf_counter_ns() - start) / calls
    operation.batch = max(1, round(batch_ns / per_call))


def measure(rows: Sequence[Row], repeats: int, batch_ns: int) -> None:
    """Time every operation of ``rows``, round-robin, ``repeats`` times."""
    operations = [op for row in rows for op in row.operations.values()]
    for operation in operations:
        calibrate(operation, batch_ns)
    for repeat in range(repeats):
        for operation in operations:
            operation.samples.append(_time_batch(operation))
        if (repeat + 1) % 20 == 0:
            print(f"  repeat {repeat + 1}/{repeats}", file=sys.stderr)


def _ratio_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _goal_text(value: float | None, met: bool) -> str:
    if value is None:
        return "-"
    return "met" if met else "not met"


def table(rows: Sequence[Row]) -> str:
    """Format the results as a Markdown table."""
    header = (
        "| case | direction | keys | JSON bytes | ours µs | ours records/s "
        "| ours/json.loads | ours/dict comp | marshmallow/ours | pydantic/ours "
        f"| ≤{MAX_OURS_PER_LOADS}x json.loads | ≤{MAX_OURS_PER_DICT_COPY:.0f}x dict comp "
        f"| ≥{MIN_MARSHMALLOW_PER_OURS:.0f}x marshmallow | ≥{MIN_PYDANTIC_PER_OURS:.0f}x pydantic |"
    )
    lines = [header, "|" + "---|" * 14]
    for row in rows:
        ours_ns = row.operations[OURS].median_ns()
        per_loads = row.ratio(OURS, LOADS)
        per_dict = row.ratio(OURS, DICT_COPY)
        marshmallow = row.ratio("marshmallow", OURS)
        pydantic = row.ratio("pydantic", OURS)
        cells = [
            row.case.name,
            row.direction,
            str(len(row.case.record(row.direction))),
            str(row.case.json_size(row.direction)),
            f"{ours_ns / 1000:.1f}",
            f"{1e9 / ours_ns:,.0f}",
            _ratio_text(per_loads),
            _ratio_text(per_dict),
            _ratio_text(marshmallow),
            _ratio_text(pydantic),
            _goal_text(
                per_loads, per_loads is not None and per_loads <= MAX_OURS_PER_LOADS
            ),
            _goal_text(
                per_dict, per_dict is not None and per_dict <= MAX_OURS_PER_DICT_COPY
            ),
            _goal_text(
                marshmallow,
                marshmallow is not None and marshmallow >= MIN_MARSHMALLOW_PER_OURS,
            ),
            _goal_text(
                pydantic, pydantic is not None and pydantic >= MIN_PYDANTIC_PER_OURS
            ),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def baselines(rows: Sequence[Row]) -> str:
    """Format the median µs per call of every operation as a Markdown table."""
    names = [OURS, LOADS, DICT_COPY, *peers.LIBRARIES]
    lines = [
        "| case | direction | " + " | ".join(f"{name} µs" for name in names) + " |",
        "|" + "---|" * (len(names) + 2),
    ]
    for row in rows:
        cells = [row.case.name, row.direction]
        for name in names:
            operation = row.operations.get(name)
            cells.append(
                "-" if operation is None else f"{operation.median_ns() / 1000:.2f}"
            )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cpu_count() -> int | None:
    """Return the number of CPUs this process may run on, as ``nproc`` prints."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return "unknown"


def _memory() -> str:
    try:
        text = Path("/proc/meminfo").read_text(encoding="utf-8")
    except OSError:
        return "unknown"
    kilobytes = int(text.split()[1])
    return f"{kilobytes / 1024 / 1024:.1f} GiB"


def _source() -> str:
    """Describe which copy of pipedrive_shapes is measured."""
    package = Path(pipedrive_shapes.__file__).resolve().parent
    text = f"- pipedrive_shapes {pipedrive_shapes.__version__} from {package}"
    if package.parent != records.REPO:
        return text
    git = ["git", "-C", str(records.REPO)]
    try:
        commit = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            [*git, "status", "--porcelain", "--", "pipedrive_shapes"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return text
    state = "with uncommitted changes" if changes else "clean"
    return f"{text}, commit {commit}, pipedrive_shapes/ {state}"


def machine() -> str:
    """Describe the machine, the interpreter and the library versions."""
    return "\n".join(
        [
            f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
            f"- CPUs (nproc): {_cpu_count()}, model: {_cpu_model()}",
            f"- memory: {_memory()}",
            f"- Python {platform.python_version()} ({platform.python_implementation()})"
            f" on {platform.platform()}",
            _source(),
            f"- marshmallow {version('marshmallow')}, pydantic {version('pydantic')}",
        ]
    )


def profile() -> None:
    """Print the 25 functions with the most own time while converting the deal."""
    deal = next(case for case in records.cases() if case.name == "deal")
    for direction in records.DIRECTIONS:
        convert = _ours(deal, direction)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(PROFILE_CALLS):
            convert()
        profiler.disable()
        print(f"## deal {direction}: {PROFILE_CALLS} calls, top 25 by own time\n")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.strip_dirs().sort_stats("tottime").print_stats(25)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_REPEATS} repeats of {QUICK_BATCH_NS // 1000} µs batches "
        f"instead of {FULL_REPEATS} of {FULL_BATCH_NS // 1000} µs",
    )
    parser.add_argument(
        "--entities",
        help="comma-separated entity names to time (default: all); "
        "'person' includes person:real",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        help=f"number of round-robin repeats (default {FULL_REPEATS}, or {QUICK_REPEATS} with --quick)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run cProfile on the converter for the deal instead of timing",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print its tables and return the exit status."""
    args = parse_args(argv)
    if args.profile:
        profile()
        return 0

    entities = None
    if args.entities:
        entities = {name.strip() for name in args.entities.split(",") if name.strip()}
        unknown = entities - set(pipedrive_shapes.ENTITIES)
        if unknown:
            print(
                f"invalid --entities value: unknown entity {', '.join(sorted(unknown))};"
                f" use names from {', '.join(pipedrive_shapes.ENTITIES)}",
                file=sys.stderr,
            )
            return 2

    repeats = args.repeats or (QUICK_REPEATS if args.quick else FULL_REPEATS)
    batch_ns = QUICK_BATCH_NS if args.quick else FULL_BATCH_NS
    rows = [
        build_row(case, direction)
        for case in records.select(entities)
        for direction in records.DIRECTIONS
    ]
    print(f"timing {len(rows)} rows, {repeats} repeats", file=sys.stderr)
    measure(rows, repeats, batch_ns)

    print(machine())
    print(f"- repeats: {repeats}, batch target: {batch_ns // 1000} µs\n")
    print(table(rows))
    print("\nMedian µs per call:\n")
    print(baselines(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
