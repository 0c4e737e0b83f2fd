"""Refunds and cancellations: money back on an order, tickets ended, places back on sale.

Three ways money goes back, one bookkeeping:

- `refund_order`: chosen tickets (their share of what was paid), an amount, or
  everything that is left;
- `cancel_order`: every valid ticket ends, with or without the money;
- `reconcile_gateway_refunds`: refunds made in the provider's dashboard (or ours,
  if our recording was lost) arrive by webhook and are recorded once, by the
  provider's refund id.

`Order.refunded_minor` is the sum of the order's refunds that succeeded or are
still pending at the provider (money promised back counts, so nothing can be
refunded twice); a refund the provider later reports failed is taken off again.

Lock order: the order row first (held while the gateway is asked, so a second
refund of the same order, and the webhook's reconciliation, wait and then see
our row), then the inventory rows (commerce.services.holds.release_sold), which
are touched only after the gateway has answered and stay locked only until the
commit.
"""

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from wagtail.log_actions import log

from commerce.audit import ORDER_REFUND_FAILED, ORDER_REFUNDED
from commerce.exceptions import PaymentError, RefundError
from commerce.models import (
    ExchangeCharge,
    ExchangeChargeStatus,
    Order,
    OrderStatus,
    Refund,
    RefundSource,
    RefundStatus,
    Ticket,
    TicketStatus,
)
from commerce.payments import get_gateway
from commerce.services.holds import release_sold
from core.money import format_money

logger = logging.getLogger(__name__)

GATEWAY_STATUS = {
    "succeeded": RefundStatus.SUCCEEDED,
    "pending": RefundStatus.PENDING,
    "failed": RefundStatus.FAILED,
}


@dataclass
class _Plan:
    """What one refund or cancellation does: end these tickets, give back this much."""

    tickets: list = field(default_factory=list)
    amount_minor: int = 0


def refund_order(
    *,
    order: Order,
    tickets=None,
    amount_minor: int | None = None,
    reason: str = "",
    source: str = RefundSource.AGENT,
    actor=None,
) -> Refund | None:
    """Give money back on a paid order; returns the succeeded (or pending) Refund.

    Pass at most one of:

    - `tickets` (Ticket objects or codes of this order, each VALID): refunds what
      those tickets were paid (see `ticket_share`), never more than
      `order.refundable_minor`; the tickets end as REFUNDED and their places are
      on sale again at once;
    - `amount_minor`: money only, the tickets stay valid (at most the refundable
      remainder);
    - neither: the whole refundable remainder and every valid ticket.

    Refuses with RefundError ("nothing_to_refund", "amount_too_high",
    "ticket_not_refundable", "refund_refused", "payment_unavailable") and then
    nothing has changed.

    Flow, in one transaction: lock the order, validate, ask the gateway to
    refund (idempotency key "refund-<uuid>"), then end the tickets, release their
    places, record the Refund and the order's new `refunded_minor` and status.
    If the database transaction fails after the gateway refunded, the refund
    stands at the provider, and its webhook (charge.refunded) records it through
    `reconcile_gateway_refunds` as a GATEWAY refund.

    An amount of 0 (an order paid nothing, such as a 100% promo, or tickets whose
    money was already given back) calls no gateway and records no Refund row (a
    refund is always > 0): the tickets end and their places are released, and
    None is returned.
    """
    if tickets is not None and amount_minor is not None:
        raise ValueError("refund_order takes tickets or amount_minor, not both")
    with transaction.atomic():
        locked = _lock_order(order)
        if tickets is not None:
            plan = _plan_for_tickets(locked, tickets)
        elif amount_minor is not None:
            plan = _plan_for_amount(locked, amount_minor)
        else:
            plan = _Plan(_valid_tickets(locked), locked.refundable_minor)
            if not plan.tickets and not plan.amount_minor:
                raise RefundError("nothing_to_refund")
        refund = _carry_out(
            locked,
            plan,
            ticket_status=TicketStatus.REFUNDED,
            cancel=False,
            reason=reason,
            source=source,
            actor=actor,
        )
    _copy_back(locked, order)
    return refund


def cancel_order(*, order: Order, refund: bool, reason: str = "", actor=None) -> Refund | None:
    """Cancel an order: every valid ticket ends (REFUNDED with the money back, VOID
    without) and its place is on sale again; the order becomes CANCELLED.

    With `refund`, the refundable remainder goes back through the same machinery as
    `refund_order` (the Refund is returned; None when nothing was left to refund).
    Cancelling a cancelled order again changes nothing (or only refunds what is left,
    with `refund`). Refuses like `refund_order` when the gateway refuses; then
    nothing has changed.
    """
    with transaction.atomic():
        locked = _lock_order(order)
        plan = _Plan(_valid_tickets(locked), locked.refundable_minor if refund else 0)
        if locked.status == OrderStatus.CANCELLED and not plan.tickets and not plan.amount_minor:
            return None
        made = _carry_out(
            locked,
            plan,
            ticket_status=TicketStatus.REFUNDED if refund else TicketStatus.VOID,
            cancel=True,
            reason=reason,
            source=RefundSource.AGENT if actor is not None else RefundSource.SYSTEM,
            actor=actor,
        )
    _copy_back(locked, order)
    return made


def ticket_share(order: Order, tickets) -> int:
    """What `tickets` (of `order`) were paid, in minor units.

    Rule: the order's discount is shared out over its lines in proportion to their
    price: line i was paid total × line_total_i / subtotal, rounded down, and the
    minor units lost to rounding go one each to the lines with the largest
    remainders (ties: the earlier line), so the lines add up exactly to the total.
    Within a line each ticket is worth line_paid // quantity, the first
    (line_paid % quantity) refunded tickets of the line one unit more. A ticket is
    worth what refunding it adds to the line's refunded tickets, so refunding a
    whole order ticket by ticket gives back exactly its total.
    """
    paid = _line_payments(order)
    by_item = defaultdict(int)
    for ticket in tickets:
        by_item[ticket.item_id] += 1
    items = {item.pk: item for item in order.items.all()}
    already = dict(
        _count_by_item(order.tickets.filter(status=TicketStatus.REFUNDED, item_id__in=by_item))
    )
    total = 0
    for item_id, count in by_item.items():
        item, done = items[item_id], already.get(item_id, 0)
        total += _first_tickets_value(paid[item_id], item.quantity, done + count)
        total -= _first_tickets_value(paid[item_id], item.quantity, done)
    return total


def tickets_value(order: Order, tickets) -> int:
    """What refunding `tickets` (of `order`) gives back: each ticket what it was paid.

    A ticket on one of the order's own lines is worth its share (`ticket_share`); a
    ticket that came from an exchange sits on an exchange line whose total is 0 (the
    ticket it replaced paid for it), so it is worth `paid_for` it.
    """
    tickets = list(tickets)
    exchanged_in = [ticket for ticket in tickets if _on_exchange_line(ticket)]
    bought = [ticket for ticket in tickets if ticket not in exchanged_in]
    return ticket_share(order, bought) + sum(paid_for(ticket) for ticket in exchanged_in)


def _on_exchange_line(ticket: Ticket) -> bool:
    return ticket.item.line_total_minor == 0 and Ticket.objects.filter(replaced_by=ticket).exists()


def paid_for(ticket: Ticket) -> int:
    """What the buyer paid for one ticket, in minor units, net of exchange refunds.

    A ticket bought in the order: its share of the order total (the order's discount
    spread over the lines in proportion to their price, rounding included), the
    rule of `ticket_share`, so an exchange and a refund of the same ticket agree. A
    ticket that replaced another (transfer, exchange): what was paid for that one,
    less the price difference refunded when it was exchanged, plus the difference
    the customer paid for it (an ExchangeCharge; a waived dearer difference adds
    nothing: it was not paid).
    """
    replaced = Ticket.objects.filter(replaced_by=ticket).select_related("order").first()
    if replaced is None:
        return ticket_share(ticket.order, [ticket])
    refunded = (
        Refund.objects.filter(tickets=replaced, source=RefundSource.EXCHANGE)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount_minor"))["total"]
    )
    charged = ExchangeCharge.objects.filter(
        new_ticket=ticket, status=ExchangeChargeStatus.PAID
    ).aggregate(total=Sum("amount_minor"))["total"]
    return max(paid_for(replaced) - (refunded or 0), 0) + (charged or 0)


def _line_payments(order: Order) -> dict:
    items = sorted(order.items.all(), key=lambda item: item.pk)
    subtotal = sum(item.line_total_minor for item in items)
    if subtotal <= 0:
        return {item.pk: 0 for item in items}
    exact = [(item.pk, item.line_total_minor * order.total_minor) for item in items]
    paid = {pk: share // subtotal for pk, share in exact}
    left = order.total_minor - sum(paid.values())
    by_remainder = sorted(exact, key=lambda pair: (-(pair[1] % subtotal), pair[0]))
    for pk, _share in by_remainder[:left]:
        paid[pk] += 1
    return paid


def _first_tickets_value(line_paid: int, quantity: int, count: int) -> int:
    count = min(count, quantity)
    base, extra = divmod(line_paid, quantity)
    return count * base + min(count, extra)


def _count_by_item(queryset):
    from django.db.models import Count

    return queryset.values("item_id").annotate(n=Count("pk")).values_list("item_id", "n")


def reconcile_gateway_refunds(*, order: Order, listed=None, charge=None) -> int:
    """Record the provider's refunds of `order` that we have no row for; returns how many.

    The provider is asked (`listed`: its answer, when the caller already has it)
    before the order is locked, never the webhook payload. Each unknown refund is
    recorded once (matched by its id) as a GATEWAY refund and added to
    `refunded_minor`, with a log entry on the order (actor None, before and after).
    When that makes the order fully refunded, every valid ticket ends (REFUNDED)
    and its place is on sale again; a partial refund keeps the tickets valid. A
    known refund the provider now reports succeeded or failed is updated (a
    failed one is taken off `refunded_minor` again). Replays change nothing.
    Raises PaymentError when the provider cannot be reached.

    `charge`: the refunds are of that exchange difference's payment (a PAID
    ExchangeCharge of the order), not of the order's own; each is recorded on it, at
    most what is left of it.
    """
    if listed is None:
        if charge is not None:
            listed = get_gateway(charge.gateway).refunds(charge.reference)
        else:
            listed = get_gateway(order.payment_provider).refunds(order.payment_reference)
    with transaction.atomic():
        locked = _lock_order(order)
        references = [made.reference for made in listed]
        known = {row.reference: row for row in locked.refunds.filter(reference__in=references)}
        recorded = 0
        for made in listed:
            status = GATEWAY_STATUS.get(made.status, RefundStatus.PENDING)
            row = known.get(made.reference)
            if row is None and status != RefundStatus.FAILED:
                recorded += _record_gateway_refund(locked, made, status, charge)
            elif row is not None and row.status != status:
                _update_refund_status(locked, row, status)
        if recorded and locked.paid_minor and not locked.refundable_minor:
            ended = _valid_tickets(locked)
            _end_tickets(ended, TicketStatus.REFUNDED)
            _release_places(locked, ended)
        locked.status = _status_after(locked, cancel=False)
        locked.save(update_fields=["refunded_minor", "status"])
    _copy_back(locked, order)
    return recorded


def _record_gateway_refund(order: Order, made, status, charge=None) -> int:
    amount = min(made.amount_minor, order.refundable_minor)
    if charge is not None:
        amount = min(amount, _left_on_charge(order, charge))
    if amount != made.amount_minor:
        logger.error(
            "gateway refund %s of %s on order %s is more than its refundable %s",
            made.reference,
            made.amount_minor,
            order.number,
            order.refundable_minor,
        )
    if amount <= 0:
        return 0
    before = _money_state(order)
    Refund.objects.create(
        order=order,
        amount_minor=amount,
        currency=order.currency,
        status=status,
        source=RefundSource.GATEWAY,
        reference=made.reference,
        exchange_charge=charge,
    )
    order.refunded_minor += amount
    order.status = _status_after(order, cancel=False)
    _log(order, ORDER_REFUNDED, made.reference, amount, before)
    return 1


def _left_on_charge(order: Order, charge) -> int:
    """What is still refundable of an exchange difference's payment."""
    if charge.status != ExchangeChargeStatus.PAID:
        return 0
    refunded = (
        order.refunds.filter(exchange_charge=charge)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount_minor"))["total"]
    )
    return max(charge.amount_minor - (refunded or 0), 0)


def _update_refund_status(order: Order, row: Refund, status) -> None:
    """A pending refund settled at the provider (or a refund failed there after all)."""
    before = _money_state(order)
    if status == RefundStatus.FAILED:
        order.refunded_minor -= row.amount_minor
        row.failure_message = "The payment provider reported this refund failed."
    elif row.status == RefundStatus.FAILED:  # counted again: the provider made it after all
        order.refunded_minor += min(row.amount_minor, order.refundable_minor)
        row.failure_message = ""
    order.status = _status_after(order, cancel=False)
    row.status = status
    row.save(update_fields=["status", "failure_message"])
    if status == RefundStatus.FAILED:
        _log(order, ORDER_REFUND_FAILED, row.reference, row.amount_minor, before)


def _money_state(order: Order) -> dict:
    return {"refunded_minor": order.refunded_minor, "status": order.status}


def _log(order: Order, action: str, reference: str, amount: int, before: dict) -> None:
    log(
        instance=order,
        action=action,
        user=None,
        data={
            "reference": reference,
            "amount_minor": amount,
            "currency": order.currency,
            "before": before,
            "after": _money_state(order),
        },
    )


# --- the shared machinery -----------------------------------------------------------


def _lock_order(order: Order) -> Order:
    queryset = Order.objects.all()
    if connection.features.has_select_for_update:
        queryset = queryset.select_for_update()
    return queryset.get(pk=order.pk)


def _copy_back(locked: Order, order: Order) -> None:
    """The caller's order object shows the new state."""
    if locked is not order:
        order.refunded_minor, order.status = locked.refunded_minor, locked.status


def _valid_tickets(order: Order) -> list:
    tickets = list(order.tickets.filter(status=TicketStatus.VALID).order_by("pk"))
    for ticket in tickets:
        ticket.order = order
    return tickets


def _plan_for_tickets(order: Order, tickets) -> _Plan:
    codes = list(dict.fromkeys(t.code if isinstance(t, Ticket) else str(t) for t in tickets))
    if not codes:
        raise RefundError("nothing_to_refund")
    found = {t.code: t for t in order.tickets.filter(code__in=codes)}
    for code in codes:
        ticket = found.get(code)
        if ticket is None or ticket.status != TicketStatus.VALID:
            raise RefundError("ticket_not_refundable", ticket=code)
        ticket.order = order
    chosen = [found[code] for code in codes]
    return _Plan(chosen, min(tickets_value(order, chosen), order.refundable_minor))


def _plan_for_amount(order: Order, amount_minor: int) -> _Plan:
    if order.refundable_minor <= 0 or amount_minor <= 0:
        raise RefundError("nothing_to_refund")
    if amount_minor > order.refundable_minor:
        raise RefundError(
            "amount_too_high", limit=format_money(order.refundable_minor, order.currency)
        )
    return _Plan([], amount_minor)


def _carry_out(order, plan: _Plan, *, ticket_status, cancel, reason, source, actor):
    """Gateway first (the order locked, no inventory row yet), then the bookkeeping."""
    refund = None
    if plan.amount_minor > 0:
        refund = _refund_payments(order, plan, reason=reason, source=source, actor=actor)
        order.refunded_minor += plan.amount_minor
    _end_tickets(plan.tickets, ticket_status)
    # Exchanges waiting for payment end with their ticket, or with the whole order
    # (their gateway payments cancelled before any inventory row is locked).
    whole = cancel or order.refunded_minor >= order.paid_minor > 0
    reserved = _close_awaiting_charges(order, None if whole else [t.pk for t in plan.tickets])
    _release_places(order, plan.tickets, also=reserved)
    order.status = _status_after(order, cancel=cancel)
    order.save(update_fields=["refunded_minor", "status"])
    return refund


def _close_awaiting_charges(order: Order, ticket_ids) -> dict:
    from commerce.services.exchange_charges import close_awaiting_charges

    if ticket_ids is not None and not ticket_ids:
        return {}
    return close_awaiting_charges(order, ticket_ids=ticket_ids)


def _refund_payments(order: Order, plan: _Plan, *, reason, source, actor) -> Refund:
    """Refund `plan.amount_minor` over the order's payments: the exchange differences paid
    for the tickets being refunded first, then the order's own payment, then the other
    differences. One gateway refund (its own idempotency key) and one Refund row per
    payment touched; the first row is returned, the others are its `parts`."""
    first, left = None, plan.amount_minor
    for charge, provider, reference, available in _payments(order, plan.tickets):
        part = min(left, available)
        if part <= 0:
            continue
        made = _refund_at_gateway(provider, reference, part, f"refund-{uuid.uuid4()}")
        row = Refund.objects.create(
            order=order,
            amount_minor=part,
            currency=order.currency,
            status=GATEWAY_STATUS.get(made.status, RefundStatus.PENDING),
            source=source,
            reference=made.reference,
            reason=reason[:500],
            created_by=actor if getattr(actor, "pk", None) else None,
            exchange_charge=charge,
            part_of=first,
        )
        if first is None:
            first = row
            if plan.tickets:
                row.tickets.set(plan.tickets)
        left -= part
        if not left:
            return first
    raise RefundError(
        "amount_too_high", limit=format_money(plan.amount_minor - left, order.currency)
    )


def _payments(order: Order, tickets) -> list:
    """(exchange charge or None, provider, reference, still refundable) of each payment."""
    refunded = dict(
        order.refunds.exclude(status=RefundStatus.FAILED)
        .order_by()
        .values("exchange_charge")
        .annotate(total=Sum("amount_minor"))
        .values_list("exchange_charge", "total")
    )
    own = (None, order.payment_provider, order.payment_reference)
    charges = [
        (charge, charge.gateway, charge.reference)
        for charge in order.exchange_charges.filter(status=ExchangeChargeStatus.PAID).order_by(
            "paid_at", "pk"
        )
    ]
    ticket_ids = {ticket.pk for ticket in tickets}
    theirs = [payment for payment in charges if payment[0].new_ticket_id in ticket_ids]
    others = [payment for payment in charges if payment not in theirs]
    payments = []
    for charge, provider, reference in [*theirs, own, *others]:
        paid = charge.amount_minor if charge is not None else order.total_minor
        key = charge.pk if charge is not None else None
        payments.append((charge, provider, reference, paid - refunded.get(key, 0)))
    return payments


def _refund_at_gateway(provider: str, reference: str, amount_minor: int, key: str):
    try:
        made = get_gateway(provider).refund(
            reference=reference, amount_minor=amount_minor, idempotency_key=key
        )
    except PaymentError as refusal:
        code = "refund_refused" if refusal.code == "refund_refused" else "payment_unavailable"
        raise RefundError(code) from refusal
    if made.status == "failed":
        raise RefundError("refund_refused")
    return made


def _end_tickets(tickets, status) -> None:
    if not tickets:
        return
    now = timezone.now()
    Ticket.objects.filter(pk__in=[t.pk for t in tickets], status=TicketStatus.VALID).update(
        status=status, ended_at=now
    )
    for ticket in tickets:
        ticket.status, ticket.ended_at = status, now


def _release_places(order: Order, tickets, also=None) -> None:
    """The ended tickets' places (and `also`: places reserved for exchanges that ended)
    are on sale again (the inventory rows, locked last, in one pass)."""
    sold = defaultdict(lambda: defaultdict(int))
    for ticket in tickets:
        sold[ticket.held_event_key][ticket.tier_key] += 1
    for event, tiers in (also or {}).items():
        for tier, n in tiers.items():
            sold[event][tier] += n
    if sold:
        release_sold({event: dict(tiers) for event, tiers in sold.items()})


def _status_after(order: Order, *, cancel: bool) -> str:
    if cancel or order.status == OrderStatus.CANCELLED:
        return OrderStatus.CANCELLED
    if order.paid_minor and order.refunded_minor >= order.paid_minor:
        return OrderStatus.REFUNDED
    statuses = set(order.tickets.values_list("status", flat=True))
    if not order.total_minor and TicketStatus.REFUNDED in statuses:
        return (
            OrderStatus.PARTIALLY_REFUNDED
            if TicketStatus.VALID in statuses
            else OrderStatus.REFUNDED
        )
    if order.refunded_minor or TicketStatus.REFUNDED in statuses:
        return OrderStatus.PARTIALLY_REFUNDED
    return OrderStatus.COMPLETED
