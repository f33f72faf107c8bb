"""Time ``pipedrive-shapes convert`` against bare conversion loops, and --jobs 2 against 1.

Usage::

    python benchmarks/cli_speed.py [--entity deal] [--records 20000]
        [--rounds 7] [--keep DIR]

Every command reads the same NDJSON file and writes to a file through
standard output, and each one is a fresh Python process, so start-up and
imports count in every figure. The commands:

- ``cli``: ``python -m pipedrive_shapes convert --entity E --to v2 FILE``
  (with the example field definitions for deals);
- ``cli --jobs 2``: the same with two worker processes;
- ``loop``: a script that does only what the tool must do: for each line,
  ``orjson.dumps(to_v2(entity, orjson.loads(line), fields=catalog))`` and a
  write. It is the floor for the tool;
- ``json loop``: the same loop without ``to_v2``, which shows what parsing
  and writing alone cost.

The commands run round-robin: each round runs every command once, in a fixed
order, so load from other processes slows all commands of a round alike. A
time is the median over the rounds, and a ratio is the median of the
per-round ratios. Goals: ``cli`` at most 1.3 times ``loop``, and ``cli``
at least 1.7 times ``cli --jobs 2``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Final

from cli_inputs import REPOSITORY_ROOT, SOURCES, field_arguments, write_records

MAX_CLI_PER_LOOP: Final = 1.3
MIN_JOBS_SPEED_UP: Final = 1.7

LOOP: Final = """
import sys, orjson
from pipedrive_shapes import FieldCatalog, to_v2
entity, path, fields = sys.argv[1], sys.argv[2], sys.argv[3]
catalog = FieldCatalog.from_file(fields) if fields else None
write = sys.stdout.buffer.write
with open(path, "rb") as lines:
    for line in lines:
        write(orjson.dumps(to_v2(entity, orjson.loads(line), fields=catalog)) + b"\\n")
"""

JSON_LOOP: Final = """
import sys, orjson
write = sys.stdout.buffer.write
with open(sys.argv[1], "rb") as lines:
    for line in lines:
        write(orjson.dumps(orjson.loads(line)) + b"\\n")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entity", default="deal", choices=sorted(SOURCES))
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="folder for the input, kept")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="cli-speed-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{args.entity}-{args.records}.ndjson"
    if not source.exists():
        write_records(source, args.entity, args.records)
    commands = _commands(args.entity, source)

    print(_machine())
    print(
        f"input: {args.records:,} {args.entity} records, {source.stat().st_size / 1e6:.1f} MB"
    )
    print(f"load before: {_load()}")
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    outputs: dict[str, Path] = {
        name: folder / f"out-{index}" for index, name in enumerate(commands)
    }
    for _ in range(args.rounds):
        for name, command in commands.items():
            seconds, cpu_seconds = _run(command, outputs[name])
            times[name].append(seconds)
            cpu[name].append(cpu_seconds)
    print(f"load after: {_load()}")
    _check_same_output(outputs)

    print()
    print("| command | median s | records/s | median CPU s |")
    print("|---|---:|---:|---:|")
    for name, samples in times.items():
        median = statistics.median(samples)
        cpu_median = statistics.median(cpu[name])
        print(
            f"| {name} | {median:.2f} | {args.records / median:,.0f} "
            f"| {cpu_median:.2f} |"
        )
    print()
    cli_per_loop = _ratio(times["cli"], times["loop"])
    cli_per_json = _ratio(times["cli"], times["json loop"])
    speed_up = _ratio(times["cli"], times["cli --jobs 2"])
    cpu_cost = _ratio(cpu["cli --jobs 2"], cpu["cli"])
    print(
        f"cli / loop = {cli_per_loop:.2f} (goal <= {MAX_CLI_PER_LOOP}: {_verdict(cli_per_loop <= MAX_CLI_PER_LOOP)})"
    )
    print(f"cli / json loop = {cli_per_json:.2f}")
    print(
        f"cli / cli --jobs 2 = {speed_up:.2f} (goal >= {MIN_JOBS_SPEED_UP}: {_verdict(speed_up >= MIN_JOBS_SPEED_UP)})"
    )
    print(
        f"CPU time of cli --jobs 2 / cli = {cpu_cost:.2f}; on two idle cores "
        f"--jobs 2 could be at most {2 / cpu_cost:.2f} times faster"
    )
    if args.keep is None:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


def _commands(entity: str, source: Path) -> dict[str, list[str]]:
    python = sys.executable
    fields = field_arguments(entity)
    fields_file = fields[1] if fields else ""
    cli = [
        python,
        "-m",
        "pipedrive_shapes",
        "convert",
        "--entity",
        entity,
        "--to",
        "v2",
        *fields,
        str(source),
        "--no-progress",
    ]
    return {
        "cli": cli,
        "cli --jobs 2": [*cli, "--jobs", "2"],
        "loop": [python, "-c", LOOP, entity, str(source), fields_file],
        "json loop": [python, "-c", JSON_LOOP, str(source)],
    }


def _run(command: list[str], output: Path) -> tuple[float, float]:
    """Run a command and return its wall-clock seconds and CPU seconds.

    The CPU time is user plus system time of the command and of the child
    processes it waited for, such as forked workers, from ``os.wait4``.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPOSITORY_ROOT), env.get("PYTHONPATH")])
    )
    with open(output, "wb") as stream:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=stream, stderr=subprocess.DEVNULL, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command[:6]} failed with status {process.returncode}")
    return seconds, usage.ru_utime + usage.ru_stime


def _check_same_output(outputs: dict[str, Path]) -> None:
    # The json loop writes the input back, so only the converting commands compare.
    expected = outputs["loop"].read_bytes()
    for name in ("cli", "cli --jobs 2"):
        if outputs[name].read_bytes() != expected:
            raise SystemExit(f"{name} wrote other bytes than the loop")


def _ratio(top: list[float], bottom: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(top, bottom, strict=True))


def _verdict(met: bool) -> str:
    return "met" if met else "missed"


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _machine() -> str:
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"python {platform.python_version()}, orjson {version('orjson')}, "
        f"{os.cpu_count()} CPUs ({model})"
    )


if __name__ == "__main__":
    main()
