"""Tests for the enlarged result pipe of ``convert --jobs N`` on Linux."""

from __future__ import annotations

import json
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from pipedrive_shapes import _cli_parallel as parallel

GUIDE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "guide"

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="pipe sizes are set with a Linux fcntl"
)


def pipe_max_size() -> int:
    return int(Path("/proc/sys/fs/pipe-max-size").read_text(encoding="ascii"))


def test_enlarge_result_pipe_sets_size():
    import fcntl

    if pipe_max_size() < parallel.RESULT_PIPE_BYTES:
        pytest.skip("this kernel allows smaller pipes than RESULT_PIPE_BYTES")
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as executor:
        parallel._enlarge_result_pipe(executor)
        reader = executor._result_queue._reader  # type: ignore[attr-defined]
        size = fcntl.fcntl(reader.fileno(), fcntl.F_GETPIPE_SZ)

    assert size >= parallel.RESULT_PIPE_BYTES


def test_enlarge_result_pipe_without_queue():
    class NoQueue:
        pass

    parallel._enlarge_result_pipe(NoQueue())  # type: ignore[arg-type]


def test_convert_in_workers_result_above_pipe_size():
    """A result larger than the enlarged pipe still arrives whole."""
    with open(GUIDE_FIXTURES / "stage.v1.json", encoding="utf-8") as stream:
        stage = json.load(stream)
    line = json.dumps({**stage, "name": "x" * 1000}).encode() + b"\n"
    count = 2 * parallel.RESULT_PIPE_BYTES // len(line)
    options = parallel.ConvertOptions(entity="stage", target="v2")
    setup = parallel.WorkerSetup(options, (), None, stop_at_reject=False)
    tasks = iter([parallel.LinesTask([line] * count)])

    results = list(parallel.convert_in_workers(tasks, setup, jobs=1))

    assert len(results) == 1
    assert results[0].rejects == ()
    assert results[0].written == count
    assert len(results[0].output) > parallel.RESULT_PIPE_BYTES


def test_keep_freed_heap_takes_effect_on_glibc():
    """glibc accepts both heap settings; run in a child so this process keeps its own."""
    import platform
    import subprocess

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt settings are glibc's")
    code = "from pipedrive_shapes._cli_parallel import keep_freed_heap; print(keep_freed_heap())"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
