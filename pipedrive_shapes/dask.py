"""Convert Dask bags of records: the optional ``dask`` extra.

Install it with ``pip install 'pipedrive-shapes[dask]'``. The converters are
pure functions of their arguments, and a :class:`FieldCatalog` pickles, so
each partition converts on whichever worker Dask sends it to::

    import dask.bag as db
    from pipedrive_shapes import FieldCatalog
    from pipedrive_shapes.dask import to_v2_bag

    deals = db.read_text("deals-*.ndjson").map(json.loads)
    fields = FieldCatalog.from_file("dealFields.json")
    to_v2_bag(deals, "deal", fields=fields).map(json.dumps).to_textfiles("v2-*.ndjson")

A record that fails raises :class:`~pipedrive_shapes.ConversionError` in the
worker, and Dask re-raises it from ``compute()``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from pipedrive_shapes._api import to_v1, to_v2
from pipedrive_shapes._catalog import FieldCatalog

if TYPE_CHECKING:  # pragma: no cover - dask is an optional dependency
    from dask.bag import Bag

__all__ = ["to_v1_bag", "to_v2_bag"]


def to_v2_bag(
    bag: Bag,
    entity: str,
    *,
    fields: FieldCatalog | None = None,
    include_fields: Iterable[str] | str = (),
    strict: bool = False,
) -> Bag:
    """Return a bag of the v2 records of ``bag``'s v1 records (v1 -> v2).

    The keyword arguments mean what they mean for
    :func:`pipedrive_shapes.to_v2`. Nothing runs until the bag is computed.
    """
    names = include_fields if isinstance(include_fields, str) else tuple(include_fields)
    convert = functools.partial(
        to_v2, entity, fields=fields, include_fields=names, strict=strict
    )
    # dask's Bag.map carries no type hints.
    result: Bag = cast(Any, bag).map(convert)
    return result


def to_v1_bag(
    bag: Bag,
    entity: str,
    *,
    fields: FieldCatalog | None = None,
    strict: bool = False,
) -> Bag:
    """Return a bag of the v1 records of ``bag``'s v2 records (v2 -> v1)."""
    convert = functools.partial(to_v1, entity, fields=fields, strict=strict)
    result: Bag = cast(Any, bag).map(convert)
    return result
