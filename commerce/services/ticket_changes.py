"""Changing a sold ticket: transfer it to another person, or exchange it for another tier.

Both end the ticket (its QR stops admitting: only a VALID ticket admits) and
issue a new one with a new unguessable code on the same order; the old ticket
points to it (`replaced_by`). A transfer keeps the place; an exchange moves
one sold place from the old tier to the new one under the same inventory
rules as a hold, race-safe, and refunds a cheaper ticket's difference.

Lock order, as refunds and holds take them: the order row, the ticket row, then
the event inventory rows (by key), each followed by its tier rows, counters
last. An exchange's price difference is refunded inside the same transaction,
after the counters: a refused refund undoes the whole exchange, at the cost of
the inventory rows staying locked during that one gateway call (agent actions
are rare; a transaction with a refund at the gateway that we then roll back
would be worse). Audit entries, permissions and emails are the caller's
(crm.services.actions), which may wrap these calls in its own transaction.
"""

import functools
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from commerce.exceptions import CommerceError, InsufficientInventory
from commerce.models import (
    ExchangeChargeStatus,
    Order,
    OrderItem,
    Refund,
    RefundSource,
    Ticket,
    TicketStatus,
)
from commerce.selectors import availability
from commerce.services.holds import release_sold, take_inventory
from commerce.services.orders import new_ticket_code
from commerce.services.refunds import paid_for, refund_order
from event_pages import rules
from event_pages.models import EventIndexPage, EventPage, TicketTier
from event_pages.permissions import events_of

NAME_MAX_LENGTH = Ticket._meta.get_field("attendee_name").max_length


@dataclass(frozen=True)
class Exchange:
    """What an exchange did. `difference_minor` is the new tier's price minus what was
    paid for the old ticket: negative is refunded (`refund`), positive was waived."""

    old: Ticket
    new: Ticket
    difference_minor: int
    refund: Refund | None = None


__all__ = [
    "Exchange",
    "ExchangePlan",
    "exchange_ticket",
    "issue_exchanged_ticket",
    "paid_for",
    "plan_exchange",
    "take_sold_place",
    "transfer_ticket",
]

# --- transfer -------------------------------------------------------------------------


def transfer_ticket(*, ticket: Ticket, name: str, email: str, actor=None) -> Ticket:
    """Give a valid ticket of an upcoming event to another person; returns the new ticket.

    The new ticket has a new code (the old QR no longer admits anyone) and the new
    holder's name and email; it stays on the same order, tier and event, so the
    capacity does not change. Refuses with CommerceError naming the field
    (invalid_attendee_name, attendee_email_required, invalid_attendee_email) or
    the rule (ticket_not_valid, ticket_event_over). `actor` is for the caller's audit.
    """
    name, email = _clean_holder(name, email)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_valid(ticket)
        _refuse_if_over(locked, now)
        new = Ticket.objects.create(
            order_id=locked.order_id,
            item_id=locked.item_id,
            tier_key=locked.tier_key,
            event_key=locked.event_key,
            code=new_ticket_code(),
            attendee_name=name,
            attendee_email=email,
        )
        _end(locked, status=TicketStatus.TRANSFERRED, replaced_by=new, now=now)
    _copy_end(ticket, locked)
    return new


def _clean_holder(name: str, email: str) -> tuple[str, str]:
    name = (name or "").strip()
    email = (email or "").strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise CommerceError(
            "invalid_attendee_name", detail={"field": "name"}, limit=NAME_MAX_LENGTH
        )
    if not email:
        raise CommerceError("attendee_email_required", detail={"field": "email"})
    try:
        validate_email(email)
    except ValidationError:
        raise CommerceError("invalid_attendee_email", detail={"field": "email"}) from None
    return name, email


# --- exchange -------------------------------------------------------------------------


def exchange_ticket(
    *, ticket: Ticket, tier: TicketTier, actor=None, waive_difference: bool = False
) -> Exchange:
    """Exchange a valid ticket for one of `tier` (this event or another event of the
    same organization), if that tier is on sale and has a place left right now.

    In one transaction: the old ticket becomes VOID (replaced by the new one), one
    sold place moves from the old tier to the new (InsufficientInventory, with
    nothing changed, when none is left), and a cheaper new ticket's difference is
    refunded to the buyer (RefundSource.EXCHANGE; at most what the order still has
    to refund, none when nothing is left; a refusal at the gateway undoes the
    exchange with its RefundError). A dearer one is refused
    (exchange_costs_more) unless `waive_difference` (an agent's goodwill, which the
    caller audits). The new ticket belongs to the same order, on an order line for
    its tier; its `event_key` is set when it is for another event than the order's.
    """
    now = timezone.now()
    with transaction.atomic():
        plan = plan_exchange(ticket=ticket, tier=tier, now=now)
        locked, order, difference = plan.ticket, plan.ticket.order, plan.difference_minor
        if difference > 0 and not waive_difference:
            raise CommerceError("exchange_costs_more")
        new = issue_exchanged_ticket(locked, plan.target, tier, now)
        _move_one_sold_place(locked, plan.source.translation_key, plan.target, tier, now)
        refund = None
        # Never more than is left of what the order paid (an earlier refund may
        # already have given this money back).
        owed = min(-difference, order.refundable_minor)
        if owed > 0:
            refund = _refund_difference(order, owed, locked, tier, actor)
    _copy_end(ticket, locked)
    return Exchange(old=locked, new=new, difference_minor=difference, refund=refund)


@dataclass(frozen=True)
class ExchangePlan:
    """An exchange that passed every rule: the ticket (locked, its order too), the event
    it admits to now, the target event and tier, and the price difference (the tier's
    price minus what was paid for the ticket)."""

    ticket: Ticket
    source: EventPage
    target: EventPage
    tier: TicketTier
    difference_minor: int


def plan_exchange(*, ticket: Ticket, tier: TicketTier, now) -> ExchangePlan:
    """The rules of every exchange (direct, or waiting for the difference to be paid),
    inside the caller's transaction: the order and ticket rows locked, the ticket
    valid and its event not over, the target event live and the tier on sale now,
    another tier, the same organization and currency, the add-on rule kept, no other
    exchange of it waiting for payment (exchange_payment_pending). A
    refusal is the CommerceError naming the rule; nothing is changed here."""
    target = EventPage.objects.get(pk=tier.page_id)
    _refuse_unsellable(target, tier, now)
    locked = _lock_valid(ticket)
    source = _refuse_if_over(locked, now)
    order = locked.order
    if tier.translation_key == locked.tier_key:
        raise CommerceError("exchange_same_tier")
    if not _same_organization(source, target):
        raise CommerceError("exchange_other_organization")
    if tier.currency != order.currency:
        raise CommerceError("exchange_other_currency", currency=order.currency)
    _refuse_broken_requirements(locked, tier)
    if locked.exchange_charges.filter(status=ExchangeChargeStatus.AWAITING_PAYMENT).exists():
        raise CommerceError("exchange_payment_pending")  # cancel that one first
    return ExchangePlan(locked, source, target, tier, tier.price_minor - paid_for(locked))


def issue_exchanged_ticket(locked: Ticket, target: EventPage, tier: TicketTier, now) -> Ticket:
    """The new ticket of an exchange (a new code, an order line for its tier, its event
    when another than the order's); the old one, locked, becomes VOID, replaced by it.
    The inventory is the caller's."""
    order = locked.order
    new = Ticket.objects.create(
        order=order,
        item=_exchange_line(order, tier),
        tier_key=tier.translation_key,
        event_key=(target.translation_key if target.translation_key != order.event_key else None),
        code=new_ticket_code(),
        attendee_name=locked.attendee_name,
        attendee_email=locked.attendee_email,
    )
    _end(locked, status=TicketStatus.VOID, replaced_by=new, now=now)
    return new


def _refuse_unsellable(target: EventPage, tier: TicketTier, now) -> None:
    """The hold's rules for the target: a live event not over, a tier on sale now."""
    if not target.live:
        raise CommerceError("event_not_on_sale")
    if target.is_over(now):
        raise CommerceError("event_over")
    on_sale = rules.tier_on_sale(
        enabled=tier.enabled,
        sales_start=tier.sales_start,
        sales_end=tier.sales_end,
        event_closes_at=target.sales_close_at,
        moment=now,
    )
    if not on_sale:
        raise CommerceError("tier_not_on_sale")


def _same_organization(source: EventPage, target: EventPage) -> bool:
    """Whether `target` is under an index page (any locale) of `source`'s organization."""
    keys = EventIndexPage.objects.ancestor_of(source).values_list("translation_key", flat=True)
    return events_of(list(keys)).filter(pk=target.pk).exists()


def _refuse_broken_requirements(ticket: Ticket, tier: TicketTier) -> None:
    """The hold's add-on rule ("only together with", rules.missing_requirements) over the
    order's valid tickets after the exchange: the new tier needs its tier among them,
    and an add-on already in the order must not lose the ticket it needs."""
    kept = set(
        ticket.order.tickets.filter(status=TicketStatus.VALID)
        .exclude(pk=ticket.pk)
        .values_list("tier_key", flat=True)
    )
    tiers = {tier.translation_key: tier.requires_tier_key}
    tiers.update(
        TicketTier.objects.filter(translation_key__in=kept).values_list(
            "translation_key", "requires_tier_key"
        )
    )
    lines = [(str(key), key, requires) for key, requires in tiers.items()]
    for addon_key, required_key in rules.missing_requirements(lines):
        if addon_key == str(tier.translation_key):
            raise CommerceError(
                "tier_requires_another", addon=tier.name, required=_tier_name(required_key)
            )
        if required_key == str(ticket.tier_key) and ticket.tier_key not in kept:
            raise CommerceError(
                "exchange_breaks_requirement",
                addon=_tier_name(addon_key),
                required=_tier_name(required_key),
            )


def _tier_name(key) -> str:
    name = TicketTier.objects.filter(translation_key=key).values_list("name", flat=True).first()
    return name or "?"


def _move_one_sold_place(ticket: Ticket, source_key, target: EventPage, tier, now) -> None:
    """Give back the old ticket's sold place and take one on the new tier, the event rows
    in key order (no deadlock with an exchange the other way round). Within one event
    the place is given back first, so a full event still lets a ticket change tiers.
    No place left: InsufficientInventory, and the transaction rolls back."""
    give_back = functools.partial(release_sold, {source_key: {ticket.tier_key: 1}})
    take = functools.partial(take_sold_place, target, tier, now)
    source_first = str(source_key) <= str(target.translation_key)
    for step in (give_back, take) if source_first else (take, give_back):
        step()


def take_sold_place(target: EventPage, tier: TicketTier, now) -> None:
    """One sold place of `tier` if the event and tier have one left now (inside the
    caller's transaction), else InsufficientInventory with what is left."""
    if not take_inventory(target.translation_key, {tier.translation_key: 1}, sold=True):
        raise InsufficientInventory(
            detail={str(tier.pk): availability(target, now=now).for_tier(tier)}
        )


def _exchange_line(order: Order, tier: TicketTier) -> OrderItem:
    """A new order line for the exchanged-in ticket: its tier, name and price, and a
    line total of 0. The ticket was paid by the one it replaces (see paid_for), so
    the lines still add up to the order's subtotal and the other tickets keep
    their share of the total."""
    return OrderItem.objects.create(
        order=order,
        tier_key=tier.translation_key,
        tier=tier,
        tier_name=tier.name,
        quantity=1,
        unit_price_minor=tier.price_minor,
        line_total_minor=0,
    )


def _refund_difference(order, amount_minor: int, old: Ticket, tier, actor) -> Refund:
    refund = refund_order(
        order=order,
        amount_minor=amount_minor,
        reason=f"Price difference of exchanging ticket {old.code} for {tier.name}",
        source=RefundSource.EXCHANGE,
        actor=actor,
    )
    refund.tickets.add(old)  # the ticket exchanged away (its new ticket's paid_for)
    return refund


# --- shared -----------------------------------------------------------------------------


def _lock_valid(ticket: Ticket) -> Ticket:
    """The ticket's order row then its own, locked (FOR UPDATE, the order first as a
    refund does), or ticket_not_valid when the ticket no longer admits."""
    order = Order.objects.select_for_update().get(pk=ticket.order_id)
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    locked.order = order
    if locked.status != TicketStatus.VALID:
        raise CommerceError("ticket_not_valid")
    return locked


def _refuse_if_over(ticket: Ticket, now) -> EventPage:
    """The event the ticket admits to (one copy), or ticket_event_over once it has ended."""
    event = EventPage.objects.filter(translation_key=ticket.held_event_key).order_by("pk").first()
    if event is None or event.is_over(now):
        raise CommerceError("ticket_event_over")
    return event


def _end(ticket: Ticket, *, status: str, replaced_by: Ticket, now) -> None:
    ticket.status, ticket.replaced_by, ticket.ended_at = status, replaced_by, now
    ticket.save(update_fields=["status", "replaced_by", "ended_at"])


def _copy_end(ticket: Ticket, locked: Ticket) -> None:
    """The caller's object says what happened to its ticket (its code stays the old one)."""
    ticket.status, ticket.replaced_by, ticket.ended_at = (
        locked.status,
        locked.replaced_by,
        locked.ended_at,
    )
