"""Tests for ``convert --jobs N`` and the progress bar.

Worker processes must give the same output, rejects and counts as the
main process alone, in input order, and read ahead only a bounded number
of chunks.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipedrive_shapes import FieldCatalog, cli, to_v2
from pipedrive_shapes import _cli_parallel as parallel
from pipedrive_shapes._cli_records import ConvertOptions

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPOSITORY_ROOT / "examples"
GUIDE_FIXTURES = REPOSITORY_ROOT / "tests" / "fixtures" / "guide"

with open(GUIDE_FIXTURES / "stage.v1.json", encoding="utf-8") as _stream:
    STAGE_V1: dict[str, Any] = json.load(_stream)

STAGE_OPTIONS = ConvertOptions(entity="stage", target="v2")


def stage_line(number: int) -> bytes:
    return json.dumps({**STAGE_V1, "id": number}).encode() + b"\n"


def bad_line(number: int) -> bytes:
    if number % 2:
        return b'{"id": ' + str(number).encode() + b", oops}\n"
    return json.dumps({**STAGE_V1, "id": number, "rotten_days": "x"}).encode() + b"\n"


def stages_file(path: Path, count: int, bad: set[int] = frozenset()) -> Path:
    with open(path, "wb") as stream:
        for number in range(1, count + 1):
            stream.write(bad_line(number) if number in bad else stage_line(number))
            if number % 100 == 0:
                stream.write(b"\n")  # blank lines do not shift the numbering
    return path


def convert_args(*extra: str, entity: str = "stage", target: str = "v2") -> list[str]:
    return ["convert", "--entity", entity, "--to", target, *extra]


def run_cli(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    status = cli.main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def numbered(lines: list[bytes], start: int = 1) -> list[tuple[int, bytes]]:
    return list(enumerate(lines, start=start))


# Same result as one process


BAD_LINES = {3, 255, 256, 257, 700, 1024, 1300}


def test_jobs_skip_matches_one_process(tmp_path, capsys):
    source = stages_file(tmp_path / "stages.ndjson", 1500, BAD_LINES)
    results = []
    for jobs in ("1", "2", "3"):
        rejects = tmp_path / f"rejects-{jobs}.ndjson"
        args = ["--jobs", jobs, "--on-error", "skip", "--rejects", str(rejects)]
        status, out, err = run_cli(convert_args(str(source), *args), capsys)
        results.append((status, out, err, rejects.read_bytes()))

    assert results[0][0] == 2
    assert results[0][2] == "read 1500, written 1493, rejected 7\n"
    assert results[1] == results[0]
    assert results[2] == results[0]


def test_jobs_stdin_matches_one_process(tmp_path, monkeypatch, capsys):
    source = stages_file(tmp_path / "stages.ndjson", 1500, BAD_LINES)
    args = convert_args("--on-error", "skip")
    results = []
    for jobs in ("1", "2"):
        # Standard input cannot be read by byte ranges, so the main process
        # reads it and sends the lines.
        stdin = io.BufferedReader(io.BytesIO(source.read_bytes()))
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stdin))
        results.append(run_cli([*args, "--jobs", jobs], capsys))

    assert results[0][0] == 2
    assert results[0][2].endswith("read 1500, written 1493, rejected 7\n")
    assert results[1] == results[0]


def test_jobs_output_in_input_order(tmp_path, capsys):
    source = stages_file(tmp_path / "stages.ndjson", 2000)

    status, out, _ = run_cli(convert_args(str(source), "--jobs", "2"), capsys)

    ids = [json.loads(text)["id"] for text in out.splitlines()]
    assert status == 0
    assert ids == list(range(1, 2001))


def test_jobs_rejects_in_input_order(tmp_path, capsys):
    source = stages_file(tmp_path / "stages.ndjson", 1500, BAD_LINES)
    rejects = tmp_path / "rejects.ndjson"
    args = ["--jobs", "2", "--on-error", "skip", "--rejects", str(rejects)]

    run_cli(convert_args(str(source), *args), capsys)

    lines = [json.loads(text)["line"] for text in rejects.read_text().splitlines()]
    # A blank line follows every 100th record, which moves the later line numbers.
    assert lines == [number + (number - 1) // 100 for number in sorted(BAD_LINES)]


def test_jobs_fields_match_one_process(tmp_path, capsys):
    deals = (EXAMPLES / "deals.v1.ndjson").read_bytes()
    source = tmp_path / "deals.ndjson"
    source.write_bytes(deals * 200)
    fields = ["--fields", str(EXAMPLES / "deal_fields.v1.json")]
    include = ["--include-fields", "files_count"]
    args = convert_args(str(source), *fields, *include, entity="deal")

    serial = run_cli(args, capsys)
    workers = run_cli([*args, "--jobs", "2"], capsys)

    catalog = FieldCatalog.from_file(EXAMPLES / "deal_fields.v1.json")
    first = json.loads(deals.splitlines()[0])
    expected_first = to_v2(
        "deal", first, fields=catalog, include_fields=["files_count"]
    )
    assert serial[0] == 0
    assert json.loads(serial[1].splitlines()[0]) == expected_first
    assert workers == serial


def test_jobs_fail_stops_like_one_process(tmp_path, capsys):
    source = stages_file(tmp_path / "stages.ndjson", 1500, {700, 900})

    serial = run_cli(convert_args(str(source)), capsys)
    workers = run_cli(convert_args(str(source), "--jobs", "2"), capsys)

    assert serial[0] == 1
    assert serial[2].endswith("read 700, written 699, rejected 1\n")
    assert workers == serial


def test_jobs_fail_leaves_no_output_file(tmp_path, capsys):
    source = stages_file(tmp_path / "stages.ndjson", 1500, {1400})
    target = tmp_path / "out.ndjson"
    rejects = tmp_path / "rejects.ndjson"
    args = ["--jobs", "2", "-o", str(target), "--rejects", str(rejects)]

    status, _, err = run_cli(convert_args(str(source), *args), capsys)

    assert status == 1
    assert err.endswith("read 1400, written 0, rejected 1\n")
    assert sorted(os.listdir(tmp_path)) == ["rejects.ndjson", "stages.ndjson"]
    assert json.loads(rejects.read_text())["line"] == 1413


def test_jobs_document_input_converted_once(tmp_path, capsys):
    source = tmp_path / "stages.json"
    source.write_text(json.dumps([STAGE_V1, {**STAGE_V1, "id": 2}]))

    status, out, _ = run_cli(convert_args(str(source), "--jobs", "2"), capsys)

    assert status == 0
    assert len(json.loads(out)) == 2


def test_jobs_zero_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(convert_args("--jobs", "0"))

    assert exit_info.value.code == 2
    assert "invalid job count 0: expected 1 or more" in capsys.readouterr().err


def test_jobs_broken_pool_reported(tmp_path, monkeypatch, capsys):
    def broken(*args: Any, **kwargs: Any) -> Iterator[parallel.ChunkResult]:
        raise BrokenProcessPool("a child process terminated abruptly")
        yield  # a generator, like the real function

    monkeypatch.setattr(parallel, "convert_in_workers", broken)
    source = stages_file(tmp_path / "stages.ndjson", 10)

    status, _, err = run_cli(convert_args(str(source), "--jobs", "2"), capsys)

    assert status == 1
    assert err.startswith("error: a worker process failed: a child process")


# Tasks and workers


def test_line_tasks_line_limit():
    lines = numbered([b"{}\n"] * (parallel.CHUNK_LINES * 2 + 1))

    tasks = list(parallel.line_tasks(iter(lines)))

    assert [len(task.lines) for task in tasks] == [
        parallel.CHUNK_LINES,
        parallel.CHUNK_LINES,
        1,
    ]
    assert [raw for task in tasks for raw in task.lines] == [raw for _, raw in lines]


def test_line_tasks_byte_limit():
    big = b"x" * (parallel.CHUNK_BYTES // 2) + b"\n"
    lines = numbered([big, big, big, b"{}\n"])

    tasks = list(parallel.line_tasks(iter(lines)))

    assert [len(task.lines) for task in tasks] == [2, 2]


def test_region_tasks_cover_file():
    identity = (1, 2)
    size = 10 * parallel.REGION_BYTES + 5

    tasks = list(parallel.region_tasks("/data.ndjson", identity, 100, size))

    assert tasks[0].start == 100
    assert all(task.end - task.start == parallel.REGION_BYTES for task in tasks[:-1])
    assert [task.start for task in tasks[1:]] == [task.end for task in tasks[:-1]]
    # The last range reads on to the end, also past the size at the start.
    assert tasks[-1].end is None
    assert tasks[-1].start + parallel.REGION_BYTES >= size


def test_region_tasks_small_file():
    tasks = list(parallel.region_tasks("/data.ndjson", (1, 2), 0, 1000))

    assert len(tasks) == 1


@given(
    lines=st.lists(
        st.binary(max_size=12).map(lambda data: data.replace(b"\n", b"") + b"\n"),
        max_size=30,
    ),
    last=st.binary(max_size=5).map(lambda data: data.replace(b"\n", b"")),
    cuts=st.lists(st.integers(min_value=1, max_value=400), max_size=8),
)
def test_region_lines_each_line_once(tmp_path_factory, lines, last, cuts):
    """Ranges cut anywhere give every line exactly once, in order."""
    data = b"".join(lines) + last
    path = tmp_path_factory.mktemp("regions") / "input.ndjson"
    path.write_bytes(data)
    starts = sorted({0, *(cut for cut in cuts if cut < len(data))})
    ends: list[int | None] = [*starts[1:], None]

    with open(path, "rb") as stream:
        found = [
            line
            for start, end in zip(starts, ends, strict=True)
            for line in parallel._region_lines(stream, start, end)
        ]

    assert found == [*lines, *([last] if last else [])]


def test_convert_chunk_counts_and_stops():
    converter = parallel.RecordConverter(STAGE_OPTIONS, None)
    lines = [stage_line(1), b"\n", bad_line(3), stage_line(4)]

    skipping = parallel.convert_chunk(lines, converter, stop_at_reject=False)
    failing = parallel.convert_chunk(lines, converter, stop_at_reject=True)

    assert (skipping.read, skipping.written, len(skipping.rejects)) == (3, 2, 1)
    assert skipping.rejects[0].line == 3
    assert skipping.line_count == 4
    assert skipping.size == sum(len(raw) for raw in lines)
    assert (failing.read, failing.written, len(failing.rejects)) == (2, 1, 1)


def test_convert_in_workers_reads_ahead_bounded():
    consumed = 0

    def lines() -> Iterator[tuple[int, bytes]]:
        nonlocal consumed
        for number in range(1, 100 * parallel.CHUNK_LINES + 1):
            consumed += 1
            yield number, stage_line(number)

    setup = parallel.WorkerSetup(STAGE_OPTIONS, (), None, stop_at_reject=False)
    tasks = parallel.line_tasks(lines())
    results = parallel.convert_in_workers(tasks, setup, jobs=2)
    try:
        first = next(results)
        consumed_at_first_result = consumed
    finally:
        results.close()

    limit = 2 * parallel.TASKS_IN_FLIGHT_PER_JOB * parallel.CHUNK_LINES
    assert first.written == parallel.CHUNK_LINES
    assert consumed_at_first_result <= limit


def test_convert_in_workers_changed_fields_fail():
    fields = str(EXAMPLES / "deal_fields.v1.json")
    options = ConvertOptions(entity="deal", target="v2")
    setup = parallel.WorkerSetup(options, (fields,), "0" * 64, stop_at_reject=False)
    tasks = iter([parallel.LinesTask([b"{}\n"])])

    results = parallel.convert_in_workers(tasks, setup, jobs=1)

    with pytest.raises(BrokenProcessPool):
        list(results)


def test_convert_in_workers_replaced_file_fails(tmp_path):
    source = stages_file(tmp_path / "stages.ndjson", 10)
    setup = parallel.WorkerSetup(STAGE_OPTIONS, (), None, stop_at_reject=False)
    wrong_identity = (0, 0)
    tasks = iter([parallel.RegionTask(str(source), wrong_identity, 0, None)])

    results = parallel.convert_in_workers(tasks, setup, jobs=1)

    with pytest.raises(parallel.InputChangedError, match="replaced by another file"):
        list(results)


def test_start_worker_checks_fingerprint(monkeypatch):
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    fields = str(EXAMPLES / "deal_fields.v1.json")
    options = ConvertOptions(entity="deal", target="v2")
    setup = parallel.WorkerSetup(options, (fields,), "0" * 64, stop_at_reject=False)

    with pytest.raises(parallel.WorkerSetupError):
        parallel._start_worker(setup)


@pytest.fixture
def second_thread() -> Iterator[threading.Thread]:
    """Keep a second thread running, as an application embedding the tool may."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    yield thread
    stop.set()
    thread.join()


@pytest.mark.skipif(sys.platform != "linux", reason="fork is used only on Linux")
def test_pool_context_forks_single_thread():
    assert parallel._pool_context().get_start_method() == "fork"


@pytest.mark.usefixtures("second_thread")
def test_pool_context_no_fork_with_threads():
    assert parallel._pool_context().get_start_method() in ("forkserver", "spawn")


@pytest.mark.usefixtures("second_thread")
def test_jobs_with_threads_matches_one_process(tmp_path, capsys):
    source = stages_file(tmp_path / "stages.ndjson", 600, {300})
    args = convert_args(str(source), "--on-error", "skip")

    serial = run_cli(args, capsys)
    workers = run_cli([*args, "--jobs", "2"], capsys)

    assert serial[0] == 2
    assert workers == serial


# Interrupting a run


def run_module_until_output(
    args: list[str], watch: Path
) -> subprocess.CompletedProcess[bytes]:
    """Start the tool and send SIGINT once ``watch`` contains a temporary file with data."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPOSITORY_ROOT), env.get("PYTHONPATH")])
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "pipedrive_shapes", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        temporary = [path for path in watch.iterdir() if path.name.endswith(".tmp")]
        if any(path.stat().st_size > 0 for path in temporary):
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.005)
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_interrupt_leaves_no_files(tmp_path, jobs):
    source = stages_file(tmp_path / "stages.ndjson", 200_000)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "stages.v2.ndjson"
    rejects = out / "rejects.ndjson"
    args = [*convert_args(str(source), "-o", str(target), "--rejects", str(rejects))]

    result = run_module_until_output([*args, "--jobs", jobs], out)

    assert result.returncode == 130
    assert os.listdir(out) == []
    assert result.stderr.endswith(b"interrupted\n")


# Progress bar


class TerminalStream(io.StringIO):
    """Standard error that claims to be a terminal."""

    def isatty(self) -> bool:
        return True


def terminal_stderr(monkeypatch: pytest.MonkeyPatch) -> TerminalStream:
    # Set inside the test: pytest puts its own capture back on sys.stderr
    # between a fixture's setup and the test call.
    stream = TerminalStream()
    monkeypatch.setattr(sys, "stderr", stream)
    return stream


def test_progress_bar_on_terminal(tmp_path, monkeypatch):
    terminal = terminal_stderr(monkeypatch)
    pytest.importorskip("tqdm")
    source = stages_file(tmp_path / "stages.ndjson", 2000)
    target = tmp_path / "out.ndjson"

    status = cli.main(convert_args(str(source), "-o", str(target)))

    err = terminal.getvalue()
    assert status == 0
    assert "converting" in err
    assert err.endswith("read 2000, written 2000, rejected 0\n")


def test_progress_bar_with_jobs_and_rejects(tmp_path, monkeypatch):
    terminal = terminal_stderr(monkeypatch)
    pytest.importorskip("tqdm")
    source = stages_file(tmp_path / "stages.ndjson", 1000, {10})
    target = tmp_path / "out.ndjson"
    args = ["-o", str(target), "--jobs", "2", "--on-error", "skip"]

    status = cli.main(convert_args(str(source), *args))

    err = terminal.getvalue()
    assert status == 2
    assert "converting" in err
    # tqdm clears the bar with a carriage return and prints the reject there.
    assert "\rline 10: invalid number" in err


def test_progress_no_progress_option(tmp_path, monkeypatch):
    terminal = terminal_stderr(monkeypatch)
    source = stages_file(tmp_path / "stages.ndjson", 100)
    target = tmp_path / "out.ndjson"

    cli.main(convert_args(str(source), "-o", str(target), "--no-progress"))

    assert terminal.getvalue() == "read 100, written 100, rejected 0\n"


def test_progress_without_tqdm(tmp_path, monkeypatch):
    terminal = terminal_stderr(monkeypatch)
    monkeypatch.setitem(sys.modules, "tqdm", None)
    source = stages_file(tmp_path / "stages.ndjson", 100)
    target = tmp_path / "out.ndjson"

    status = cli.main(convert_args(str(source), "-o", str(target)))

    assert status == 0
    assert terminal.getvalue() == "read 100, written 100, rejected 0\n"


def test_progress_not_for_pipe(monkeypatch, capsys):
    terminal = terminal_stderr(monkeypatch)
    data = stage_line(1) + stage_line(2)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))

    status = cli.main(convert_args())

    assert status == 0
    # The size of a pipe is unknown, so no bar is drawn.
    assert terminal.getvalue() == "read 2, written 2, rejected 0\n"


def test_progress_not_when_stderr_redirected(tmp_path, capsys):
    source = stages_file(tmp_path / "stages.ndjson", 100)
    target = tmp_path / "out.ndjson"

    cli.main(convert_args(str(source), "-o", str(target)))

    assert capsys.readouterr().err == "read 100, written 100, rejected 0\n"
