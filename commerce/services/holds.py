"""Holds: reserve tickets for 15 minutes without ever overselling.

Design (see docs/performance.md): the inventory rows carry `sold` and `held`
counters. Taking tickets is a conditional UPDATE (`... SET held = held + n
WHERE sold + held + n <= capacity`), which on PostgreSQL both row-locks and
checks in one statement; the event row is taken first and the tier rows after
it, in key order, so there is one serialization point and no deadlock.
Everything else (validation, pricing, promo lookup) happens before the
transaction, and inside it the counters are updated last, so the hot row is
locked only from its UPDATE to the commit. On PostgreSQL that transaction body
runs as one function call (commerce/services/sql_core.py, the one seam); the
Python body below is the same steps, run on SQLite and, in CI, on PostgreSQL
too. A CheckConstraint on each counter row makes overselling impossible even if
this code were wrong.

Lock order everywhere: hold rows -> event inventory -> tier inventories (by
key) -> promo code. Sweeping expired holds skips rows others have locked.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from commerce.exceptions import HoldError, InsufficientInventory, PaymentError
from commerce.models import (
    EventInventory,
    Hold,
    HoldLine,
    HoldStatus,
    Payment,
    PaymentStatus,
    PromoCode,
    TierInventory,
)
from commerce.payments import get_gateway
from commerce.selectors import availability
from commerce.services import sql_core
from event_pages import rules
from event_pages.models import TicketTier


@dataclass(frozen=True)
class LineRequest:
    tier_id: int
    quantity: int


def require_transaction():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("inventory changes must run inside transaction.atomic()")


def _lockable(queryset, *, wait: bool):
    """SELECT ... FOR UPDATE where the database has row locks; without `wait`,
    rows another transaction holds are skipped."""
    if not connection.features.has_select_for_update:
        return queryset
    if wait:
        return queryset.select_for_update()
    return queryset.select_for_update(skip_locked=True)


# --- counters -------------------------------------------------------------------


def _take_event(event_key, quantity: int, *, sold: bool = False) -> bool:
    counter = "sold" if sold else "held"
    return bool(
        EventInventory.objects.filter(
            event_key=event_key, capacity__gte=F("sold") + F("held") + quantity
        ).update(**{counter: F(counter) + quantity})
    )


def _take_tier(tier_key, quantity: int, *, sold: bool = False) -> bool:
    counter = "sold" if sold else "held"
    return bool(
        TierInventory.objects.filter(tier_key=tier_key)
        .filter(Q(allocation__isnull=True) | Q(allocation__gte=F("sold") + F("held") + quantity))
        .update(**{counter: F(counter) + quantity})
    )


def take_inventory(event_key, quantities: dict, *, sold: bool = False) -> bool:
    """Add `quantities` ({tier_key: n}) to held (or sold) if capacity allows; all or nothing.

    Must run inside the caller's transaction; on False the caller rolls back.
    """
    require_transaction()
    if not _take_event(event_key, sum(quantities.values()), sold=sold):
        return False
    return all(_take_tier(key, quantities[key], sold=sold) for key in sorted(quantities))


def take_promo_use(promo_id, *, sold: bool = False) -> bool:
    """Count one use of a promo code if its usage limit allows (inside a transaction)."""
    counter = "used" if sold else "held"
    return bool(
        PromoCode.objects.filter(pk=promo_id)
        .filter(Q(max_uses__isnull=True) | Q(max_uses__gte=F("used") + F("held") + 1))
        .update(**{counter: F(counter) + 1})
    )


def _sell_held(hold: Hold, quantities: dict) -> None:
    """Mark a locked ACTIVE hold CONSUMED and move its tickets from held to sold (the
    counters last, then its promo use, in the lock order above)."""
    Hold.objects.filter(pk=hold.pk).update(status=HoldStatus.CONSUMED)
    total = sum(quantities.values())
    EventInventory.objects.filter(event_key=hold.event_key).update(
        held=F("held") - total, sold=F("sold") + total
    )
    for key in sorted(quantities):
        TierInventory.objects.filter(tier_key=key).update(
            held=F("held") - quantities[key], sold=F("sold") + quantities[key]
        )
    if hold.promo_code_id:
        PromoCode.objects.filter(pk=hold.promo_code_id).update(
            held=F("held") - 1, used=F("used") + 1
        )


def _release_held(event_key, quantities: dict) -> None:
    EventInventory.objects.filter(event_key=event_key).update(
        held=F("held") - sum(quantities.values())
    )
    for key in sorted(quantities):
        TierInventory.objects.filter(tier_key=key).update(held=F("held") - quantities[key])


def release_sold(sold_by_event: dict) -> None:
    """Give sold places back to sale at once ({event_key: {tier_key: n}}): a refund or
    cancellation ended those tickets. Inside the caller's transaction, in the lock
    order above (each event row, then its tier rows by key); never call the
    gateway while these rows are locked.
    """
    require_transaction()
    for event_key in sorted(sold_by_event, key=str):
        quantities = {key: n for key, n in sold_by_event[event_key].items() if n > 0}
        if not quantities:
            continue
        EventInventory.objects.filter(event_key=event_key).update(
            sold=F("sold") - sum(quantities.values())
        )
        for key in sorted(quantities, key=str):
            TierInventory.objects.filter(tier_key=key).update(sold=F("sold") - quantities[key])


# --- placing a hold ---------------------------------------------------------------


def _validate_lines(event, lines: list[LineRequest], now, known_tiers=None) -> list[tuple]:
    """(tier, quantity) pairs for the requested lines, or a HoldError saying why not."""
    if not event.live:
        raise HoldError("event_not_on_sale")
    if event.is_over(now):
        raise HoldError("event_over")
    wanted = defaultdict(int)
    for line in lines:
        if line.quantity < 0:
            raise HoldError("invalid_quantity")
        wanted[line.tier_id] += line.quantity
    wanted = {tier_id: qty for tier_id, qty in wanted.items() if qty > 0}
    if not wanted:
        raise HoldError("invalid_quantity")
    total = sum(wanted.values())
    if total > settings.MAX_TICKETS_PER_ORDER:
        raise HoldError("too_many_tickets", limit=settings.MAX_TICKETS_PER_ORDER)
    if known_tiers is not None:
        tiers = {pk: t for pk, t in known_tiers.items() if pk in wanted and t.page_id == event.pk}
    else:
        tiers = {tier.pk: tier for tier in event.tiers.filter(pk__in=wanted)}
    if set(tiers) != set(wanted):
        raise HoldError("tier_not_on_sale")
    pairs = [(tiers[tier_id], qty) for tier_id, qty in wanted.items()]
    if any(not tier.on_sale_at(now) for tier, _qty in pairs):
        raise HoldError("tier_not_on_sale")
    if len({tier.currency for tier, _qty in pairs}) > 1:
        raise HoldError("mixed_currencies")
    _refuse_missing_requirements(event, pairs)
    return pairs


def _refuse_missing_requirements(event, pairs) -> None:
    """An add-on tier ("only together with") sells only beside the tier it needs."""
    missing = rules.missing_requirements(
        [(tier.name, tier.translation_key, tier.requires_tier_key) for tier, _qty in pairs]
    )
    if not missing:
        return
    addon, required_key = missing[0]
    required = (
        TicketTier.objects.filter(page_id=event.pk, translation_key=required_key)
        .values_list("name", flat=True)
        .first()
    )
    raise HoldError("tier_requires_another", addon=addon, required=required or "?")


def _refusal(left, pairs) -> InsufficientInventory:
    return InsufficientInventory(detail={str(tier.pk): left.for_tier(tier) for tier, _qty in pairs})


def place_hold(
    *, event, lines: list[LineRequest], buyer=None, session_key: str = "", now=None, tiers=None
) -> Hold:
    """Hold tickets on `event` for HOLD_MINUTES, all lines or none.

    `event` is an EventPage or an EventRef; `tiers` ({id: tier or TierForSale})
    are tiers the caller already loaded, to save a query.
    Refuses with HoldError (tier not on sale, limits) or InsufficientInventory
    (carrying what is still available per tier id).
    """
    now = now or timezone.now()
    pairs = _validate_lines(event, lines, now, known_tiers=tiers)
    buyer = buyer if buyer is not None and buyer.is_authenticated else None
    hold = Hold(
        event_key=event.translation_key,
        event_id=event.pk,
        buyer=buyer,
        session_key=session_key,
        expires_at=now + dt.timedelta(minutes=settings.HOLD_MINUTES),
        created_at=now,
        currency=pairs[0][0].currency,
        subtotal_minor=sum(tier.price_minor * qty for tier, qty in pairs),
    )
    hold_lines = [
        HoldLine(
            hold=hold,
            tier_key=tier.translation_key,
            tier_id=tier.pk,
            tier_name=tier.name,
            quantity=qty,
            unit_price_minor=tier.price_minor,
        )
        for tier, qty in sorted(pairs, key=lambda pair: str(pair[0].translation_key))
    ]
    outcome = _store(hold, hold_lines, now)
    if outcome == "insufficient":
        # Expired holds may still be counted: sweep this event's (waiting for any
        # sweep already under way, so its freed tickets are seen), then try once
        # more only if what is left now covers the request. After a sell-out most
        # requests end here without a second attempt.
        release_expired_holds(event_key=event.translation_key, now=now, wait=True)
        left = availability(event, now=now)
        if not all(left.for_tier(tier) >= quantity for tier, quantity in pairs):
            raise _refusal(left, pairs)
        outcome = _store(hold, hold_lines, now)
    if outcome == "insufficient":
        raise _refusal(availability(event, now=now), pairs)
    if outcome == "too_many_holds":
        raise HoldError("too_many_holds", limit=settings.MAX_ACTIVE_HOLDS_PER_BUYER)
    hold.placed_lines = hold_lines
    return hold


def _store(hold: Hold, hold_lines: list[HoldLine], now) -> str:
    """Store a hold: "ok", "too_many_holds" or "insufficient".

    On PostgreSQL the same steps run as one function call (sql_core). In one
    transaction: the buyer's turn (lock_buyer), their open-holds count,
    the hold and its lines, and last the inventory counters, so the hot event
    row stays locked only from its UPDATE to the commit. Not enough tickets
    rolls the whole transaction back. Outside a caller's transaction it commits
    asynchronously on PostgreSQL (see lock_buyer).
    """
    outermost = not connection.in_atomic_block
    if sql_core.in_use():
        return sql_core.place_hold(
            hold,
            hold_lines,
            now,
            max_open=settings.MAX_ACTIVE_HOLDS_PER_BUYER,
            asynchronous=outermost,
        )
    quantities = {line.tier_key: line.quantity for line in hold_lines}
    try:
        with transaction.atomic():
            lock_buyer(
                buyer_id=hold.buyer_id,
                session_key=hold.session_key,
                commit_asynchronously=outermost,
            )
            if _open_holds(hold, now) >= settings.MAX_ACTIVE_HOLDS_PER_BUYER:
                raise _Refused("too_many_holds")
            hold.save(force_insert=True)
            HoldLine.objects.bulk_create(hold_lines)
            if not take_inventory(hold.event_key, quantities):
                raise _Refused("insufficient")
    except _Refused as refused:
        return refused.outcome
    return "ok"


def _open_holds(hold: Hold, now) -> int:
    """The buyer's active holds (account, else guest session); 0 for an anonymous call."""
    if hold.buyer_id is not None:
        who = Q(buyer_id=hold.buyer_id)
    elif hold.session_key:
        who = Q(session_key=hold.session_key)
    else:
        return 0
    return Hold.objects.filter(who, status=HoldStatus.ACTIVE, expires_at__gt=now).count()


def lock_buyer(*, buyer_id, session_key: str, commit_asynchronously: bool = False) -> None:
    """Take the buyer's turn: one buyer's simultaneous holds are placed one after another,
    so counting their open holds and adding one cannot race. Different buyers never
    wait for each other.

    PostgreSQL: a transaction-level advisory lock keyed on the account (else the
    guest session). SQLite takes its write lock when the transaction begins
    (`transaction_mode` IMMEDIATE), which serializes every writer anyway.

    `commit_asynchronously` (PostgreSQL, in the same round trip): this transaction
    commits without waiting for its WAL flush, about 1.2 ms of fdatasync less per
    hold. If PostgreSQL itself crashed in the next fraction of a second, the newest
    holds would vanish together with the tickets they took (consistent, never an
    oversell) and the buyer would hold again. Anything that later builds on a hold
    (checkout, payment, order) commits synchronously, which flushes the hold's WAL
    too: no order or payment can ever rest on a lost hold.
    """
    require_transaction()
    if connection.vendor != "postgresql":
        return
    if buyer_id is not None:
        key = f"bilten-hold-buyer:{buyer_id}"
    elif session_key:
        key = f"bilten-hold-session:{session_key}"
    else:
        key = ""
    steps, params = [], []
    if commit_asynchronously:
        steps.append("set_config('synchronous_commit', 'off', true)")
    if key:
        steps.append("pg_advisory_xact_lock(hashtextextended(%s, 0))")
        params.append(key)
    if steps:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(steps)}", params)


class _Refused(Exception):
    """Internal: this attempt cannot hold (rolls its transaction back)."""

    def __init__(self, outcome: str):
        self.outcome = outcome


# --- leaving a hold -----------------------------------------------------------------


def release_expired_holds(*, event_key=None, now=None, batch: int = 500, wait: bool = False) -> int:
    """Mark ACTIVE holds past expiry EXPIRED and give their tickets back. Returns how many.

    Cleanup only: availability already ignores expired holds. Safe to run
    concurrently and to retry: the scheduled sweep skips rows others have
    locked; a buyer's sweep (`wait=True`) waits for them instead.
    """
    now = now or timezone.now()
    with transaction.atomic():
        expired = Hold.objects.filter(status=HoldStatus.ACTIVE, expires_at__lte=now)
        if event_key is not None:
            expired = expired.filter(event_key=event_key)
        ordered = _lockable(expired.order_by("expires_at", "id"), wait=wait)
        ids = list(ordered.values_list("id", flat=True)[:batch])
        if not ids:
            return 0
        _give_back(ids)
        Hold.objects.filter(id__in=ids).update(status=HoldStatus.EXPIRED)
    return len(ids)


def _give_back(hold_ids) -> None:
    """Return the held quantities (and promo uses) of these holds to inventory."""
    lines = (
        HoldLine.objects.filter(hold_id__in=hold_ids)
        .values("hold__event_key", "tier_key")
        .annotate(quantity=Sum("quantity"))
    )
    by_event = defaultdict(dict)
    for row in lines:
        by_event[row["hold__event_key"]][row["tier_key"]] = row["quantity"]
    for event_key in sorted(by_event):
        _release_held(event_key, by_event[event_key])
    promo_uses = (
        Hold.objects.filter(id__in=hold_ids, promo_code__isnull=False)
        .values("promo_code")
        .annotate(n=Sum(1))
    )
    for row in promo_uses:
        PromoCode.objects.filter(pk=row["promo_code"]).update(held=F("held") - row["n"])


def lock_basket(hold_id) -> tuple[Hold, Payment | None]:
    """Lock a hold and its payment (if it has one), payment first as the webhook does.

    Whatever changes what the buyer pays (promo codes, checkout, cancelling)
    holds both rows, so a payment settling at the same moment sees the basket
    before or after the change, never half of it.
    """
    require_transaction()
    payment = Payment.objects.select_for_update().filter(hold_id=hold_id).first()
    hold = Hold.objects.select_for_update().get(pk=hold_id)
    if payment is None:  # created by a checkout that committed while we waited
        payment = Payment.objects.select_for_update().filter(hold_id=hold_id).first()
    if payment is not None:
        payment.hold = hold
    return hold, payment


def cancel_hold(*, hold: Hold) -> None:
    """The buyer lets go of an active hold; its tickets are available again at once.

    A payment already started is cancelled at the gateway first; if the buyer
    paid in the meantime, PaymentError("payment_in_progress") and nothing changes.
    """
    with transaction.atomic():
        locked, payment = lock_basket(hold.pk)
        if locked.status != HoldStatus.ACTIVE:
            return
        if payment is not None and payment.status == PaymentStatus.SUCCEEDED:
            raise PaymentError("payment_in_progress")
        if payment is not None and payment.reference:
            get_gateway(payment.gateway).cancel(reference=payment.reference)
            Payment.objects.filter(pk=payment.pk).update(
                status=PaymentStatus.CANCELLED, failure_message="Cancelled by the buyer."
            )
        _give_back([locked.pk])
        Hold.objects.filter(pk=locked.pk).update(status=HoldStatus.CANCELLED)
    hold.status = HoldStatus.CANCELLED


def convert_hold_to_sale(*, hold: Hold, lines=None, already_locked: bool = False) -> bool:
    """Turn the hold's tickets into sold ones (payment succeeded). Inside a transaction.

    An ACTIVE hold (even one just past expiry that nobody swept) still owns its
    tickets, so they move from held to sold. A hold that was already released
    takes the tickets again only if capacity still allows. Returns False when
    it does not (the caller records the payment for a refund).
    """
    require_transaction()
    locked = hold if already_locked else Hold.objects.select_for_update().get(pk=hold.pk)
    if lines is None:
        lines = list(locked.lines.all())
    quantities = {line.tier_key: line.quantity for line in lines}
    if locked.status == HoldStatus.CONSUMED:
        raise HoldError("hold_not_active")
    if locked.status == HoldStatus.ACTIVE:
        _sell_held(locked, quantities)
    else:
        with transaction.atomic():  # savepoint: undo a partial take
            taken = take_inventory(locked.event_key, quantities, sold=True) and (
                not locked.promo_code_id or take_promo_use(locked.promo_code_id, sold=True)
            )
            if not taken:
                transaction.set_rollback(True)
                return False
        Hold.objects.filter(pk=locked.pk).update(status=HoldStatus.CONSUMED)
    hold.status = HoldStatus.CONSUMED
    return True
