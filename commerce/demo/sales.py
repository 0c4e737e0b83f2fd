"""The demo's sales history, bought through the real services (seed_demo's sales step).

Every order of commerce.demo.plan goes the way a buyer's does: `place_hold` and
`start_checkout` at the moment of the sale (their `now=`), the demo card charged
and its signed event handed to the webhook handler, which creates the order and
moves the tickets from held to sold. Nothing is inserted around the inventory.

What the services stamp with the current time (the order, its tickets, the
payment, the gateway's charge and event, a refund) is moved back to the moment
of the sale afterwards, so the orders list and sales figures have weeks of
history. The confirmations count as sent then: nobody is emailed for history.

Idempotent per event: an event whose demo holds exist (session key
`demo:<slug>:<n>`) is left alone, and each event is one transaction, so a run
that stops half-way leaves whole events.
"""

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from wagtail.models import Locale, ModelLogEntry

from commerce.demo import plan as demo_plan
from commerce.exceptions import CommerceError
from commerce.models import (
    DemoCharge,
    FollowUpStatus,
    Hold,
    Order,
    Payment,
    PaymentFollowUp,
    Ticket,
    WebhookEvent,
)
from commerce.payments.demo import DECLINED, SUCCEEDS, DemoGateway, charge_card
from commerce.selectors import availability
from commerce.services.checkout import start_checkout
from commerce.services.holds import LineRequest, place_hold, release_expired_holds
from commerce.services.orders import handle_webhook, refund_follow_up
from event_pages.demo.data import PASSWORD

KEY_PREFIX = "demo:"
LATEST = dt.timedelta(hours=1)  # the newest demo sale is this long before the run
PAY_AFTER = dt.timedelta(minutes=3)  # from holding the tickets to paying for them


@dataclass
class DemoSales:
    """What seed_demo prints: new rows by kind, a summary, and the buyers' logins."""

    created: Counter = field(default_factory=Counter)
    summary: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # email, name, what
    skipped: list[str] = field(default_factory=list)


def seed_demo_sales(*, events, now=None) -> DemoSales:
    """Buy the planned history for `events` (English demo event pages) where it is missing."""
    now = now or timezone.now()
    report = DemoSales()
    if settings.PAYMENT_GATEWAY != "demo":
        report.summary.append(
            "  Sales history skipped: it is paid with the demo card, and Stripe is configured."
        )
        return report
    members = ensure_members(report)
    by_slug = {event.slug: event for event in events if event.live}
    for plan in demo_plan.SALES:
        event = by_slug.get(plan.slug)
        if event is None:
            report.skipped.append(f"{plan.slug}: no published demo event")
            continue
        if Hold.objects.filter(session_key__startswith=f"{KEY_PREFIX}{plan.slug}:").exists():
            continue
        with transaction.atomic():
            EventSeller(event, plan, members, now, report).sell()
    report.summary = summary(by_slug.values())
    if report.skipped:  # the demo content changed under the plan
        report.summary.append(
            f"  Not bought ({len(report.skipped)}): {'; '.join(report.skipped[:5])}"
        )
    return report


# --- buyers ---------------------------------------------------------------------


def ensure_members(report: DemoSales) -> dict[str, object]:
    """The demo buyers with an account, created with the demo password when missing."""
    User = get_user_model()
    wanted = {m.email: m for m in demo_plan.MEMBERS}
    users = {
        u.email: u for u in User.objects.filter(email__in=[*wanted, demo_plan.DEMO_LOGIN_BUYER])
    }
    password = None
    for email, member in wanted.items():
        if email not in users:
            password = password or make_password(PASSWORD)
            users[email] = User.objects.create(
                email=email, name=member.name, language=member.language, password=password
            )
            report.created["buyer accounts"] += 1
        report.logins.append((email, member.name, "buyer with orders"))
    return users


# --- one event ------------------------------------------------------------------


class EventSeller:
    """Buys one event's planned orders in time order, with its scenarios woven in."""

    def __init__(self, event, plan, members: dict, now, report: DemoSales):
        self.event, self.plan, self.members, self.report = event, plan, members, report
        self.latest = now - LATEST
        self.pages = {False: event}
        german = Locale.objects.filter(language_code="de").first()
        translated = german and event.get_translation_or_none(german)
        if translated is not None and translated.live:
            self.pages[True] = translated.specific
        self.tiers_of_page = {  # page id -> {translation key: that page's tier}
            page.pk: {tier.translation_key: tier for tier in page.tiers.all()}
            for page in self.pages.values()
        }
        self.by_name = {tier.name: tier for tier in event.tiers.all()}
        self.count = 0
        self.late = None  # the late payment's (payment, moment) once its hold is placed
        self.history = History()

    # The plan, fitted to the event as it is.

    def windows(self) -> dict:
        """Per planned tier: (first, last) moment it can be sold in the plan's days."""
        windows = {}
        close = self.event.ends_at or self.event.starts_at  # tickets sell until the event ends
        for name, tier_plan in self.plan.tiers.items():
            tier = self.by_name.get(name)
            if tier is None or not tier.enabled:
                self.report.skipped.append(f"{self.event.title}: no tier {name!r} on sale")
                continue
            first, last = tier_plan.days or self.plan.days
            start = self.latest - dt.timedelta(days=first)
            end = min(self.latest - dt.timedelta(days=last), self.latest)
            start = max(start, tier.sales_start or start)
            end = min(end, tier.sales_end or end, close - dt.timedelta(hours=1))
            if start < end:
                windows[name] = (start, end)
        return windows

    def planned(self) -> list:
        members = [
            demo_plan.Buyer(user.email, user.name, member=True) for user in self.members.values()
        ]
        left = availability(self.event, now=self.latest)
        return demo_plan.plan_event(
            self.plan,
            windows=self.windows(),
            left={name: left.for_tier(tier) for name, tier in self.by_name.items()},
            members=members,
            has_german=True in self.pages,
        )

    # Selling.

    def sell(self) -> None:
        sales = self.planned()
        late = demo_plan.LATE_PAYMENT if demo_plan.LATE_PAYMENT.event == self.plan.slug else None
        declined = demo_plan.DECLINED_THEN_PAID
        if declined.event == self.plan.slug:
            self.buy_scenario(declined, cards=(DECLINED, SUCCEEDS))
        for sale in sales:
            if (
                late
                and self.late is None
                and self.seats_left(sale.moment) <= demo_plan.LATE_PAYMENT_WHEN_LEFT
            ):
                self.hold_and_let_expire(late, before=sale.moment)
            self.buy(sale)
        if self.late is not None:
            self.pay_late()
        self.history.backdate()

    def seats_left(self, moment) -> int:
        return availability(self.event, now=moment).event_remaining

    def buy(self, sale) -> Order | None:
        """One planned order; a line of a tier that sells out is capped at what is left."""
        page = self.pages.get(sale.german, self.event)
        left = None
        lines = []
        for name, quantity in sale.lines:
            tier = self.by_name[name]
            if name in self.plan.tiers and self.plan.tiers[name].tickets is None:
                left = left or availability(self.event, now=sale.moment)
                quantity = min(quantity, left.for_tier(tier))
            if quantity > 0:
                lines.append((self.page_tier(page, tier), quantity))
        if len(lines) < len(sale.lines):
            return None  # sold out before this buyer came
        return self.purchase(
            page,
            lines,
            buyer=sale.buyer,
            moment=sale.moment,
            attendees=sale.attendees,
            cards=(SUCCEEDS,),
        )

    def page_tier(self, page, tier):
        """The tier as the page the buyer is on has it (German pages have their own rows)."""
        return self.tiers_of_page[page.pk][tier.translation_key]

    def buy_scenario(self, scenario, *, cards) -> Order | None:
        buyer = demo_plan.parse_buyer(scenario.buyer)
        moment = self.latest - dt.timedelta(days=scenario.days_ago)
        tier = self.by_name[scenario.tier]
        return self.purchase(
            self.event,
            [(tier, scenario.quantity)],
            buyer=buyer,
            moment=moment,
            attendees=[buyer.name],
            cards=cards,
        )

    def purchase(self, page, lines, *, buyer, moment, attendees, cards) -> Order | None:
        """Hold, check out and pay with `cards` in turn; the order, or None if refused."""
        try:
            payment = self.checkout(page, lines, buyer=buyer, moment=moment, attendees=attendees)
        except CommerceError as refusal:
            self.report.skipped.append(f"{self.event.title}: {refusal.code} ({buyer.email})")
            return None
        for attempt, card in enumerate(cards, start=1):  # a declined card, then one that pays
            self.history.received[pay(payment, card)] = moment + attempt * PAY_AFTER
        self.history.paid[payment.pk] = (moment, moment + len(cards) * PAY_AFTER)
        order = Order.objects.filter(payment=payment).first()
        if order is not None:
            self.report.created["orders"] += 1
        return order

    def checkout(self, page, lines, *, buyer, moment, attendees) -> Payment:
        self.count += 1
        hold = place_hold(
            event=page,
            lines=[LineRequest(tier.pk, quantity) for tier, quantity in lines],
            buyer=self.members.get(buyer.email) if buyer.member else None,
            session_key=f"{KEY_PREFIX}{self.plan.slug}:{self.count}",
            now=moment,
        )
        return start_checkout(
            hold=hold,
            buyer_email=buyer.email,
            buyer_name=buyer.name,
            attendee_names=attendees,
            now=moment + dt.timedelta(minutes=1),
        )

    # The late payment: held the last seats, let the hold run out, paid after the sell-out.

    def hold_and_let_expire(self, scenario, *, before) -> None:
        buyer = demo_plan.parse_buyer(scenario.buyer)
        moment = before - dt.timedelta(minutes=settings.HOLD_MINUTES + 10)
        tier = self.by_name[scenario.tier]
        payment = self.checkout(
            self.event, [(tier, scenario.quantity)], buyer=buyer, moment=moment, attendees=[]
        )
        # The worker's sweep (commerce.tasks.expire_holds) gives the seats back.
        release_expired_holds(
            event_key=self.event.translation_key,
            now=moment + dt.timedelta(minutes=settings.HOLD_MINUTES + 1),
        )
        self.late = (payment, moment)

    def pay_late(self) -> None:
        payment, held_at = self.late
        paid_at = max(paid for _held, paid in self.history.paid.values()) + dt.timedelta(minutes=20)
        event_id = pay(payment, SUCCEEDS)  # no seat left: refund_unfulfillable
        follow_up = PaymentFollowUp.objects.get(payment=payment)
        # What the queued task (refund_unfulfilled_payment) does right after the commit.
        refund_follow_up(follow_up=follow_up)
        refunded_at = paid_at + dt.timedelta(minutes=1)
        self.history.received[event_id] = paid_at
        self.history.paid[payment.pk] = (held_at, refunded_at)
        PaymentFollowUp.objects.filter(pk=follow_up.pk).update(
            created_at=paid_at, settled_at=refunded_at, buyer_notified_at=refunded_at
        )
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(PaymentFollowUp),
            object_id=str(follow_up.pk),
        ).update(timestamp=refunded_at)
        self.report.created["refunded late payments"] += 1


def pay(payment: Payment, card: str) -> str:
    """Charge the demo card and hand its signed event to the webhook handler (what
    commerce.services.demo_payments does for a buyer); returns the event id."""
    payload, signature = charge_card(reference=payment.reference, card_number=card)
    handle_webhook(payload=payload, signature=signature, gateway=DemoGateway())
    return json.loads(payload)["id"]


# --- moving the history back to when it happened ----------------------------------


@dataclass
class History:
    """When each demo payment was started and settled, and each gateway event arrived;
    `backdate` stamps them on the rows, a few statements per event."""

    paid: dict = field(default_factory=dict)  # payment id -> (held at, settled at)
    received: dict = field(default_factory=dict)  # gateway event id -> received at

    def backdate(self) -> None:
        payments = list(Payment.objects.filter(pk__in=self.paid).only("pk"))
        for payment in payments:
            held_at, settled_at = self.paid[payment.pk]
            payment.created_at, payment.updated_at = held_at + dt.timedelta(minutes=1), settled_at
        Payment.objects.bulk_update(payments, ["created_at", "updated_at"], batch_size=BATCH)
        DemoCharge.objects.filter(
            reference__in=Payment.objects.filter(pk__in=self.paid).values("reference")
        ).update(
            created_at=Subquery(
                Payment.objects.filter(reference=OuterRef("reference")).values("created_at")[:1]
            )
        )
        orders = list(Order.objects.filter(payment_id__in=self.paid).only("pk", "payment_id"))
        for order in orders:
            paid_at = self.paid[order.payment_id][1]
            order.created_at = order.updated_at = order.completed_at = paid_at
            order.confirmation_sent_at = paid_at + dt.timedelta(seconds=30)
        Order.objects.bulk_update(
            orders,
            ["created_at", "updated_at", "completed_at", "confirmation_sent_at"],
            batch_size=BATCH,
        )
        Ticket.objects.filter(order__in=orders).update(
            created_at=Subquery(
                Order.objects.filter(pk=OuterRef("order_id")).values("completed_at")[:1]
            )
        )
        events = list(WebhookEvent.objects.filter(event_id__in=self.received).only("event_id"))
        for event in events:
            event.received_at = self.received[event.event_id]
        WebhookEvent.objects.bulk_update(events, ["received_at"], batch_size=BATCH)


BATCH = 200


# --- what seed_demo prints --------------------------------------------------------------


def summary(events) -> list[str]:
    events = list(events)
    keys = [event.translation_key for event in events]
    orders = Order.objects.filter(event_key__in=keys)
    totals = orders.aggregate(tickets=Sum("total_quantity"))
    members = orders.filter(buyer__isnull=False).count()
    sold_out = [
        e.title for e in events if e.starts_at > timezone.now() and availability(e).sold_out
    ]
    refunded = PaymentFollowUp.objects.filter(
        payment__hold__event_key__in=keys, status=FollowUpStatus.REFUNDED
    ).count()
    lines = [
        f"  Sales history: {orders.count()} orders ({totals['tickets'] or 0} tickets) on "
        f"{orders.values('event_key').distinct().count()} events, {members} by members; "
        f"{refunded} late payment(s) refunded.",
    ]
    if sold_out:
        lines.append(f"  Sold out: {', '.join(sold_out)}.")
    return lines
