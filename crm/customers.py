"""The customer 360 view: everything about one customer that a user may see, in one place.

`customer_profile(user, email)` gathers, within `crm.customer_search.customer_scope`:
the account, orders (items, tickets and their states, the payment, refunds, emails),
pre-orders (status, variant, whether credentials are assigned and their delivery;
never a password), support cases, the emails sent, and the audit history (Wagtail
log entries on the orders, their tickets, the cases, the pre-orders and their
ticket credentials), newest first. A fixed number of queries, however many orders
the customer has.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from wagtail.models import ModelLogEntry

from commerce.models import EmailDelivery, ExchangeCharge, Order, Ticket
from crm.customer_search import customer_key, customer_scope
from crm.models import CaseMessage, MessageKind, SupportCase
from fulfilment.models import PreOrder, TicketCredential
from fulfilment.permissions import may_reveal

HISTORY_ENTRIES = 100


class CustomerNotFound(LookupError):
    """Nothing of this customer is visible to the user (or there is no such customer)."""


@dataclass(frozen=True)
class EmailRow:
    """One email sent (or tried) to the customer, with its delivery status."""

    kind: str
    recipient: str
    subject: str
    sent_at: dt.datetime | None
    error: str
    created_at: dt.datetime | None

    @property
    def delivered(self) -> bool:
        return self.sent_at is not None


@dataclass
class Profile:
    email: str
    key: str
    name: str
    account: object | None  # accounts.User
    # Phone and marketing consent: for Support and the Platform admin, not for organizers.
    private_details_visible: bool
    orders: list = field(default_factory=list)
    pre_orders: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    emails: list[EmailRow] = field(default_factory=list)
    history: list = field(default_factory=list)
    may_reveal: bool = False

    @property
    def payments(self) -> list:
        """(order, payment, refunds) of each order, newest first."""
        return [(order, order.payment, list(order.refunds.all())) for order in self.orders]


def customer_profile(user, email: str) -> Profile:
    """What `user` may see of the customer `email`; raises CustomerNotFound when nothing."""
    email = (email or "").strip().lower()
    scope = customer_scope(user)
    account = (
        get_user_model().objects.annotate(email_lower=Lower("email")).filter(email_lower=email)
    ).first()
    orders = _orders(scope, email, account)
    pre_orders = _pre_orders(scope, account)
    cases = _cases(scope, email, account)
    if not (orders or pre_orders or cases or (account and scope.every_account)):
        raise CustomerNotFound(email)
    name = (account.name if account else "") or next(
        (order.buyer_name for order in orders if order.buyer_name),
        next((case.customer_name for case in cases if case.customer_name), ""),
    )
    return Profile(
        email=email,
        key=customer_key(email),
        name=name,
        account=account,
        private_details_visible=scope.every_account,
        orders=orders,
        pre_orders=pre_orders,
        cases=cases,
        emails=_emails(email, orders, pre_orders, cases),
        history=_history(orders, pre_orders, cases),
        may_reveal=may_reveal(user),
    )


def _orders(scope, email: str, account) -> list[Order]:
    mine = Q(buyer_email=email)
    if account is not None:
        mine |= Q(buyer=account)
    tickets = Ticket.objects.select_related("item", "replaced_by").order_by("item_id", "pk")
    return list(
        scope.orders.filter(mine)
        .select_related("payment", "event")
        .prefetch_related(
            "items",
            Prefetch("tickets", queryset=tickets),
            "refunds",
            Prefetch(
                "exchange_charges",
                queryset=ExchangeCharge.objects.select_related("ticket", "new_ticket").order_by(
                    "-created_at"
                ),
            ),
            Prefetch("email_deliveries", queryset=EmailDelivery.objects.order_by("created_at")),
        )
        .order_by("-created_at", "-pk")
    )


def _pre_orders(scope, account) -> list[PreOrder]:
    if account is None:
        return []
    return list(
        scope.pre_orders.filter(member=account)
        .select_related("offer__event", "variant", "assignment__ticket")
        .order_by("-created_at")
    )


def _cases(scope, email: str, account) -> list[SupportCase]:
    mine = Q(email_lower=email)
    if account is not None:
        mine |= Q(customer=account)
    return list(
        scope.cases.annotate(email_lower=Lower("customer_email"))
        .filter(mine)
        .select_related("assignee", "order")
        .order_by("-created_at", "-pk")
    )


def _assignment(pre_order):
    return getattr(pre_order, "assignment", None)


def _emails(email: str, orders, pre_orders, cases) -> list[EmailRow]:
    rows = [
        EmailRow(
            kind="order",
            recipient=delivery.recipient,
            subject=str(_("Order confirmation %(number)s") % {"number": order.number}),
            sent_at=delivery.sent_at,
            error=delivery.last_error,
            created_at=delivery.created_at,
        )
        for order in orders
        for delivery in order.email_deliveries.all()
    ]
    for pre_order in pre_orders:
        assignment = _assignment(pre_order)
        if assignment is None:
            continue
        rows.append(
            EmailRow(
                kind="credentials",
                recipient=email,
                subject=str(
                    _("Ticket for %(event)s")
                    % {"event": pre_order.offer.event.title if pre_order.offer.event else ""}
                ),
                sent_at=assignment.delivered_at,
                error=assignment.last_delivery_error,
                created_at=assignment.assigned_at,
            )
        )
    replies = CaseMessage.objects.filter(
        case__in=[case.pk for case in cases], kind=MessageKind.REPLY
    ).select_related("case")
    for message in replies:
        rows.append(
            EmailRow(
                kind="case",
                recipient=message.case.customer_email,
                subject=str(_("Reply on case #%(number)s") % {"number": message.case_id}),
                sent_at=message.emailed_at,
                error=message.email_error,
                created_at=message.created_at,
            )
        )
    far_past = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(rows, key=lambda row: row.created_at or far_past, reverse=True)


def _history(orders, pre_orders, cases) -> list[ModelLogEntry]:
    """Log entries on the customer's orders, tickets, cases, pre-orders and credentials."""
    objects = {
        Order: [order.pk for order in orders],
        Ticket: [ticket.pk for order in orders for ticket in order.tickets.all()],
        SupportCase: [case.pk for case in cases],
        PreOrder: [pre_order.pk for pre_order in pre_orders],
        TicketCredential: [
            _assignment(pre_order).ticket_id for pre_order in pre_orders if _assignment(pre_order)
        ],
    }
    types = ContentType.objects.get_for_models(*objects)
    wanted = Q(pk__in=[])
    for model, pks in objects.items():
        if pks:
            wanted |= Q(content_type=types[model], object_id__in=[str(pk) for pk in pks])
    return list(
        ModelLogEntry.objects.filter(wanted)
        .select_related("user", "content_type")
        .order_by("-timestamp", "-pk")[:HISTORY_ENTRIES]
    )
