"""The real Stripe client code against a local stand-in: nothing leaves the machine."""

import json
import time

import pytest
import stripe
from rest_framework.test import APIClient

from commerce.models import Order, Payment
from commerce.payments import get_gateway
from commerce.payments.signing import sign
from tests.commerce.payments import checkout, hold_for, post_webhook
from tests.commerce.stripe_standin import StripeStandIn
from tests.factories import make_event

pytestmark = pytest.mark.django_db
WEBHOOK_SECRET = "whsec_test_local"


@pytest.fixture
def stripe_api(settings):
    with StripeStandIn() as stand_in:
        settings.STRIPE_SECRET_KEY = "sk_test_local"
        settings.STRIPE_PUBLISHABLE_KEY = "pk_test_local"
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = stand_in.url
        settings.PAYMENT_GATEWAY = "stripe"
        yield stand_in


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=10, tiers=[("General", 2500, None)])


def stripe_event(intent_id, event_type="payment_intent.succeeded"):
    payload = json.dumps(
        {
            "id": f"evt_{time.time_ns()}",
            "object": "event",
            "type": event_type,
            "data": {"object": {"id": intent_id, "object": "payment_intent"}},
            "api_version": stripe.api_version,
        }
    ).encode()
    return payload, sign(payload, WEBHOOK_SECRET)


def test_checkout_creates_one_payment_intent_with_automatic_methods(stripe_api, event):
    hold = hold_for(event, 2)
    first, second = checkout(hold), checkout(hold)
    assert first.gateway == "stripe" and first.pk == second.pk
    assert len(stripe_api.intents) == 1
    intent = stripe_api.intents[first.reference]
    assert (intent["amount"], intent["currency"]) == (5000, "eur")
    assert intent["automatic_payment_methods"] == {"enabled": True}
    assert intent["metadata"]["payment_id"] == str(first.pk)
    assert first.client_secret == intent["client_secret"]
    keys = [
        key for method, path, _form, key in stripe_api.requests if path == "/v1/payment_intents"
    ]
    assert keys == [f"hold-{hold.pk}-5000"]


def test_a_signed_stripe_webhook_makes_an_order_after_asking_stripe(client, stripe_api, event):
    payment = checkout(hold_for(event, 1))
    payload, signature = stripe_event(payment.reference)
    assert post_webhook(client, payload, signature).json() == {"status": "pending"}
    stripe_api.succeed(payment.reference)
    assert post_webhook(client, *stripe_event(payment.reference)).json() == {
        "status": "order_created"
    }
    order = Order.objects.get()
    assert (order.payment_provider, order.payment_reference) == ("stripe", payment.reference)


def test_a_webhook_not_signed_with_our_secret_is_refused(client, stripe_api, event):
    payment = checkout(hold_for(event, 1))
    stripe_api.succeed(payment.reference)
    payload = stripe_event(payment.reference)[0]
    response = post_webhook(client, payload, sign(payload, "whsec_someone_else"))
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_a_refund_goes_through_stripe(stripe_api, event):
    payment = checkout(hold_for(event, 1))
    get_gateway("stripe").refund(reference=payment.reference, amount_minor=payment.amount_minor)
    assert stripe_api.refunds == [
        {**stripe_api.refunds[0], "payment_intent": payment.reference, "amount": 2500}
    ]
    assert Payment.objects.get().reference == payment.reference


def test_the_pay_page_mounts_the_payment_element_with_the_publishable_key(
    client, stripe_api, event
):
    general = event.tiers.get()
    checkout_url = client.post(f"/tickets/{event.pk}/hold/", {f"tier_{general.pk}": 2})["Location"]
    details = {"buyer_name": "Sam Stripe", "buyer_email": "sam@example.com", "pay": "1"}
    pay_url = client.post(checkout_url, details)["Location"]
    page = client.get(pay_url)
    assert page.status_code == 200
    body = page.content.decode()
    intent = next(iter(stripe_api.intents.values()))
    assert '<div id="payment-element"></div>' in body
    assert 'data-publishable-key="pk_test_local"' in body
    assert f'data-client-secret="{intent["client_secret"]}"' in body
    assert "https://js.stripe.com/v3/" in body
    assert 'name="card_number"' not in body  # no demo card form
    payment = Payment.objects.get()
    assert f"/checkout/payments/{payment.pk}/" in body  # where Stripe returns the buyer


def test_api_checkout_answers_the_client_secret_for_the_payment_element(stripe_api, event):
    api = APIClient()
    general = event.tiers.get()
    hold = api.post(
        "/api/v1/holds/", {"lines": [{"tier_id": general.pk, "quantity": 1}]}, format="json"
    ).json()
    response = api.post(
        f"/api/v1/holds/{hold['id']}/checkout/",
        {"buyer_email": "api@example.com", "buyer_name": "Api Buyer"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    payment = Payment.objects.get()
    intent = stripe_api.intents[payment.reference]
    assert body["gateway"] == "stripe" and body["payment_id"] == str(payment.pk)
    assert body["client_secret"] == intent["client_secret"]
    assert body["publishable_key"] == "pk_test_local"
    assert "confirm_url" not in body


def test_a_charge_of_another_amount_is_refunded_in_full_not_by_the_order_total(
    client, stripe_api, event, django_capture_on_commit_callbacks, mailoutbox
):
    payment = checkout(hold_for(event, 2))
    stripe_api.intents[payment.reference]["amount"] = 9999  # charged more than the order
    stripe_api.succeed(payment.reference)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = post_webhook(client, *stripe_event(payment.reference)).json()
    assert outcome == {"status": "refunding"}
    assert not Order.objects.exists()
    assert [(r["payment_intent"], r["amount"]) for r in stripe_api.refunds] == [
        (payment.reference, 9999)
    ]
    refunded = Payment.objects.get()
    assert (refunded.status, refunded.amount_minor) == ("refunded", 9999)
    assert "€99.99" in mailoutbox[0].body


def test_an_exchange_difference_is_a_stripe_payment_intent_paid_through_the_webhook(
    client, stripe_api, event, settings
):
    from commerce.models import ExchangeCharge, TicketStatus
    from commerce.services.exchange_charges import request_exchange_payment
    from event_pages.models import TicketTier
    from tests.commerce.test_ticket_transfer import buy

    settings.PAYMENT_GATEWAY = "demo"
    order = buy(event, General=1)
    settings.PAYMENT_GATEWAY = "stripe"
    vip = TicketTier.objects.create(
        page=event, name="VIP", price_minor=6000, currency="EUR", sort_order=9
    )
    event.save_revision().publish()
    ticket = order.tickets.get()

    charge = request_exchange_payment(ticket=ticket, tier=TicketTier.objects.get(pk=vip.pk))

    intent = stripe_api.intents[charge.reference]
    assert (intent["amount"], intent["currency"]) == (3500, "eur")
    assert intent["metadata"] == {
        "exchange_charge_id": str(charge.pk),
        "order_id": str(order.pk),
    }
    assert charge.gateway == "stripe" and charge.client_secret == intent["client_secret"]
    page = client.get(f"/exchanges/{charge.pk}/{charge.token}/").content.decode()
    assert 'id="stripe-form"' in page and charge.client_secret in page
    assert "pk_test_local" in page and 'name="card_number"' not in page

    payload, signature = stripe_event(charge.reference)
    assert post_webhook(client, payload, signature).json() == {"status": "pending"}
    stripe_api.succeed(charge.reference)
    payload, signature = stripe_event(charge.reference)
    assert post_webhook(client, payload, signature).json() == {"status": "exchange_completed"}
    charge = ExchangeCharge.objects.get(pk=charge.pk)
    ticket.refresh_from_db()
    assert charge.status == "paid" and ticket.status == TicketStatus.VOID


def test_an_exchange_refused_for_want_of_a_place_leaves_no_stripe_payment_open(
    stripe_api, event, settings
):
    from commerce.exceptions import InsufficientInventory
    from commerce.models import ExchangeCharge, TierInventory
    from commerce.services.exchange_charges import request_exchange_payment
    from event_pages.models import TicketTier
    from tests.commerce.test_ticket_transfer import buy

    settings.PAYMENT_GATEWAY = "demo"
    order = buy(event, General=1)
    settings.PAYMENT_GATEWAY = "stripe"
    vip = TicketTier.objects.create(
        page=event, name="VIP", price_minor=6000, currency="EUR", sort_order=9, allocation=0
    )
    event.save_revision().publish()
    vip = TicketTier.objects.get(pk=vip.pk)
    ticket = order.tickets.get()

    with pytest.raises(InsufficientInventory):
        request_exchange_payment(ticket=ticket, tier=vip)
    assert not ExchangeCharge.objects.exists()
    [(first_id, first)] = stripe_api.intents.items()
    assert first["status"] == "canceled"  # nobody can pay what was never reserved

    TierInventory.objects.filter(tier_key=vip.translation_key).update(allocation=1)
    charge = request_exchange_payment(ticket=ticket, tier=vip)
    assert charge.reference != first_id
    assert stripe_api.intents[charge.reference]["status"] == "requires_payment_method"
