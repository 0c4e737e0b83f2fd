"""Placing pre-orders and capturing them off-session (spec 002, 4.1 and 5.1)."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from commerce.models import WebhookEvent
from commerce.payments.demo import signed_event
from fulfilment.models import AssignmentLog, PreOrder, PreOrderStatus
from fulfilment.services.capture import capture_due, next_capture_slot
from fulfilment.services.cards import replace_card
from fulfilment.services.placement import PreOrderError
from tests.conftest import requires_postgres
from tests.factories import make_event, make_user
from tests.fulfilment.preorder_data import (
    FAILING_CARD,
    GOOD_CARD,
    make_offer,
    make_ticket,
    place,
)

pytestmark = pytest.mark.django_db
LATER = dt.timedelta(days=8)  # past the next weekly capture slot


@pytest.fixture
def offer(organization):
    return make_offer(make_event(organization))


def test_the_capture_slot_is_tuesday_at_seven_pm_in_berlin(settings):
    monday = dt.datetime(2026, 3, 23, 12, 0, tzinfo=dt.UTC)
    slot = next_capture_slot(monday)
    assert slot == dt.datetime(2026, 3, 24, 18, 0, tzinfo=dt.UTC)  # 19:00 CET
    summer = next_capture_slot(dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
    assert summer == dt.datetime(2026, 7, 7, 17, 0, tzinfo=dt.UTC)  # 19:00 CEST
    # Across the change to summer time it stays 19:00 on the wall clock.
    assert next_capture_slot(slot) == dt.datetime(2026, 3, 31, 17, 0, tzinfo=dt.UTC)


def test_a_placed_pre_order_saves_the_card_and_waits_for_the_weekly_capture(offer):
    pre_order = place(offer)
    assert pre_order.status == PreOrderStatus.PROCESSING
    assert (pre_order.amount_minor, pre_order.currency) == (3000, "EUR")
    assert pre_order.payment_method_reference.startswith("demo_pm_")
    assert pre_order.next_capture_at == next_capture_slot()
    assert capture_due().captured == 0  # not due yet


def test_a_member_pre_orders_an_event_only_once(offer):
    member = make_user("once@example.com")
    place(offer, member)
    with pytest.raises(PreOrderError) as refusal:
        place(offer, member, variant=offer.variants.last())
    assert refusal.value.code == "already_pre_ordered"
    assert PreOrder.objects.count() == 1


def test_the_database_refuses_a_second_pre_order_even_without_the_check(offer):
    from django.db import IntegrityError

    first = place(offer)
    with pytest.raises(IntegrityError):
        PreOrder.objects.create(
            offer=offer,
            event_key=offer.event_key,
            member=first.member,
            amount_minor=1,
            currency="EUR",
            gateway="demo",
        )


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_make_one_pre_order(organization):
    offer = make_offer(make_event(organization))
    member = make_user("twice@example.com")
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            place(offer, member)
            outcomes.append("placed")
        except PreOrderError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_pre_ordered", "placed"]
    assert PreOrder.objects.filter(member=member).count() == 1


def test_a_variant_is_required_when_the_event_has_variants(offer):
    with pytest.raises(PreOrderError) as refusal:
        from fulfilment.services.placement import place_pre_order

        place_pre_order(
            member=make_user(), event=offer.event, variant_id=None, card=GOOD_CARD, language="en"
        )
    assert (refusal.value.code, refusal.value.field) == ("variant_required", "variant_id")


def test_capture_success_confirms_through_the_signed_webhook(
    offer, django_capture_on_commit_callbacks
):
    pre_order = place(offer)
    with django_capture_on_commit_callbacks(execute=True):
        summary = capture_due(timezone.now() + LATER)
    assert summary.captured == 1
    pre_order.refresh_from_db()
    assert pre_order.confirmed_at is not None
    # Paid; no ticket uploaded yet, so the assignment engine lets it wait for stock.
    assert pre_order.status == PreOrderStatus.WAITING_FOR_STOCK
    event = WebhookEvent.objects.get()
    assert (event.type, event.outcome) == ("payment_intent.succeeded", "pre_order_confirmed")
    assert AssignmentLog.objects.filter(pre_order_id=pre_order.pk, action="pre_order_confirmed")


def test_a_replayed_webhook_changes_nothing(client, offer):
    pre_order = place(offer)
    capture_due(timezone.now() + LATER)
    pre_order.refresh_from_db()
    confirmed_at = pre_order.confirmed_at
    payload, signature = signed_event(reference=pre_order.payment_reference, succeeded=True)
    first = client.post(
        "/payments/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )
    replay = client.post(
        "/payments/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )
    assert first.json() == {"status": "already_confirmed"}
    assert replay.json() == {"status": "duplicate"}
    pre_order.refresh_from_db()
    assert pre_order.confirmed_at == confirmed_at
    assert AssignmentLog.objects.filter(action="pre_order_confirmed").count() == 1


def test_an_unsigned_webhook_for_a_pre_order_is_refused(client, offer):
    pre_order = place(offer)
    payload, _ = signed_event(reference=pre_order.payment_reference or "x", succeeded=True)
    response = client.post(
        "/payments/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=bad",
    )
    assert response.status_code == 400
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrderStatus.PROCESSING


def test_a_refused_card_is_retried_then_fails_and_the_member_gets_a_replace_link(offer, settings):
    settings.PRE_ORDER_CAPTURE_RETRIES = 2
    settings.PRE_ORDER_RETRY_HOURS = 24
    pre_order = place(offer, card=FAILING_CARD)
    now = timezone.now() + LATER
    assert capture_due(now).retrying == 1
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrderStatus.PROCESSING
    assert pre_order.capture_attempts == 1
    assert pre_order.next_capture_at == now + dt.timedelta(hours=24)
    assert capture_due(now + dt.timedelta(hours=1)).retrying == 0  # not due again yet
    assert capture_due(now + dt.timedelta(hours=24)).retrying == 1
    assert mail.outbox == []
    assert capture_due(now + dt.timedelta(hours=48)).failed == 1
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrderStatus.FAILED
    assert pre_order.capture_attempts == 3
    assert not hasattr(pre_order, "assignment")
    (message,) = mail.outbox
    assert message.to == [pre_order.member.email]
    assert f"/account/pre-orders/{pre_order.pk}/card/" in message.body
    assert "insufficient funds" not in message.body  # the gateway's words stay internal
    assert capture_due(now + dt.timedelta(days=30)).failed == 0  # failed is final


def test_the_failure_email_is_in_the_members_language(offer, settings):
    settings.PRE_ORDER_CAPTURE_RETRIES = 0
    member = make_user("de@example.com", language="de")
    place(offer, member, card=FAILING_CARD)
    capture_due(timezone.now() + LATER)
    (message,) = mail.outbox
    assert "/de/account/pre-orders/" in message.body
    assert "Karte" in message.body


def test_replacing_the_card_captures_at_once(offer, settings):
    settings.PRE_ORDER_CAPTURE_RETRIES = 0
    pre_order = place(offer, card=FAILING_CARD)
    capture_due(timezone.now() + LATER)
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrderStatus.FAILED
    assert replace_card(pre_order=pre_order, card=GOOD_CARD) == "captured"
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrderStatus.CONFIRMED
    assert pre_order.confirmed_at is not None


def test_a_replacement_card_that_fails_too_fails_again_at_once(offer, settings):
    settings.PRE_ORDER_CAPTURE_RETRIES = 0
    pre_order = place(offer, card=FAILING_CARD)
    capture_due(timezone.now() + LATER)
    pre_order.refresh_from_db()
    assert replace_card(pre_order=pre_order, card=FAILING_CARD) == "failed"
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrderStatus.FAILED


def test_no_ticket_goes_to_an_unpaid_pre_order(offer):
    from fulfilment.services.assignment import assign

    pre_order = place(offer)
    make_ticket(offer, offer.variants.first())
    assign(offer.event_key)
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrderStatus.PROCESSING
    assert not hasattr(pre_order, "assignment")


def test_the_weekly_capture_is_a_background_schedule_on_the_next_slot(home_page):
    from django_q.models import Schedule

    from fulfilment.services.capture import SCHEDULE_NAME, run_scheduled_capture

    schedule = Schedule.objects.get(name=SCHEDULE_NAME)
    assert schedule.func == "fulfilment.services.capture.run_scheduled_capture"
    assert schedule.schedule_type == Schedule.WEEKLY and schedule.repeats == -1
    run_scheduled_capture()
    schedule.refresh_from_db()
    assert schedule.next_run == next_capture_slot()


def test_a_retry_before_the_next_weekly_run_gets_a_run_of_its_own(offer, settings):
    from django_q.models import Schedule

    from fulfilment.services.capture import RETRY_SCHEDULE_NAME, capture_pre_order

    settings.PRE_ORDER_RETRY_HOURS = 1
    settings.PRE_ORDER_CAPTURE_DAY = (timezone.now().weekday() + 3) % 7  # days away
    pre_order = place(offer, card=FAILING_CARD)
    assert capture_pre_order(pre_order.pk, force=True) == "retrying"
    pre_order.refresh_from_db()
    retry = Schedule.objects.get(name=RETRY_SCHEDULE_NAME)
    assert retry.next_run == pre_order.next_capture_at
