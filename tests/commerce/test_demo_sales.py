"""`manage.py seed_demo` also buys a sales history, through the real services.

seed_demo takes seconds, so the module seeds once, committing as the command does
for real (German pages are published when their transaction commits, so buyers can
use them), and empties the database when the module ends, as a transactional test
does. Each test runs in a transaction rolled back after it.
"""

import datetime as dt
import time
from dataclasses import dataclass
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Max, Min
from django.test import RequestFactory, TestCase, override_settings
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.models import User
from commerce.audit import PAYMENT_REFUNDED
from commerce.demo import plan
from commerce.demo.sales import seed_demo_sales
from commerce.models import (
    DemoCharge,
    EventInventory,
    FollowUpStatus,
    Hold,
    HoldStatus,
    Order,
    Payment,
    PaymentFollowUp,
    PaymentStatus,
    Ticket,
    TierInventory,
    WebhookEvent,
)
from commerce.selectors import availability
from commerce.services.orders import LATE_PAYMENT
from event_pages.models import EventPage
from tests.conftest import ensure_site_baseline

pytestmark = pytest.mark.django_db

SEED_BUDGET = dt.timedelta(seconds=30)


@dataclass
class Seeded:
    output: str
    cpu_seconds: float
    wall_seconds: float
    emails: int


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        ensure_site_baseline()
        mail.outbox = []
        out = StringIO()
        cpu, wall = time.process_time(), time.monotonic()
        call_command("seed_demo", stdout=out)
        result = Seeded(
            out.getvalue(), time.process_time() - cpu, time.monotonic() - wall, len(mail.outbox)
        )
        print(  # shown with -s, and in the report when a test fails
            f"\nseed_demo on {connection.vendor}: "
            f"{result.wall_seconds:.1f} s ({result.cpu_seconds:.1f} s CPU)"
        )
        try:
            yield result
        finally:
            call_command("flush", interactive=False, verbosity=0)
            ensure_site_baseline()  # what the migrations made, for the tests after these


def seed_again() -> str:
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def english_events():
    return EventPage.objects.filter(locale__language_code="en", live=True)


def upcoming_events():
    return english_events().filter(starts_at__gt=timezone.now())


def event(slug):
    return english_events().get(slug=slug)


def test_most_upcoming_events_have_paid_orders_spread_over_weeks(seeded):
    upcoming = list(upcoming_events())
    with_orders = [e for e in upcoming if Order.objects.filter(event_key=e.translation_key)]
    assert len(with_orders) >= 0.8 * len(upcoming)
    assert len(with_orders) >= 10

    orders = Order.objects.all()
    assert orders.count() >= 300
    assert set(orders.values_list("payment__status", flat=True)) == {PaymentStatus.SUCCEEDED}
    assert set(orders.values_list("payment_provider", flat=True)) == {"demo"}
    span = orders.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["last"] < timezone.now()
    assert span["last"] - span["first"] >= dt.timedelta(weeks=6)
    days = {moment.date() for moment in orders.values_list("created_at", flat=True)}
    assert len(days) >= 30  # a chart by day has a shape, not one bar
    # Placed, paid and ticketed at the moment of the sale, not when the seed ran.
    for order in orders.order_by("?")[:20]:
        assert order.completed_at == order.created_at
        assert (
            order.hold.created_at
            < order.created_at
            < order.hold.created_at + dt.timedelta(minutes=15)
        )
        # (A ticket transferred by the support demo has its new one made at seed time.)
        bought = order.tickets.filter(replaces__isnull=True)
        assert {t.created_at for t in bought} == {order.created_at}
        assert order.confirmation_sent_at is not None
    assert seeded.emails == 0  # history is not emailed to anybody


def test_guests_and_members_buy_on_english_and_german_pages(seeded):
    assert Order.objects.filter(buyer__isnull=True).count() > 100
    member_orders = Order.objects.filter(buyer__isnull=False)
    assert member_orders.count() >= 30
    buyers = set(member_orders.values_list("buyer__email", flat=True))
    assert buyers >= {m.email for m in plan.MEMBERS} | {"attendee@example.com"}
    request = RequestFactory().post("/accounts/login/")
    for member in plan.MEMBERS:
        user = authenticate(request, username=member.email, password="bilten-demo")
        assert user is not None and user.name == member.name
        assert member.email in seeded.output
    for order in member_orders[:20]:
        assert order.buyer_email == order.buyer.email
    assert Order.objects.filter(event__locale__language_code="de").count() >= 10
    assert Ticket.objects.exclude(attendee_name="").count() == Ticket.objects.count()


def test_two_events_and_an_early_bird_tier_sell_out(seeded):
    for slug in ("living-room-session-ellie-marsh", "python-testing-workshop-london"):
        sold_out = event(slug)
        assert availability(sold_out).sold_out, slug
        assert EventInventory.objects.get(event_key=sold_out.translation_key).sold == (
            sold_out.total_capacity
        )
    neon = event("neon-harbour-live")
    early_bird = neon.tiers.get(name="Early Bird")
    left = availability(neon)
    assert left.for_tier(early_bird) == 0
    assert TierInventory.objects.get(tier_key=early_bird.translation_key).sold == 150
    assert not left.sold_out
    assert "Sold out: Living Room Session: Ellie Marsh, Hands-on Python Testing Workshop" in (
        seeded.output
    )


def test_a_late_payment_was_refunded_automatically_with_its_log_entry(seeded):
    follow_up = PaymentFollowUp.objects.select_related("payment__hold").get()
    payment = follow_up.payment
    assert follow_up.reason == LATE_PAYMENT
    assert follow_up.status == FollowUpStatus.REFUNDED
    assert follow_up.settled_at and follow_up.buyer_notified_at
    assert payment.status == PaymentStatus.REFUNDED
    assert DemoCharge.objects.get(reference=payment.reference).status == "refunded"
    assert payment.hold.status == HoldStatus.EXPIRED
    assert not Order.objects.filter(payment=payment).exists()
    sold_out = event(plan.LATE_PAYMENT.event)
    assert payment.hold.event_key == sold_out.translation_key
    # It arrived after the last seat had gone to someone else.
    last_sale = Order.objects.filter(event_key=sold_out.translation_key).aggregate(
        last=Max("completed_at")
    )["last"]
    assert payment.hold.expires_at < last_sale < follow_up.created_at < timezone.now()

    entry = ModelLogEntry.objects.get(action=PAYMENT_REFUNDED, object_id=str(follow_up.pk))
    assert entry.user is None  # the system refunded it, nobody clicked
    assert entry.data["reason"] == LATE_PAYMENT
    assert entry.timestamp == follow_up.settled_at


def test_a_declined_card_came_before_the_payment_that_went_through(seeded):
    scenario = plan.DECLINED_THEN_PAID
    declined = WebhookEvent.objects.get(type="payment_intent.payment_failed")
    assert declined.outcome == "payment_failed"
    orders = Order.objects.filter(
        buyer__email=scenario.buyer, event_key=event(scenario.event).translation_key
    ).select_related("hold", "payment")
    # The one order whose checkout saw the declined card before it was paid.
    [order] = [o for o in orders if o.hold.created_at < declined.received_at < o.completed_at]
    assert order.payment.status == PaymentStatus.SUCCEEDED
    assert order.payment.failure_message == ""
    assert order.items.get().tier_name == scenario.tier


def test_inventories_count_exactly_the_tickets_sold(seeded):
    # The support demo refunds one ticket (its place is back on sale) and transfers one
    # (a new ticket in its place): the valid tickets are the ones sold.
    admitting = Ticket.objects.filter(status="valid")
    tickets_by_event = dict(
        admitting.values_list("order__event_key").annotate(n=Count("id")).order_by()
    )
    tickets_by_tier = dict(admitting.values_list("tier_key").annotate(n=Count("id")).order_by())
    assert sum(tickets_by_event.values()) > 700
    for row in EventInventory.objects.all():
        assert (row.sold, row.held) == (tickets_by_event.get(row.event_key, 0), 0)
    for row in TierInventory.objects.all():
        assert (row.sold, row.held) == (tickets_by_tier.get(row.tier_key, 0), 0)
    assert not Hold.objects.filter(status=HoldStatus.ACTIVE).exists()
    assert Hold.objects.count() == Payment.objects.count() == Order.objects.count() + 1


def test_seeding_again_buys_nothing_twice(seeded):
    def counts():
        models = (Hold, Payment, Order, Ticket, WebhookEvent, DemoCharge, PaymentFollowUp, User)
        sold = list(EventInventory.objects.order_by("pk").values_list("sold", "held"))
        return {m.__name__: m.objects.count() for m in models} | {"inventory": sold}

    before = counts()
    output = seed_again()
    assert counts() == before
    assert "nothing new" in output
    assert "Sales history: " in output


def test_seed_demo_runs_within_its_time_budget(seeded):
    # CPU time: what the seed costs, whatever else the machine is doing.
    assert seeded.cpu_seconds < SEED_BUDGET.total_seconds(), seeded


def test_with_stripe_configured_no_history_is_bought(settings):
    settings.PAYMENT_GATEWAY = "stripe"
    orders = Order.objects.count()
    history = seed_demo_sales(events=list(EventPage.objects.all()))
    assert Order.objects.count() == orders
    assert history.summary == [
        "  Sales history skipped: it is paid with the demo card, and Stripe is configured."
    ]
