"""The published OpenAPI schema: only REST API v1, and it describes what the API answers."""

import pytest
from rest_framework.test import APIClient

from commerce.api import schema as documented
from tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def published(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def event(organization):
    return make_event(organization, "Schema Night", capacity=10, tiers=[("General", 2500, 1)])


def component(schema, ref_holder):
    name = ref_holder["$ref"].rsplit("/", 1)[-1]
    return schema["components"]["schemas"][name]


def response_schema(schema, path, method, status, media="application/json"):
    content = schema["paths"][path][method]["responses"][status]["content"][media]["schema"]
    return component(schema, content) if "$ref" in content else content


def properties(schema, component_schema, name):
    """The documented fields of a nested object or array property."""
    prop = component_schema["properties"][name]
    return component(schema, prop.get("items", prop))["properties"]


def test_only_the_public_api_v1_is_published(published):
    paths = set(published["paths"])
    assert paths, "the schema lists no paths"
    assert all(path.startswith("/api/v1/") for path in paths), sorted(paths)
    assert {
        "/api/v1/auth/register/",
        "/api/v1/events/",
        "/api/v1/holds/",
        "/api/v1/orders/",
        "/api/v1/orders/{number}/",
        "/api/v1/tickets/{code}/qr.png",
        "/api/v1/organizer/events/{id}/publish/",
    } <= paths


def test_the_order_detail_response_documents_number_status_items_and_tickets(published):
    order = response_schema(published, "/api/v1/orders/{number}/", "get", "200")
    assert {"number", "status", "items", "tickets"} <= set(order["properties"])
    assert {"tier_id", "quantity"} <= set(properties(published, order, "items"))
    assert {"code", "qr_url"} <= set(properties(published, order, "tickets"))
    listing = response_schema(published, "/api/v1/orders/", "get", "200")
    assert component(published, listing["properties"]["results"]["items"]) == order


def test_the_ticket_qr_is_documented_as_a_png_and_publish_refusals_as_errors(published):
    qr = response_schema(published, "/api/v1/tickets/{code}/qr.png", "get", "200", "image/png")
    assert qr == {"type": "string", "format": "binary"}
    publish = "/api/v1/organizer/events/{id}/publish/"
    assert "tiers" in response_schema(published, publish, "post", "200")["properties"]
    refusal = response_schema(published, publish, "post", "400")
    assert set(refusal["properties"]) == {"error", "detail"}


def test_a_real_order_answer_has_exactly_the_documented_fields(api, published, event):
    tier = event.tiers.get()
    hold = api.post("/api/v1/holds/", {"lines": [{"tier_id": tier.pk, "quantity": 1}]}, "json")
    checkout = api.post(
        f"/api/v1/holds/{hold.json()['id']}/checkout/",
        {"buyer_email": "doc@example.com", "buyer_name": "Doc"},
        format="json",
    )
    paid = api.post(checkout.json()["confirm_url"], {"card_number": "4242424242424242"}, "json")
    answer = api.get(f"/api/v1/orders/{paid.json()['order_number']}/").json()

    order = response_schema(published, "/api/v1/orders/{number}/", "get", "200")
    assert set(answer) == set(order["properties"])
    assert set(answer["event"]) == set(properties(published, order, "event"))
    assert set(answer["items"][0]) == set(properties(published, order, "items"))
    assert set(answer["tickets"][0]) == set(properties(published, order, "tickets"))


def test_the_hold_checkout_and_payment_answers_match_their_documentation(api, event):
    """The documentation serializers for the buying steps describe the real bodies."""
    tier = event.tiers.get()
    hold = api.post("/api/v1/holds/", {"lines": [{"tier_id": tier.pk, "quantity": 1}]}, "json")
    assert hold.status_code == 201
    assert set(hold.json()) == set(documented.HoldSerializer().fields)
    assert set(hold.json()["lines"][0]) == set(documented.HoldLineSerializer().fields)

    refused = APIClient().post(
        "/api/v1/holds/", {"lines": [{"tier_id": tier.pk, "quantity": 1}]}, format="json"
    )
    assert refused.status_code == 409
    assert set(refused.json()) == set(documented.InsufficientInventorySerializer().fields)

    checkout = api.post(
        f"/api/v1/holds/{hold.json()['id']}/checkout/",
        {"buyer_email": "doc@example.com", "buyer_name": "Doc"},
        format="json",
    ).json()
    fields = documented.CheckoutSerializer().fields
    assert set(checkout) <= set(fields)
    assert {name for name, field in fields.items() if field.required} <= set(checkout)

    paid = api.post(checkout["confirm_url"], {"card_number": "4242424242424242"}, "json").json()
    assert set(paid) == set(documented.DemoConfirmResultSerializer().fields)
    assert paid["status"] == "succeeded"


def test_the_event_lists_price_facet_is_documented_as_the_integers_it_answers(
    api, published, event
):
    listing = response_schema(published, "/api/v1/events/", "get", "200")
    facets = component(published, listing["properties"]["facets"])
    price = properties(published, facets, "price")
    assert price["value"]["type"] == "integer"
    assert properties(published, facets, "city")["value"]["type"] == "string"
    answered = api.get("/api/v1/events/").json()["facets"]["price"]
    assert answered and all(isinstance(row["value"], int) for row in answered)
