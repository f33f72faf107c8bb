"""marshmallow schemas of v2 records, as strict as the v2 API.

One schema per entity (``DealSchema``, ``PersonSchema``, ...) and one per
nested object. Booleans are only ``true``/``false``, numbers never strings,
ids positive integers, timestamps RFC 3339 and ``visible_to`` one of 1, 3,
5, 7. Unknown keys are rejected: each schema declares every key a v2 record
may carry, which is

- the keys of the entity's rule table (``docs/fields.md``),
- the unchanged keys of the migration guide's v2 examples and of Pipedrive's
  official v2 models,
- keys that the guide never removes and that the converter therefore passes
  through from v1 (such as a deal's ``cc_email``), and
- other spellings that v2 input may use (``im``, an attendee's ``email``, a
  participant's ``primary_flag``, an address's ``subpremise``), marked with
  ``alias_of`` or ``input_only`` in the field's metadata.

>>> from pipedrive_shapes.schemas import v2
>>> v2.StageSchema().load({"id": 1, "is_deleted": "false"})
Traceback (most recent call last):
...
marshmallow.exceptions.ValidationError: {'is_deleted': ['Not a valid boolean: expected true or false.']}
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from pipedrive_shapes.schemas._base import V2EntitySchema, V2NestedSchema
from pipedrive_shapes.schemas._common import (
    ActivityCommon,
    AttendeeCommon,
    ContactCommon,
    DealCommon,
    DealProductCommon,
    OrganizationCommon,
    PersonCommon,
    PipelineCommon,
    PriceCommon,
    ProductCommon,
    ProductVariationCommon,
    StageCommon,
    required_text,
    text,
)
from pipedrive_shapes.schemas._fields import (
    Boolean,
    Count,
    Id,
    Integer,
    LegacyBoolean,
    Number,
    Timestamp,
    VisibleTo,
)
from pipedrive_shapes.schemas._values import (
    AddressSchema,
    CustomFields,
    DateRangeValueSchema,
    MonetaryValueSchema,
    OptionLabelSchema,
    TimeRangeValueSchema,
    TimeValueSchema,
)

__all__ = [
    "ActivitySchema",
    "AddressSchema",
    "AttendeeSchema",
    "ContactSchema",
    "DateRangeValueSchema",
    "DealProductSchema",
    "DealSchema",
    "FollowerSchema",
    "MonetaryValueSchema",
    "OptionLabelSchema",
    "OrganizationSchema",
    "ParticipantSchema",
    "PersonSchema",
    "PipelineSchema",
    "PriceSchema",
    "ProductSchema",
    "ProductVariationSchema",
    "StageSchema",
    "TimeRangeValueSchema",
    "TimeValueSchema",
    "VariationPriceSchema",
]


def _ref() -> Id:
    return Id(allow_none=True)


def _time() -> Timestamp:
    return Timestamp(allow_none=True)


def _number() -> Number:
    return Number(allow_none=True)


def _count() -> Count:
    return Count(allow_none=True)


def _list(schema: type[Schema], **kwargs: Any) -> fields.List[Any]:
    return fields.List(fields.Nested(schema), allow_none=True, **kwargs)


def _address() -> fields.Nested:
    return fields.Nested(AddressSchema, allow_none=True)


def _labels() -> fields.List[Any]:
    return fields.List(Id())


class PriceSchema(PriceCommon, V2NestedSchema):
    """One entry of a product's ``prices``."""

    product_id = _ref()
    price = _number()
    cost = _number()
    direct_cost = _number()


class ProductSchema(ProductCommon, V2EntitySchema):
    """A product (``/api/v2/products``)."""

    ENTITY = "product"
    CUSTOM_FIELDS = True

    id = Id()
    tax = _number()
    is_deleted = Boolean()
    is_linkable = Boolean()
    visible_to = VisibleTo(allow_none=True)
    owner_id = _ref()
    add_time = _time()
    update_time = _time()
    prices = _list(PriceSchema)
    custom_fields = CustomFields()


class VariationPriceSchema(PriceCommon, V2NestedSchema):
    """One entry of a product variation's ``prices``."""

    product_variation_id = _ref()
    price = _number()
    cost = _number()
    direct_cost = _number()


class ProductVariationSchema(ProductVariationCommon, V2EntitySchema):
    """A product variation (``/api/v2/products/:id/variations``)."""

    ENTITY = "product_variation"

    id = Id()
    product_id = _ref()
    prices = _list(VariationPriceSchema)


class DealProductSchema(DealProductCommon, V2EntitySchema):
    """A product attached to a deal (``/api/v2/deals/:id/products``).

    ``order_nr`` is in Pipedrive's v2 model although the guide removes it:
    v2 input may carry it, but converting to v1 and back drops it.
    """

    ENTITY = "deal_product"

    id = Id()
    deal_id = _ref()
    product_id = _ref()
    product_variation_id = _ref()
    item_price = _number()
    quantity = _number()
    sum = _number()
    tax = _number()
    discount = _number()
    is_enabled = Boolean()
    add_time = _time()
    update_time = _time()
    # v2 writes an unset comment as "", never null.
    comments = required_text()
    order_nr = Integer(allow_none=True, metadata={"input_only": True})


class PipelineSchema(PipelineCommon, V2EntitySchema):
    """A pipeline (``/api/v2/pipelines``)."""

    ENTITY = "pipeline"

    id = Id()
    is_deleted = Boolean()
    is_selected = Boolean()
    is_deal_probability_enabled = Boolean()
    add_time = _time()
    update_time = _time()


class StageSchema(StageCommon, V2EntitySchema):
    """A stage (``/api/v2/stages``)."""

    ENTITY = "stage"

    id = Id()
    pipeline_id = _ref()
    deal_probability = _number()
    is_deleted = Boolean()
    is_deal_rot_enabled = Boolean()
    days_to_rotten = _number()
    add_time = _time()
    update_time = _time()


class DealSchema(DealCommon, V2EntitySchema):
    """A deal (``/api/v2/deals``), with every ``include_fields`` field."""

    ENTITY = "deal"
    CUSTOM_FIELDS = True

    id = Id()
    creator_user_id = _ref()
    owner_id = _ref()
    person_id = _ref()
    org_id = _ref()
    pipeline_id = _ref()
    stage_id = _ref()
    value = _number()
    acv = _number()
    arr = _number()
    mrr = _number()
    probability = _number()
    is_deleted = Boolean()
    is_archived = Boolean()
    visible_to = VisibleTo(allow_none=True)
    label_ids = _labels()
    add_time = _time()
    update_time = _time()
    stage_change_time = _time()
    close_time = _time()
    won_time = _time()
    lost_time = _time()
    rotten_time = _time()
    archive_time = _time()
    custom_fields = CustomFields()
    # Returned only when named in include_fields.
    next_activity_id = _ref()
    last_activity_id = _ref()
    products_count = _count()
    files_count = _count()
    notes_count = _count()
    followers_count = _count()
    email_messages_count = _count()
    activities_count = _count()
    done_activities_count = _count()
    undone_activities_count = _count()
    participants_count = _count()
    first_won_time = _time()
    last_incoming_mail_time = _time()
    last_outgoing_mail_time = _time()
    smart_bcc_email = text()
    source_lead_id = text()


class ContactSchema(ContactCommon, V2NestedSchema):
    """One entry of a person's ``phones``, ``emails`` or ``ims``."""

    primary = Boolean()


class PersonSchema(PersonCommon, V2EntitySchema):
    """A person (``/api/v2/persons``), with every ``include_fields`` field.

    The guide names the IM list ``ims``; Pipedrive's v2 models spell it
    ``im``, which is accepted too.
    """

    ENTITY = "person"
    CUSTOM_FIELDS = True

    id = Id()
    is_deleted = Boolean()
    owner_id = _ref()
    org_id = _ref()
    picture_id = _ref()
    label_ids = _labels()
    visible_to = VisibleTo(allow_none=True)
    phones = _list(ContactSchema)
    emails = _list(ContactSchema)
    ims = _list(ContactSchema)
    im = _list(ContactSchema, metadata={"alias_of": "ims"})
    postal_address = _address()
    add_time = _time()
    update_time = _time()
    custom_fields = CustomFields()
    # Returned only when named in include_fields.
    next_activity_id = _ref()
    last_activity_id = _ref()
    open_deals_count = _count()
    related_open_deals_count = _count()
    closed_deals_count = _count()
    related_closed_deals_count = _count()
    participant_open_deals_count = _count()
    participant_closed_deals_count = _count()
    email_messages_count = _count()
    activities_count = _count()
    done_activities_count = _count()
    undone_activities_count = _count()
    files_count = _count()
    notes_count = _count()
    followers_count = _count()
    won_deals_count = _count()
    related_won_deals_count = _count()
    lost_deals_count = _count()
    related_lost_deals_count = _count()
    last_incoming_mail_time = _time()
    last_outgoing_mail_time = _time()
    marketing_status = text()
    doi_status = text()
    smart_bcc_email = text()


class OrganizationSchema(OrganizationCommon, V2EntitySchema):
    """An organization (``/api/v2/organizations``), with every ``include_fields`` field."""

    ENTITY = "organization"
    CUSTOM_FIELDS = True

    id = Id()
    is_deleted = Boolean()
    owner_id = _ref()
    picture_id = _ref()
    label_ids = _labels()
    visible_to = VisibleTo(allow_none=True)
    address = _address()
    add_time = _time()
    update_time = _time()
    custom_fields = CustomFields()
    # Returned only when named in include_fields.
    next_activity_id = _ref()
    last_activity_id = _ref()
    open_deals_count = _count()
    related_open_deals_count = _count()
    closed_deals_count = _count()
    related_closed_deals_count = _count()
    participant_open_deals_count = _count()
    participant_closed_deals_count = _count()
    email_messages_count = _count()
    people_count = _count()
    activities_count = _count()
    done_activities_count = _count()
    undone_activities_count = _count()
    files_count = _count()
    notes_count = _count()
    followers_count = _count()
    won_deals_count = _count()
    related_won_deals_count = _count()
    lost_deals_count = _count()
    related_lost_deals_count = _count()
    last_incoming_mail_time = _time()
    last_outgoing_mail_time = _time()
    marketing_status = text()
    doi_status = text()
    smart_bcc_email = text()


class AttendeeSchema(AttendeeCommon, V2NestedSchema):
    """One entry of an activity's ``attendees``.

    The guide writes ``email_address``; Pipedrive's v2 models write
    ``email``, which is accepted too. ``is_organizer`` may still be 0 or 1,
    as in the guide's own v2 example.
    """

    email_address = text()
    email = text(metadata={"alias_of": "email_address"})
    is_organizer = LegacyBoolean()
    person_id = _ref()
    user_id = _ref()


class ParticipantSchema(V2NestedSchema):
    """One entry of an activity's ``participants``.

    Pipedrive's v2 models write ``primary``; the guide's v2 example writes
    ``primary_flag``, which is accepted too.
    """

    person_id = Id()
    primary = Boolean()
    primary_flag = Boolean(metadata={"alias_of": "primary"})


class ActivitySchema(ActivityCommon, V2EntitySchema):
    """An activity (``/api/v2/activities``), with ``attendees`` (an ``include_fields`` field).

    v2 activities carry ``custom_fields`` only when a custom field is set.
    """

    ENTITY = "activity"
    CUSTOM_FIELDS = True

    id = Id()
    is_deleted = Boolean()
    owner_id = _ref()
    creator_user_id = _ref()
    done = Boolean()
    busy = Boolean()
    org_id = _ref()
    person_id = _ref()
    deal_id = _ref()
    project_id = _ref()
    add_time = _time()
    update_time = _time()
    marked_as_done_time = _time()
    location = _address()
    attendees = _list(AttendeeSchema)
    participants = _list(ParticipantSchema)
    custom_fields = CustomFields()


class FollowerSchema(V2EntitySchema):
    """A follower of a deal, person, organization, product or user."""

    ENTITY = "follower"

    user_id = Id()
    add_time = _time()
