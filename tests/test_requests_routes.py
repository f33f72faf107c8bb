"""Route conversion: every endpoint pair of the v2 migration guide, both ways."""

from __future__ import annotations

import pytest

from pipedrive_shapes._requests import convert_request, convert_route
from pipedrive_shapes._routes import ROUTES
from pipedrive_shapes.errors import ConversionError

# Each row: v1 method and path, v2 method and path (with the filter that
# replaces a nested v1 list), and whether v2 -> v1 gives the v1 row back.
# The ":id" placeholders are kept as the guide writes them.
GUIDE_ROUTES = [
    # Products.
    ("GET", "/products/:id", "GET", "/products/:id", True),
    ("GET", "/products", "GET", "/products", True),
    ("POST", "/products", "POST", "/products", True),
    ("PUT", "/products/:id", "PATCH", "/products/:id", True),
    ("DELETE", "/products/:id", "DELETE", "/products/:id", True),
    # Deal products.
    ("GET", "/deals/:id/products", "GET", "/deals/:id/products", True),
    ("POST", "/deals/:id/products", "POST", "/deals/:id/products", True),
    (
        "PUT",
        "/deals/:id/products/:product_attachment_id",
        "PATCH",
        "/deals/:id/products/:product_attachment_id",
        True,
    ),
    (
        "DELETE",
        "/deals/:id/products/:product_attachment_id",
        "DELETE",
        "/deals/:id/products/:product_attachment_id",
        True,
    ),
    # Product variations (v1 had no endpoint of its own, so no way back).
    ("GET", "/products/:id/variations", "GET", "/products/:id/variations", False),
    ("POST", "/products/:id/variations", "POST", "/products/:id/variations", False),
    (
        "PUT",
        "/products/:id/variations/:variation_id",
        "PATCH",
        "/products/:id/variations/:variation_id",
        False,
    ),
    (
        "DELETE",
        "/products/:id/variations/:variation_id",
        "DELETE",
        "/products/:id/variations/:variation_id",
        False,
    ),
    # Search.
    ("GET", "/deals/search", "GET", "/deals/search", True),
    ("GET", "/persons/search", "GET", "/persons/search", True),
    ("GET", "/organizations/search", "GET", "/organizations/search", True),
    ("GET", "/leads/search", "GET", "/leads/search", True),
    ("GET", "/products/search", "GET", "/products/search", True),
    ("GET", "/itemSearch", "GET", "/itemSearch", True),
    ("GET", "/itemSearch/field", "GET", "/itemSearch/field", True),
    # Pipelines and stages.
    ("GET", "/pipelines/:id", "GET", "/pipelines/:id", True),
    ("GET", "/pipelines", "GET", "/pipelines", True),
    ("POST", "/pipelines", "POST", "/pipelines", True),
    ("PUT", "/pipelines/:id", "PATCH", "/pipelines/:id", True),
    ("DELETE", "/pipelines/:id", "DELETE", "/pipelines/:id", True),
    ("GET", "/stages/:id", "GET", "/stages/:id", True),
    ("GET", "/stages", "GET", "/stages", True),
    ("POST", "/stages", "POST", "/stages", True),
    ("PUT", "/stages/:id", "PATCH", "/stages/:id", True),
    ("DELETE", "/stages/:id", "DELETE", "/stages/:id", True),
    # Deals, and the nested v1 lists that GET /api/v2/deals replaces.
    ("GET", "/deals/:id", "GET", "/deals/:id", True),
    ("GET", "/deals", "GET", "/deals", True),
    ("GET", "/persons/:id/deals", "GET", "/deals?person_id=:id", True),
    ("GET", "/organizations/:id/deals", "GET", "/deals?org_id=:id", True),
    ("GET", "/pipelines/:id/deals", "GET", "/deals?pipeline_id=:id", True),
    ("GET", "/stages/:id/deals", "GET", "/deals?stage_id=:id", False),
    ("POST", "/deals", "POST", "/deals", True),
    ("PUT", "/deals/:id", "PATCH", "/deals/:id", True),
    ("DELETE", "/deals/:id", "DELETE", "/deals/:id", True),
    # Persons and organizations.
    ("GET", "/persons/:id", "GET", "/persons/:id", True),
    ("GET", "/persons", "GET", "/persons", True),
    ("GET", "/organizations/:id/persons", "GET", "/persons?org_id=:id", True),
    ("GET", "/deals/:id/persons", "GET", "/persons?deal_id=:id", True),
    ("POST", "/persons", "POST", "/persons", True),
    ("PUT", "/persons/:id", "PATCH", "/persons/:id", True),
    ("DELETE", "/persons/:id", "DELETE", "/persons/:id", True),
    ("GET", "/organizations/:id", "GET", "/organizations/:id", True),
    ("GET", "/organizations", "GET", "/organizations", True),
    ("POST", "/organizations", "POST", "/organizations", True),
    ("PUT", "/organizations/:id", "PATCH", "/organizations/:id", True),
    ("DELETE", "/organizations/:id", "DELETE", "/organizations/:id", True),
    # Activities, and the nested v1 lists that GET /api/v2/activities replaces.
    ("GET", "/activities/:id", "GET", "/activities/:id", True),
    ("GET", "/activities", "GET", "/activities", True),
    ("GET", "/deals/:id/activities", "GET", "/activities?deal_id=:id", True),
    ("GET", "/persons/:id/activities", "GET", "/activities?person_id=:id", True),
    ("GET", "/organizations/:id/activities", "GET", "/activities?org_id=:id", True),
    ("POST", "/activities", "POST", "/activities", True),
    ("PUT", "/activities/:id", "PATCH", "/activities/:id", True),
    ("DELETE", "/activities/:id", "DELETE", "/activities/:id", True),
    # The v1 collection endpoints became the plain v2 lists.
    ("GET", "/deals/collection", "GET", "/deals", False),
    ("GET", "/persons/collection", "GET", "/persons", False),
    ("GET", "/organizations/collection", "GET", "/organizations", False),
    ("GET", "/activities/collection", "GET", "/activities", False),
    # Followers (DELETE is tested below, because its id changes meaning).
    ("GET", "/deals/:id/followers", "GET", "/deals/:id/followers", True),
    ("GET", "/persons/:id/followers", "GET", "/persons/:id/followers", True),
    (
        "GET",
        "/organizations/:id/followers",
        "GET",
        "/organizations/:id/followers",
        True,
    ),
    ("GET", "/products/:id/followers", "GET", "/products/:id/followers", True),
    ("GET", "/users/:id/followers", "GET", "/users/:id/followers", True),
    ("POST", "/deals/:id/followers", "POST", "/deals/:id/followers", True),
    ("POST", "/persons/:id/followers", "POST", "/persons/:id/followers", True),
    (
        "POST",
        "/organizations/:id/followers",
        "POST",
        "/organizations/:id/followers",
        True,
    ),
    ("POST", "/products/:id/followers", "POST", "/products/:id/followers", True),
]

REVERSIBLE = [row for row in GUIDE_ROUTES if row[4]]
ONE_WAY = [row for row in GUIDE_ROUTES if not row[4]]


def _ids(rows: list[tuple[str, str, str, str, bool]]) -> list[str]:
    return [f"{row[0]} {row[1]}" for row in rows]


@pytest.mark.parametrize(
    ("v1_method", "v1_path", "v2_method", "v2_target", "_"),
    GUIDE_ROUTES,
    ids=_ids(GUIDE_ROUTES),
)
def test_route_to_v2_guide_table(v1_method, v1_path, v2_method, v2_target, _):
    route = convert_route(v1_method, "/api/v1" + v1_path)
    assert (route.method, route.target) == (v2_method, "/api/v2" + v2_target)


@pytest.mark.parametrize(
    ("v1_method", "v1_path", "v2_method", "v2_target", "_"),
    REVERSIBLE,
    ids=_ids(REVERSIBLE),
)
def test_route_to_v1_guide_table(v1_method, v1_path, v2_method, v2_target, _):
    route = convert_route(v2_method, "/api/v2" + v2_target, to="v1")
    assert (route.method, route.target) == (v1_method, "/api/v1" + v1_path)


@pytest.mark.parametrize(
    ("v1_method", "v1_path", "v2_method", "v2_target", "_"),
    GUIDE_ROUTES,
    ids=_ids(GUIDE_ROUTES),
)
def test_route_to_v2_short_prefix(v1_method, v1_path, v2_method, v2_target, _):
    route = convert_route(v1_method, "/v1" + v1_path)
    assert route.target == "/api/v2" + v2_target


def test_route_table_pairs_are_unique():
    forward = [(str(pair.v1), pair.filter_param) for pair in ROUTES if pair.forward]
    assert len(forward) == len(set(forward))


def test_route_numeric_ids_fill_the_template():
    route = convert_route("PUT", "/v1/deals/42/products/7")
    assert route.path == "/api/v2/deals/42/products/7"


def test_route_nested_list_id_becomes_filter():
    route = convert_route("GET", "/v1/persons/5/deals")
    assert route.query == {"person_id": "5"}


def test_route_keeps_scheme_and_host():
    route = convert_route("GET", "https://acme.pipedrive.com/api/v1/deals/5")
    assert route.path == "https://acme.pipedrive.com/api/v2/deals/5"


def test_route_trailing_slash_ignored():
    route = convert_route("GET", "/v1/deals/")
    assert route.path == "/api/v2/deals"


def test_route_method_is_case_insensitive():
    route = convert_route("put", "/v1/stages/3")
    assert route.method == "PATCH"


def test_route_to_v1_uses_api_prefix():
    route = convert_route("GET", "/api/v2/pipelines", to="v1")
    assert route.path == "/api/v1/pipelines"


def test_route_bulk_products_single_id():
    route = convert_route("GET", "/api/v2/deals/products?deal_ids=9", to="v1")
    assert route.path == "/api/v1/deals/9/products"


def test_route_bulk_products_many_ids_raise():
    with pytest.raises(ConversionError, match="v1 takes one id in the path") as caught:
        convert_route("GET", "/api/v2/deals/products?deal_ids=9,10", to="v1")
    assert caught.value.path == ("query", "deal_ids")


def test_route_bulk_products_missing_ids():
    with pytest.raises(
        ConversionError, match="missing query parameter deal_ids"
    ) as caught:
        convert_route("GET", "/api/v2/deals/products", to="v1")
    assert caught.value.path == ("query", "deal_ids")


def test_route_stage_filter_stays_plain():
    # v1 GET /deals filters by stage_id itself.
    route = convert_request("GET", "/api/v2/deals?stage_id=4", to="v1")
    assert (route.path, route.query["stage_id"]) == ("/api/v1/deals", "4")


def test_route_pipeline_filter_nests():
    route = convert_request("GET", "/api/v2/deals?pipeline_id=2&stage_id=4", to="v1")
    assert (route.path, route.query["stage_id"]) == ("/api/v1/pipelines/2/deals", "4")


def test_route_two_nested_filters_to_v1_raises():
    with pytest.raises(ConversionError, match="several of these parameters") as caught:
        convert_route("GET", "/api/v2/deals?person_id=4&org_id=2", to="v1")
    assert caught.value.path == ("query",)


def test_route_nested_filter_list_raises():
    with pytest.raises(ConversionError, match="one id in the path") as caught:
        convert_route("GET", "/api/v2/persons?org_id=1,2", to="v1")
    assert caught.value.path == ("query", "org_id")


@pytest.mark.parametrize(
    ("v1_method", "v1_path", "v2_method", "v2_target", "_"), ONE_WAY, ids=_ids(ONE_WAY)
)
def test_route_one_way_rows_differ(v1_method, v1_path, v2_method, v2_target, _):
    try:
        route = convert_route(v2_method, "/api/v2" + v2_target, to="v1")
    except ConversionError:
        return
    assert route.path != "/api/v1" + v1_path


def test_route_variations_to_v1_raises_with_advice():
    with pytest.raises(ConversionError, match="product_variations") as caught:
        convert_route("GET", "/api/v2/products/3/variations", to="v1")
    assert caught.value.path == ("path",)


# Followers: the v2 DELETE takes the following user's id.


def test_route_follower_delete_maps_user():
    route = convert_route("DELETE", "/v1/deals/5/followers/77", follower_ids={77: 9})
    assert route.path == "/api/v2/deals/5/followers/9"


def test_route_follower_delete_accepts_string_keys():
    route = convert_route(
        "DELETE", "/v1/persons/5/followers/77", follower_ids={"77": "9"}
    )
    assert route.path == "/api/v2/persons/5/followers/9"


@pytest.mark.parametrize("resource", ["deals", "persons", "organizations", "products"])
def test_route_follower_delete_unmapped(resource):
    with pytest.raises(ConversionError, match="without follower_ids") as caught:
        convert_route("DELETE", f"/api/v1/{resource}/5/followers/77")
    assert caught.value.path == ("path",)
    assert "user id" in (caught.value.hint or "")


def test_route_follower_delete_unknown_id():
    with pytest.raises(ConversionError, match="not found in follower_ids") as caught:
        convert_route("DELETE", "/v1/deals/5/followers/78", follower_ids={77: 9})
    assert caught.value.value == "78"


def test_route_follower_delete_to_v1():
    route = convert_route(
        "DELETE", "/api/v2/products/5/followers/9", to="v1", follower_ids={77: 9}
    )
    assert route.path == "/api/v1/products/5/followers/77"


def test_route_follower_delete_ambiguous_user():
    with pytest.raises(ConversionError, match="several follower ids"):
        convert_route(
            "DELETE", "/api/v2/deals/5/followers/9", to="v1", follower_ids={1: 9, 2: 9}
        )


def test_route_follower_delete_to_v1_unmapped():
    with pytest.raises(ConversionError, match="without follower_ids"):
        convert_route("DELETE", "/api/v2/deals/5/followers/9", to="v1")


# Field selectors.


def test_route_field_selector_reported():
    route = convert_route("GET", "/v1/deals/5:(id,title)")
    assert route.path == "/api/v2/deals/5"
    assert "include_fields" in route.removed["path:(id,title)"]


def test_route_field_selector_strict_raises():
    with pytest.raises(ConversionError, match="field selectors") as caught:
        convert_request("GET", "/v1/deals:(id,title)", strict=True)
    assert caught.value.path == ("path",)


def test_route_field_selector_in_v2_path_raises():
    with pytest.raises(ConversionError, match="not valid in v2 paths"):
        convert_route("GET", "/api/v2/deals:(id)", to="v1")


# Endpoints that the other version does not have.


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/notes"),
        ("POST", "/v1/notes"),
        ("GET", "/v1/users/5"),
        ("GET", "/v1/deals/5/files"),
        ("GET", "/v1/deals/summary"),
        ("GET", "/v1/leads"),
        ("PUT", "/v1/products/5/images"),
    ],
)
def test_route_without_v2_endpoint_raises(method, path):
    with pytest.raises(ConversionError, match="v2 has no endpoint") as caught:
        convert_route(method, path)
    assert caught.value.path == ("path",)


@pytest.mark.parametrize(
    "resource", ["activities", "deals", "persons", "organizations", "stages"]
)
def test_route_bulk_delete_raises(resource):
    with pytest.raises(ConversionError, match="v2 has no endpoint") as caught:
        convert_route("DELETE", f"/v1/{resource}?ids=1,2")
    assert f"DELETE /api/v2/{resource}/:id" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v2/deals/5/followers/changelog"),
        ("POST", "/api/v2/deals/5/products/bulk"),
        ("GET", "/api/v2/deals/archived"),
    ],
)
def test_route_without_v1_endpoint_raises(method, path):
    with pytest.raises(ConversionError, match="v1 has no endpoint") as caught:
        convert_route(method, path, to="v1")
    assert caught.value.path == ("path",)


def test_route_bulk_products_delete_to_v1():
    with pytest.raises(ConversionError, match="v1 has no endpoint") as caught:
        convert_route("DELETE", "/api/v2/deals/5/products?ids=1,2", to="v1")
    assert caught.value.path == ("method",)


def test_route_v1_patch_raises_with_put_advice():
    with pytest.raises(
        ConversionError, match="no endpoint for PATCH /deals/5"
    ) as caught:
        convert_route("PATCH", "/v1/deals/5")
    assert caught.value.path == ("method",)
    assert caught.value.expected == "one of DELETE, GET, PUT"
    assert "PUT" in (caught.value.hint or "")


def test_route_v2_put_raises():
    with pytest.raises(ConversionError, match="no endpoint for PUT") as caught:
        convert_route("PUT", "/api/v2/deals/5", to="v1")
    assert caught.value.expected == "one of DELETE, GET, PATCH"


def test_route_deal_products_bulk_delete():
    with pytest.raises(ConversionError, match="v2 has no endpoint") as caught:
        convert_route("DELETE", "/v1/deals/5/products")
    assert caught.value.path == ("method",)


@pytest.mark.parametrize("path", ["/api/v2/deals", "/deals", "/v2/deals"])
def test_route_to_v2_rejects_non_v1_path(path):
    with pytest.raises(ConversionError, match="not a v1 path") as caught:
        convert_route("GET", path)
    assert caught.value.value == path


@pytest.mark.parametrize("path", ["/v1/deals", "/v2/deals", "/deals"])
def test_route_to_v1_rejects_non_v2_path(path):
    with pytest.raises(ConversionError, match="not a v2 path"):
        convert_route("GET", path, to="v1")


def test_route_fragment_rejected():
    with pytest.raises(ConversionError, match="fragment"):
        convert_route("GET", "/v1/deals#top")


def test_route_invalid_version_argument():
    with pytest.raises(ValueError, match="to must be"):
        convert_route("GET", "/v1/deals", to="v3")


def test_route_non_string_path_raises():
    with pytest.raises(ConversionError, match="invalid path") as caught:
        convert_route("GET", 5)  # type: ignore[arg-type]
    assert caught.value.path == ("path",)
