"""seed_demo's pre-order step: the demo's pre-order event, its members and tickets.

Connected to seed_demo through the event_pages.sales slot (FulfilmentConfig.ready),
run after the sales history. Everything is created directly with the models, the
demo gateway's saved cards and charges, and fulfilment.crypto, in the states
fulfilment.demo.plan tells, with times that tell a consistent story: the capture
runs on Tuesdays at 19:00 in the event's zone, the first CSV after the run that
paid windows 1 and 2. Nobody is emailed for this history.

Idempotent: when the event already has a pre-order offer the step changes nothing.
One transaction, so a run that stops half-way leaves nothing behind.
"""

import datetime as dt
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from commerce.demo import plan as sales_plan
from commerce.payments.demo import SAVES_THEN_FAILS, SUCCEEDS, DemoGateway
from event_pages.demo import build, images
from event_pages.demo import data as site
from event_pages.models import Category, EventIndexPage, EventPage, HomePage, Venue
from fulfilment.demo import plan
from fulfilment.models import (
    PAID_STATUSES,
    Assignment,
    AssignmentLog,
    DeliveryStatus,
    PreOrder,
    PreOrderOffer,
    PreOrderStatus,
    TicketCredential,
    TicketStatus,
    TicketUpload,
    Variant,
)
from fulfilment.services.capture import next_capture_slot

FULFILMENT_LOGIN = "fulfilment@example.com"  # uploaded the first CSV
PAID = {str(status) for status in PAID_STATUSES}


@dataclass
class DemoPreOrders:
    """What seed_demo prints: new rows by kind, a summary, and the members' logins."""

    created: Counter = field(default_factory=Counter)
    summary: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # email, name, what


def seed_demo_pre_orders(*, events=None, now=None) -> DemoPreOrders:
    """Create the pre-order event and its history unless its offer exists already."""
    now = now or timezone.now()
    report = DemoPreOrders()
    with transaction.atomic():
        event = demo_event(now, report)
        if event is None:
            report.summary.append("  Pre-orders skipped: the Aurora Live demo pages are missing.")
            return report
        offer = PreOrderOffer.objects.filter(event_key=event.translation_key).first()
        if offer is None:
            offer = create_offer(event, report)
            if settings.PAYMENT_GATEWAY == "demo":
                History(offer, now, report).create()
    report.summary = summary(offer)
    if settings.PAYMENT_GATEWAY != "demo":
        report.summary.append(
            "  Pre-orders not seeded: their cards are the demo gateway's, and Stripe is configured."
        )
    if settings.PAYMENT_GATEWAY == "demo":
        report.summary.append(
            "  Pre-order members: attendee@example.com (fulfilled: credentials at "
            "/account/pre-orders/), lena.fischer@example.com (waiting for a ticket), "
            "sophie.laurent@example.com (paid), marco.rossi@example.com (processing), "
            f"daniel.okafor@example.com (failed card) and {len(plan.MEMBERS)} more "
            "(fulfilment/demo/plan.py)."
        )
    return report


# --- the event --------------------------------------------------------------------


class EventPictures(build.DemoImages):
    """The demo's images, plus the pre-order event's poster."""

    def __init__(self, report):
        super().__init__(report)
        spec = plan.EVENT
        self.pictures[spec.title] = build.Picture(
            spec.title,
            f"Poster for {spec.title}",
            partial(images.hero_image, spec.title, palette=spec.palette),
        )


def demo_event(now, report) -> EventPage | None:
    """The English pre-order event page, created (and published) when missing."""
    spec = plan.EVENT
    home = HomePage.objects.filter(depth=2, locale=Locale.get_default()).first()
    organization = (
        EventIndexPage.objects.child_of(home).filter(slug=spec.organization).first()
        if home
        else None
    )
    if organization is None:
        return None
    event = EventPage.objects.child_of(organization).filter(slug=spec.slug).first()
    if event is not None:
        return event
    venue_spec = site.VENUES[spec.venue]
    category = Category.objects.get(slug=spec.category, locale=Locale.get_default())
    venue = Venue.objects.get(
        name=venue_spec.name, city=venue_spec.city, locale=Locale.get_default()
    )
    return build.create_event(
        spec,
        organization.specific,
        {spec.category: category},
        {spec.venue: venue},
        EventPictures(report),
        now,
        report,
    )


def create_offer(event: EventPage, report) -> PreOrderOffer:
    offer = PreOrderOffer.objects.create(
        event=event, price_minor=plan.PRICE_MINOR, currency=plan.CURRENCY, fallback=plan.FALLBACK
    )
    zone = zoneinfo.ZoneInfo(event.time_zone)
    day = event.starts_at.astimezone(zone).date()
    for order, (name, starts, ends) in enumerate(plan.VARIANTS):
        Variant.objects.create(
            offer=offer,
            name=name,
            starts_at=dt.datetime.combine(day, dt.time.fromisoformat(starts), tzinfo=zone),
            ends_at=dt.datetime.combine(day, dt.time.fromisoformat(ends), tzinfo=zone),
            sort_order=order,
        )
    report.created["pre-order offers"] += 1
    report.created["variants"] += len(plan.VARIANTS)
    return offer


# --- the history ------------------------------------------------------------------


def last_capture_run(now: dt.datetime) -> dt.datetime:
    """The latest weekly capture (Tuesday 19:00 Berlin by default) at or before `now`."""
    return next_capture_slot(now) - dt.timedelta(days=7)


def ensure_members(report) -> dict:
    """Every member of the plan, created with the demo password when missing."""
    User = get_user_model()
    known = {m.email: m for m in (*sales_plan.MEMBERS, *plan.MEMBERS)}
    wanted = {p.email for p in plan.PRE_ORDERS}
    users = {u.email: u for u in User.objects.filter(email__in=wanted)}
    password = None
    for email in sorted(wanted - set(users)):
        member = known.get(email)
        if member is None:
            continue  # a demo login of the site (attendee@), deleted since
        password = password or make_password(site.PASSWORD)
        users[email] = User.objects.create(
            email=email, name=member.name, language=member.language, password=password
        )
        report.created["pre-order members"] += 1
    return users


class History:
    """The planned pre-orders, their payments, the first CSV and its assignments."""

    def __init__(self, offer: PreOrderOffer, now: dt.datetime, report):
        self.offer, self.now, self.report = offer, now, report
        self.variants = list(offer.variants.order_by("sort_order"))
        self.run = last_capture_run(now)  # the latest capture run
        # Windows 1 and 2 (and the failed card) were placed in the week before the run two
        # weeks ago; the first CSV came two days after it; window 3 was paid last week.
        self.early_run = self.run - dt.timedelta(days=14)
        self.upload_at = self.early_run + dt.timedelta(days=2)
        self.middle_run = self.run - dt.timedelta(days=7)
        self.gateway = DemoGateway()
        self.logs: list[AssignmentLog] = []
        self.uploader = get_user_model().objects.filter(email=FULFILMENT_LOGIN).first()

    def create(self) -> None:
        members = ensure_members(self.report)
        planned = [(p, members[p.email]) for p in plan.PRE_ORDERS if p.email in members]
        pending = [p for p, _ in planned if p.status == PreOrderStatus.PROCESSING]
        paid_later = [p for p, _ in planned if p.variant == 2 and p not in pending]
        paid_early = [p for p, _ in planned if p not in pending and p not in paid_later]
        placed = {}
        placed.update(spread(paid_early, self.early_run - dt.timedelta(days=6), self.early_run))
        placed.update(spread(paid_later, self.middle_run - dt.timedelta(days=5), self.middle_run))
        placed.update(spread(pending, self.run, self.now))

        pre_orders = []
        for index, (planned_order, member) in enumerate(planned):
            pre_order = self.pre_order(planned_order, member, placed[planned_order], index)
            pre_orders.append((planned_order, pre_order))
        self.report.created["pre-orders"] += len(pre_orders)
        self.first_upload(pre_orders)
        for entry in AssignmentLog.objects.bulk_create(self.logs):  # `at` is auto_now_add
            AssignmentLog.objects.filter(pk=entry.pk).update(at=entry.demo_at)

    def pre_order(self, planned_order, member, placed_at, index) -> PreOrder:
        failing = planned_order.status == PreOrderStatus.FAILED
        card = self.gateway.save_card(
            card=SAVES_THEN_FAILS if failing else SUCCEEDS, email=member.email
        )
        pre_order = PreOrder.objects.create(
            offer=self.offer,
            event_key=self.offer.event_key,
            member=member,
            variant=self.variants[planned_order.variant],
            status=planned_order.status,
            amount_minor=self.offer.price_minor,
            currency=self.offer.currency,
            language=getattr(member, "language", "") or settings.LANGUAGE_CODE,
            gateway=self.gateway.name,
            customer_reference=card.customer_reference,
            payment_method_reference=card.payment_method_reference,
        )
        times = {"created_at": placed_at}
        self.log("pre_order_placed", pre_order, placed_at, actor=member)
        if planned_order.status == PreOrderStatus.PROCESSING:
            times["next_capture_at"] = self.run + dt.timedelta(days=7)
        elif failing:
            # The weekly run, then PRE_ORDER_CAPTURE_RETRIES retries, as capture.py does.
            retry = dt.timedelta(hours=settings.PRE_ORDER_RETRY_HOURS)
            attempts = [
                self.early_run + retry * n for n in range(settings.PRE_ORDER_CAPTURE_RETRIES + 1)
            ]
            for number, at in enumerate(attempts, start=1):
                payment = self.charge(pre_order, card, number)
                last = number == len(attempts)
                self.log(
                    "pre_order_failed" if last else "capture_failed",
                    pre_order,
                    at,
                    attempt=number,
                    error=payment.failure_message,
                )
            times |= {
                "capture_attempts": len(attempts),
                "payment_reference": payment.reference,
                "last_capture_error": payment.failure_message,
                "failed_at": attempts[-1],
            }
        else:
            run = self.middle_run if planned_order.variant == 2 else self.early_run
            confirmed_at = run + dt.timedelta(seconds=index)  # FIFO: in the order placed
            payment = self.charge(pre_order, card, 1)
            times |= {
                "capture_attempts": 1,
                "payment_reference": payment.reference,
                "confirmed_at": confirmed_at,
            }
            self.log("capture_succeeded", pre_order, confirmed_at)
            self.log("pre_order_confirmed", pre_order, confirmed_at)
            if planned_order.status == PreOrderStatus.WAITING_FOR_STOCK:
                self.log("waiting_for_stock", pre_order, self.upload_at)
        PreOrder.objects.filter(pk=pre_order.pk).update(**times)
        for name, value in times.items():
            setattr(pre_order, name, value)
        return pre_order

    def charge(self, pre_order, card, attempt):
        return self.gateway.charge_saved_card(
            card=card,
            amount_minor=pre_order.amount_minor,
            currency=pre_order.currency,
            idempotency_key=f"pre-order-{pre_order.pk}-{card.payment_method_reference}-{attempt}",
        )

    def first_upload(self, pre_orders) -> None:
        """The promoter's first CSV: its tickets go to the fulfilled pre-orders in FIFO
        order; a ticket left over (no paid pre-order of its window) is unmatched."""
        event = self.offer.event
        rows = []  # (variant index, ticket number in the window, pre-order or None)
        for window, count in plan.FIRST_UPLOAD.items():
            takers = [
                o
                for p, o in pre_orders
                if p.variant == window and p.status == PreOrderStatus.FULFILLED
            ]
            takers.sort(key=lambda o: o.confirmed_at)
            rows += [
                (window, n, takers[n - 1] if n <= len(takers) else None)
                for n in range(1, count + 1)
            ]
        upload = TicketUpload.objects.create(
            uploaded_by=self.uploader,
            filename="skyline-rooftop-night-first-batch.csv",
            rows=len(rows),
            stored=len(rows),
            report={
                "rows": len(rows),
                "valid": len(rows),
                "duplicates": 0,
                "malformed": 0,
                "errors": [],
                "coverage": [
                    {
                        "variant": v.name,
                        "ordered": sum(
                            1 for p, _ in pre_orders if p.variant == i and p.status in PAID
                        ),
                        "uploaded": plan.FIRST_UPLOAD.get(i, 0),
                    }
                    for i, v in enumerate(self.variants)
                ],
            },
        )
        TicketUpload.objects.filter(pk=upload.pk).update(created_at=self.upload_at)
        self.log("upload_committed", None, self.upload_at, actor=self.uploader, rows=len(rows))
        for index, (window, number, pre_order) in enumerate(rows):
            login = plan.ticket_login(window, number)
            password = plan.ticket_password(window, number)
            variant = self.variants[window]
            ticket = TicketCredential(
                event=event,
                event_key=self.offer.event_key,
                variant=variant,
                variant_label=variant.name,
                login_email=login,
                status=TicketStatus.ASSIGNED if pre_order else TicketStatus.UNMATCHED,
                upload=upload,
            )
            ticket.seal_password(password)
            ticket.save()
            at = self.upload_at + dt.timedelta(seconds=1 + index)
            TicketCredential.objects.filter(pk=ticket.pk).update(created_at=self.upload_at)
            if pre_order is None:
                self.log("ticket_unmatched", None, at, ticket=ticket)
                continue
            assignment = Assignment.objects.create(
                ticket=ticket,
                pre_order=pre_order,
                delivery_status=DeliveryStatus.SENT,
                delivery_attempts=1,
                delivered_at=at + dt.timedelta(seconds=5),
            )
            Assignment.objects.filter(pk=assignment.pk).update(assigned_at=at)
            self.log("assigned", pre_order, at, ticket=ticket)
            self.log("delivery_sent", pre_order, at + dt.timedelta(seconds=5), ticket=ticket)
        self.report.created["ticket uploads"] += 1
        self.report.created["tickets"] += len(rows)

    def log(self, action, pre_order, at, *, actor=None, ticket=None, **data) -> None:
        self.logs.append(
            AssignmentLog(
                action=action,
                event_key=self.offer.event_key,
                pre_order_id=pre_order.pk if pre_order else None,
                ticket_id=ticket.pk if ticket else None,
                actor=actor,
                actor_label=mask_email(actor.email) if actor else "system",
                data=data,
            )
        )
        self.logs[-1].demo_at = at


def mask_email(email: str) -> str:
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"


def spread(items, start: dt.datetime, end: dt.datetime) -> dict:
    """Moments evenly between start and end, in the items' order."""
    step = (end - start) / (len(items) + 1) if items else dt.timedelta(0)
    return {item: start + step * (n + 1) for n, item in enumerate(items)}


def summary(offer: PreOrderOffer) -> list[str]:
    statuses = Counter(offer.pre_orders.values_list("status", flat=True))
    tickets = Counter(
        TicketCredential.objects.filter(event_key=offer.event_key).values_list("status", flat=True)
    )
    shown = ", ".join(
        f"{statuses[value]} {label.lower()}"
        for value, label in PreOrderStatus.choices
        if statuses[value]
    )
    return [
        f"  Pre-orders: {offer.event.title} ({offer.variants.count()} entry windows): "
        f"{shown or 'none yet'}; {sum(tickets.values())} tickets uploaded "
        f"({tickets[TicketStatus.UNMATCHED]} unmatched).",
        f"  Try the upload as {FULFILMENT_LOGIN} with docs/samples/tickets.csv "
        "(Fulfilment menu in /admin/).",
    ]
