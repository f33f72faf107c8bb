"""Query-parameter tables for Pipedrive API v1 and v2 endpoints.

The parameter lists per endpoint come from Pipedrive's official client
models (pipedrive/client-nodejs). The renames and removals come from the
v2 migration guide
(https://pipedrive.readme.io/docs/pipedrive-api-v2-migration-guide).
Endpoints are keyed as ``"GET /deals/{id}"``, without the version prefix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

# Parameters that every endpoint of both versions accepts unchanged.
PASS_THROUGH: Final = frozenset({"api_token"})
#: v2 accepts at most this many items per page (official client models).
MAX_LIMIT: Final = 500
MAX_IDS: Final = 100
MAX_CUSTOM_FIELDS: Final = 15
#: Query parameters whose values are comma lists, so repeats are joined.
LIST_PARAMS: Final = frozenset({"ids", "deal_ids"})

_SEARCH_V1: Final = "term fields exact_match include_fields start limit"


def _params(table: Mapping[str, str]) -> dict[str, frozenset[str]]:
    return {key: frozenset(names.split()) for key, names in table.items()}


#: Query parameters of each v1 GET endpoint (endpoints not listed take none).
V1_PARAMS: Final = _params(
    {
        "GET /deals": "user_id filter_id stage_id status start limit sort owned_by_you",
        "GET /deals/collection": "cursor limit since until user_id stage_id status",
        "GET /persons": "user_id filter_id first_char start limit sort",
        "GET /persons/collection": "cursor limit since until owner_id first_char",
        "GET /organizations": "user_id filter_id first_char start limit sort",
        "GET /organizations/collection": "cursor limit since until owner_id first_char",
        "GET /products": "user_id filter_id ids first_char get_summary start limit",
        "GET /stages": "pipeline_id start limit",
        "GET /activities": "user_id filter_id type limit start start_date end_date done",
        "GET /activities/collection": "cursor limit since until user_id done type",
        "GET /persons/{id}/deals": "start limit status sort",
        "GET /organizations/{id}/deals": "start limit status sort only_primary_association",
        "GET /pipelines/{id}/deals": (
            "filter_id user_id everyone stage_id start limit get_summary "
            "totals_convert_currency"
        ),
        "GET /stages/{id}/deals": "filter_id user_id everyone start limit",
        "GET /organizations/{id}/persons": "start limit",
        "GET /deals/{id}/persons": "start limit",
        "GET /deals/{id}/activities": "start limit done exclude",
        "GET /persons/{id}/activities": "start limit done exclude",
        "GET /organizations/{id}/activities": "start limit done exclude",
        "GET /deals/{id}/products": "start limit include_product_data",
        "GET /deals/search": f"{_SEARCH_V1} person_id organization_id status",
        "GET /persons/search": f"{_SEARCH_V1} organization_id",
        "GET /organizations/search": "term fields exact_match start limit",
        "GET /products/search": _SEARCH_V1,
        "GET /leads/search": f"{_SEARCH_V1} person_id organization_id",
        "GET /itemSearch": f"{_SEARCH_V1} item_types search_for_related_items",
        "GET /itemSearch/field": "term field_type field_key exact_match return_item_ids start limit",
        "GET /products/{id}/followers": "start limit",
    }
)

_LIST_V2: Final = "updated_since updated_until sort_by sort_direction limit cursor"
_SEARCH_V2: Final = "term fields exact_match include_fields limit cursor"

#: Query parameters of each v2 GET endpoint (endpoints not listed take none).
V2_PARAMS: Final = _params(
    {
        "GET /deals": (
            f"filter_id ids owner_id person_id org_id pipeline_id stage_id status "
            f"include_fields custom_fields {_LIST_V2}"
        ),
        "GET /deals/{id}": "include_fields custom_fields",
        "GET /persons": (
            f"filter_id ids owner_id org_id deal_id include_fields custom_fields {_LIST_V2}"
        ),
        "GET /persons/{id}": "include_fields custom_fields",
        "GET /organizations": f"filter_id ids owner_id include_fields custom_fields {_LIST_V2}",
        "GET /organizations/{id}": "include_fields custom_fields",
        "GET /activities": (
            f"filter_id ids owner_id deal_id lead_id person_id org_id done "
            f"include_fields {_LIST_V2}"
        ),
        "GET /activities/{id}": "include_fields",
        "GET /products": "owner_id ids filter_id custom_fields sort_by sort_direction limit cursor",
        "GET /pipelines": "sort_by sort_direction limit cursor",
        "GET /stages": "pipeline_id sort_by sort_direction limit cursor",
        "GET /deals/{id}/products": "sort_by sort_direction limit cursor",
        "GET /deals/products": "deal_ids sort_by sort_direction limit cursor",
        "GET /products/{id}/variations": "limit cursor",
        "GET /deals/search": f"{_SEARCH_V2} person_id organization_id status",
        "GET /persons/search": f"{_SEARCH_V2} organization_id",
        "GET /organizations/search": "term fields exact_match limit cursor",
        "GET /products/search": _SEARCH_V2,
        "GET /leads/search": f"{_SEARCH_V2} person_id organization_id",
        "GET /itemSearch": f"{_SEARCH_V2} item_types search_for_related_items",
        "GET /itemSearch/field": "term entity_type field match limit cursor",
        **{
            f"GET /{name}/{{id}}/followers": "limit cursor"
            for name in ("deals", "persons", "organizations", "products", "users")
        },
    }
)

_BASE_SORT: Final = ("id", "update_time", "add_time")
#: Fields that each v2 list accepts in ``sort_by`` (official client models).
SORT_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "GET /deals": _BASE_SORT,
    "GET /persons": _BASE_SORT,
    "GET /organizations": _BASE_SORT,
    "GET /pipelines": _BASE_SORT,
    "GET /products": ("id", "name", "add_time", "update_time"),
    "GET /stages": (*_BASE_SORT, "order_nr"),
    "GET /activities": (*_BASE_SORT, "due_date"),
    "GET /deals/{id}/products": ("id", "add_time", "update_time", "order_nr"),
    "GET /deals/products": ("id", "deal_id", "add_time", "update_time", "order_nr"),
}

_DEAL_INCLUDE: Final = (
    "next_activity_id last_activity_id first_won_time products_count files_count "
    "notes_count followers_count email_messages_count activities_count "
    "done_activities_count undone_activities_count participants_count "
    "last_incoming_mail_time last_outgoing_mail_time smart_bcc_email source_lead_id"
)
_PERSON_INCLUDE: Final = (
    "next_activity_id last_activity_id open_deals_count related_open_deals_count "
    "closed_deals_count related_closed_deals_count participant_open_deals_count "
    "participant_closed_deals_count email_messages_count activities_count "
    "done_activities_count undone_activities_count files_count notes_count "
    "followers_count won_deals_count related_won_deals_count lost_deals_count "
    "related_lost_deals_count last_incoming_mail_time last_outgoing_mail_time "
    "marketing_status doi_status smart_bcc_email"
)
# The guide's prose list for organizations repeats the person list. The
# official models list these 19 names, including people_count.
_ORGANIZATION_INCLUDE: Final = (
    "next_activity_id last_activity_id open_deals_count related_open_deals_count "
    "closed_deals_count related_closed_deals_count email_messages_count people_count "
    "activities_count done_activities_count undone_activities_count files_count "
    "notes_count followers_count won_deals_count related_won_deals_count "
    "lost_deals_count related_lost_deals_count smart_bcc_email"
)
#: Values that ``include_fields`` accepts on each endpoint (both versions).
INCLUDE_FIELDS: Final = _params(
    {
        "GET /deals": _DEAL_INCLUDE,
        "GET /deals/{id}": _DEAL_INCLUDE,
        "GET /persons": _PERSON_INCLUDE,
        "GET /persons/{id}": _PERSON_INCLUDE,
        "GET /organizations": _ORGANIZATION_INCLUDE,
        "GET /organizations/{id}": _ORGANIZATION_INCLUDE,
        "GET /activities": "attendees",
        "GET /activities/{id}": "attendees",
        "GET /deals/search": "deal.cc_email",
        "GET /persons/search": "person.picture",
        "GET /products/search": "product.price",
        "GET /leads/search": "lead.was_seen",
        "GET /itemSearch": "deal.cc_email person.picture product.price",
    }
)

DEAL_STATUSES: Final = ("open", "won", "lost", "deleted")
NOT_DELETED_STATUSES: Final = frozenset({"open", "won", "lost"})
FIELD_TYPES: Final = {
    "dealField": "deal",
    "leadField": "lead",
    "personField": "person",
    "organizationField": "organization",
    "productField": "product",
    "projectField": "project",
}
# Endpoints whose v1 "done" parameter took 0/1 rather than true/false.
DONE_AS_01: Final = frozenset(
    {
        "GET /activities",
        "GET /deals/{id}/activities",
        "GET /persons/{id}/activities",
        "GET /organizations/{id}/activities",
    }
)

#: Reasons for v1 parameters that v2 dropped (used when the target lacks them).
REMOVED_V1: Final = {
    "owned_by_you": "v2 has no owned_by_you filter; pass owner_id with your own user id",
    "get_summary": "v2 list responses carry no summary",
    "totals_convert_currency": "v2 list responses carry no summary to convert",
    "first_char": "v2 has no first-letter filter; use the search endpoint or filter the results",
    "return_item_ids": "v2 always returns the item ids",
    "include_product_data": (
        "v2 deal products carry no product object; fetch it with GET /api/v2/products/:id"
    ),
    "type": "v2 GET /activities has no activity type filter; filter the results by type",
    "start_date": "v2 GET /activities has no due date filter; filter the results by due_date",
    "end_date": "v2 GET /activities has no due date filter; filter the results by due_date",
    "everyone": "v2 has no everyone parameter; leave out owner_id and filter_id to list every user's deals",
    "exclude": "v2 has no exclude parameter; filter the results by id",
}
V1_OWN_ACTIVITIES: Final = (
    "v1 returned only your own activities when user_id was absent, v2 returns every "
    "user's; pass owner_id with your user id to keep the v1 result"
)
