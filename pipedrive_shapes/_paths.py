"""JSON paths as tuples, and their ``$.a[0].b`` text form."""

from __future__ import annotations

from collections.abc import Sequence

Path = tuple[str | int, ...]


#: Keys longer than this are cut in the text form, so that a hostile 1 MB
#: key cannot make a 1 MB error message.
MAX_KEY_TEXT = 60


def format_path(path: Sequence[str | int]) -> str:
    """Format ``("prices", 0, "price")`` as ``$.prices[0].price``."""
    parts = ["$"]
    for part in path:
        if type(part) is int:
            parts.append(f"[{part}]")
        elif (
            isinstance(part, str) and part.isidentifier() and len(part) <= MAX_KEY_TEXT
        ):
            parts.append(f".{part}")
        else:
            text = repr(part) if isinstance(part, str) else f"<{type(part).__name__}>"
            if len(text) > MAX_KEY_TEXT:
                text = text[: MAX_KEY_TEXT - 4] + "...'"
            parts.append(f"[{text}]")
    return "".join(parts)
