"""A payment success settles in one transaction, on every database, with the hot
inventory rows written last (locked only until the commit); every other case
ends with nothing half-written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commerce.models import (
    DemoCharge,
    EventInventory,
    Hold,
    HoldStatus,
    Order,
    Payment,
    PaymentFollowUp,
    PaymentStatus,
    WebhookEvent,
)
from commerce.payments.demo import DemoGateway
from commerce.services.holds import release_expired_holds
from commerce.services.orders import handle_webhook
from tests.commerce.payments import checkout, hold_for, mark_charge, signed_event
from tests.conftest import requires_sql_core
from tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=4, tiers=[("General", 2500, None)])


def settle(payment, event_id=None):
    payload, signature = signed_event(payment, event_id=event_id)
    with CaptureQueriesContext(connection) as queries:
        outcome = handle_webhook(payload=payload, signature=signature, gateway=DemoGateway())
    return outcome, [query["sql"] for query in queries.captured_queries]


def writes_of(statements) -> list[str]:
    return [
        sql
        for sql in statements
        if sql.split(" ", 1)[0] in {"INSERT", "UPDATE", "DELETE"}
        and "commerce_webhookevent" not in sql
    ]


def test_a_success_for_an_active_hold_becomes_an_order_with_the_counters_written_last(
    event, settings
):
    settings.COMMERCE_SQL_CORE = False  # the Python path, statement by statement
    payment = checkout(hold_for(event, 2), names=["Ann", "Ben"])
    mark_charge(payment, "succeeded")
    outcome, statements = settle(payment, event_id="evt_fast_1")
    assert outcome == "order_created"
    writes = writes_of(statements)
    assert "commerce_eventinventory" in writes[-2] and "commerce_tierinventory" in writes[-1]
    assert not any("inventory" in sql for sql in writes[:-2])
    order = Order.objects.get()
    assert [t.attendee_name for t in order.tickets.order_by("pk")] == ["Ann", "Ben"]
    assert order.status == "completed" and order.completed_at is not None
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    assert WebhookEvent.objects.get(event_id="evt_fast_1").outcome == "order_created"
    inventory = EventInventory.objects.get()
    assert (inventory.sold, inventory.held) == (2, 0)


def test_a_hold_writes_its_rows_first_and_takes_the_counters_last(event, settings):
    settings.COMMERCE_SQL_CORE = False
    with CaptureQueriesContext(connection) as queries:
        hold_for(event, 2)
    writes = writes_of([query["sql"] for query in queries.captured_queries])
    assert "commerce_hold" in writes[0] and "commerce_holdline" in writes[1]
    assert "commerce_eventinventory" in writes[2] and "commerce_tierinventory" in writes[3]
    assert len(writes) == 4


@requires_sql_core
def test_on_postgresql_the_common_success_is_one_statement(event):
    payment = checkout(hold_for(event, 2), names=["Ann", "Ben"])
    mark_charge(payment, "succeeded")
    outcome, statements = settle(payment, event_id="evt_one")
    assert outcome == "order_created"
    writes = [sql for sql in statements if not sql.startswith(('SELECT "', "SAVEPOINT", "RELEASE"))]
    assert len(writes) == 1 and "bilten_settle_payment" in writes[0]
    order = Order.objects.get()
    assert [t.attendee_name for t in order.tickets.order_by("pk")] == ["Ann", "Ben"]
    assert all(len(t.code) == 22 for t in order.tickets.all())
    assert order.status == "completed" and order.total_minor == 5000
    inventory = EventInventory.objects.get()
    assert (inventory.sold, inventory.held) == (2, 0)


@requires_sql_core
def test_on_postgresql_a_hold_is_one_statement(event):
    with CaptureQueriesContext(connection) as queries:
        hold_for(event, 2)
    calls = [q["sql"] for q in queries.captured_queries if "bilten_place_hold" in q["sql"]]
    assert len(calls) == 1
    assert EventInventory.objects.get().held == 2


def test_the_same_success_delivered_again_is_a_duplicate_and_changes_nothing(event):
    payment = checkout(hold_for(event, 1))
    mark_charge(payment, "succeeded")
    assert settle(payment, event_id="evt_twice")[0] == "order_created"
    assert settle(payment, event_id="evt_twice")[0] == "duplicate"
    assert settle(payment, event_id="evt_other")[0] == "order_created"  # settled before
    assert Order.objects.count() == 1
    assert EventInventory.objects.get().sold == 1


def test_a_late_payment_with_no_tickets_left_keeps_no_order_and_is_refunded(event):
    late = checkout(hold_for(event, 3, session_key="late"))
    mark_charge(late, "succeeded")
    release_expired_holds(now=late.hold.expires_at)  # the hold lapses, its tickets go back
    hold_for(event, 4, session_key="someone-else")  # and are taken by someone else
    outcome, statements = settle(late, event_id="evt_late")
    assert outcome == "refunding"
    assert not Order.objects.exists()
    assert PaymentFollowUp.objects.get().payment_id == late.pk
    assert WebhookEvent.objects.filter(event_id="evt_late").count() == 1
    inventory = EventInventory.objects.get()
    assert (inventory.sold, inventory.held) == (0, 4)
    assert Hold.objects.get(pk=late.hold.pk).status == HoldStatus.EXPIRED


def test_an_amount_the_gateway_disagrees_with_becomes_no_order_but_a_refund(event):
    payment = checkout(hold_for(event, 1))
    mark_charge(payment, "succeeded")
    DemoCharge.objects.filter(reference=payment.reference).update(amount_minor=1)
    assert settle(payment)[0] == "refunding"
    assert not Order.objects.exists()
    assert EventInventory.objects.get().held == 1  # nothing moved to sold
    assert "Charged 1" in PaymentFollowUp.objects.get(payment=payment).reason
