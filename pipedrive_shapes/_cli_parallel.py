"""Converting NDJSON in worker processes for ``convert --jobs N``.

The main process reads the input and cuts it into chunks of up to
:data:`CHUNK_LINES` lines (fewer when they reach :data:`CHUNK_BYTES`). Each
worker converts whole chunks and returns the output lines joined into one
bytes object, with the rejects. Results come back in input order, so the
output has the order of the input.

At most :data:`CHUNKS_IN_FLIGHT_PER_JOB` chunks per worker are submitted and
not yet written, so memory use does not grow with the input. The conversion
settings and the field definition files reach each worker once, through the
pool initializer; a task carries only its lines.
"""

from __future__ import annotations

import collections
import multiprocessing
import signal
import sys
import threading
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from typing import Final

from pipedrive_shapes._cli_records import (
    ConvertOptions,
    RecordConverter,
    Reject,
    load_catalog,
)
from pipedrive_shapes._io import Line

__all__ = [
    "CHUNKS_IN_FLIGHT_PER_JOB",
    "CHUNK_BYTES",
    "CHUNK_LINES",
    "ChunkResult",
    "WorkerSetup",
    "convert_chunk",
    "convert_in_workers",
    "split_chunks",
]

#: Maximum number of lines in one task.
CHUNK_LINES: Final = 256
#: A chunk ends early once its lines reach this many bytes.
CHUNK_BYTES: Final = 1 << 20
#: Chunks per worker that may be submitted and not yet written.
CHUNKS_IN_FLIGHT_PER_JOB: Final = 3


@dataclass(frozen=True, slots=True)
class WorkerSetup:
    """The settings that every worker needs to build its converter, sent once per worker.

    :param options: the conversion settings.
    :param field_files: the field definition files, loaded in order.
    :param fingerprint: the :attr:`FieldCatalog.fingerprint` that the main
        process got from the same files, or ``None`` without files. A worker
        that loads different definitions stops, because the files changed
        during the run.
    :param stop_at_reject: end a chunk at its first reject, as
        ``--on-error fail`` stops the run there.
    """

    options: ConvertOptions
    field_files: tuple[str, ...]
    fingerprint: str | None
    stop_at_reject: bool


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """The outcome of one chunk.

    :param output: the converted lines, each ending in a newline.
    :param read: non-blank lines converted or rejected.
    :param written: lines in ``output``.
    :param rejects: the rejected lines, in input order.
    :param size: the chunk's input bytes, for the progress bar.
    """

    output: bytes
    read: int
    written: int
    rejects: tuple[Reject, ...]
    size: int


class WorkerSetupError(RuntimeError):
    """A worker loaded field definitions that differ from the main process's."""


_worker_converter: RecordConverter | None = None
_worker_stops_at_reject = False


def _start_worker(setup: WorkerSetup) -> None:
    global _worker_converter, _worker_stops_at_reject
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


def convert_chunk(
    lines: list[Line],
    converter: RecordConverter | None = None,
    *,
    stop_at_reject: bool | None = None,
) -> ChunkResult:
    """Convert a chunk of NDJSON lines.

    :param lines: numbered lines, blank ones included.
    :param converter: the converter to use; in a worker, the one the pool
        initializer built.
    :param stop_at_reject: end the chunk at its first reject; in a worker,
        the initializer's setting.
    """
    if converter is None:
        converter = _worker_converter
        if converter is None:
            raise RuntimeError("convert_chunk needs a converter outside a worker")
    if stop_at_reject is None:
        stop_at_reject = _worker_stops_at_reject
    parts: list[bytes] = []
    rejects: list[Reject] = []
    read = 0
    size = 0
    for number, raw in lines:
        size += len(raw)
        outcome = converter.convert_line(number, raw)
        if outcome is None:
            continue
        read += 1
        if isinstance(outcome, bytes):
            parts.append(outcome)
            continue
        rejects.append(outcome)
        if stop_at_reject:
            break
    return ChunkResult(b"".join(parts), read, len(parts), tuple(rejects), size)


def split_chunks(lines: Iterator[Line]) -> Iterator[list[Line]]:
    """Group lines into chunks of at most :data:`CHUNK_LINES` lines and about :data:`CHUNK_BYTES` bytes."""
    chunk: list[Line] = []
    size = 0
    for line in lines:
        chunk.append(line)
        size += len(line[1])
        if len(chunk) >= CHUNK_LINES or size >= CHUNK_BYTES:
            yield chunk
            chunk = []
            size = 0
    if chunk:
        yield chunk


def convert_in_workers(
    lines: Iterator[Line], setup: WorkerSetup, jobs: int
) -> Generator[ChunkResult, None, None]:
    """Convert NDJSON lines in ``jobs`` worker processes.

    The results come in input order. Closing the iterator early, as a run
    that stops at a reject does, cancels the chunks not yet started and
    waits for the workers to exit.

    :raises concurrent.futures.process.BrokenProcessPool: when a worker
        dies or its initializer fails.
    """
    executor = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=_pool_context(),
        initializer=_start_worker,
        initargs=(setup,),
    )
    pending: collections.deque[Future[ChunkResult]] = collections.deque()
    try:
        for chunk in split_chunks(lines):
            pending.append(executor.submit(convert_chunk, chunk))
            if len(pending) >= jobs * CHUNKS_IN_FLIGHT_PER_JOB:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)


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
