"""The deal and person conversions written the way a marshmallow or pydantic user would.

They are the peers that ``run.py`` times against :func:`pipedrive_shapes.to_v2`
and :func:`pipedrive_shapes.to_v1`. Each direction gets its own schema or model,
and both libraries check the input on the way in, as the converter does:

- marshmallow: ``DealFromV1Schema().load(v1)`` gives v2 and
  ``DealFromV2Schema().load(v2)`` gives v1. Renames are ``data_key``, unknown
  keys pass through (``unknown = INCLUDE``), related objects and labels go
  through ``fields.Function``, timestamps through ``datetime.strptime``, and a
  ``post_load`` groups or flattens the custom fields.
- pydantic: ``DealFromV1.model_validate(v1).model_dump(exclude_unset=True)``
  gives v2, with ``validation_alias`` for the renamed v1 keys;
  ``DealFromV2.model_validate(v2).model_dump(by_alias=True,
  exclude_unset=True)`` gives v1, with ``serialization_alias``. Value changes
  are ``field_validator`` and ``field_serializer`` methods.

The peers cover every field of the benchmark records and the rest of the
entity's rule table, except the person's ``postal_address`` (none of the
records has one) and an explicit v1 ``label_ids`` key. They check custom
field values less than the converter does: option ids are not looked up in
the field definitions. :func:`check_peers` asserts that they return what the
converter returns on every benchmark record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, ClassVar, Final

from marshmallow import INCLUDE, Schema, ValidationError, fields, post_load, pre_load
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)
from records import Case, Direction, field_types

V1_TIME: Final = "%Y-%m-%d %H:%M:%S"
V2_TIME: Final = "%Y-%m-%dT%H:%M:%SZ"
#: v1's spellings of an unset timestamp, besides null.
V1_EMPTY_TIMES: Final = frozenset({"", "0000-00-00 00:00:00"})

DEAL_TIMESTAMPS: Final = (
    "add_time",
    "update_time",
    "stage_change_time",
    "close_time",
    "won_time",
    "lost_time",
    "rotten_time",
    "archive_time",
)
PERSON_TIMESTAMPS: Final = ("add_time", "update_time")

#: v1 deal keys that v2 leaves out: removed fields, and fields that v2
#: returns only when named in ``include_fields``.
DEAL_V1_ONLY: Final = frozenset(
    {
        "active",
        "weighted_value",
        "weighted_value_currency",
        "acv_currency",
        "arr_currency",
        "mrr_currency",
        "formatted_value",
        "formatted_weighted_value",
        "stage_order_nr",
        "person_name",
        "org_name",
        "owner_name",
        "org_hidden",
        "person_hidden",
        "next_activity_date",
        "next_activity_time",
        "next_activity_subject",
        "next_activity_type",
        "next_activity_duration",
        "next_activity_note",
        "last_activity_date",
        "average_time_to_won",
        "average_stage_progress",
        "stay_in_pipeline_stages",
        "last_activity",
        "next_activity",
        "next_activity_id",
        "last_activity_id",
        "products_count",
        "files_count",
        "notes_count",
        "followers_count",
        "email_messages_count",
        "activities_count",
        "done_activities_count",
        "undone_activities_count",
        "participants_count",
        "first_won_time",
        "last_incoming_mail_time",
        "last_outgoing_mail_time",
        "smart_bcc_email",
        "source_lead_id",
    }
)
PERSON_V1_ONLY: Final = frozenset(
    {
        "delete_time",
        "company_id",
        "first_char",
        "owner_name",
        "org_name",
        "next_activity_date",
        "next_activity_time",
        "last_activity_date",
        "next_activity_id",
        "last_activity_id",
        "open_deals_count",
        "related_open_deals_count",
        "closed_deals_count",
        "related_closed_deals_count",
        "participant_open_deals_count",
        "participant_closed_deals_count",
        "email_messages_count",
        "activities_count",
        "done_activities_count",
        "undone_activities_count",
        "files_count",
        "notes_count",
        "followers_count",
        "won_deals_count",
        "related_won_deals_count",
        "lost_deals_count",
        "related_lost_deals_count",
        "last_incoming_mail_time",
        "last_outgoing_mail_time",
        "marketing_status",
        "doi_status",
        "smart_bcc_email",
    }
)

ADDRESS_PARTS: Final = (
    "street_number",
    "route",
    "sublocality",
    "locality",
    "admin_area_level_1",
    "admin_area_level_2",
    "country",
    "postal_code",
    "formatted_address",
)


# Value conversions that both peers share: plain functions, no library.


def related_id(value: Any) -> Any:
    """Reduce a v1 related object (``{"value": 18, ...}``) to its id."""
    if isinstance(value, dict):
        return value.get("value", value.get("id"))
    return value


def split_labels(value: Any) -> list[Any]:
    """Split v1's ``label`` ("2,3", 3, null or "") into a list of ids."""
    if value is None or value == "":
        return []
    if isinstance(value, int):
        return [value]
    return [int(part) for part in str(value).split(",")]


def join_labels(value: list[int] | None) -> str | None:
    """Join v2's ``label_ids`` into v1's comma string, or null for an empty list."""
    return ",".join(map(str, value)) if value else None


def weighted_value(value: Any, probability: Any) -> Any:
    """Compute v1's ``weighted_value``: the value times the probability in percent."""
    if probability is None:
        return value
    weighted = value * probability / 100
    if isinstance(value, int) and weighted == int(weighted):
        return int(weighted)
    return weighted


def add_derived_deal_fields(v1: dict[str, Any], v2: Mapping[str, Any]) -> None:
    """Add the v1 deal fields that v2 dropped but that its data determines."""
    if "status" in v2:
        v1["active"] = v2["status"] == "open"
    if isinstance(v2.get("value"), int | float):
        v1["weighted_value"] = weighted_value(v2["value"], v2.get("probability"))
    if "currency" in v2:
        currency = v2["currency"]
        v1["weighted_value_currency"] = currency
        for amount in ("acv", "arr", "mrr"):
            if amount in v2:
                v1[f"{amount}_currency"] = None if v2[amount] is None else currency


@cache
def custom_field_types() -> dict[str, str]:
    """Return ``field_type`` by custom field key, from the account's definitions."""
    return field_types()


def is_custom_key(key: str, types: Mapping[str, str]) -> bool:
    """Tell whether a v1 root key is a custom field or one of its subfields."""
    return key[:40] in types and (len(key) == 40 or key[40] == "_")


def custom_fields_to_v2(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Group v1's flat custom field keys into v2's ``custom_fields`` object."""
    types = custom_field_types()
    groups: dict[str, dict[str, Any]] = {}
    for key, value in flat.items():
        groups.setdefault(key[:40], {})[key[41:]] = value
    return {
        key: _custom_value_to_v2(types[key], parts) for key, parts in groups.items()
    }


def _custom_value_to_v2(field_type: str, parts: dict[str, Any]) -> Any:
    value = parts.get("")
    if field_type == "monetary":
        currency = parts.get("currency")
        if value is None and currency is None:
            return None
        return {"value": _number(value), "currency": currency}
    if field_type == "address":
        address = {"value": value, **{name: parts.get(name) for name in ADDRESS_PARTS}}
        return address if any(item is not None for item in address.values()) else None
    if field_type in ("daterange", "timerange"):
        until = parts.get("until")
        return (
            None
            if value is None and until is None
            else {"value": value, "until": until}
        )
    if value is None or value == "":
        return None
    if field_type == "enum":
        return int(value)
    if field_type == "set":
        return [int(option) for option in str(value).split(",")]
    if field_type in ("user", "people", "org"):
        return related_id(value)
    if field_type in ("double", "int"):
        return _number(value)
    return value


def _number(value: Any) -> Any:
    if isinstance(value, str):
        return float(value) if "." in value else int(value)
    return value


def custom_fields_to_v1(custom: Mapping[str, Any] | None) -> dict[str, Any]:
    """Flatten v2's ``custom_fields`` object into v1's root keys."""
    types = custom_field_types()
    flat: dict[str, Any] = {}
    for key, value in (custom or {}).items():
        field_type = types[key]
        if field_type == "monetary":
            flat[key] = value and value["value"]
            flat[f"{key}_currency"] = value and value["currency"]
        elif field_type == "address":
            flat[key] = value and value.get("value")
            flat[f"{key}_subpremise"] = value and value.get("subpremise")
            for name in ADDRESS_PARTS:
                flat[f"{key}_{name}"] = value and value.get(name)
        elif field_type in ("daterange", "timerange"):
            flat[key] = value and value["value"]
            flat[f"{key}_until"] = value and value["until"]
        elif field_type == "enum" and value is not None:
            flat[key] = str(value)
        elif field_type == "set":
            flat[key] = ",".join(map(str, value)) if value else None
        else:
            flat[key] = value
    return flat


def split_custom_fields(
    data: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a v1 record into its built-in and its custom field keys."""
    types = custom_field_types()
    builtin: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    for key, value in data.items():
        if is_custom_key(key, types):
            custom[key] = value
        else:
            builtin[key] = value
    return builtin, custom


# marshmallow


class Timestamp(fields.Field[str | None]):
    """A v1 UTC timestamp ``YYYY-MM-DD HH:MM:SS``, loaded as RFC 3339."""

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        **kwargs: Any,
    ) -> str | None:
        if value in V1_EMPTY_TIMES:
            return None
        return datetime.strptime(value, V1_TIME).strftime(V2_TIME)


class V2Timestamp(fields.Field[str | None]):
    """An RFC 3339 timestamp, loaded as v1's UTC ``YYYY-MM-DD HH:MM:SS``."""

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        **kwargs: Any,
    ) -> str | None:
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
        return moment.astimezone(UTC).strftime(V1_TIME)


class JsonNumber(fields.Field[int | float]):
    """A number that keeps its int or float type and parses numeric strings."""

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        **kwargs: Any,
    ) -> int | float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        try:
            return _number(value)  # type: ignore[no-any-return]
        except (TypeError, ValueError) as error:
            raise ValidationError("Not a valid number.") from error


class NegatedBoolean(fields.Boolean):
    """A boolean that loads negated, such as v1's ``active_flag`` as v2's ``is_deleted``."""

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        **kwargs: Any,
    ) -> bool:
        return not super()._deserialize(value, attr, data, **kwargs)


def _related(**kwargs: Any) -> fields.Function:
    return fields.Function(deserialize=related_id, allow_none=True, **kwargs)


class ContactSchema(Schema):
    """One phone, email or instant messenger entry of a person."""

    class Meta:
        unknown = INCLUDE

    primary = fields.Boolean(allow_none=True)


class DealFromV1Schema(Schema):
    """Load a v1 deal as v2."""

    class Meta:
        unknown = INCLUDE

    id = fields.Integer()
    creator_user_id = _related()
    owner_id = _related(data_key="user_id")
    person_id = _related()
    org_id = _related()
    pipeline_id = fields.Integer(allow_none=True)
    stage_id = fields.Integer(allow_none=True)
    value = JsonNumber(allow_none=True)
    acv = JsonNumber(allow_none=True)
    arr = JsonNumber(allow_none=True)
    mrr = JsonNumber(allow_none=True)
    probability = JsonNumber(allow_none=True)
    is_deleted = fields.Boolean(data_key="deleted", allow_none=True)
    is_archived = fields.Boolean(allow_none=True)
    visible_to = fields.Integer(allow_none=True)
    label_ids = fields.Function(
        deserialize=split_labels, data_key="label", allow_none=True
    )
    add_time = Timestamp(allow_none=True)
    update_time = Timestamp(allow_none=True)
    stage_change_time = Timestamp(allow_none=True)
    close_time = Timestamp(allow_none=True)
    won_time = Timestamp(allow_none=True)
    lost_time = Timestamp(allow_none=True)
    rotten_time = Timestamp(allow_none=True)
    archive_time = Timestamp(allow_none=True)

    @pre_load
    def drop_v1_only_fields(
        self, data: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        return {key: value for key, value in data.items() if key not in DEAL_V1_ONLY}

    @post_load
    def group_custom_fields(
        self, data: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        builtin, custom = split_custom_fields(data)
        builtin["custom_fields"] = custom_fields_to_v2(custom)
        return builtin


class DealFromV2Schema(Schema):
    """Load a v2 deal as v1."""

    class Meta:
        unknown = INCLUDE

    id = fields.Integer()
    creator_user_id = fields.Integer(allow_none=True)
    user_id = fields.Integer(data_key="owner_id", allow_none=True)
    person_id = fields.Integer(allow_none=True)
    org_id = fields.Integer(allow_none=True)
    pipeline_id = fields.Integer(allow_none=True)
    stage_id = fields.Integer(allow_none=True)
    value = JsonNumber(allow_none=True)
    acv = JsonNumber(allow_none=True)
    arr = JsonNumber(allow_none=True)
    mrr = JsonNumber(allow_none=True)
    probability = JsonNumber(allow_none=True)
    deleted = fields.Boolean(data_key="is_deleted", allow_none=True)
    is_archived = fields.Boolean(allow_none=True)
    visible_to = fields.Function(deserialize=str, allow_none=True)
    label = fields.Function(
        deserialize=join_labels, data_key="label_ids", allow_none=True
    )
    add_time = V2Timestamp(allow_none=True)
    update_time = V2Timestamp(allow_none=True)
    stage_change_time = V2Timestamp(allow_none=True)
    close_time = V2Timestamp(allow_none=True)
    won_time = V2Timestamp(allow_none=True)
    lost_time = V2Timestamp(allow_none=True)
    rotten_time = V2Timestamp(allow_none=True)
    archive_time = V2Timestamp(allow_none=True)
    custom_fields = fields.Dict(allow_none=True)

    @post_load(pass_original=True)
    def flatten_custom_fields(
        self, data: dict[str, Any], original: Mapping[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        data.update(custom_fields_to_v1(data.pop("custom_fields", None)))
        add_derived_deal_fields(data, original)
        return data


class PersonFromV1Schema(Schema):
    """Load a v1 person as v2."""

    class Meta:
        unknown = INCLUDE

    id = fields.Integer()
    is_deleted = NegatedBoolean(data_key="active_flag", allow_none=True)
    owner_id = _related()
    org_id = _related()
    picture_id = _related()
    label_ids = fields.Function(
        deserialize=split_labels, data_key="label", allow_none=True
    )
    visible_to = fields.Integer(allow_none=True)
    phones = fields.List(
        fields.Nested(ContactSchema), data_key="phone", allow_none=True
    )
    emails = fields.List(
        fields.Nested(ContactSchema), data_key="email", allow_none=True
    )
    ims = fields.List(fields.Nested(ContactSchema), data_key="im", allow_none=True)
    add_time = Timestamp(allow_none=True)
    update_time = Timestamp(allow_none=True)

    @pre_load
    def drop_v1_only_fields(
        self, data: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        return {key: value for key, value in data.items() if key not in PERSON_V1_ONLY}

    @post_load
    def group_custom_fields(
        self, data: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        builtin, custom = split_custom_fields(data)
        builtin["custom_fields"] = custom_fields_to_v2(custom)
        return builtin


class PersonFromV2Schema(Schema):
    """Load a v2 person as v1."""

    class Meta:
        unknown = INCLUDE

    id = fields.Integer()
    active_flag = NegatedBoolean(data_key="is_deleted", allow_none=True)
    owner_id = fields.Integer(allow_none=True)
    org_id = fields.Integer(allow_none=True)
    picture_id = fields.Integer(allow_none=True)
    label = fields.Function(
        deserialize=join_labels, data_key="label_ids", allow_none=True
    )
    visible_to = fields.Function(deserialize=str, allow_none=True)
    phone = fields.List(
        fields.Nested(ContactSchema), data_key="phones", allow_none=True
    )
    email = fields.List(
        fields.Nested(ContactSchema), data_key="emails", allow_none=True
    )
    im = fields.List(fields.Nested(ContactSchema), data_key="ims", allow_none=True)
    add_time = V2Timestamp(allow_none=True)
    update_time = V2Timestamp(allow_none=True)
    custom_fields = fields.Dict(allow_none=True)

    @post_load
    def flatten_custom_fields(
        self, data: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        data.update(custom_fields_to_v1(data.pop("custom_fields", None)))
        if "active_flag" in data:
            deleted = data["active_flag"] is False
            data["delete_time"] = data.get("update_time") if deleted else None
        return data


# pydantic


class Contact(BaseModel):
    """One phone, email or instant messenger entry of a person."""

    model_config = ConfigDict(extra="allow")

    primary: bool | None = None


def _v1_related(value: Any) -> Any:
    return related_id(value)


def _v1_timestamp(value: Any) -> Any:
    return None if value in V1_EMPTY_TIMES else value


def _rfc3339(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime(V2_TIME)


def _v1_time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime(V1_TIME)


class V1Record(BaseModel):
    """Shared behaviour of the v1 -> v2 models: pass unknown keys, group custom fields."""

    model_config = ConfigDict(extra="allow")

    #: v1 keys that v2 leaves out.
    v1_only: ClassVar[frozenset[str]] = frozenset()

    custom_fields: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def drop_v1_only_and_group_custom_fields(cls, data: Any) -> Any:
        in_v2 = {key: value for key, value in data.items() if key not in cls.v1_only}
        builtin, custom = split_custom_fields(in_v2)
        builtin["custom_fields"] = custom_fields_to_v2(custom)
        return builtin


class DealFromV1(V1Record):
    """A v1 deal; ``model_dump(exclude_unset=True)`` gives v2."""

    v1_only: ClassVar[frozenset[str]] = DEAL_V1_ONLY

    id: int
    creator_user_id: int | None = None
    owner_id: int | None = Field(None, validation_alias="user_id")
    person_id: int | None = None
    org_id: int | None = None
    pipeline_id: int | None = None
    stage_id: int | None = None
    value: int | float | None = None
    acv: int | float | None = None
    arr: int | float | None = None
    mrr: int | float | None = None
    probability: int | float | None = None
    is_deleted: bool | None = Field(None, validation_alias="deleted")
    is_archived: bool | None = None
    visible_to: int | None = None
    label_ids: list[int] = Field(default_factory=list, validation_alias="label")
    add_time: datetime | None = None
    update_time: datetime | None = None
    stage_change_time: datetime | None = None
    close_time: datetime | None = None
    won_time: datetime | None = None
    lost_time: datetime | None = None
    rotten_time: datetime | None = None
    archive_time: datetime | None = None

    _related = field_validator(
        "creator_user_id", "owner_id", "person_id", "org_id", mode="before"
    )(_v1_related)
    _labels = field_validator("label_ids", mode="before")(split_labels)
    _empty_times = field_validator(*DEAL_TIMESTAMPS, mode="before")(_v1_timestamp)
    _times = field_serializer(*DEAL_TIMESTAMPS)(_rfc3339)


class DealFromV2(BaseModel):
    """A v2 deal; ``model_dump(by_alias=True, exclude_unset=True)`` gives v1."""

    model_config = ConfigDict(extra="allow")

    id: int
    creator_user_id: int | None = None
    owner_id: int | None = Field(None, serialization_alias="user_id")
    person_id: int | None = None
    org_id: int | None = None
    pipeline_id: int | None = None
    stage_id: int | None = None
    value: int | float | None = None
    acv: int | float | None = None
    arr: int | float | None = None
    mrr: int | float | None = None
    probability: int | float | None = None
    is_deleted: bool | None = Field(None, serialization_alias="deleted")
    is_archived: bool | None = None
    visible_to: int | None = None
    label_ids: list[int] = Field(default_factory=list, serialization_alias="label")
    add_time: datetime | None = None
    update_time: datetime | None = None
    stage_change_time: datetime | None = None
    close_time: datetime | None = None
    won_time: datetime | None = None
    lost_time: datetime | None = None
    rotten_time: datetime | None = None
    archive_time: datetime | None = None
    custom_fields: dict[str, Any] | None = None

    _times = field_serializer(*DEAL_TIMESTAMPS)(_v1_time)
    _labels = field_serializer("label_ids")(join_labels)

    @field_serializer("visible_to")
    def visible_to_string(self, value: int | None) -> str | None:
        return None if value is None else str(value)

    @model_serializer(mode="wrap")
    def flatten_custom_fields(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        data.update(custom_fields_to_v1(data.pop("custom_fields", None)))
        # The v1 keys of status, value, probability and currency equal the v2 keys.
        add_derived_deal_fields(data, data)
        return data


class PersonFromV1(V1Record):
    """A v1 person; ``model_dump(exclude_unset=True)`` gives v2."""

    v1_only: ClassVar[frozenset[str]] = PERSON_V1_ONLY

    id: int
    is_deleted: bool | None = Field(None, validation_alias="active_flag")
    owner_id: int | None = None
    org_id: int | None = None
    picture_id: int | None = None
    label_ids: list[int] = Field(default_factory=list, validation_alias="label")
    visible_to: int | None = None
    phones: list[Contact] | None = Field(None, validation_alias="phone")
    emails: list[Contact] | None = Field(None, validation_alias="email")
    ims: list[Contact] | None = Field(None, validation_alias="im")
    add_time: datetime | None = None
    update_time: datetime | None = None

    _related = field_validator("owner_id", "org_id", "picture_id", mode="before")(
        _v1_related
    )
    _labels = field_validator("label_ids", mode="before")(split_labels)
    _empty_times = field_validator(*PERSON_TIMESTAMPS, mode="before")(_v1_timestamp)
    _times = field_serializer(*PERSON_TIMESTAMPS)(_rfc3339)

    @field_validator("is_deleted")
    @classmethod
    def negate_active_flag(cls, active: bool | None) -> bool | None:
        return None if active is None else not active


class PersonFromV2(BaseModel):
    """A v2 person; ``model_dump(by_alias=True, exclude_unset=True)`` gives v1."""

    model_config = ConfigDict(extra="allow")

    id: int
    is_deleted: bool | None = Field(None, serialization_alias="active_flag")
    owner_id: int | None = None
    org_id: int | None = None
    picture_id: int | None = None
    label_ids: list[int] = Field(default_factory=list, serialization_alias="label")
    visible_to: int | None = None
    phones: list[Contact] | None = Field(None, serialization_alias="phone")
    emails: list[Contact] | None = Field(None, serialization_alias="email")
    ims: list[Contact] | None = Field(None, serialization_alias="im")
    add_time: datetime | None = None
    update_time: datetime | None = None
    custom_fields: dict[str, Any] | None = None

    _times = field_serializer(*PERSON_TIMESTAMPS)(_v1_time)
    _labels = field_serializer("label_ids")(join_labels)

    @field_serializer("visible_to")
    def visible_to_string(self, value: int | None) -> str | None:
        return None if value is None else str(value)

    @field_serializer("is_deleted")
    def active_flag(self, deleted: bool | None) -> bool | None:
        return None if deleted is None else not deleted

    @model_serializer(mode="wrap")
    def flatten_custom_fields(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        data.update(custom_fields_to_v1(data.pop("custom_fields", None)))
        if "is_deleted" in self.model_fields_set:
            data["delete_time"] = data.get("update_time") if self.is_deleted else None
        return data


# The peers as plain callables, keyed by (library, entity, direction).

_DEAL_FROM_V1: Final = DealFromV1Schema()
_DEAL_FROM_V2: Final = DealFromV2Schema()
_PERSON_FROM_V1: Final = PersonFromV1Schema()
_PERSON_FROM_V2: Final = PersonFromV2Schema()

Converter = Callable[[dict[str, Any]], dict[str, Any]]

PEERS: Final[dict[tuple[str, str, Direction], Converter]] = {
    ("marshmallow", "deal", "v1->v2"): _DEAL_FROM_V1.load,
    ("marshmallow", "deal", "v2->v1"): _DEAL_FROM_V2.load,
    ("marshmallow", "person", "v1->v2"): _PERSON_FROM_V1.load,
    ("marshmallow", "person", "v2->v1"): _PERSON_FROM_V2.load,
    ("pydantic", "deal", "v1->v2"): lambda record: DealFromV1.model_validate(
        record
    ).model_dump(exclude_unset=True),
    ("pydantic", "deal", "v2->v1"): lambda record: DealFromV2.model_validate(
        record
    ).model_dump(by_alias=True, exclude_unset=True),
    ("pydantic", "person", "v1->v2"): lambda record: PersonFromV1.model_validate(
        record
    ).model_dump(exclude_unset=True),
    ("pydantic", "person", "v2->v1"): lambda record: PersonFromV2.model_validate(
        record
    ).model_dump(by_alias=True, exclude_unset=True),
}

LIBRARIES: Final = ("marshmallow", "pydantic")


def peer(library: str, entity: str, direction: Direction) -> Converter | None:
    """Return the peer converter, or None when the entity has none."""
    return PEERS.get((library, entity, direction))


def same_json(left: Any, right: Any) -> bool:
    """Compare two JSON values by type and value, in any object key order."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(
            same_json(item, right[key]) for key, item in left.items()
        )
    if isinstance(left, list):
        return len(left) == len(right) and all(
            same_json(a, b) for a, b in zip(left, right, strict=True)
        )
    return bool(left == right)


def check_peers(case: Case, direction: Direction, expected: dict[str, Any]) -> None:
    """Assert that every peer of ``case`` returns ``expected`` for its input.

    :raises AssertionError: naming the peer and the keys that differ.
    """
    for library in LIBRARIES:
        convert = peer(library, case.entity, direction)
        if convert is None:
            continue
        got = convert(case.record(direction))
        if not same_json(got, expected):
            keys = sorted(
                key
                for key in got.keys() | expected.keys()
                if key not in got
                or key not in expected
                or not same_json(got[key], expected[key])
            )
            raise AssertionError(
                f"{library} peer differs from the converter on {case.name} {direction}"
                f" at keys {keys}"
            )
