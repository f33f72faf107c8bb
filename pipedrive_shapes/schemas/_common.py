"""Fields that v1 and v2 records share: same key, same value, no rule.

The converter copies these unchanged, so both versions' schemas check them
the same way, with the strict v2 types. Each class lists, for one entity,
the unchanged fields of the migration guide's examples, those of
Pipedrive's official v2 models, and keys that real v1 records carry and the
converter passes through.
"""

from __future__ import annotations

from typing import Any, Final

from marshmallow import Schema, fields, validate

from pipedrive_shapes.schemas._fields import (
    Boolean,
    ClockTime,
    Count,
    Date,
    Duration,
    Integer,
    Json,
    Number,
)

BILLING_FREQUENCIES: Final = (
    "one-time",
    "annually",
    "semi-annually",
    "quarterly",
    "monthly",
    "weekly",
)
DEAL_STATUSES: Final = ("open", "won", "lost", "deleted")
TAX_METHODS: Final = ("inclusive", "exclusive", "none")
DISCOUNT_TYPES: Final = ("percentage", "amount")


def text(**kwargs: Any) -> fields.String:
    """Return a string field that accepts null."""
    return fields.String(allow_none=True, **kwargs)


def required_text() -> fields.String:
    """Return a string field that rejects null."""
    return fields.String(allow_none=False)


def one_of(choices: tuple[str, ...], *, allow_none: bool = True) -> fields.String:
    """Return a string field limited to ``choices``."""
    return fields.String(allow_none=allow_none, validate=validate.OneOf(choices))


class ProductCommon(Schema):
    """Product fields that v1 and v2 share."""

    name = required_text()
    code = text()
    description = text()
    unit = text()
    # A string in both of the guide's examples ("262").
    category = text()
    billing_frequency = one_of(BILLING_FREQUENCIES)
    billing_frequency_cycles = Integer(allow_none=True)
    # Seen in real v1 product records; passed through.
    owner_name = text()
    followers_count = Count(allow_none=True)


class PriceCommon(Schema):
    """Fields of a product or variation price that v1 and v2 share."""

    currency = required_text()
    notes = text()


class ProductVariationCommon(Schema):
    """Product variation fields that v1 and v2 share."""

    name = required_text()


class DealProductCommon(Schema):
    """Deal product fields that v1 and v2 share."""

    name = required_text()
    tax_method = one_of(TAX_METHODS)
    currency = required_text()
    discount_type = one_of(DISCOUNT_TYPES)
    billing_frequency = one_of(BILLING_FREQUENCIES)
    billing_frequency_cycles = Integer(allow_none=True)
    billing_start_date = Date(allow_none=True)
    # Seen in real v1 deal product records; passed through.
    discount_percentage = Number(allow_none=True)
    sum_no_discount = Number(allow_none=True)


class PipelineCommon(Schema):
    """Pipeline fields that v1 and v2 share."""

    name = required_text()
    order_nr = Integer(allow_none=True)


class StageCommon(Schema):
    """Stage fields that v1 and v2 share."""

    name = required_text()
    order_nr = Integer(allow_none=True)


class DealCommon(Schema):
    """Deal fields that v1 and v2 share.

    ``origin``, ``origin_id``, ``channel`` and ``channel_id`` are in
    Pipedrive's v2 deal model, although the guide's v2 example omits them.
    ``cc_email`` and ``age`` are in neither, but no rule marks them removed,
    so they pass through.
    """

    title = required_text()
    currency = required_text()
    status = one_of(DEAL_STATUSES, allow_none=False)
    lost_reason = text()
    expected_close_date = Date(allow_none=True)
    local_won_date = Date(allow_none=True)
    local_lost_date = Date(allow_none=True)
    local_close_date = Date(allow_none=True)
    origin = text()
    origin_id = text()
    channel = Integer(allow_none=True)
    channel_id = text()
    cc_email = text()
    # v1's GET /deals/:id adds the deal's age as an object.
    age = Json(allow_none=True)


class PersonCommon(Schema):
    """Person fields that v1 and v2 share.

    ``notes``, ``birthday`` and ``job_title`` come with contact sync;
    ``cc_email`` and ``picture_128_url`` are in real v1 records and pass
    through.
    """

    name = required_text()
    first_name = text()
    last_name = text()
    cc_email = text()
    notes = text()
    birthday = Date(allow_none=True)
    job_title = text()
    picture_128_url = text()


class OrganizationCommon(Schema):
    """Organization fields that v1 and v2 share.

    ``website``, ``linkedin``, ``industry``, ``annual_revenue`` and
    ``employee_count`` are in newer v2 models only.
    """

    name = required_text()
    cc_email = text()
    website = text()
    linkedin = text()
    # NOTE: the guide does not give these three types, so any JSON value passes.
    industry = Json(allow_none=True)
    annual_revenue = Json(allow_none=True)
    employee_count = Json(allow_none=True)


class ActivityCommon(Schema):
    """Activity fields that v1 and v2 share.

    The guide's prose calls the conference fields removed, but its v2
    example and Pipedrive's v2 model keep them. ``private`` is in both of the
    guide's examples. The calendar fields and ``file`` are in v1 records only
    and pass through.
    """

    subject = required_text()
    type = required_text()
    due_date = Date(allow_none=True)
    due_time = ClockTime(allow_none=True)
    duration = Duration(allow_none=True)
    public_description = text()
    lead_id = text()
    private = Boolean()
    priority = Integer(allow_none=True)
    note = text()
    conference_meeting_client = text()
    conference_meeting_url = text()
    conference_meeting_id = text()
    gcal_event_id = text()
    google_calendar_id = text()
    google_calendar_etag = text()
    file = Json(allow_none=True)


class ContactCommon(Schema):
    """Fields of a person's phone, email or IM entry that v1 and v2 share."""

    value = required_text()
    label = text()


class AttendeeCommon(Schema):
    """Fields of an activity attendee that v1 and v2 share."""

    name = text()
    status = text()
