"""A payment whose request died mid-way still ends as an order or a refund, by itself."""

import datetime as dt

import pytest
from django.utils import timezone

from commerce.models import (
    DemoCharge,
    EventInventory,
    FollowUpStatus,
    Hold,
    Order,
    Payment,
    PaymentFollowUp,
    PaymentStatus,
)
from commerce.services.holds import release_expired_holds
from commerce.services.reconciliation import reconcile_payments
from commerce.tasks import reconcile_payments as reconcile_task
from tests.commerce.payments import checkout, hold_for, mark_charge
from tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=3, tiers=[("General", 2500, None)])


def minutes_later(minutes):
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_a_paid_payment_whose_webhook_never_came_becomes_an_order_after_a_few_minutes(
    event, django_capture_on_commit_callbacks
):
    payment = checkout(hold_for(event, 2))
    mark_charge(payment, "succeeded")  # the buyer paid; the request died before the webhook
    assert reconcile_payments(now=minutes_later(1)).settled == 0  # not yet: too fresh
    with django_capture_on_commit_callbacks(execute=True):
        assert reconcile_payments(now=minutes_later(5)).settled == 1
    order = Order.objects.get()
    assert order.total_minor == 5000 and order.tickets.count() == 2
    assert EventInventory.objects.get().sold == 2
    assert reconcile_payments(now=minutes_later(10)).settled == 0  # settled once


def test_a_lost_payment_whose_tickets_are_gone_is_refunded_by_the_sweep(
    event, django_capture_on_commit_callbacks, mailoutbox
):
    payment = checkout(hold_for(event, 2))
    mark_charge(payment, "succeeded")
    release_expired_holds(now=payment.hold.expires_at)
    hold_for(event, 3, session_key="someone-else")
    with django_capture_on_commit_callbacks(execute=True):
        reconcile_payments(now=payment.hold.expires_at + dt.timedelta(minutes=5))
    assert not Order.objects.exists()
    assert PaymentFollowUp.objects.get().status == FollowUpStatus.REFUNDED
    assert DemoCharge.objects.get().status == "refunded"
    assert [m.to for m in mailoutbox] == [[payment.buyer_email]]


def test_a_refund_whose_task_was_lost_is_made_and_announced_by_the_next_sweep(event, mailoutbox):
    payment = checkout(hold_for(event, 2))
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.SUCCEEDED)
    DemoCharge.objects.update(status="succeeded")  # paid at the gateway: refundable there
    follow_up = PaymentFollowUp.objects.create(payment=payment, reason="late")  # task lost
    result = reconcile_payments(now=minutes_later(5))
    follow_up.refresh_from_db()
    assert (result.refunded, follow_up.status) == (1, FollowUpStatus.REFUNDED)
    assert DemoCharge.objects.get().status == "refunded"
    # The email went out with the refund (on commit); a lost email is sent next time.
    PaymentFollowUp.objects.update(buyer_notified_at=None)
    mailoutbox.clear()
    assert reconcile_payments(now=minutes_later(10)).notified == 1
    assert reconcile_payments(now=minutes_later(15)).notified == 0
    assert len(mailoutbox) == 1


def test_a_payment_never_made_for_a_hold_long_gone_is_cancelled_at_the_gateway(event):
    payment = checkout(hold_for(event, 1))
    later = payment.hold.expires_at + dt.timedelta(minutes=90)
    assert reconcile_payments(now=later).cancelled == 1
    assert Payment.objects.get().status == PaymentStatus.CANCELLED
    assert DemoCharge.objects.get().status == "canceled"


def test_a_payment_still_in_progress_is_left_alone(event):
    checkout(hold_for(event, 1))
    result = reconcile_payments(now=minutes_later(5))
    assert (result.settled, result.cancelled) == (0, 0)
    assert Payment.objects.get().status == PaymentStatus.PENDING
    assert Hold.objects.get().status == "active"


def test_the_scheduled_task_reports_what_it_did(event):
    assert "settled=0" in reconcile_task()


def test_the_reconciliation_runs_every_two_minutes():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="reconcile payments")
    assert (schedule.func, schedule.minutes) == ("commerce.tasks.reconcile_payments", 2)


def test_the_refund_email_is_in_the_buyers_language(event, mailoutbox):
    from commerce.services.holds import LineRequest, place_hold
    from tests.commerce.payments import checkout as start
    from tests.factories import make_user

    buyer = make_user("greta@example.com", language="de")
    hold = place_hold(
        event=event, lines=[LineRequest(event.tiers.get().pk, 1)], buyer=buyer, session_key="g"
    )
    payment = start(hold)
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.SUCCEEDED)
    DemoCharge.objects.update(status="succeeded")  # paid at the gateway: refundable there
    PaymentFollowUp.objects.create(payment=payment, reason="late")
    reconcile_payments(now=minutes_later(5))
    [notice] = mailoutbox
    assert notice.subject.startswith("Ihre Zahlung wurde erstattet")
    assert "Ihre Zahlung für Night Concert" in notice.body and "vollständig" in notice.body
