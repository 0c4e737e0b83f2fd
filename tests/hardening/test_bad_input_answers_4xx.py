"""Input that used to answer 500 (or a database error) answers a clear 4xx naming the problem."""

import json

import pytest
from rest_framework.test import APIClient

from commerce.models import Order, Payment, PaymentStatus, WebhookEvent
from event_pages.models import EventPage
from tests.api.test_api import authed
from tests.commerce.payments import checkout, hold_for, post_webhook
from tests.event_pages.editor import ADD_URL, event_form, form_errors, tier
from tests.factories import make_event

pytestmark = pytest.mark.django_db

LONG_EMAIL = "a" * 250 + "@example.com"  # 262 characters: over email's 254
TOO_BIG = 2**31


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=5, tiers=[("General", 2500, None)])


# --- bodies over the upload limit --------------------------------------------------------


def test_an_api_body_over_the_upload_limit_answers_413(event, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    tier_id = event.tiers.get().pk
    body = {"lines": [{"tier_id": tier_id, "quantity": 1}], "padding": "x" * 2000}
    response = APIClient().post("/api/v1/holds/", body, format="json")
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert "1000 bytes" in response.json()["detail"]


def test_a_form_body_over_the_upload_limit_answers_413_on_the_api(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = APIClient().post(
        "/api/v1/auth/register/", {"email": "a@example.com", "name": "x" * 2000}
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_a_page_form_over_the_upload_limit_answers_a_413_page(client, event, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(f"/tickets/{event.pk}/hold/", {"padding": "x" * 2000})
    assert response.status_code == 413
    assert "Too much at once" in response.content.decode()


def test_a_webhook_over_the_upload_limit_answers_413_json(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_webhook(client, json.dumps({"pad": "x" * 2000}), "t=1,v1=00")
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


# --- deeply nested JSON -------------------------------------------------------------------


def test_deeply_nested_json_answers_400_parse_error():
    body = "[" * 100_000 + "]" * 100_000
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"


# --- emails over 254 characters -----------------------------------------------------------


def test_a_checkout_email_over_254_characters_is_refused_beside_the_field(client, event):
    tier_id = event.tiers.get().pk
    checkout_url = client.post(f"/tickets/{event.pk}/hold/", {f"tier_{tier_id}": 1})["Location"]
    response = client.post(
        checkout_url,
        {
            "buyer_name": "Gia",
            "buyer_email": LONG_EMAIL,
            "attendee_email_0": LONG_EMAIL,
            "pay": "1",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "buyer_email" in errors and "attendee_email_0" in errors
    assert "254" in errors["buyer_email"][0]
    assert not Payment.objects.exists()


def test_an_api_checkout_email_over_254_characters_names_the_field(event):
    api = APIClient()
    tier_id = event.tiers.get().pk
    hold = api.post(
        "/api/v1/holds/", {"lines": [{"tier_id": tier_id, "quantity": 1}]}, format="json"
    )
    response = api.post(
        f"/api/v1/holds/{hold.json()['id']}/checkout/",
        {"buyer_email": LONG_EMAIL, "buyer_name": "Gia", "attendee_emails": [LONG_EMAIL]},
        format="json",
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert response.json()["error"] == "validation_error"
    assert {"buyer_email", "attendee_emails"} <= set(detail)


def test_a_signup_email_over_254_characters_is_refused_beside_the_field(client):
    response = client.post(
        "/account/signup/",
        {
            "name": "Gia",
            "email": LONG_EMAIL,
            "password1": "x7-long-pass!",
            "password2": "x7-long-pass!",
        },
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


# --- counts over 2**31 - 1 ----------------------------------------------------------------


def test_the_api_refuses_a_capacity_and_allocation_over_the_limit_naming_them(organizer):
    response = authed(organizer).post(
        "/api/v1/organizer/events/",
        {
            "title": "Huge",
            "start": "2031-06-01T18:00:00Z",
            "timezone": "Europe/Berlin",
            "total_capacity": TOO_BIG,
            "tiers": [{"name": "A", "price_minor": 100, "currency": "EUR", "allocation": TOO_BIG}],
        },
        format="json",
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "2147483647" in detail["total_capacity"][0]
    assert "2147483647" in detail["tiers"]["0"]["allocation"][0]
    assert not EventPage.objects.filter(title="Huge").exists()


def test_the_editor_refuses_a_capacity_allocation_and_price_over_the_limit(editor, organization):
    response = editor.post(
        ADD_URL.format(parent=organization.pk),
        event_form(
            total_capacity=str(TOO_BIG),
            tiers=[tier(price=f"{TOO_BIG / 100:.2f}", allocation=str(TOO_BIG))],
        ),
    )
    assert response.status_code == 200
    errors = form_errors(response)
    assert "2147483647" in errors["total_capacity"][0]
    assert "2147483647" in errors["tiers-0-allocation"][0]
    assert "1,000,000.00" in errors["tiers-0-price_minor"][0]
    assert not EventPage.objects.exists()


# --- webhooks whose data is not an object ---------------------------------------------------


@pytest.mark.parametrize("data", ["not-an-object", [1, 2], {"object": "pi_123"}, {"object": [1]}])
def test_a_webhook_whose_data_is_not_an_object_answers_400_and_records_nothing(
    client, event, settings, data
):
    from commerce.payments import signing

    payment = checkout(hold_for(event, quantity=1))
    payload = json.dumps({"id": "evt_bad", "type": "payment_intent.succeeded", "data": data})
    signature = signing.sign(payload.encode(), settings.DEMO_WEBHOOK_SECRET)
    response = post_webhook(client, payload, signature)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_payload"
    assert not WebhookEvent.objects.exists()
    assert not Order.objects.exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
