"""Convert Pipedrive CRM API payloads between the v1 and v2 shapes, both ways.

>>> from pipedrive_shapes import to_v2
>>> to_v2("pipeline", {"id": 1, "active": True, "selected": False})
{'id': 1, 'is_deleted': False, 'is_selected': False}
"""

from pipedrive_shapes._api import to_v1, to_v2, to_v2_lossless
from pipedrive_shapes._catalog import FieldCatalog, FieldDefinition
from pipedrive_shapes._entities import ENTITIES
from pipedrive_shapes._envelopes import convert_envelope, convert_envelope_lossless
from pipedrive_shapes._humanize import dehumanize, humanize
from pipedrive_shapes._requests import (
    BodyConversion,
    QueryConversion,
    Request,
    convert_body,
    convert_query,
    convert_request,
    convert_route,
)
from pipedrive_shapes._validate import validate
from pipedrive_shapes._webhooks import (
    convert_webhook_subscription,
    normalize_webhook,
    normalize_webhook_lossless,
)
from pipedrive_shapes.errors import (
    ConversionError,
    LossyConversionWarning,
    PipedriveShapesError,
)

__version__ = "0.1.0"

__all__ = [
    "ENTITIES",
    "BodyConversion",
    "ConversionError",
    "FieldCatalog",
    "FieldDefinition",
    "LossyConversionWarning",
    "PipedriveShapesError",
    "QueryConversion",
    "Request",
    "__version__",
    "convert_body",
    "convert_envelope",
    "convert_envelope_lossless",
    "convert_query",
    "convert_request",
    "convert_route",
    "convert_webhook_subscription",
    "dehumanize",
    "humanize",
    "normalize_webhook",
    "normalize_webhook_lossless",
    "to_v1",
    "to_v2",
    "to_v2_lossless",
    "validate",
]
