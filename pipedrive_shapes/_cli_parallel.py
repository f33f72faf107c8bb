"""Converting NDJSON in worker processes for ``convert --jobs N``.

The input is cut into tasks. For a named regular file, a task is a byte
range of the file, which the worker reads itself: the main process then
reads no input at all, and no input passes through a pipe. For standard
input, the main process reads the lines and sends chunks of up to
:data:`CHUNK_LINES` lines (fewer when they reach :data:`CHUNK_BYTES`).

Each worker converts whole tasks and returns the output lines joined into
one bytes object, with the rejects. Results come back in input order, so the
output has the order of the input. A worker numbers the lines of its task
from 1, and the main process, which has counted the lines before, turns
these numbers into input line numbers.

At most :data:`TASKS_IN_FLIGHT_PER_JOB` tasks per worker are submitted and
not yet written, so memory use does not grow with the input. On Linux the
pipe that carries the results is enlarged to :data:`RESULT_PIPE_BYTES`, so
a worker can usually hand over a result without waiting for the main
process. The conversion
settings and the field definition files reach each worker once, through the
pool initializer.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from typing import IO, Final

from pipedrive_shapes._cli_records import (
    ConvertOptions,
    RecordConverter,
    Reject,
    load_catalog,
)
from pipedrive_shapes._io import InputChangedError, Line

__all__ = [
    "CHUNK_BYTES",
    "CHUNK_LINES",
    "HEAP_TOP_PAD",
    "HEAP_TRIM_THRESHOLD",
    "REGION_BYTES",
    "RESULT_PIPE_BYTES",
    "TASKS_IN_FLIGHT_PER_JOB",
    "ChunkResult",
    "LinesTask",
    "RegionTask",
    "WorkerSetup",
    "convert_chunk",
    "convert_in_workers",
    "convert_task",
    "keep_freed_heap",
    "line_tasks",
    "region_tasks",
]

#: Maximum number of lines in a task cut from standard input.
CHUNK_LINES: Final = 256
#: Such a task ends early once its lines reach this many bytes.
CHUNK_BYTES: Final = 512 << 10
#: Size of a byte range of a file. The same size for every file keeps the
#: memory of a run the same whatever the file's size. Handing out a task
#: took about 0.2 ms of CPU time on a 2-core AMD EPYC, which is about 3% of
#: converting 512 KiB of deals.
REGION_BYTES: Final = 512 << 10
#: Tasks per worker that may be submitted and not yet written.
TASKS_IN_FLIGHT_PER_JOB: Final = 3
#: Requested buffer size of the pipe that carries results to the main
#: process. Linux pipes hold 64 KiB by default, and a 512 KiB range of deals
#: gives about 220 KiB of output, so a worker waited for the main process to
#: be scheduled several times per result. With another busy process on a
#: 2-CPU AMD EPYC, each worker waited there up to 1.2 s of a 7.6 s run on
#: 100 000 deals (the ``benchmarks/cli_speed.py`` input), and about 0.2 s
#: with this pipe size. 1 MiB is the
#: default maximum that Linux grants a process without privileges
#: (``/proc/sys/fs/pipe-max-size``).
RESULT_PIPE_BYTES: Final = 1 << 20
#: Freed memory that glibc keeps at the top of the heap for later
#: allocations (M_TOP_PAD), and the free amount there above which it gives
#: memory back to the kernel (M_TRIM_THRESHOLD). Every task allocates and
#: frees buffers of a few hundred KiB in the worker and in the main process.
#: With glibc's defaults those pages went back to the kernel and faulted in
#: again on the next task. On 100,000 deals (the ``benchmarks/cli_speed.py``
#: input, 2-CPU AMD EPYC) that cost about 330,000 minor page faults and 1 s
#: of system time. With these values it was 11,000 faults and 0.3 s.
HEAP_TOP_PAD: Final = 16 << 20
HEAP_TRIM_THRESHOLD: Final = 64 << 20
_M_TRIM_THRESHOLD: Final = -1  # the parameter numbers of glibc's malloc.h
_M_TOP_PAD: Final = -2


@dataclass(frozen=True, slots=True)
class WorkerSetup:
    """The settings that every worker needs to build its converter, sent once per worker.

    :param options: the conversion settings.
    :param field_files: the field definition files, loaded in order.
    :param fingerprint: the :attr:`FieldCatalog.fingerprint` that the main
        process got from the same files, or ``None`` without files. A worker
        that loads different definitions stops, because the files changed
        during the run.
    :param stop_at_reject: end a task at its first reject, as
        ``--on-error fail`` stops the run there.
    """

    options: ConvertOptions
    field_files: tuple[str, ...]
    fingerprint: str | None
    stop_at_reject: bool


@dataclass(frozen=True, slots=True)
class LinesTask:
    """Consecutive input lines, blank ones included, sent by the main process."""

    lines: list[bytes]


@dataclass(frozen=True, slots=True)
class RegionTask:
    """The lines of a file that start at or after ``start`` and before ``end``.

    :param path: the absolute path of the input file.
    :param identity: the file's ``(st_dev, st_ino)``, so a worker notices
        when the path names another file than the one the run started on.
    :param start: the byte offset where the range starts.
    :param end: the byte offset where it ends, or ``None`` to read to the
        end of the file, including lines appended during the run.
    """

    path: str
    identity: tuple[int, int]
    start: int
    end: int | None


Task = LinesTask | RegionTask


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """The outcome of one task.

    :param output: the converted lines, each ending in a newline.
    :param read: non-blank lines converted or rejected.
    :param written: lines in ``output``.
    :param rejects: the rejected lines, in input order, with line numbers
        counted from 1 at the start of the task.
    :param line_count: the lines of the task, blank ones included.
    :param size: the task's input bytes, for the progress bar.
    :param removed: in lossless mode, one line per output line with what
        its conversion left out; else empty.
    """

    output: bytes
    read: int
    written: int
    rejects: tuple[Reject, ...]
    line_count: int
    size: int
    removed: bytes = b""


class WorkerSetupError(RuntimeError):
    """A worker loaded field definitions that differ from the main process's."""


_worker_converter: RecordConverter | None = None
_worker_stops_at_reject = False


def keep_freed_heap() -> bool:
    """Ask glibc to keep freed heap memory for reuse (see :data:`HEAP_TOP_PAD`).

    :returns: whether the C library took both settings. Elsewhere than on
        Linux, or with a C library without ``mallopt``, nothing changes.
    """
    if sys.platform != "linux":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success and 0 when it rejects a value.
    padded: bool = mallopt(_M_TOP_PAD, HEAP_TOP_PAD) == 1
    trimmed_later: bool = mallopt(_M_TRIM_THRESHOLD, HEAP_TRIM_THRESHOLD) == 1
    return padded and trimmed_later


def _start_worker(setup: WorkerSetup) -> None:
    global _worker_converter, _worker_stops_at_reject
    keep_freed_heap()  # forked workers inherit it; spawned ones need it here
    # Ctrl-C reaches every process of the terminal's process group. Only the
    # main process handles it: it stops submitting and removes its outputs.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    catalog = load_catalog(setup.field_files)
    fingerprint = None if catalog is None else catalog.fingerprint
    if fingerprint != setup.fingerprint:
        raise WorkerSetupError(
            "the field definition files changed after the run started"
        )
    _worker_converter = RecordConverter(setup.options, catalog)
    _worker_stops_at_reject = setup.stop_at_reject


def convert_task(task: Task) -> ChunkResult:
    """Convert one task in a worker, with the converter the initializer built.

    :raises InputChangedError: when a region's path names another file.
    """
    converter = _worker_converter
    if converter is None:
        raise RuntimeError("convert_task runs only in a worker of convert_in_workers")
    if isinstance(task, LinesTask):
        return convert_chunk(task.lines, converter, _worker_stops_at_reject)
    with open(task.path, "rb") as stream:
        status = os.fstat(stream.fileno())
        if (status.st_dev, status.st_ino) != task.identity:
            raise InputChangedError(
                f"{task.path!r} was replaced by another file during the run"
            )
        lines = _region_lines(stream, task.start, task.end)
        return convert_chunk(lines, converter, _worker_stops_at_reject)


def convert_chunk(
    lines: Iterable[bytes], converter: RecordConverter, stop_at_reject: bool
) -> ChunkResult:
    """Convert consecutive NDJSON lines, numbering them from 1.

    :param lines: the lines with their line endings, blank ones included.
    :param stop_at_reject: end at the first reject.
    """
    parts: list[bytes] = []
    removed: list[bytes] = []
    rejects: list[Reject] = []
    lossless = converter.options.lossless
    read = 0
    size = 0
    number = 0
    for raw in lines:
        number += 1
        size += len(raw)
        outcome = (
            converter.convert_line_with_removed(number, raw)
            if lossless
            else converter.convert_line(number, raw)
        )
        if outcome is None:
            continue
        read += 1
        if isinstance(outcome, bytes):
            parts.append(outcome)
            continue
        if isinstance(outcome, tuple):
            parts.append(outcome[0])
            removed.append(outcome[1])
            continue
        rejects.append(outcome)
        if stop_at_reject:
            break
    return ChunkResult(
        b"".join(parts),
        read,
        len(parts),
        tuple(rejects),
        number,
        size,
        b"".join(removed),
    )


def _region_lines(stream: IO[bytes], start: int, end: int | None) -> Iterator[bytes]:
    # A line belongs to the range it starts in. Reading from the byte before
    # start to the next newline skips the line that started in the range
    # before, unless that byte is the newline that ends it.
    if start > 0:
        stream.seek(start - 1)
        stream.readline()
    position = stream.tell()
    while end is None or position < end:
        line = stream.readline()
        if not line:
            return
        position += len(line)
        yield line


def line_tasks(lines: Iterator[Line]) -> Iterator[LinesTask]:
    """Group numbered lines into tasks of at most :data:`CHUNK_LINES` lines and about :data:`CHUNK_BYTES` bytes."""
    chunk: list[bytes] = []
    size = 0
    for _, raw in lines:
        chunk.append(raw)
        size += len(raw)
        if len(chunk) >= CHUNK_LINES or size >= CHUNK_BYTES:
            yield LinesTask(chunk)
            chunk = []
            size = 0
    if chunk:
        yield LinesTask(chunk)


def region_tasks(
    path: str, identity: tuple[int, int], start: int, size: int
) -> Iterator[RegionTask]:
    """Cut a file from byte ``start`` to its end into ranges, one task each.

    Ranges are :data:`REGION_BYTES` long. The last range reads to the end
    of the file, however long it has grown.

    :param size: the file's size when the run starts.
    """
    while True:
        end = start + REGION_BYTES
        if end >= size:
            yield RegionTask(path, identity, start, None)
            return
        yield RegionTask(path, identity, start, end)
        start = end


def convert_in_workers(
    tasks: Iterator[Task], setup: WorkerSetup, jobs: int
) -> Generator[ChunkResult, None, None]:
    """Convert tasks in ``jobs`` worker processes and yield the results in order.

    Closing the iterator early, as a run that stops at a reject does,
    cancels the tasks not yet started and waits for the workers to exit.

    :raises concurrent.futures.process.BrokenProcessPool: when a worker
        dies or its initializer fails.
    :raises InputChangedError: when the input file is replaced during the run.
    """
    keep_freed_heap()
    executor = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=_pool_context(),
        initializer=_start_worker,
        initargs=(setup,),
    )
    _enlarge_result_pipe(executor)
    pending: collections.deque[Future[ChunkResult]] = collections.deque()
    try:
        for task in tasks:
            pending.append(executor.submit(convert_task, task))
            if len(pending) >= jobs * TASKS_IN_FLIGHT_PER_JOB:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)


def _enlarge_result_pipe(executor: ProcessPoolExecutor) -> None:
    # NOTE: the result queue is a private attribute of ProcessPoolExecutor
    # (a SimpleQueue over a pipe in CPython 3.11). When it is
    # missing or the kernel refuses the size, the default pipe stays, which
    # is slower under load but gives the same results.
    if sys.platform != "linux":
        return
    import fcntl

    reader = getattr(getattr(executor, "_result_queue", None), "_reader", None)
    fileno = getattr(reader, "fileno", None)
    if fileno is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(fileno(), fcntl.F_SETPIPE_SZ, RESULT_PIPE_BYTES)


def _pool_context() -> BaseContext:
    # A plain fork starts a worker in milliseconds, and the worker shares the
    # already imported package with the main process. Forking a process that
    # runs other threads can deadlock the child, so fork is used only on
    # Linux and only while the main process has a single thread. Otherwise
    # a fork server starts the workers from a clean process that imported
    # the package once (about 0.3 s more), and spawn is the last resort.
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        # A forked child flushes the standard streams it copied when it
        # exits, so anything still buffered would be written twice.
        sys.stdout.flush()
        sys.stderr.flush()
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")
