"""seed_demo's support step: refund policies, a refunded and a transferred order, and
support cases in every state (one of them past its SLA).

Connected through the event_pages.sales slot (CrmConfig.ready), run after the sales
history and the pre-orders, whose orders it works on. The refund and the transfer go
through the same agent actions as the admin (crm.services.actions), as the demo
Support agent, so the customer page, the audit history and the site history show
them like real ones. Nobody is emailed for this history.

Idempotent: when the demo organizations already have refund policies, nothing changes.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from commerce.models import Order, OrderStatus, TicketStatus
from crm import action_emails
from crm.models import (
    CasePriority,
    CaseSource,
    CaseStatus,
    RefundPolicy,
    RefundPolicyKind,
    SupportCase,
)
from event_pages.demo import data as site
from event_pages.models import EventIndexPage

SUPPORT_LOGIN = "support@example.com"
POLICIES = {
    site.AURORA: (RefundPolicyKind.UNTIL_DAYS_BEFORE, 7),
    site.NORTHWIND: (RefundPolicyKind.NO_REFUNDS, 0),
}
REFUNDED_BUYER = "lena.fischer@example.com"
TRANSFERRED_BUYER = "marco.rossi@example.com"


@dataclass
class DemoSupport:
    created: Counter = field(default_factory=Counter)
    summary: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class DemoCase:
    subject: str
    customer: str
    status: str
    priority: str
    source: str
    age: dt.timedelta
    messages: tuple[tuple[str, str], ...]  # (kind, body)
    tags: tuple[str, ...] = ()


CASES = [
    DemoCase(
        "Can I bring my child on my ticket?",
        "attendee@example.com",
        CaseStatus.NEW,
        CasePriority.NORMAL,
        CaseSource.CUSTOMER,
        dt.timedelta(hours=2),
        (
            (
                "customer",
                "Hi, is there a reduced ticket for a 10-year-old, or can she come with me?",
            ),
        ),
        ("question",),
    ),
    DemoCase(
        "Tickets never arrived",
        "sophie.laurent@example.com",
        CaseStatus.OPEN,
        CasePriority.URGENT,
        CaseSource.CUSTOMER,
        dt.timedelta(days=3),  # past its first-response and resolution targets: breached
        (
            ("customer", "I paid on Monday and I have no email with my tickets. The show is soon!"),
            ("note", "Confirmation shows as delivered. Check the spam folder with her."),
        ),
        ("delivery",),
    ),
    DemoCase(
        "Change the name on a ticket",
        "daniel.okafor@example.com",
        CaseStatus.WAITING,
        CasePriority.NORMAL,
        CaseSource.CUSTOMER,
        dt.timedelta(hours=20),
        (
            ("customer", "My friend goes instead of me, can the ticket be in her name?"),
            ("reply", "Of course. What is her name and email address? We will transfer it."),
        ),
        ("transfer",),
    ),
    DemoCase(
        "Refund after a cancelled train",
        REFUNDED_BUYER,
        CaseStatus.RESOLVED,
        CasePriority.HIGH,
        CaseSource.AGENT,
        dt.timedelta(days=2),
        (
            (
                "note",
                "Phoned: the train strike means she cannot come. Goodwill refund of one ticket.",
            ),
            ("reply", "We refunded one ticket. It shows on your card within 5 to 10 days."),
        ),
        ("refund", "goodwill"),
    ),
    DemoCase(
        "Invoice with company address",
        "aylin.demir@example.com",
        CaseStatus.CLOSED,
        CasePriority.LOW,
        CaseSource.CUSTOMER,
        dt.timedelta(days=9),
        (
            ("customer", "Could I get an invoice addressed to my company?"),
            ("reply", "Here it is: the invoice is attached to your order page."),
        ),
        ("invoice",),
    ),
]


def seed_demo_support(*, events=None, now=None) -> DemoSupport:
    """Refund policies, the refunded and transferred orders, the demo cases (once)."""
    now = now or timezone.now()
    report = DemoSupport()
    organizations = {page.slug: page for page in EventIndexPage.objects.filter(slug__in=POLICIES)}
    if not organizations:
        report.summary.append("  Support demo skipped: the demo organizations are missing.")
        return report
    if RefundPolicy.objects.filter(organization__in=organizations.values()).exists():
        report.summary = summary()
        return report
    agent = get_user_model().objects.filter(email=SUPPORT_LOGIN).first()
    with action_emails.silenced(), transaction.atomic():
        for slug, (kind, days) in POLICIES.items():
            if slug in organizations:
                RefundPolicy.objects.create(
                    organization=organizations[slug], kind=kind, days_before=days
                )
                report.created["refund policies"] += 1
        refunded = _refund_one_ticket(agent, report)
        _transfer_one_ticket(agent, report)
        for spec in CASES:
            _create_case(spec, agent, now, refunded if spec.customer == REFUNDED_BUYER else None)
            report.created["support cases"] += 1
    report.summary = summary()
    return report


def _order_with_tickets(email: str, *, minimum: int):
    for order in Order.objects.filter(
        buyer_email=email, status=OrderStatus.COMPLETED, event__starts_at__gt=timezone.now()
    ).order_by("-created_at"):
        if order.tickets.filter(status=TicketStatus.VALID).count() >= minimum:
            return order
    return None


def _refund_one_ticket(agent, report):
    from crm.services import actions

    order = _order_with_tickets(REFUNDED_BUYER, minimum=2)
    if order is None or agent is None:
        return None
    ticket = order.tickets.filter(status=TicketStatus.VALID).first()
    actions.refund(
        actor=agent, order=order, tickets=[ticket], reason="Train strike (goodwill)", ip="127.0.0.1"
    )
    report.created["refunds"] += 1
    return order


def _transfer_one_ticket(agent, report):
    from crm.services import actions

    order = _order_with_tickets(TRANSFERRED_BUYER, minimum=1)
    if order is None or agent is None:
        return None
    ticket = order.tickets.filter(status=TicketStatus.VALID).first()
    actions.transfer(
        actor=agent,
        ticket=ticket,
        name="Giulia Rossi",
        email="giulia.rossi@example.com",
        ip="127.0.0.1",
    )
    report.created["transfers"] += 1
    return order


def _create_case(spec: DemoCase, agent, now, order):
    from crm.models import CaseMessage, SupportSettings
    from crm.sla import due_times

    User = get_user_model()
    customer = User.objects.filter(email=spec.customer).first()
    opened = now - spec.age
    case = SupportCase(
        subject=spec.subject,
        customer=customer,
        customer_email=spec.customer,
        customer_name=(customer.name if customer else ""),
        language=(customer.language if customer else "en"),
        order=order or Order.objects.filter(buyer_email=spec.customer).first(),
        status=spec.status,
        priority=spec.priority,
        source=spec.source,
        assignee=agent if spec.status != CaseStatus.NEW else None,
        created_at=opened,
    )
    if case.order_id:
        case.event_key = case.order.event_key
    case.first_response_due_at, case.resolution_due_at = due_times(case, SupportSettings.load())
    step = spec.age / (len(spec.messages) + 1)
    for number, (kind, _body) in enumerate(spec.messages, start=1):
        if kind == "reply" and case.first_responded_at is None:
            case.first_responded_at = opened + step * number
    if spec.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        case.resolved_at = opened + step * len(spec.messages)
    if spec.status == CaseStatus.CLOSED:
        case.closed_at = case.resolved_at
    case.save()
    case.tags.add(*spec.tags)
    for number, (kind, body) in enumerate(spec.messages, start=1):
        CaseMessage.objects.create(
            case=case,
            kind=kind,
            author=None if kind == "customer" else agent,
            body=body,
            created_at=opened + step * number,
            emailed_at=opened + step * number if kind == "reply" else None,
        )
    return case


def summary() -> list[str]:
    statuses = Counter(SupportCase.objects.values_list("status", flat=True))
    shown = ", ".join(
        f"{statuses[value]} {label.lower()}"
        for value, label in CaseStatus.choices
        if statuses[value]
    )
    return [
        f"  Support: {sum(statuses.values())} cases ({shown or 'none'}), refund policies for "
        "the demo organizations, a refunded and a transferred order. Work them as "
        f"{SUPPORT_LOGIN} (Support menu in /admin/)."
    ]
