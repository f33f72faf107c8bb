"""Measure the peak memory of ``pipedrive-shapes convert`` on small and large NDJSON.

Usage::

    python benchmarks/cli_memory.py [--small 10000] [--large 1000000]
        [--entity stage] [--jobs 1,2] [--keep DIR]

For each job count, the script converts a file of ``--small`` records and a
file of ``--large`` records and reports the peak resident set size (RSS) of
each run and the ratio large / small. Memory use that does not grow with the
input gives a ratio near 1; the goal is at most 1.10.

- ``--jobs 1``: the peak RSS of the tool's process, from ``os.wait4``. The
  kernel keeps this high-water mark, so no sampling is involved.
- ``--jobs N`` (N > 1): the workers are not children the script can wait
  for, so the script reads ``VmHWM`` (each process's own peak RSS) of the
  tool and every descendant from ``/proc`` every 10 ms and adds up the
  largest value seen for each process. Forked workers share pages with the
  main process, and each process counts them, so this sum is an upper bound.

The default entity is the stage: 1 000 000 deals would make a file of about
3 GB. The output goes to a file in the same temporary folder.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

from cli_inputs import REPOSITORY_ROOT, field_arguments, write_records

GOAL_RATIO: Final = 1.10
SAMPLE_SECONDS: Final = 0.01


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--entity", default="stage", choices=("stage", "deal"))
    parser.add_argument("--jobs", default="1,2", help="comma-separated job counts")
    parser.add_argument("--keep", type=Path, help="folder for the inputs, kept")
    args = parser.parse_args()
    job_counts = [int(part) for part in args.jobs.split(",")]

    folder = args.keep or Path(tempfile.mkdtemp(prefix="cli-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    inputs = {}
    for count in (args.small, args.large):
        path = folder / f"{args.entity}-{count}.ndjson"
        if not path.exists():
            write_records(path, args.entity, count)
        inputs[count] = path

    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load {_load()}")
    print()
    print("| jobs | records | input MB | peak RSS MiB | seconds |")
    print("|---:|---:|---:|---:|---:|")
    peaks: dict[tuple[int, int], float] = {}
    for jobs in job_counts:
        for count, path in inputs.items():
            peak_kib, seconds = _measure(path, folder, args.entity, jobs)
            peaks[jobs, count] = peak_kib
            size = path.stat().st_size / 1e6
            print(
                f"| {jobs} | {count:,} | {size:.1f} | {peak_kib / 1024:.1f} | {seconds:.1f} |"
            )
    print()
    for jobs in job_counts:
        ratio = peaks[jobs, args.large] / peaks[jobs, args.small]
        verdict = "met" if ratio <= GOAL_RATIO else "missed"
        print(
            f"jobs {jobs}: peak RSS {args.large:,} / {args.small:,} records = "
            f"{ratio:.3f} (goal <= {GOAL_RATIO}: {verdict})"
        )
    print(f"load after: {_load()}")
    if args.keep is None:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


def _command(path: Path, folder: Path, entity: str, jobs: int) -> list[str]:
    output = folder / "output.ndjson"
    return [
        sys.executable,
        "-m",
        "pipedrive_shapes",
        "convert",
        "--entity",
        entity,
        "--to",
        "v2",
        *field_arguments(entity),
        str(path),
        "-o",
        str(output),
        "--jobs",
        str(jobs),
        "--no-progress",
    ]


def _measure(path: Path, folder: Path, entity: str, jobs: int) -> tuple[float, float]:
    """Run the tool once and return (peak RSS in KiB, wall-clock seconds)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPOSITORY_ROOT), env.get("PYTHONPATH")])
    )
    start = time.perf_counter()
    process = subprocess.Popen(
        _command(path, folder, entity, jobs),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    if jobs == 1:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        peak = float(usage.ru_maxrss)  # KiB on Linux
    else:
        peak = _sample_tree(process)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read() if process.stderr else b""
    if process.returncode != 0:
        raise SystemExit(f"the tool failed: {stderr.decode(errors='replace')}")
    return peak, seconds


def _sample_tree(process: subprocess.Popen[bytes]) -> float:
    highest: dict[int, int] = {}
    while process.poll() is None:
        for pid in _tree(process.pid):
            value = _peak_kib(pid)
            if value is not None and value > highest.get(pid, 0):
                highest[pid] = value
        time.sleep(SAMPLE_SECONDS)
    return float(sum(highest.values()))


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stream:
                fields = stream.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
    tree = [root]
    for pid in tree:
        tree.extend(child for child, parent in parents.items() if parent == pid)
    return tree


def _peak_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as stream:
            for line in stream:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
