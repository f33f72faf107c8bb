"""Converters generated per record shape, for records that repeat their keys.

Records from one API endpoint arrive with the same keys in the same order,
record after record. Once a shape (the tuple of a record's keys) has been
seen :data:`COMPILE_AFTER` times, the engine writes a Python function for
it with :mod:`pipedrive_shapes._codegen`. The action of each key is looked
up once, at generation time, and the function unpacks the record's values
into locals and builds the output with one dict display. A record of that shape then costs no per-key table
look-up and no dispatch on the action's kind.

The generated function does exactly what the conversion loops of
:mod:`pipedrive_shapes._engine` do for each key, in the same order, and
finishes the record as their finishing steps do. ``tests/test_shapes.py``
runs both on the Hypothesis strategies and compares output, key order and
errors. Shapes with a key of the other API version, with more than
:data:`MAX_KEYS` keys or :data:`MAX_SHAPE_SIZE` characters of keys, or with
a key that is not exactly a ``str`` stay on the loops.

Keys reach the generated source only as ``repr()`` of exact ``str``
objects, which Python reads back as string literals, so no payload can
become code. Values never enter the source.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

#: Sightings of a shape before a function is generated for it. One-off
#: shapes never pay for code generation.
COMPILE_AFTER: int = 4
#: Shapes with more keys stay on the loops, which bounds the time and memory
#: that generating code for one shape takes (about 1.6 ms for the 92 keys
#: of the benchmark deal).
MAX_KEYS: Final = 512
#: Generated functions kept per action table; further shapes use the loops.
MAX_SHAPES: Final = 128
#: Distinct shapes counted per action table before the counts start over.
MAX_COUNTED: Final = 4096
#: Shapes whose keys have more characters in all stay on the loops, so that
#: counting and generating code keep a bounded amount of key text.
MAX_SHAPE_SIZE: Final = 32_768
#: Key characters kept by the counts of one action table before they start over.
MAX_COUNTED_SIZE: Final = 1 << 20

ShapeFunction = Callable[[Any, Any], dict[str, Any]]


class Shapes:
    """The shape counts and generated functions of one action table."""

    __slots__ = ("compiled", "seen", "seen_size")

    def __init__(self) -> None:
        self.compiled: dict[tuple[str, ...], ShapeFunction | None] = {}
        self.seen: dict[tuple[str, ...], int] = {}
        #: Characters of the keys in ``seen``, bounded by MAX_COUNTED_SIZE.
        self.seen_size = 0

    def sighted(self, keys: tuple[str, ...]) -> bool:
        """Count one sighting of ``keys`` and tell whether to generate code now."""
        if len(self.compiled) >= MAX_SHAPES:
            return False
        count = self.seen.get(keys, 0) + 1
        if count >= COMPILE_AFTER:
            self.seen.pop(keys, None)
            return True
        if count == 1:
            size = shape_size(keys)
            if size > MAX_SHAPE_SIZE:
                return False
            if (
                len(self.seen) >= MAX_COUNTED
                or self.seen_size + size > MAX_COUNTED_SIZE
            ):
                self.seen.clear()
                self.seen_size = 0
            self.seen_size += size
        self.seen[keys] = count
        return False


def shape_size(keys: tuple[Any, ...]) -> int:
    """Count the characters of a shape's keys.

    A key that is not exactly a ``str`` counts as more than MAX_SHAPE_SIZE,
    so that its shape stays on the loops.
    """
    if not all(type(key) is str for key in keys):
        return MAX_SHAPE_SIZE + 1
    return sum(map(len, keys))
