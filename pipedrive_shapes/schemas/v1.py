"""marshmallow schemas of v1 records, accepting what v1 really sent.

One schema per entity (``DealSchema``, ``PersonSchema``, ...) and one per
nested object. v1 mixed types for the same field, so the schemas accept
``1``/``0``/``"1"``/``"true"`` flags, numeric strings, related objects or
bare ids, ``""`` and ``0000-00-00 00:00:00`` for an empty timestamp and
``visible_to`` ``"0"``. Each such value is checked by the converter's own
value function and must convert to a valid v2 value.

Keys the schemas do not declare pass, because v1 records carry many
undocumented keys. Two kinds of key are checked all the same. Keys that
only v2 records have are rejected. Custom field root keys are checked
against the field definitions when the schema has a ``fields_catalog``,
and by their shape otherwise.

>>> from pipedrive_shapes.schemas import v1
>>> v1.StageSchema(to="v2").load({"id": "1", "active_flag": "1", "rotten_days": ""})
{'id': 1, 'is_deleted': False, 'days_to_rotten': None}
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from pipedrive_shapes.schemas._base import (
    V1EntitySchema,
    V1FollowerBase,
    V1NestedSchema,
)
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
    text,
)
from pipedrive_shapes.schemas._fields import (
    ClockTime,
    Date,
    Duration,
    Json,
    V1Boolean,
    V1Count,
    V1Id,
    V1Integer,
    V1Labels,
    V1Number,
    V1Related,
    V1Timestamp,
    V1VisibleTo,
)

__all__ = [
    "ActivitySchema",
    "AttendeeSchema",
    "ContactSchema",
    "DealProductSchema",
    "DealSchema",
    "FollowerSchema",
    "OrganizationSchema",
    "ParticipantSchema",
    "PersonSchema",
    "PipelineSchema",
    "PriceSchema",
    "ProductSchema",
    "ProductVariationSchema",
    "StageSchema",
    "VariationPriceSchema",
]


def _id() -> V1Id:
    return V1Id(allow_none=True)


def _related() -> V1Related:
    return V1Related(allow_none=True)


def _time() -> V1Timestamp:
    return V1Timestamp(allow_none=True)


def _number() -> V1Number:
    return V1Number(allow_none=True)


def _count() -> V1Count:
    return V1Count(allow_none=True)


def _flag() -> V1Boolean:
    return V1Boolean()


def _list(schema: type[Schema], **kwargs: Any) -> fields.List[Any]:
    return fields.List(fields.Nested(schema), allow_none=True, **kwargs)


class PriceSchema(PriceCommon, V1NestedSchema):
    """One entry of a product's ``prices``."""

    id = _id()
    product_id = _id()
    price = _number()
    cost = _number()
    overhead_cost = _number()
    price_formatted = text()


class VariationPriceSchema(PriceCommon, V1NestedSchema):
    """One entry of a product variation's ``prices``."""

    id = _id()
    product_id = _id()
    product_variation_id = _id()
    price = _number()
    cost = _number()
    overhead_cost = _number()
    comment = text()
    price_formatted = text()


class ProductVariationSchema(ProductVariationCommon, V1EntitySchema):
    """A product variation: an item of a v1 product's ``product_variations``."""

    ENTITY = "product_variation"

    id = V1Id()
    product_id = _id()
    prices = _list(VariationPriceSchema)


class ProductSchema(ProductCommon, V1EntitySchema):
    """A product (``/v1/products``)."""

    ENTITY = "product"
    CUSTOM_FIELDS = True

    id = V1Id()
    tax = _number()
    active_flag = _flag()
    selectable = _flag()
    visible_to = V1VisibleTo(allow_none=True)
    owner_id = _related()
    add_time = _time()
    update_time = _time()
    prices = _list(PriceSchema)
    # Removed in v2.
    first_char = text()
    files_count = _count()
    product_variations = _list(ProductVariationSchema)


class DealProductSchema(DealProductCommon, V1EntitySchema):
    """A product attached to a deal (``/v1/deals/:id/products``)."""

    ENTITY = "deal_product"

    id = V1Id()
    deal_id = _id()
    product_id = _id()
    product_variation_id = _id()
    item_price = _number()
    quantity = _number()
    sum = _number()
    tax = _number()
    discount = _number()
    enabled_flag = _flag()
    add_time = _time()
    last_edit = _time()
    comments = text()
    # Removed in v2.
    active_flag = _flag()
    order_nr = V1Integer(allow_none=True)
    product = Json(allow_none=True)
    quantity_formatted = text()
    sum_formatted = text()
    duration = _number()
    duration_unit = text()


class PipelineSchema(PipelineCommon, V1EntitySchema):
    """A pipeline (``/v1/pipelines``).

    v1 responses write the flag ``active``; the guide's prose calls it
    ``active_flag``, which is accepted too.
    """

    ENTITY = "pipeline"

    id = V1Id()
    active = _flag()
    active_flag = V1Boolean(metadata={"alias_of": "active"})
    selected = _flag()
    deal_probability = _flag()
    add_time = _time()
    update_time = _time()
    # Removed in v2.
    url_title = text()


class StageSchema(StageCommon, V1EntitySchema):
    """A stage (``/v1/stages``)."""

    ENTITY = "stage"

    id = V1Id()
    pipeline_id = _id()
    deal_probability = _number()
    active_flag = _flag()
    rotten_flag = _flag()
    rotten_days = _number()
    add_time = _time()
    update_time = _time()
    # Removed in v2.
    pipeline_name = text()
    pipeline_deal_probability = V1Boolean(allow_none=True)


class DealSchema(DealCommon, V1EntitySchema):
    """A deal (``/v1/deals``)."""

    ENTITY = "deal"
    CUSTOM_FIELDS = True

    id = V1Id()
    creator_user_id = _related()
    user_id = _related()
    person_id = _related()
    org_id = _related()
    pipeline_id = _id()
    stage_id = _id()
    value = _number()
    acv = _number()
    arr = _number()
    mrr = _number()
    probability = _number()
    deleted = _flag()
    is_archived = _flag()
    visible_to = V1VisibleTo(allow_none=True)
    label = V1Labels(allow_none=True)
    add_time = _time()
    update_time = _time()
    stage_change_time = _time()
    close_time = _time()
    won_time = _time()
    lost_time = _time()
    rotten_time = _time()
    archive_time = _time()
    # Returned by v2 only when named in include_fields.
    next_activity_id = _id()
    last_activity_id = _id()
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
    # Removed in v2.
    active = _flag()
    weighted_value = _number()
    weighted_value_currency = text()
    acv_currency = text()
    arr_currency = text()
    mrr_currency = text()
    formatted_value = text()
    formatted_weighted_value = text()
    stage_order_nr = V1Integer(allow_none=True)
    person_name = text()
    org_name = text()
    owner_name = text()
    org_hidden = V1Boolean(allow_none=True)
    person_hidden = V1Boolean(allow_none=True)
    next_activity_date = Date(allow_none=True)
    next_activity_time = ClockTime(allow_none=True)
    next_activity_subject = text()
    next_activity_type = text()
    next_activity_duration = Duration(allow_none=True)
    next_activity_note = text()
    last_activity_date = Date(allow_none=True)
    average_time_to_won = Json(allow_none=True)
    average_stage_progress = Json(allow_none=True)
    stay_in_pipeline_stages = Json(allow_none=True)
    last_activity = Json(allow_none=True)
    next_activity = Json(allow_none=True)


class ContactSchema(ContactCommon, V1NestedSchema):
    """One entry of a person's ``phone``, ``email`` or ``im``; ``primary`` was
    sometimes the string "true"."""

    primary = _flag()


class PersonSchema(PersonCommon, V1EntitySchema):
    """A person (``/v1/persons``).

    Official v1 person records carry ``label_ids`` beside ``label``. The
    guide's prose calls the flag ``is_active``; v1 responses write
    ``active_flag``. Both are accepted.
    """

    ENTITY = "person"
    CUSTOM_FIELDS = True

    id = V1Id()
    active_flag = _flag()
    is_active = V1Boolean(metadata={"alias_of": "active_flag"})
    owner_id = _related()
    org_id = _related()
    picture_id = _related()
    label = V1Labels(allow_none=True)
    label_ids = V1Labels(allow_none=True)
    visible_to = V1VisibleTo(allow_none=True)
    phone = _list(ContactSchema)
    email = _list(ContactSchema)
    im = _list(ContactSchema)
    postal_address = text()
    postal_address_street_number = text()
    postal_address_route = text()
    postal_address_sublocality = text()
    postal_address_locality = text()
    postal_address_admin_area_level_1 = text()
    postal_address_admin_area_level_2 = text()
    postal_address_country = text()
    postal_address_postal_code = text()
    postal_address_formatted_address = text()
    postal_address_subpremise = text()
    add_time = _time()
    update_time = _time()
    # Returned by v2 only when named in include_fields.
    next_activity_id = _id()
    last_activity_id = _id()
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
    # Removed in v2.
    delete_time = _time()
    company_id = _id()
    first_char = text()
    owner_name = text()
    org_name = text()
    next_activity_date = Date(allow_none=True)
    next_activity_time = ClockTime(allow_none=True)
    last_activity_date = Date(allow_none=True)


class OrganizationSchema(OrganizationCommon, V1EntitySchema):
    """An organization (``/v1/organizations``).

    Official v1 organization records carry ``label_ids`` beside ``label``.
    """

    ENTITY = "organization"
    CUSTOM_FIELDS = True

    id = V1Id()
    active_flag = _flag()
    is_active = V1Boolean(metadata={"alias_of": "active_flag"})
    owner_id = _related()
    picture_id = _related()
    label = V1Labels(allow_none=True)
    label_ids = V1Labels(allow_none=True)
    visible_to = V1VisibleTo(allow_none=True)
    address = text()
    address_street_number = text()
    address_route = text()
    address_sublocality = text()
    address_locality = text()
    address_admin_area_level_1 = text()
    address_admin_area_level_2 = text()
    address_country = text()
    address_postal_code = text()
    address_formatted_address = text()
    address_subpremise = text()
    add_time = _time()
    update_time = _time()
    # Returned by v2 only when named in include_fields.
    next_activity_id = _id()
    last_activity_id = _id()
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
    # Removed in v2.
    delete_time = _time()
    company_id = _id()
    category_id = V1Integer(allow_none=True)
    edit_name = V1Boolean(allow_none=True)
    country_code = text()
    first_char = text()
    owner_name = text()
    next_activity_date = Date(allow_none=True)
    next_activity_time = ClockTime(allow_none=True)
    last_activity_date = Date(allow_none=True)
    last_activity = Json(allow_none=True)
    next_activity = Json(allow_none=True)


class AttendeeSchema(AttendeeCommon, V1NestedSchema):
    """One entry of an activity's ``attendees``; ``is_organizer`` is 0 or 1."""

    email_address = text()
    is_organizer = _flag()
    person_id = _id()
    user_id = _id()


class ParticipantSchema(V1NestedSchema):
    """One entry of an activity's ``participants``."""

    person_id = V1Id()
    primary_flag = _flag()


class ActivitySchema(ActivityCommon, V1EntitySchema):
    """An activity (``/v1/activities``).

    The guide's v1 example spells the last location part
    ``location_formatted_location``; official v1 records write
    ``location_formatted_address``. Both are accepted.
    """

    ENTITY = "activity"
    CUSTOM_FIELDS = True

    id = V1Id()
    active_flag = _flag()
    is_active = V1Boolean(metadata={"alias_of": "active_flag"})
    user_id = _id()
    created_by_user_id = _id()
    done = _flag()
    busy_flag = _flag()
    org_id = _id()
    person_id = _id()
    deal_id = _id()
    project_id = _id()
    add_time = _time()
    update_time = _time()
    marked_as_done_time = _time()
    location = text()
    location_street_number = text()
    location_route = text()
    location_sublocality = text()
    location_locality = text()
    location_admin_area_level_1 = text()
    location_admin_area_level_2 = text()
    location_country = text()
    location_postal_code = text()
    location_formatted_address = text()
    location_formatted_location = text(
        metadata={"alias_of": "location_formatted_address"}
    )
    location_subpremise = text()
    attendees = _list(AttendeeSchema)
    participants = _list(ParticipantSchema)
    # Removed in v2.
    assigned_to_user_id = _id()
    delete_time = _time()
    deal_title = text()
    lead_title = text()
    project_title = text()
    person_name = text()
    org_name = text()
    owner_name = text()
    type_name = text()
    person_dropbox_bcc = text()
    deal_dropbox_bcc = text()
    company_id = _id()
    last_notification_time = _time()
    last_notification_user_id = _id()
    notification_language_id = V1Integer(allow_none=True)
    calendar_sync_include_context = Json(allow_none=True)
    reference_type = text()
    reference_id = V1Integer(allow_none=True)
    series = Json(allow_none=True)
    is_recurring = V1Boolean(allow_none=True)
    rec_rule = text()
    rec_rule_extension = Json(allow_none=True)
    rec_master_activity_id = _id()
    original_start_time = Json(allow_none=True)
    source_timezone = text()
    update_user_id = _id()
    lead = Json(allow_none=True)


class FollowerSchema(V1FollowerBase):
    """A follower (``/v1/deals/:id/followers`` and friends).

    A bare user id, as v1 listed a user's followers, loads as
    ``{"user_id": id, "add_time": None}``.
    """

    ENTITY = "follower"

    id = _id()
    user_id = V1Id()
    add_time = _time()
    deal_id = _id()
    person_id = _id()
    org_id = _id()
    product_id = _id()
