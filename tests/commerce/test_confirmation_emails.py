"""Confirmation emails reach each recipient exactly once, even when sending fails part-way."""

import smtplib
import threading

import pytest
from django.core import mail
from django.db import connection

from commerce.models import EmailDelivery, Order
from commerce.payments.demo import confirm_demo_payment
from commerce.services.checkout import start_checkout
from commerce.tasks import send_order_confirmation
from tests.commerce.payments import hold_for
from tests.conftest import requires_postgres
from tests.factories import make_event


@pytest.fixture
def mail_server(settings):
    settings.EMAIL_BACKEND = "tests.commerce.mail_server.RefusingBackend"
    settings.TEST_REFUSED_RECIPIENTS = set()
    mail.outbox = []
    return settings


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=10, tiers=[("General", 2500, None)])


def group_payment(event, session_key="group"):
    """The buyer and two friends with their own email: three recipients."""
    return start_checkout(
        hold=hold_for(event, 3, session_key=session_key),
        buyer_email="lead@example.com",
        buyer_name="Lea Lead",
        attendee_names=["Lea", "Max", "Mia"],
        attendee_emails=["", "max@example.com", "mia@example.com"],
    )


def recipients():
    return sorted(message.to[0] for message in mail.outbox)


@pytest.mark.django_db
def test_a_partial_failure_is_retried_and_the_retry_sends_only_what_is_missing(
    event, mail_server, django_capture_on_commit_callbacks
):
    mail_server.TEST_REFUSED_RECIPIENTS = {"max@example.com"}
    # The queued task runs at once in tests (django-q2 sync mode re-raises what
    # a worker would record as a failure and retry): Max's address is refused,
    # Mia after him still gets her ticket.
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        with django_capture_on_commit_callbacks(execute=True):
            confirm_demo_payment(payment=group_payment(event), card_number="4242424242424242")
    order = Order.objects.get()
    assert recipients() == ["lead@example.com", "mia@example.com"]
    assert order.confirmation_sent_at is None

    # A retry while the server still refuses Max: it raises again, so the queue
    # keeps retrying, and nobody who already has their tickets gets them twice.
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_order_confirmation(order.pk)
    assert recipients() == ["lead@example.com", "mia@example.com"]
    order.refresh_from_db()
    assert order.confirmation_sent_at is None
    max_delivery = EmailDelivery.objects.get(order=order, recipient="max@example.com")
    assert max_delivery.sent_at is None and "550" in max_delivery.last_error

    mail_server.TEST_REFUSED_RECIPIENTS = set()
    send_order_confirmation(order.pk)
    assert recipients() == ["lead@example.com", "max@example.com", "mia@example.com"]
    max_mail = next(m for m in mail.outbox if m.to == ["max@example.com"])
    assert order.tickets.get(attendee_name="Max").code in max_mail.body
    order.refresh_from_db()
    assert order.confirmation_sent_at is not None

    assert send_order_confirmation(order.pk) == "already sent"
    assert len(mail.outbox) == 3
    assert set(EmailDelivery.objects.values_list("recipient", "last_error")) == {
        ("lead@example.com", ""),
        ("max@example.com", ""),
        ("mia@example.com", ""),
    }


@pytest.mark.django_db
def test_an_attendee_named_on_two_tickets_gets_one_email_with_both(event, mail_server):
    payment = start_checkout(
        hold=hold_for(event, 3, session_key="family"),
        buyer_email="parent@example.com",
        buyer_name="Pat Parent",
        attendee_names=["Pat", "Kim", "Kai"],
        attendee_emails=["", "kids@example.com", "KIDS@example.com"],
    )
    confirm_demo_payment(payment=payment, card_number="4242424242424242")
    send_order_confirmation(Order.objects.get().pk)
    assert recipients() == ["kids@example.com", "parent@example.com"]
    kids = next(m for m in mail.outbox if m.to == ["kids@example.com"])
    assert kids.alternatives[0][0].count("cid:ticket-") == 2


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_same_task_send_each_email_once(organization, mail_server):
    """django-q2 may start a retry while a slow first attempt is still sending."""
    event = make_event(organization, capacity=50, tiers=[("General", 2500, None)])
    for round_number in range(5):
        mail.outbox = []
        confirm_demo_payment(
            payment=group_payment(event, session_key=f"race-{round_number}"),
            card_number="4242424242424242",
        )
        order = Order.objects.latest("created_at")
        Order.objects.filter(pk=order.pk).update(confirmation_sent_at=None)
        EmailDelivery.objects.filter(order=order).delete()
        mail.outbox = []
        start = threading.Barrier(2)

        def worker(order_id=order.pk, barrier=start):
            barrier.wait()
            try:
                send_order_confirmation(order_id)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert recipients() == ["lead@example.com", "max@example.com", "mia@example.com"]
