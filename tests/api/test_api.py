"""REST API v1 as a mobile app or partner would use it."""

import pytest
from rest_framework.test import APIClient

from commerce.models import Order, Payment
from event_pages.models import EventPage, Venue
from tests.factories import PASSWORD, make_event, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def token_for(api, email, password=PASSWORD):
    return api.post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")


def authed(user):
    client = APIClient()
    access = token_for(client, user.email).json()["access"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


@pytest.fixture
def event(organization):
    return make_event(
        organization, "API Night", capacity=10, tiers=[("General", 2500, None), ("VIP", 9000, 2)]
    )


def test_register_then_log_in_then_refresh_and_a_used_refresh_is_refused(api):
    response = api.post(
        "/api/v1/auth/register/",
        {"email": "New@Example.com", "password": PASSWORD, "name": "Nina New"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["email"] == "new@example.com"
    tokens = token_for(api, "new@example.com").json()
    assert set(tokens) == {"access", "refresh"}
    rotated = api.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert rotated.status_code == 200 and rotated.json()["refresh"] != tokens["refresh"]
    reused = api.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert reused.status_code == 401
    assert reused.json()["error"] == "invalid_token"


def test_registration_errors_name_the_field(api):
    make_user("taken@example.com")
    response = api.post(
        "/api/v1/auth/register/",
        {"email": "taken@example.com", "password": "1", "name": "X"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "validation_error"
    assert "email" in body["detail"]


def test_wrong_credentials_answer_401(api):
    make_user("ada@example.com")
    response = token_for(api, "ada@example.com", "wrong")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_credentials"


def test_the_event_list_shows_only_live_upcoming_events(api, organization, event):
    make_event(organization, "Hidden Draft", publish=False)
    make_event(organization, "Old Show", starts_in_days=-10)
    titles = [e["title"] for e in api.get("/api/v1/events/").json()["results"]]
    assert titles == ["API Night"]


def test_a_draft_event_is_not_found(api, organization):
    draft = make_event(organization, "Hidden Draft", publish=False)
    assert api.get(f"/api/v1/events/{draft.pk}/").status_code == 404


def test_event_detail_availability_drops_after_a_hold(api, event):
    vip = event.tiers.get(name="VIP")
    before = {
        t["name"]: t["available"] for t in api.get(f"/api/v1/events/{event.pk}/").json()["tiers"]
    }
    assert before == {"General": 10, "VIP": 2}
    response = api.post(
        "/api/v1/holds/", {"lines": [{"tier_id": vip.pk, "quantity": 2}]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["amount_minor"] == 18000
    after = {
        t["name"]: t["available"] for t in api.get(f"/api/v1/events/{event.pk}/").json()["tiers"]
    }
    assert after == {"General": 8, "VIP": 0}


def test_holding_too_many_answers_409_with_what_is_available(api, event):
    vip = event.tiers.get(name="VIP")
    response = api.post(
        "/api/v1/holds/", {"lines": [{"tier_id": vip.pk, "quantity": 3}]}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"] == "insufficient_inventory"
    assert response.json()["available"] == {str(vip.pk): 2}


def test_a_bad_hold_request_names_the_problem(api, event):
    response = api.post("/api/v1/holds/", {"lines": []}, format="json")
    assert response.status_code == 400 and response.json()["error"] == "validation_error"
    response = api.post(
        "/api/v1/holds/", {"lines": [{"tier_id": 999999, "quantity": 1}]}, format="json"
    )
    assert response.status_code == 400


def test_the_full_demo_purchase_through_the_api(event):
    buyer = make_user("buyer@example.com", name="Bo Buyer")
    client = authed(buyer)
    general = event.tiers.get(name="General")
    hold = client.post(
        "/api/v1/holds/", {"lines": [{"tier_id": general.pk, "quantity": 2}]}, format="json"
    ).json()
    checkout = client.post(f"/api/v1/holds/{hold['id']}/checkout/", {}, format="json").json()
    assert checkout["gateway"] == "demo"
    declined = client.post(
        checkout["confirm_url"], {"card_number": "4000000000000002"}, format="json"
    ).json()
    assert declined == {"status": "declined"}
    paid = client.post(
        checkout["confirm_url"], {"card_number": "4242 4242 4242 4242"}, format="json"
    ).json()
    assert paid["status"] == "succeeded"
    orders = client.get("/api/v1/orders/").json()["results"]
    assert [o["number"] for o in orders] == [paid["order_number"]]
    order = client.get(f"/api/v1/orders/{paid['order_number']}/").json()
    assert order["items"] == [
        {
            "tier_id": general.pk,
            "tier_name": "General",
            "quantity": 2,
            "unit_price_minor": 2500,
            "line_total_minor": 5000,
        }
    ]
    assert len(order["tickets"]) == 2
    qr = client.get(order["tickets"][0]["qr_url"])
    assert qr.status_code == 200 and qr["Content-Type"] == "image/png"
    assert Order.objects.count() == 1


def test_nobody_else_sees_my_hold_order_or_ticket(event):
    owner, stranger = make_user("owner@example.com"), make_user("stranger@example.com")
    mine, theirs = authed(owner), authed(stranger)
    general = event.tiers.get(name="General")
    hold = mine.post(
        "/api/v1/holds/", {"lines": [{"tier_id": general.pk, "quantity": 1}]}, format="json"
    ).json()
    assert (
        theirs.post(f"/api/v1/holds/{hold['id']}/checkout/", {}, format="json").status_code == 404
    )
    checkout = mine.post(f"/api/v1/holds/{hold['id']}/checkout/", {}, format="json").json()
    assert (
        theirs.post(
            checkout["confirm_url"], {"card_number": "4242424242424242"}, format="json"
        ).status_code
        == 404
    )
    number = mine.post(
        checkout["confirm_url"], {"card_number": "4242424242424242"}, format="json"
    ).json()["order_number"]
    assert theirs.get(f"/api/v1/orders/{number}/").status_code == 404
    assert theirs.get("/api/v1/orders/").json()["results"] == []
    code = Order.objects.get().tickets.first().code
    assert theirs.get(f"/api/v1/tickets/{code}/qr.png").status_code == 404
    assert APIClient().get(f"/api/v1/orders/{number}/").status_code == 404


def test_an_organizer_creates_a_draft_and_publishing_needs_an_enabled_tier(organizer):
    client = authed(organizer)
    response = client.post(
        "/api/v1/organizer/events/",
        {
            "title": "API Festival",
            "start": "2031-06-01T18:00:00Z",
            "end": "2031-06-01T23:00:00Z",
            "timezone": "Europe/Berlin",
            "total_capacity": 100,
            "tiers": [
                {
                    "name": "General",
                    "price_minor": 2500,
                    "currency": "EUR",
                    "allocation": None,
                    "enabled": False,
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 201
    event_id = response.json()["id"]
    assert EventPage.objects.get(pk=event_id).live is False
    refused = client.post(f"/api/v1/organizer/events/{event_id}/publish/")
    assert refused.status_code == 400
    assert refused.json()["error"] == "cannot_publish"
    assert "on sale" in refused.json()["detail"]["__all__"]
    event = EventPage.objects.get(pk=event_id)
    event.tiers.update(enabled=True)
    event.save_revision()
    published = client.post(f"/api/v1/organizer/events/{event_id}/publish/")
    assert published.status_code == 200
    assert EventPage.objects.get(pk=event_id).live


def test_event_creation_errors_name_the_field(organizer):
    response = authed(organizer).post(
        "/api/v1/organizer/events/",
        {
            "title": "Bad",
            "start": "2031-06-01T18:00:00Z",
            "end": "2031-05-01T18:00:00Z",
            "timezone": "Mars/Base",
            "total_capacity": 10,
            "tiers": [{"name": "A", "price_minor": 100, "currency": "EUR", "allocation": 20}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"timezone"} <= set(response.json()["detail"])


def test_an_organizer_cannot_publish_another_organizations_event(organizer, other_organization):
    theirs = make_event(other_organization, "Theirs", publish=False)
    response = authed(organizer).post(f"/api/v1/organizer/events/{theirs.pk}/publish/")
    assert response.status_code == 404


def test_an_attendee_cannot_create_events():
    response = authed(make_user("fan@example.com")).post(
        "/api/v1/organizer/events/",
        {"title": "X", "start": "2031-06-01T18:00:00Z", "timezone": "Europe/Berlin"},
        format="json",
    )
    assert response.status_code == 403


def test_rate_limits_answer_429_and_can_be_switched_off(api, event, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "holds": "2/min"}
    general = event.tiers.get(name="General")
    body = {"lines": [{"tier_id": general.pk, "quantity": 1}]}
    codes = [api.post("/api/v1/holds/", body, format="json").status_code for _ in range(3)]
    assert codes[-1] == 429
    assert api.post("/api/v1/holds/", body, format="json").json()["error"] == "rate_limited"
    settings.RATE_LIMITS_ENABLED = False
    assert api.post("/api/v1/holds/", body, format="json").status_code != 429


def test_the_openapi_schema_is_published(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/holds/" in schema["paths"]
    assert "/api/v1/orders/{number}/" in schema["paths"]


def test_a_guest_cannot_pay_or_see_another_guests_hold(event):
    first, second = APIClient(), APIClient()
    general = event.tiers.get(name="General")
    hold = first.post(
        "/api/v1/holds/", {"lines": [{"tier_id": general.pk, "quantity": 1}]}, format="json"
    ).json()
    assert (
        second.post(f"/api/v1/holds/{hold['id']}/checkout/", {}, format="json").status_code == 404
    )
    checkout = first.post(
        f"/api/v1/holds/{hold['id']}/checkout/",
        {"buyer_email": "guest@example.com", "buyer_name": "Guest"},
        format="json",
    ).json()
    refused = second.post(
        checkout["confirm_url"], {"card_number": "4242424242424242"}, format="json"
    )
    assert refused.status_code == 404
    assert not Order.objects.exists()
    paid = first.post(checkout["confirm_url"], {"card_number": "4242424242424242"}, format="json")
    assert paid.json()["status"] == "succeeded" and paid.json()["order_number"]


def test_an_organizer_creates_an_event_at_a_venue_under_their_own_organization(
    organizer, organization, other_organization
):
    venue = Venue.objects.create(
        name="Tempodrom", address="Möckernstraße 10", city="Berlin", country="Germany"
    )
    response = authed(organizer).post(
        "/api/v1/organizer/events/",
        {
            "title": "Venue Night",
            "start": "2031-07-01T19:00:00Z",
            "timezone": "Europe/Berlin",
            "venue": venue.pk,
            "total_capacity": 50,
            "tiers": [{"name": "General", "price_minor": 2000, "currency": "EUR"}],
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["venue"]["name"] == "Tempodrom"
    assert response.json()["organization"] == {"id": organization.pk, "name": "Aurora Live"}
    event = EventPage.objects.get(pk=response.json()["id"])
    assert event.get_parent().pk == organization.pk
    assert not event.is_descendant_of(other_organization)
    assert event.venue == venue


def payer_checked_out(event):
    """A signed-in buyer who held one General ticket and started checkout."""
    client = authed(make_user("payer@example.com"))
    general = event.tiers.get(name="General")
    hold = client.post(
        "/api/v1/holds/", {"lines": [{"tier_id": general.pk, "quantity": 1}]}, format="json"
    ).json()
    checkout = client.post(f"/api/v1/holds/{hold['id']}/checkout/", {}, format="json").json()
    return client, hold, checkout


def test_checkout_answers_the_payment_id_the_demo_confirm_url_points_at(event):
    client, hold, checkout = payer_checked_out(event)
    payment = Payment.objects.get(hold_id=hold["id"])
    assert checkout["payment_id"] == str(payment.pk)
    assert checkout["confirm_url"] == f"/api/v1/demo-payments/{payment.pk}/confirm/"
    assert (checkout["amount_minor"], checkout["currency"]) == (2500, "EUR")


def test_demo_confirm_is_not_found_when_the_site_takes_real_payments(event, settings):
    client, hold, checkout = payer_checked_out(event)
    settings.PAYMENT_GATEWAY = "stripe"  # the site switched to Stripe
    response = client.post(
        checkout["confirm_url"], {"card_number": "4242424242424242"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert not Order.objects.exists()
    assert Payment.objects.get().status == "pending"


@pytest.mark.parametrize(("cooloff_hours", "wait"), [(0.25, "15 minutes"), (0.5, "30 minutes")])
def test_repeated_wrong_passwords_lock_api_login_naming_the_configured_wait(
    api, settings, cooloff_hours, wait
):
    settings.AXES_COOLOFF_TIME = cooloff_hours
    make_user("locked@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token_for(api, "locked@example.com", "wrong-password").status_code == 401
    assert token_for(api, "locked@example.com", "wrong-password").status_code == 429
    refused = token_for(api, "locked@example.com")  # now even the right password
    assert refused.status_code == 429
    assert refused.json() == {
        "error": "locked_out",
        "detail": f"Too many failed login attempts. Try again in {wait}.",
    }
