"""Confirmation emails reach each recipient exactly once, even when sending fails part-way."""

import datetime as dt
import smtplib
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from commerce.emails import PERMANENT, send_missing_confirmations
from commerce.models import EmailDelivery, Order
from commerce.services.checkout import start_checkout
from commerce.services.demo_payments import confirm_demo_payment
from commerce.services.holds import LineRequest, place_hold
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
    mail_server.TEST_DEFERRED_RECIPIENTS = {"max@example.com"}
    # The queued task runs at once in tests (django-q2 sync mode): Max's server
    # says "try again later" (451), Mia after him still gets her ticket, and the
    # purchase itself goes through (a mail problem is never the buyer's).
    with django_capture_on_commit_callbacks(execute=True):
        outcome = confirm_demo_payment(payment=group_payment(event), card_number="4242424242424242")
    assert outcome == "succeeded"
    order = Order.objects.get()
    assert recipients() == ["lead@example.com", "mia@example.com"]
    assert order.confirmation_sent_at is None

    # A retry while the server still defers Max: it raises again, so the queue
    # keeps retrying, and nobody who already has their tickets gets them twice.
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_order_confirmation(order.pk)
    assert recipients() == ["lead@example.com", "mia@example.com"]
    order.refresh_from_db()
    assert order.confirmation_sent_at is None
    max_delivery = EmailDelivery.objects.get(order=order, recipient="max@example.com")
    assert max_delivery.sent_at is None and "451" in max_delivery.last_error

    mail_server.TEST_DEFERRED_RECIPIENTS = set()
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
def test_an_address_refused_for_good_is_recorded_and_never_tried_again(
    event, mail_server, django_capture_on_commit_callbacks
):
    mail_server.TEST_REFUSED_RECIPIENTS = {"max@example.com"}
    with django_capture_on_commit_callbacks(execute=True):  # the task does not fail
        confirm_demo_payment(payment=group_payment(event), card_number="4242424242424242")
    order = Order.objects.get()
    assert recipients() == ["lead@example.com", "mia@example.com"]
    refused = EmailDelivery.objects.get(order=order, recipient="max@example.com")
    assert refused.sent_at is None
    assert refused.last_error.startswith(PERMANENT) and "550" in refused.last_error

    mail_server.TEST_REFUSED_RECIPIENTS = set()
    assert send_missing_confirmations(now=later()) == 0
    send_order_confirmation(order.pk)
    assert recipients() == ["lead@example.com", "mia@example.com"]


def later(minutes=3):
    """Past the sweep's grace period: the queued task had its chance."""
    return timezone.now() + dt.timedelta(minutes=minutes)


@pytest.mark.django_db
def test_an_order_whose_queued_task_was_lost_gets_its_confirmation_from_the_sweep(
    event, mail_server, monkeypatch, django_capture_on_commit_callbacks
):
    # Redis restarted, or the worker was killed holding the task: it is gone.
    monkeypatch.setattr("commerce.services.orders.queue_confirmation", lambda order_id: None)
    with django_capture_on_commit_callbacks(execute=True):
        confirm_demo_payment(payment=group_payment(event), card_number="4242424242424242")
    order = Order.objects.get()
    assert mail.outbox == []

    assert send_missing_confirmations() == 0  # too early: the task may still come
    assert mail.outbox == []
    assert send_missing_confirmations(now=later()) == 3
    assert recipients() == ["lead@example.com", "max@example.com", "mia@example.com"]
    order.refresh_from_db()
    assert order.confirmation_sent_at is not None

    assert send_missing_confirmations(now=later(5)) == 0
    assert send_order_confirmation(order.pk) == "already sent"
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_the_sweep_is_scheduled_every_minute():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="commerce.tasks.send_missing_confirmations")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        Schedule.MINUTES,
        1,
        -1,
    )


@pytest.mark.django_db
def test_the_sweep_stops_while_the_mail_server_is_down_and_sends_once_it_is_back(
    event, mail_server, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("commerce.services.orders.queue_confirmation", lambda order_id: None)
    for number in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            confirm_demo_payment(
                payment=start_checkout(
                    hold=hold_for(event, 1, session_key=f"down-{number}"),
                    buyer_email=f"buyer{number}@example.com",
                    buyer_name="Bo Buyer",
                ),
                card_number="4242424242424242",
            )
    mail_server.TEST_MAIL_SERVER_DOWN = True
    assert send_missing_confirmations(now=later()) == 0
    # The first order's attempt is recorded; the second was not even tried.
    assert EmailDelivery.objects.count() == 1
    assert "Connection refused" in EmailDelivery.objects.get().last_error

    mail_server.TEST_MAIL_SERVER_DOWN = False
    assert send_missing_confirmations(now=later()) == 2
    assert recipients() == ["buyer0@example.com", "buyer1@example.com"]


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


def run_at_once(work, *, times):
    """Run `work` in `times` threads released together, each on its own connection."""
    start = threading.Barrier(times)

    def worker():
        start.wait()
        try:
            work()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


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
        run_at_once(lambda order_id=order.pk: send_order_confirmation(order_id), times=2)
        assert recipients() == ["lead@example.com", "max@example.com", "mia@example.com"]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_the_sweep_never_sends_twice_when_run_concurrently(organization, mail_server, monkeypatch):
    """Two workers run the sweep at once (a slow run overlapping the next minute's)."""
    monkeypatch.setattr("commerce.services.orders.queue_confirmation", lambda order_id: None)
    event = make_event(organization, capacity=60, tiers=[("General", 2500, None)])
    for round_number in range(5):
        for number in range(3):
            confirm_demo_payment(
                payment=group_payment(event, session_key=f"sweep-{round_number}-{number}"),
                card_number="4242424242424242",
            )
        mail.outbox = []
        run_at_once(lambda: send_missing_confirmations(now=later()), times=3)
        # Nine emails, and every recipient of every order has theirs: each went once.
        assert len(mail.outbox) == 9
        assert not Order.objects.filter(confirmation_sent_at__isnull=True).exists()


def run_queue_once():
    """What a qcluster does with the tasks due now: run each, record it, acknowledge successes."""
    from multiprocessing import Queue, Value

    from django_q.brokers import get_broker
    from django_q.monitor import monitor
    from django_q.signing import SignedPackage
    from django_q.worker import worker

    broker, tasks, results = get_broker(), Queue(), Queue()
    for ack_id, payload in broker.dequeue() or []:
        task = SignedPackage.loads(payload)
        task["ack_id"] = ack_id
        tasks.put(task)
    tasks.put("STOP")
    worker(tasks, results, Value("f", -1))
    results.put("STOP")
    monitor(results, broker)


@pytest.mark.django_db(transaction=True)
def test_a_transient_smtp_failure_is_retried_and_then_sent(organization, mail_server, monkeypatch):
    """Through django-q2 itself (ORM broker): the failed task stays queued and runs again."""
    from django_q.conf import Conf
    from django_q.models import OrmQ, Task

    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "BROKER_CLASS", None)
    monkeypatch.setattr(Conf, "ORM", "default")
    monkeypatch.setattr("commerce.services.orders._broker", lambda: None)
    event = make_event(organization, capacity=10, tiers=[("General", 2500, None)])
    mail_server.TEST_MAIL_SERVER_DOWN = True
    confirm_demo_payment(payment=group_payment(event), card_number="4242424242424242")
    order = Order.objects.get()
    assert OrmQ.objects.count() == 1

    run_queue_once()
    assert mail.outbox == []
    assert Task.objects.get().success is False
    assert (
        "Connection refused" in EmailDelivery.objects.get(recipient="lead@example.com").last_error
    )

    mail_server.TEST_MAIL_SERVER_DOWN = False
    OrmQ.objects.update(lock=timezone.now() - dt.timedelta(seconds=1))  # Q_CLUSTER["retry"] later
    run_queue_once()
    assert recipients() == ["lead@example.com", "max@example.com", "mia@example.com"]
    assert OrmQ.objects.count() == 0  # acknowledged
    task = Task.objects.get()
    assert (task.success, task.attempt_count) == (True, 2)
    order.refresh_from_db()
    assert order.confirmation_sent_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [
        ("de", "Ihre Tickets für", "Vielen Dank, Ana!"),
        ("fr", "Vos billets pour", "Merci, Ana !"),
        ("en", "Your tickets for", "Thank you, Ana!"),
    ],
)
def test_a_signed_in_buyer_gets_the_email_in_their_language(
    event, mail_server, language, subject, greeting
):
    from tests.factories import make_user

    buyer = make_user(f"{language}@example.com", language=language)
    payment = start_checkout(
        hold=place_hold(
            event=event,
            lines=[LineRequest(event.tiers.get().pk, 1)],
            session_key="member",
            buyer=buyer,
        ),
        buyer_email=buyer.email,
        buyer_name="Ana",
    )
    confirm_demo_payment(payment=payment, card_number="4242424242424242")
    send_order_confirmation(Order.objects.get().pk)
    message = mail.outbox[-1]
    assert message.subject.startswith(subject)
    assert message.body.startswith(greeting)
    assert greeting in message.alternatives[0][0]


@pytest.mark.django_db
def test_a_guest_gets_the_email_in_the_language_of_the_event_page_they_bought_from(
    event, mail_server
):
    from tests.event_pages.translate import translate

    german = translate(event, "de", {event.title: "Sommerkonzert"})
    payment = start_checkout(
        hold=place_hold(
            event=german, lines=[LineRequest(german.tiers.get().pk, 1)], session_key="gast"
        ),
        buyer_email="gast@example.com",
        buyer_name="Gabi",
    )
    confirm_demo_payment(payment=payment, card_number="4242424242424242")
    send_order_confirmation(Order.objects.get().pk)
    message = mail.outbox[-1]
    assert message.subject.startswith("Ihre Tickets für Sommerkonzert · ")
    assert "Ihre Tickets (zeigen Sie den QR-Code am Einlass):" in message.body
    assert "Gesamt: " in message.body


@pytest.mark.django_db
def test_the_plain_text_part_shows_names_as_typed_and_the_html_part_escapes_them(
    event, mail_server
):
    payment = start_checkout(
        hold=hold_for(event, 1, session_key="sons"),
        buyer_email="obrien@example.com",
        buyer_name="O'Brien & Sons <x>",
        attendee_names=['Zoë "Z" <b>'],
    )
    confirm_demo_payment(payment=payment, card_number="4242424242424242")
    send_order_confirmation(Order.objects.get().pk)
    message = mail.outbox[-1]
    assert "Thank you, O'Brien & Sons <x>!" in message.body
    assert 'for Zoë "Z" <b>:' in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body
    html = message.alternatives[0][0]
    assert "O&#x27;Brien &amp; Sons &lt;x&gt;" in html and "<x>" not in html
