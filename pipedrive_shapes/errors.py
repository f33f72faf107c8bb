"""Exceptions and warnings raised by pipedrive_shapes.

The hierarchy::

    PipedriveShapesError
    └── ConversionError (also a ValueError)
    LossyConversionWarning (a UserWarning)

Every data problem is a :class:`ConversionError` that carries the JSON path
of the offending value, the value itself and what was expected there, so a
pipeline can log one precise line per bad record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from pipedrive_shapes._paths import Path, format_path

__all__ = ["ConversionError", "LossyConversionWarning", "PipedriveShapesError"]


class _Unset:
    def __repr__(self) -> str:
        return "<unset>"


UNSET: Final = _Unset()


class PipedriveShapesError(Exception):
    """Root of every exception that pipedrive_shapes raises on purpose."""


class ConversionError(PipedriveShapesError, ValueError):
    """A payload could not be converted.

    :param message: what is wrong, lowercase and without a final period.
    :param path: keys and list indices from the payload root to the value.
    :param value: the offending value (left out of the message when unset).
    :param expected: a short description of what was expected there.
    :param hint: the next step for the caller, if one exists.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Sequence[str | int] = (),
        value: Any = UNSET,
        expected: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path: Path = tuple(path)
        self.value = value
        self.expected = expected
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        text = self.message
        if self.expected is not None:
            text += f": expected {self.expected}"
        if self.value is not UNSET:
            text += f", got {_short_repr(self.value)}"
        text += f" @ {format_path(self.path)}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def prefixed(self, prefix: Sequence[str | int]) -> ConversionError:
        """Return a copy whose path starts with ``prefix``."""
        return ConversionError(
            self.message,
            path=(*prefix, *self.path),
            value=self.value,
            expected=self.expected,
            hint=self.hint,
        )


class LossyConversionWarning(UserWarning):
    """A conversion kept going but could not carry every value across."""


def _short_repr(value: Any, limit: int = 80) -> str:
    # A 1 MB string must not become a 1 MB error message, and a value that
    # repr() itself cannot show (an int past Python's 4300-digit limit for
    # str(), a list nested 10,000 deep) is described by its type instead.
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"<{type(value).__name__} too large to show>"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text
