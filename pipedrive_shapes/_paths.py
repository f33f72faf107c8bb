"""JSON paths as tuples, and their ``$.a[0].b`` text form."""

from __future__ import annotations

from collections.abc import Sequence

Path = tuple[str | int, ...]


def format_path(path: Sequence[str | int]) -> str:
    """Format ``("prices", 0, "price")`` as ``$.prices[0].price``."""
    parts = ["$"]
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part.isidentifier():
            parts.append(f".{part}")
        else:
            parts.append(f"[{part!r}]")
    return "".join(parts)
