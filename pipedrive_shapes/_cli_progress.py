"""The progress bar of the ``convert`` command.

The bar shows how many bytes of the input have been converted. It appears
only when standard error is a terminal, the input's size is known (a regular
file, also when it is redirected to standard input) and tqdm is installed.
Otherwise :func:`open_progress` returns a :class:`Progress` that draws
nothing.
"""

from __future__ import annotations

import importlib
import os
import stat
import sys
from typing import IO, Any

__all__ = ["Progress", "input_size", "open_progress"]


class Progress:
    """A progress display that draws nothing; the base of the tqdm bar."""

    def update(self, size: int) -> None:
        """Add ``size`` bytes of input to the bytes done."""

    def write(self, message: str) -> None:
        """Print ``message`` and a newline on standard error."""
        sys.stderr.write(message + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        """Remove the bar from the terminal."""


class _TqdmProgress(Progress):
    def __init__(self, bar: Any, tqdm_class: Any) -> None:
        self._bar = bar
        self._tqdm_class = tqdm_class

    def update(self, size: int) -> None:
        self._bar.update(size)

    def write(self, message: str) -> None:
        # tqdm clears the bar, prints the line and draws the bar again below it.
        self._tqdm_class.write(message, file=sys.stderr)

    def close(self) -> None:
        self._bar.close()


def open_progress(total: int | None, *, enabled: bool) -> Progress:
    """Return a progress bar over ``total`` bytes, or one that draws nothing.

    :param total: the input's size in bytes, from :func:`input_size`, or
        ``None`` when it is unknown.
    :param enabled: false to turn the bar off, as ``--no-progress`` does.
    """
    if total is None or not enabled or not _is_terminal(sys.stderr):
        return Progress()
    try:
        tqdm_module = importlib.import_module("tqdm")
    except ImportError:
        return Progress()
    # tqdm starts a monitor thread unless monitor_interval is 0, and a thread
    # in the main process would keep --jobs from forking its workers.
    tqdm_class = type("ConvertBar", (tqdm_module.tqdm,), {"monitor_interval": 0})
    bar = tqdm_class(
        total=total,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc="converting",
        file=sys.stderr,
        leave=False,
        dynamic_ncols=True,
    )
    return _TqdmProgress(bar, tqdm_class)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def input_size(source: IO[bytes]) -> int | None:
    """Return the bytes left to read in ``source``, or ``None`` when it is not a regular file."""
    try:
        descriptor = source.fileno()
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return None
        position = source.tell()
    except (AttributeError, OSError, ValueError):
        return None
    return max(status.st_size - position, 0)
