"""The same success delivered many times at once still makes one order (PostgreSQL)."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from commerce.models import Order, Ticket, WebhookEvent
from tests.commerce.payments import checkout, hold_for, mark_charge, post_webhook, signed_event
from tests.conftest import requires_postgres
from tests.factories import make_event, make_organization

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def deliver_concurrently(deliveries):
    barrier = threading.Barrier(len(deliveries))
    answers = []

    def run(payload, signature):
        close_old_connections()
        try:
            barrier.wait()
            answers.append(post_webhook(Client(), payload, signature).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=d) for d in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_one_event_delivered_concurrently_yields_one_order(home_page):
    event = make_event(make_organization(home_page, "Race"), capacity=50)
    for round_ in range(3):
        payment = checkout(hold_for(event, 2, session_key=f"buyer-{round_}"))
        mark_charge(payment, "succeeded")
        delivery = signed_event(payment, event_id=f"evt_race_{round_}")
        answers = deliver_concurrently([delivery] * 8)
        assert answers == [200] * 8
        assert Order.objects.filter(payment=payment).count() == 1
        assert Ticket.objects.filter(order__payment=payment).count() == 2
    assert WebhookEvent.objects.count() == 3


def test_different_events_for_one_payment_arriving_together_yield_one_order(home_page):
    event = make_event(make_organization(home_page, "Race"), capacity=50)
    payment = checkout(hold_for(event, 3))
    mark_charge(payment, "succeeded")
    answers = deliver_concurrently([signed_event(payment) for _ in range(8)])
    assert answers == [200] * 8
    assert Order.objects.count() == 1
    assert Ticket.objects.count() == 3
