"""Convert Pipedrive CRM API payloads between the v1 and v2 shapes, both ways.

>>> from pipedrive_shapes import to_v2
>>> to_v2("pipeline", {"id": 1, "active": True, "selected": False})
{'id': 1, 'is_deleted': False, 'is_selected': False}
"""

from pipedrive_shapes._api import to_v1, to_v2, to_v2_lossless
from pipedrive_shapes._catalog import FieldCatalog, FieldDefinition
from pipedrive_shapes._entities import ENTITIES
from pipedrive_shapes._humanize import dehumanize, humanize
from pipedrive_shapes.errors import (
    ConversionError,
    LossyConversionWarning,
    PipedriveShapesError,
)

__version__ = "0.1.0"

__all__ = [
    "ENTITIES",
    "ConversionError",
    "FieldCatalog",
    "FieldDefinition",
    "LossyConversionWarning",
    "PipedriveShapesError",
    "__version__",
    "dehumanize",
    "humanize",
    "to_v1",
    "to_v2",
    "to_v2_lossless",
]
