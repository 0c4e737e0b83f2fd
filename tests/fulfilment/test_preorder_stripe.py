"""Pre-orders on Stripe (the real SDK against the local stand-in): the card is saved with
a Customer and a SetupIntent, and captured by an off-session PaymentIntent."""

import datetime as dt
import json
import time

import pytest
import stripe
from django.utils import timezone

from commerce.payments.signing import sign
from fulfilment.models import PreOrderStatus
from fulfilment.services.capture import capture_due
from tests.commerce.stripe_standin import StripeStandIn
from tests.factories import make_event
from tests.fulfilment.preorder_data import make_offer, place

pytestmark = pytest.mark.django_db
WEBHOOK_SECRET = "whsec_test_local"


@pytest.fixture
def stripe_api(settings):
    with StripeStandIn() as stand_in:
        settings.STRIPE_SECRET_KEY = "sk_test_local"
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = stand_in.url
        settings.PAYMENT_GATEWAY = "stripe"
        yield stand_in


@pytest.fixture
def offer(organization):
    return make_offer(make_event(organization))


def webhook(client, intent_id, event_type="payment_intent.succeeded"):
    payload = json.dumps(
        {
            "id": f"evt_{time.time_ns()}",
            "object": "event",
            "type": event_type,
            "data": {"object": {"id": intent_id, "object": "payment_intent"}},
            "api_version": stripe.api_version,
        }
    ).encode()
    return client.post(
        "/payments/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, WEBHOOK_SECRET),
    )


def test_the_card_is_saved_for_off_session_use_and_captured_by_the_weekly_run(
    client, stripe_api, offer
):
    pre_order = place(offer, card="pm_card_visa")
    assert pre_order.gateway == "stripe"
    assert pre_order.customer_reference in stripe_api.customers
    assert stripe_api.saved_methods["pm_card_visa"] == pre_order.customer_reference
    setup = next(form for _m, path, form, _k in stripe_api.requests if path == "/v1/setup_intents")
    assert (setup["usage"], setup["confirm"]) == ("off_session", "true")

    assert capture_due(timezone.now() + dt.timedelta(days=8)).captured == 1
    pre_order.refresh_from_db()
    intent = stripe_api.intents[pre_order.payment_reference]
    assert (intent["amount"], intent["currency"], intent["customer"]) == (
        3000,
        "eur",
        pre_order.customer_reference,
    )
    charge = next(
        form for _m, path, form, _k in stripe_api.requests if form.get("off_session") == "true"
    )
    assert charge["confirm"] == "true"
    assert pre_order.status == PreOrderStatus.CONFIRMED
    # Stripe's own payment_intent.succeeded arrives later and changes nothing.
    confirmed_at = pre_order.confirmed_at
    assert webhook(client, pre_order.payment_reference).json() == {"status": "already_confirmed"}
    pre_order.refresh_from_db()
    assert pre_order.confirmed_at == confirmed_at


def test_a_declined_off_session_charge_is_counted_and_retried(stripe_api, offer):
    stripe_api.failing_methods.add("pm_card_chargeCustomerFail")
    pre_order = place(offer, card="pm_card_chargeCustomerFail")
    assert capture_due(timezone.now() + dt.timedelta(days=8)).retrying == 1
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrderStatus.PROCESSING
    assert pre_order.capture_attempts == 1
    assert pre_order.payment_reference in stripe_api.intents  # the failed intent's id
    assert "insufficient funds" in pre_order.last_capture_error


def test_a_card_stripe_cannot_save_is_refused_when_placing(stripe_api, offer):
    from fulfilment.services.placement import PreOrderError

    with pytest.raises(PreOrderError) as refusal:
        place(offer, card="tok_not_a_payment_method")
    assert refusal.value.code == "card_not_saved"


def test_with_stripe_the_event_page_takes_the_card_in_stripes_form_not_a_number_field(
    client, stripe_api, offer, settings
):
    from fulfilment.models import PreOrder
    from tests.factories import make_user

    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_local"
    member = make_user("stripe-member@example.com")
    client.force_login(member)
    html = client.get(offer.event.url).content.decode()
    assert 'data-stripe-card data-publishable-key="pk_test_local"' in html
    assert 'src="https://js.stripe.com/v3/"' in html
    assert 'type="hidden" name="card_number"' in html
    assert "4242 4242 4242 4242" not in html  # no demo card hint

    place_url = f"/account/pre-orders/new/{offer.event.pk}/"
    variant = offer.variants.first()
    missing = client.post(place_url, {"variant": variant.pk})
    assert "Enter your card details." in missing.content.decode()
    # Stripe.js turned the card into a PaymentMethod; its id is what the form posts.
    placed = client.post(place_url, {"variant": variant.pk, "card_number": "pm_card_visa"})
    assert placed.status_code == 302
    pre_order = PreOrder.objects.get(member=member)
    assert (pre_order.gateway, pre_order.status) == ("stripe", PreOrderStatus.PROCESSING)
    assert stripe_api.saved_methods["pm_card_visa"] == pre_order.customer_reference
