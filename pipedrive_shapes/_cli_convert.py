"""Running the ``convert`` command: reading, converting, writing and counting.

Every record read ends up in the output or is rejected. A rejected record
goes to the rejects file when there is one, and is reported on standard
error otherwise. With ``--on-error fail`` the first rejected record stops
the run; with ``--on-error skip`` the run goes on. :class:`Tally` keeps the
counts for the closing ``read N, written N, rejected N`` line.

An output file appears only when the run ends without stopping: the data
goes to a temporary file that is renamed at the end, so a failed or
interrupted run leaves an existing file as it was. Standard output cannot be
taken back, so NDJSON lines converted before a failure stay written there.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Final

from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._cli_progress import Progress, input_size, open_progress
from pipedrive_shapes._cli_records import ConvertOptions, RecordConverter, Reject
from pipedrive_shapes._io import (
    Document,
    InputError,
    InputKind,
    Line,
    NDJSONInput,
    OutputError,
    atomic_output,
    dump_json,
    open_input,
    read_input,
)
from pipedrive_shapes.errors import ConversionError

if TYPE_CHECKING:
    from pipedrive_shapes._cli_parallel import Task

__all__ = [
    "EXIT_FAILURE",
    "EXIT_OK",
    "EXIT_REJECTED",
    "ConvertRun",
    "Tally",
    "convert_files",
]

EXIT_OK: Final = 0
EXIT_FAILURE: Final = 1
#: Exit status of a ``--on-error skip`` run that rejected at least one record.
EXIT_REJECTED: Final = 2

#: Input bytes between two updates of the progress bar.
PROGRESS_STEP: Final = 1 << 16


class StopRun(Exception):
    """A record was rejected and ``--on-error fail`` ends the run there."""


class _Discard(Exception):
    """Leave the output file unwritten."""


class Tally:
    """Count records and route each rejected one as ``--on-error`` and ``--rejects`` select.

    :param skip: true for ``--on-error skip``: rejected records are counted
        and the run goes on. False stops the run at the first one.
    :param report: prints one line on standard error.
    """

    def __init__(self, *, skip: bool, report: Callable[[str], None]) -> None:
        self.skip = skip
        self.report = report
        #: The rejects file, or ``None`` to report each reject on standard error.
        self.rejects: IO[bytes] | None = None
        #: The ``--removed`` file, or ``None`` when the run is not lossless.
        self.removed: IO[bytes] | None = None
        self.read = 0
        self.written = 0
        self.rejected = 0

    def reject(self, reject: Reject) -> None:
        """Count a rejected record, write or report it, and stop the run when failing.

        :raises StopRun: with ``--on-error fail``, after the reject is written.
        """
        self.rejected += 1
        if self.rejects is not None:
            self.rejects.write(reject.to_json_line())
        if not self.skip:
            self.report(reject.error_line())
            raise StopRun
        if self.rejects is None:
            self.report(reject.error_line())

    def summary(self) -> str:
        """Return the closing count line."""
        return f"read {self.read}, written {self.written}, rejected {self.rejected}"


@dataclass(frozen=True, slots=True)
class ConvertRun:
    """The settings of one ``convert`` run, as parsed from the command line."""

    input: str
    output: str
    rejects: str | None
    options: ConvertOptions
    field_files: tuple[str, ...] = ()
    ndjson: bool = False
    jobs: int = 1
    progress: bool = True
    indent: int | None = None
    #: The ``--removed`` file, which needs ``options.lossless``.
    removed: str | None = None


def convert_files(run: ConvertRun, catalog: FieldCatalog | None, tally: Tally) -> int:
    """Convert the input file to the output file and return the exit status.

    The status is :data:`EXIT_OK` when every record was written,
    :data:`EXIT_REJECTED` when ``--on-error skip`` rejected some and
    :data:`EXIT_FAILURE` when ``--on-error fail`` stopped at one. When the
    output file is left unwritten, ``tally.written`` is set to 0.

    :raises InputError: when the whole input is unusable.
    :raises OSError: when a file cannot be read or written.
    :raises concurrent.futures.process.BrokenProcessPool: when a worker
        process dies.
    """
    state = _RunState()
    try:
        _convert(run, catalog, tally, state)
    finally:
        if run.output != "-" and not state.output_written:
            tally.written = 0
    if state.stopped:
        return EXIT_FAILURE
    return EXIT_REJECTED if tally.rejected else EXIT_OK


@dataclass(slots=True)
class _RunState:
    stopped: bool = False
    output_written: bool = False


def _convert(
    run: ConvertRun, catalog: FieldCatalog | None, tally: Tally, state: _RunState
) -> None:
    converter = RecordConverter(run.options, catalog)
    with open_input(run.input) as source:
        total = input_size(source)
        data = read_input(source, ndjson=run.ndjson)
        _check_next_cursor(run.options, data)
        try:
            # The removed file replaces its target only after the output did:
            # a run that fails while writing the output leaves both unchanged.
            with (
                _open_side_file(run.removed) as removed,
                _open_output(run.output) as sink,
            ):
                tally.removed = removed
                if not _convert_into(sink, data, converter, run, tally, state, total):
                    raise _Discard
            state.output_written = True
        except _Discard:
            pass
        finally:
            tally.removed = None


def _convert_into(
    sink: IO[bytes],
    data: Document | NDJSONInput,
    converter: RecordConverter,
    run: ConvertRun,
    tally: Tally,
    state: _RunState,
    total: int | None,
) -> bool:
    # Returns whether there is output to keep. The rejects file is complete
    # before the output file replaces its target, so a reader who sees the
    # new output also finds its rejects.
    with _open_side_file(run.rejects) as rejects:
        tally.rejects = rejects
        try:
            if isinstance(data, Document):
                return _convert_document(data, converter, sink, tally, run.indent)
            _convert_ndjson(data, converter, run, sink, tally, total)
            return True
        except StopRun:
            state.stopped = True
            return False
        finally:
            tally.rejects = None


def _check_next_cursor(options: ConvertOptions, data: Document | NDJSONInput) -> None:
    if options.next_cursor is None:
        return
    if isinstance(data, Document) and data.kind is InputKind.ENVELOPE:
        return
    if isinstance(data, NDJSONInput):
        raise InputError(
            "--next-cursor applies to an input that is one API response "
            "envelope, but the input is NDJSON: each page needs its own cursor, "
            "so convert the pages one at a time"
        )
    raise InputError(
        "--next-cursor applies to an input that is one API response envelope, "
        f"but the input is a JSON {data.kind.value} without a boolean success key"
    )


# Documents


def _convert_document(
    document: Document,
    converter: RecordConverter,
    sink: IO[bytes],
    tally: Tally,
    indent: int | None,
) -> bool:
    if document.kind is InputKind.ARRAY:
        _convert_array(document.value, converter, sink, tally, indent)
        return True
    tally.read += 1
    try:
        converted, left_out = _convert_value(converter, document.value, tally)
        text = dump_json(converted, indent=indent)
        left_out_text = dump_json(left_out, indent=indent)
    except ConversionError as error:
        tally.reject(Reject.from_error(error, document.value))
        return False
    except OutputError as error:
        tally.reject(Reject.from_problem(str(error), document.value))
        return False
    sink.write(text + b"\n")
    if tally.removed is not None:
        tally.removed.write(left_out_text + b"\n")
    tally.written += 1
    return True


def _convert_value(
    converter: RecordConverter, value: Any, tally: Tally
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Convert one record or envelope, with what it left out when the run is lossless."""
    if tally.removed is not None:
        return converter.convert_value_with_removed(value)
    return converter.convert_value(value), {}


def _convert_array(
    values: list[object],
    converter: RecordConverter,
    sink: IO[bytes],
    tally: Tally,
    indent: int | None,
) -> None:
    converted: list[_Converted] = []
    for index, value in enumerate(values):
        tally.read += 1
        try:
            record, left_out = _convert_value(converter, value, tally)
        except ConversionError as error:
            tally.reject(Reject.from_error(error, value, index=index))
        else:
            converted.append((index, value, record, left_out))
    try:
        text = dump_json([item[2] for item in converted], indent=indent)
        left_out_text = dump_json([item[3] for item in converted], indent=indent)
    except OutputError:
        # Find the records that cannot be encoded and reject them one by one.
        converted = _encodable(converted, tally)
        text = dump_json([item[2] for item in converted], indent=indent)
        left_out_text = dump_json([item[3] for item in converted], indent=indent)
    sink.write(text + b"\n")
    if tally.removed is not None:
        tally.removed.write(left_out_text + b"\n")
    tally.written += len(converted)


#: A converted array item: its index, the input, the output and what was left out.
_Converted = tuple[int, object, dict[str, Any], dict[str, Any]]


def _encodable(converted: list[_Converted], tally: Tally) -> list[_Converted]:
    encodable = []
    for index, value, record, left_out in converted:
        try:
            dump_json(record)
            dump_json(left_out)
        except OutputError as error:
            tally.reject(Reject.from_problem(str(error), value, index=index))
        else:
            encodable.append((index, value, record, left_out))
    return encodable


# NDJSON


def _convert_ndjson(
    data: NDJSONInput,
    converter: RecordConverter,
    run: ConvertRun,
    sink: IO[bytes],
    tally: Tally,
    total: int | None,
) -> None:
    progress = open_progress(total, enabled=run.progress)
    report = tally.report
    tally.report = progress.write
    try:
        if run.jobs > 1:
            _convert_lines_in_workers(data, converter, run, sink, tally, progress)
        else:
            _convert_lines_here(data.lines, converter, sink, tally, progress)
    finally:
        tally.report = report
        progress.close()


def _convert_lines_here(
    lines: Iterator[Line],
    converter: RecordConverter,
    sink: IO[bytes],
    tally: Tally,
    progress: Progress,
) -> None:
    # Each line is written before the next one is read, so a reader at the
    # other end of a pipe gets each output line as soon as its input arrives.
    write = sink.write
    removed = tally.removed
    convert_line = (
        converter.convert_line
        if removed is None
        else converter.convert_line_with_removed
    )
    unreported = 0
    for number, raw in lines:
        unreported += len(raw)
        if unreported >= PROGRESS_STEP:
            progress.update(unreported)
            unreported = 0
        outcome = convert_line(number, raw)
        if outcome is None:
            continue
        tally.read += 1
        if isinstance(outcome, bytes):
            write(outcome)
            tally.written += 1
        elif isinstance(outcome, tuple):
            write(outcome[0])
            if removed is not None:
                removed.write(outcome[1])
            tally.written += 1
        else:
            tally.reject(outcome)
    progress.update(unreported)


def _convert_lines_in_workers(
    data: NDJSONInput,
    converter: RecordConverter,
    run: ConvertRun,
    sink: IO[bytes],
    tally: Tally,
    progress: Progress,
) -> None:
    # Imported here because multiprocessing and concurrent.futures add about
    # 30 ms to the start-up of every run, also of those without --jobs.
    from pipedrive_shapes._cli_parallel import WorkerSetup, convert_in_workers

    catalog = converter.catalog
    setup = WorkerSetup(
        options=run.options,
        field_files=run.field_files,
        fingerprint=None if catalog is None else catalog.fingerprint,
        stop_at_reject=not tally.skip,
    )
    # The lines read while detecting the input kind are converted here.
    _convert_lines_here(iter(data.head), converter, sink, tally, progress)
    first_number = data.next_number
    tasks = _worker_tasks(data, run)
    with contextlib.closing(convert_in_workers(tasks, setup, run.jobs)) as results:
        for result in results:
            sink.write(result.output)
            if tally.removed is not None:
                tally.removed.write(result.removed)
            tally.read += result.read
            tally.written += result.written
            for reject in result.rejects:
                tally.reject(reject.renumbered(first_number))
            first_number += result.line_count
            progress.update(result.size)


def _worker_tasks(data: NDJSONInput, run: ConvertRun) -> Iterator[Task]:
    from pipedrive_shapes._cli_parallel import line_tasks, region_tasks

    # Workers read a named regular file themselves, by byte ranges. Other
    # input, such as a pipe, can be read only once, so it is read here.
    if run.input != "-":
        status = os.fstat(data.source.fileno())
        if stat.S_ISREG(status.st_mode):
            return region_tasks(
                os.path.abspath(run.input),
                (status.st_dev, status.st_ino),
                data.source.tell(),
                status.st_size,
            )
    return line_tasks(data.rest)


# Files


@contextlib.contextmanager
def _open_output(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        # Lines written before a failure stay written, so flush them too.
        try:
            yield sys.stdout.buffer
        finally:
            sys.stdout.buffer.flush()
        return
    with atomic_output(path) as stream:
        yield stream


@contextlib.contextmanager
def _open_side_file(path: str | None) -> Iterator[IO[bytes] | None]:
    """Open the rejects or removed file, written whole or not at all, or yield None."""
    if path is None:
        yield None
        return
    with atomic_output(path) as stream:
        yield stream
