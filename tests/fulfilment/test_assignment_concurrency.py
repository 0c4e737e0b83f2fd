"""One ticket per pre-order and one pre-order per ticket, with uploads and payments at once.

Real threads with their own PostgreSQL connections and transactions: several uploads
(each storing tickets, then running the engine) and payments (each confirming
pre-orders, whose commit triggers the engine) start at the same moment.
"""

import collections
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from fulfilment.models import (
    Assignment,
    PreOrder,
    PreOrderStatus,
    TicketCredential,
    TicketStatus,
)
from fulfilment.services.assignment import assign, on_pre_order_paid
from tests.conftest import requires_postgres
from tests.factories import make_event
from tests.fulfilment.assignment_data import make_offer, pre_order, ticket

UPLOADS, TICKETS_PER_UPLOAD = 4, 12
PAYMENTS, PRE_ORDERS_PER_PAYMENT = 4, 8


def _in_threads(jobs):
    barrier, errors = threading.Barrier(len(jobs)), []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_and_payments_give_each_ticket_to_one_paid_pre_order(organization):
    offer = make_offer(make_event(organization, "Rush Night"), ["Early", "Late"])
    early, late = offer.variants.order_by("sort_order")
    already_paid = [pre_order(offer, variant=(early, late)[i % 2]) for i in range(10)]
    unpaid = [
        pre_order(offer, variant=(early, late)[i % 2], status=PreOrderStatus.PROCESSING)
        for i in range(PAYMENTS * PRE_ORDERS_PER_PAYMENT)
    ]
    never_paid = pre_order(offer, variant=early, status=PreOrderStatus.FAILED)

    def upload(number):
        def job():
            with transaction.atomic():
                for i in range(TICKETS_PER_UPLOAD):
                    ticket(offer, variant=(early, late)[(i + number) % 2])
            assign(offer.event_key, reason=f"upload-{number}")

        return job

    def payment(number):
        batch = unpaid[number * PRE_ORDERS_PER_PAYMENT : (number + 1) * PRE_ORDERS_PER_PAYMENT]

        def job():
            for paid in batch:
                with transaction.atomic():
                    PreOrder.objects.filter(pk=paid.pk).update(
                        status=PreOrderStatus.CONFIRMED, confirmed_at=timezone.now()
                    )
                    paid.status = PreOrderStatus.CONFIRMED
                    on_pre_order_paid(paid)

        return job

    jobs = [upload(n) for n in range(UPLOADS)] + [payment(n) for n in range(PAYMENTS)]
    assert _in_threads(jobs) == []

    assignments = list(Assignment.objects.values_list("ticket_id", "pre_order_id"))
    tickets_given = [t for t, _p in assignments]
    pre_orders_served = [p for _t, p in assignments]
    assert len(set(tickets_given)) == len(tickets_given)
    assert len(set(pre_orders_served)) == len(pre_orders_served)
    # Exactly as many as possible per variant: min(tickets, paid pre-orders).
    tickets_of = collections.Counter(TicketCredential.objects.values_list("variant", flat=True))
    paid = PreOrder.objects.filter(confirmed_at__isnull=False)
    paid_of = collections.Counter(paid.values_list("variant", flat=True))
    served_of = collections.Counter(Assignment.objects.values_list("pre_order__variant", flat=True))
    for variant in (early, late):
        assert served_of[variant.pk] == min(tickets_of[variant.pk], paid_of[variant.pk])
    # Every ticket given went to a paid pre-order with the same variant, and statuses agree.
    for assignment in Assignment.objects.select_related("ticket", "pre_order"):
        assert assignment.pre_order.confirmed_at is not None
        assert assignment.ticket.variant_id == assignment.pre_order.variant_id
        assert (assignment.ticket.status, assignment.pre_order.status) == ("assigned", "fulfilled")
    never_paid.refresh_from_db()
    assert never_paid.status == PreOrderStatus.FAILED
    assert not Assignment.objects.filter(pre_order=never_paid).exists()
    # Nothing left behind: no ticket unassigned, no paid pre-order merely "confirmed".
    assert not TicketCredential.objects.filter(status=TicketStatus.UNASSIGNED).exists()
    assert not paid.filter(status=PreOrderStatus.CONFIRMED).exists()
    assert len(already_paid) + len(unpaid) == paid.count()
