"""Refunds made in the provider's dashboard arrive by webhook and are recorded once.

The payload is never trusted: the handler asks the gateway for the payment's
refunds and records each one it has no row for (matched by the refund's id).
"""

import json
import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction
from wagtail.models import ModelLogEntry

from commerce.models import DemoRefund, Order, OrderStatus, Refund, RefundSource, TicketStatus
from commerce.payments import get_gateway
from commerce.payments.demo import DemoGateway, signed_refund_event
from commerce.payments.signing import sign
from commerce.services.orders import apply_gateway_state, handle_webhook
from commerce.services.refunds import refund_order
from tests.commerce.payments import checkout, hold_for, post_webhook
from tests.commerce.refund_data import codes, on_sale, paid_order, sold
from tests.commerce.stripe_standin import StripeStandIn
from tests.conftest import requires_postgres
from tests.factories import make_event

WEBHOOK_SECRET = "whsec_test_local"


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=6, tiers=[("General", 2500, None)])


@pytest.fixture
def order(event):
    return paid_order(event, ("General", 2))


def dashboard_refund(order, amount_minor, key):
    """A refund made in the provider's dashboard: the gateway knows it, we do not."""
    return DemoGateway().refund(
        reference=order.payment_reference, amount_minor=amount_minor, idempotency_key=key
    )


def deliver(client, order, event_type="charge.refunded"):
    return post_webhook(
        client, *signed_refund_event(reference=order.payment_reference, event_type=event_type)
    )


def log_entries(order):
    return list(
        ModelLogEntry.objects.filter(object_id=str(order.pk), action__startswith="bilten.order_")
        .order_by("pk")
        .values_list("action", "user_id", "data")
    )


@pytest.mark.django_db
def test_a_partial_dashboard_refund_is_recorded_once_and_keeps_the_tickets(client, event, order):
    made = dashboard_refund(order, 1000, "dash-1")
    payload, signature = signed_refund_event(reference=order.payment_reference)

    assert post_webhook(client, payload, signature).json() == {"status": "refund_recorded"}
    assert post_webhook(client, payload, signature).json() == {"status": "duplicate"}
    assert deliver(client, order).json() == {"status": "refunds_known"}  # a new event id

    refund = Refund.objects.get()
    assert (refund.reference, refund.amount_minor) == (made.reference, 1000)
    assert (refund.source, refund.status, refund.created_by) == (
        RefundSource.GATEWAY,
        "succeeded",
        None,
    )
    order.refresh_from_db()
    assert (order.refunded_minor, order.status) == (1000, OrderStatus.PARTIALLY_REFUNDED)
    assert len(codes(order, TicketStatus.VALID)) == 2 and sold(event) == 2
    [(action, user, data)] = log_entries(order)
    assert (action, user) == ("bilten.order_refunded", None)
    assert data["before"] == {"refunded_minor": 0, "status": "completed"}
    assert data["after"] == {"refunded_minor": 1000, "status": "partially_refunded"}
    assert data["reference"] == made.reference


@pytest.mark.django_db
def test_a_full_dashboard_refund_ends_the_tickets_and_frees_their_places(client, event, order):
    dashboard_refund(order, order.total_minor, "dash-all")
    assert deliver(client, order).json() == {"status": "refund_recorded"}
    order.refresh_from_db()
    assert (order.refunded_minor, order.status) == (5000, OrderStatus.REFUNDED)
    assert len(codes(order, TicketStatus.REFUNDED)) == 2
    assert sold(event) == 0 and on_sale(event, "General") == 6
    assert deliver(client, order).json() == {"status": "refunds_known"}
    assert sold(event) == 0  # not released twice
    [(_action, _user, data)] = log_entries(order)
    assert data["after"] == {"refunded_minor": 5000, "status": "refunded"}


@pytest.mark.django_db
def test_our_own_refund_arriving_by_webhook_changes_nothing(client, event, order):
    ours = refund_order(order=order, tickets=[order.tickets.first()])
    assert deliver(client, order).json() == {"status": "refunds_known"}
    assert deliver(client, order, "refund.created").json() == {"status": "refunds_known"}
    assert list(Refund.objects.all()) == [ours]
    assert Refund.objects.get().source == RefundSource.AGENT
    order.refresh_from_db()
    assert (order.refunded_minor, sold(event)) == (2500, 1)
    assert log_entries(order) == []


@pytest.mark.django_db
def test_events_out_of_order_record_each_dashboard_refund_once(client, event, order):
    first = dashboard_refund(order, 1000, "dash-1")
    first_event = signed_refund_event(reference=order.payment_reference)
    second = dashboard_refund(order, 1500, "dash-2")
    second_event = signed_refund_event(reference=order.payment_reference)

    assert post_webhook(client, *second_event).json() == {"status": "refund_recorded"}
    assert post_webhook(client, *first_event).json() == {"status": "refunds_known"}
    assert post_webhook(client, *second_event).json() == {"status": "duplicate"}

    assert sorted(Refund.objects.values_list("reference", "amount_minor")) == sorted(
        [(first.reference, 1000), (second.reference, 1500)]
    )
    order.refresh_from_db()
    assert order.refunded_minor == 2500
    assert len(log_entries(order)) == 2


@pytest.mark.django_db
def test_a_refund_event_for_a_payment_we_do_not_know_is_recorded_and_ignored(client):
    payload, signature = signed_refund_event(reference="demo_pi_nobody")
    assert post_webhook(client, payload, signature).json() == {"status": "unknown_payment"}
    assert not Refund.objects.exists()


# --- Stripe (the local stand-in) ---------------------------------------------------------


@pytest.fixture
def stripe_api(settings):
    with StripeStandIn() as stand_in:
        settings.STRIPE_SECRET_KEY = "sk_test_local"
        settings.STRIPE_PUBLISHABLE_KEY = "pk_test_local"
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = stand_in.url
        settings.PAYMENT_GATEWAY = "stripe"
        yield stand_in


def stripe_order(stripe_api, event) -> Order:
    payment = checkout(hold_for(event, 2))
    stripe_api.succeed(payment.reference)
    with transaction.atomic():  # as the webhook handler applies it
        outcome = apply_gateway_state(reference=payment.reference, gateway=get_gateway())
    assert outcome == "order_created"
    return Order.objects.get(payment=payment)


def stripe_refund_event(intent_id, event_type="charge.refunded"):
    if event_type.startswith("charge."):
        data = {"id": f"ch_{time.time_ns()}", "object": "charge", "payment_intent": intent_id}
    else:
        data = {"id": f"re_{time.time_ns()}", "object": "refund", "payment_intent": intent_id}
    payload = json.dumps(
        {
            "id": f"evt_{time.time_ns()}",
            "object": "event",
            "type": event_type,
            "data": {"object": data},
        }
    ).encode()
    return payload, sign(payload, WEBHOOK_SECRET)


@pytest.mark.django_db
def test_a_stripe_dashboard_refund_is_recorded_from_stripe_s_own_list(client, stripe_api, event):
    order = stripe_order(stripe_api, event)
    made = stripe_api.refund(order.payment_reference, 1200)  # in Stripe's dashboard
    payload, signature = stripe_refund_event(order.payment_reference)
    assert post_webhook(client, payload, signature).json() == {"status": "refund_recorded"}
    assert post_webhook(client, payload, signature).json() == {"status": "duplicate"}
    again = stripe_refund_event(order.payment_reference, "refund.created")
    assert post_webhook(client, *again).json() == {"status": "refunds_known"}
    refund = Refund.objects.get()
    assert (refund.reference, refund.amount_minor, refund.source) == (made["id"], 1200, "gateway")
    order.refresh_from_db()
    assert (order.refunded_minor, len(codes(order, TicketStatus.VALID))) == (1200, 2)


@pytest.mark.django_db
def test_a_refund_stripe_reports_failed_later_is_taken_off_the_order(client, stripe_api, event):
    order = stripe_order(stripe_api, event)
    ours = refund_order(order=order, amount_minor=2000)
    stripe_api.refunds[0]["status"] = "failed"  # e.g. the card account was closed
    payload, signature = stripe_refund_event(order.payment_reference, "charge.refund.updated")
    assert post_webhook(client, payload, signature).json() == {"status": "refunds_known"}
    ours.refresh_from_db()
    assert ours.status == "failed" and ours.failure_message
    order.refresh_from_db()
    assert (order.refunded_minor, order.status) == (0, OrderStatus.COMPLETED)
    [(action, user, data)] = log_entries(order)
    assert (action, user) == ("bilten.order_refund_failed", None)
    assert data["before"]["refunded_minor"] == 2000 and data["after"]["refunded_minor"] == 0


@pytest.mark.django_db
def test_a_refund_whose_recording_failed_is_recorded_by_its_webhook(
    client, stripe_api, event, monkeypatch
):
    order = stripe_order(stripe_api, event)

    def database_fails(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("commerce.services.refunds.release_sold", database_fails)
    with pytest.raises(RuntimeError):
        refund_order(order=order)
    assert not Refund.objects.exists()  # rolled back, but Stripe refunded
    assert [r["amount"] for r in stripe_api.refunds] == [5000]
    monkeypatch.undo()

    assert post_webhook(client, *stripe_refund_event(order.payment_reference)).json() == {
        "status": "refund_recorded"
    }
    refund = Refund.objects.get()
    assert (refund.source, refund.amount_minor) == (RefundSource.GATEWAY, 5000)
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert len(codes(order, TicketStatus.REFUNDED)) == 2 and sold(event) == 0


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_webhook_arriving_while_our_refund_is_being_recorded_records_it_once(
    home_page, stripe_api, monkeypatch
):
    from commerce.payments.stripe_gateway import StripeGateway
    from tests.factories import make_organization

    organization = make_organization(home_page, "Race Org")
    for round_ in range(3):
        event = make_event(organization, f"Refund Race {round_}", capacity=6)
        order = stripe_order(stripe_api, event)
        refunded_at_stripe, go_on = threading.Event(), threading.Event()

        class SlowToRecord(StripeGateway):
            """Stripe has refunded; our transaction has not recorded it yet."""

            def refund(self, **kwargs):
                made = super().refund(**kwargs)
                refunded_at_stripe.set()
                go_on.wait(timeout=30)
                return made

        monkeypatch.setattr("commerce.services.refunds.get_gateway", lambda name: SlowToRecord())
        results = {}

        def ours():
            close_old_connections()
            try:
                results["ours"] = refund_order(order=order, amount_minor=2000)
            except Exception as error:
                results["ours"] = repr(error)
            finally:
                connection.close()

        def webhook():
            close_old_connections()
            try:
                payload, signature = stripe_refund_event(order.payment_reference)
                results["webhook"] = handle_webhook(
                    payload=payload, signature=signature, gateway=StripeGateway()
                )
            except Exception as error:
                results["webhook"] = repr(error)
            finally:
                connection.close()

        first = threading.Thread(target=ours)
        first.start()
        assert refunded_at_stripe.wait(timeout=30)
        second = threading.Thread(target=webhook)
        second.start()
        time.sleep(0.5)  # the webhook has asked Stripe and now waits for the order
        go_on.set()
        first.join(timeout=60)
        second.join(timeout=60)

        assert isinstance(results["ours"], Refund), results
        assert results["webhook"] == "refunds_known"
        refund = Refund.objects.get(order=order)
        assert (refund.source, refund.amount_minor) == (RefundSource.AGENT, 2000)
        order.refresh_from_db()
        assert order.refunded_minor == 2000
        monkeypatch.undo()
        assert not DemoRefund.objects.exists()
