"""The package's public names are exactly those in __all__."""

from __future__ import annotations

import pipedrive_shapes


def test_all_lists_every_public_name() -> None:
    public = {
        name
        for name in vars(pipedrive_shapes)
        if not name.startswith("_") and name not in {"annotations", "errors"}
    }
    modules = {
        name
        for name in public
        if type(getattr(pipedrive_shapes, name)).__name__ == "module"
    }
    assert public - modules == set(pipedrive_shapes.__all__) - {"__version__"}
