"""The assignment engine (spec 002, 5.3): tickets to paid pre-orders, first paid first served.

`assign(event_key)` gives each paid pre-order of the event (status `confirmed`
or `waiting_for_stock`) at most one ticket and each ticket at most one
pre-order:

1. every variant's tickets go to that variant's pre-orders in the order they
   were paid (`confirmed_at`, then placed, then id);
2. when the offer falls back to the closest variant, pre-orders still without a
   ticket take, again in paid order, a left-over ticket of the variant whose
   time window is most like theirs (fulfilment.services.closest_variant),
   recorded as a fallback; a pre-order without a variant takes any left-over;
3. paid pre-orders still without a ticket become `waiting_for_stock`, tickets
   still without a pre-order `unmatched` (both assignable again on a later run).

Unpaid pre-orders (processing, failed, cancelled) are never read. One run per
event at a time: a transaction-scoped PostgreSQL advisory lock on the event
(fallback tickets cross variants, so the lock covers all of an event's
variants), a process lock on SQLite (whose IMMEDIATE transactions also take the
one write lock); rows another transaction holds are skipped (`FOR UPDATE SKIP
LOCKED`) and the one-to-one constraints of Assignment are the backstop. Every
state change is written to AssignmentLog, in bulk: a run over 10,000 tickets
and 10,000 pre-orders is a handful of queries per thousand rows, not per row.

The deliveries of the new assignments are queued once the run has committed
(fulfilment.services.delivery).
"""

import collections
import functools
import json
import logging
import threading
import time
import uuid
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from fulfilment import metrics
from fulfilment.models import (
    Assignment,
    AssignmentLog,
    PreOrder,
    PreOrderOffer,
    PreOrderStatus,
    TicketCredential,
    TicketStatus,
)
from fulfilment.services.closest_variant import Window, closest

logger = logging.getLogger(__name__)

ASSIGNABLE_TICKETS = (TicketStatus.UNASSIGNED, TicketStatus.UNMATCHED)
WAITING_PRE_ORDERS = (PreOrderStatus.CONFIRMED, PreOrderStatus.WAITING_FOR_STOCK)
BATCH = 2000  # rows per bulk statement (SQLite's limit on parameters)
LOCK_WAIT = "60s"  # a run waits this long for another run of the same event

_sqlite_locks: dict[str, threading.Lock] = collections.defaultdict(threading.Lock)
_sqlite_locks_guard = threading.Lock()


@dataclass
class AssignmentStats:
    event_key: str
    assigned: int = 0
    fallback: int = 0
    waiting: int = 0
    unmatched: int = 0
    duration_ms: int = 0
    actor: str = "system"
    assignment_ids: tuple = ()

    def as_dict(self) -> dict:
        body = asdict(self)
        body.pop("assignment_ids")
        return body


def actor_label(actor) -> str:
    """ "system", or the acting user's email masked (a***@example.com) for the log."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system"
    local, _, domain = (actor.email or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else "staff"


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sqlite_lock(event_key: str) -> threading.Lock:
    with _sqlite_locks_guard:
        return _sqlite_locks[event_key]


def _lock_event(event_key: str) -> None:
    """Inside the transaction: wait for any other run of this event to commit."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"fulfilment-assign:{event_key}"]
        )


def assign(event_key, *, actor=None, ip=None, reason: str = "") -> AssignmentStats:
    """Match the event's assignable tickets to its paid pre-orders; returns what changed."""
    key = str(event_key)
    started = time.perf_counter()
    with metrics.assignment_timer() as outcome:
        if connection.vendor == "postgresql":
            stats = _assign_locked(key, actor=actor, ip=ip, reason=reason)
        else:
            with _sqlite_lock(key):
                stats = _assign_locked(key, actor=actor, ip=ip, reason=reason)
        outcome["status"] = "assigned" if stats.assigned else "none"
    stats.duration_ms = round((time.perf_counter() - started) * 1000)
    logger.info("fulfilment.assignment_run %s", json.dumps({**stats.as_dict(), "reason": reason}))
    if stats.assignment_ids:
        from fulfilment.services.delivery import queue_deliveries

        queue_deliveries(stats.assignment_ids)
    return stats


def _assign_locked(key, *, actor, ip, reason) -> AssignmentStats:
    stats = AssignmentStats(event_key=key, actor=actor_label(actor))
    with transaction.atomic():
        _lock_event(key)
        offer = PreOrderOffer.objects.filter(event_key=key).first()
        tickets = list(
            TicketCredential.objects.select_for_update(skip_locked=True)
            .filter(event_key=key, status__in=ASSIGNABLE_TICKETS)
            .order_by("created_at", "pk")
            .values_list("pk", "variant_id", "status")
        )
        pre_orders = list(
            PreOrder.objects.select_for_update(skip_locked=True)
            .filter(event_key=key, status__in=WAITING_PRE_ORDERS, confirmed_at__isnull=False)
            .exclude(Exists(Assignment.objects.filter(pre_order=OuterRef("pk"))))
            .order_by("confirmed_at", "created_at", "pk")
            .values_list("pk", "variant_id", "status")
        )
        pairs = _match(offer, tickets, pre_orders)
        _record(key, stats, pairs, tickets, pre_orders, actor=actor, ip=ip, reason=reason)
    return stats


def _match(offer, tickets, pre_orders) -> list[tuple]:
    """[(pre_order_id, ticket_id, fallback)]: exact variants first, then the fallback."""
    stock: dict = collections.defaultdict(collections.deque)
    for ticket_id, variant_id, _status in tickets:
        stock[variant_id].append(ticket_id)
    pairs, left = [], []
    for pre_order_id, variant_id, _status in pre_orders:
        if stock[variant_id]:
            pairs.append((pre_order_id, stock[variant_id].popleft(), False))
        else:
            left.append((pre_order_id, variant_id))
    if not left or not any(stock.values()):
        return pairs
    windows = _windows(offer)
    falls_back = offer is not None and offer.fallback == "closest"
    for pre_order_id, variant_id in left:
        in_stock = [windows.get(v, Window(v, None, None)) for v, queue in stock.items() if queue]
        if not in_stock:
            break
        if variant_id is None:  # no variant chosen: any ticket is the one asked for
            pick, fallback = min(in_stock, key=_by_start), False
        elif falls_back:
            pick, fallback = (
                closest(windows.get(variant_id, Window(variant_id, None, None)), in_stock),
                True,
            )
        else:
            continue
        if pick is not None:
            pairs.append((pre_order_id, stock[pick.variant_id].popleft(), fallback))
    return pairs


def _by_start(window: Window):
    return (window.starts_at is None, window.starts_at or timezone.now(), window.variant_id or 0)


def _windows(offer) -> dict:
    if offer is None:
        return {}
    return {
        v.pk: Window(v.pk, v.starts_at, v.ends_at)
        for v in offer.variants.only("pk", "starts_at", "ends_at")
    }


def _record(key, stats, pairs, tickets, pre_orders, *, actor, ip, reason) -> None:
    """Write the matches and every state change, in bulk."""
    now = timezone.now()
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    label = stats.actor
    event_key = uuid.UUID(key)

    def log(action, *, pre_order_id=None, ticket_id=None, **data):
        return AssignmentLog(
            action=action,
            event_key=event_key,
            pre_order_id=pre_order_id,
            ticket_id=ticket_id,
            actor_id=actor_id,
            actor_label=label,
            ip_address=ip,
            data={**data, "reason": reason} if reason else data,
        )

    variant_of_ticket = {pk: variant_id for pk, variant_id, _s in tickets}
    variant_of_pre_order = {pk: variant_id for pk, variant_id, _s in pre_orders}
    assignments = [
        Assignment(ticket_id=t, pre_order_id=p, fallback=fallback, assigned_at=now)
        for p, t, fallback in pairs
    ]
    created = []
    for batch in _chunks(assignments):
        created += Assignment.objects.bulk_create(batch)
    stats.assignment_ids = tuple(a.pk for a in created if a.pk is not None) or tuple(
        Assignment.objects.filter(pre_order_id__in=[p for p, _t, _f in pairs]).values_list(
            "pk", flat=True
        )
    )
    assigned_tickets = [t for _p, t, _f in pairs]
    assigned_pre_orders = [p for p, _t, _f in pairs]
    for batch in _chunks(assigned_tickets):
        TicketCredential.objects.filter(pk__in=batch).update(status=TicketStatus.ASSIGNED)
    for batch in _chunks(assigned_pre_orders):
        PreOrder.objects.filter(pk__in=batch).update(status=PreOrderStatus.FULFILLED)
    logs = [
        log(
            "assigned",
            pre_order_id=p,
            ticket_id=t,
            variant_id=variant_of_pre_order.get(p),
            ticket_variant_id=variant_of_ticket.get(t),
            fallback=fallback,
        )
        for p, t, fallback in pairs
    ]
    stats.assigned = len(pairs)
    stats.fallback = sum(1 for *_x, fallback in pairs if fallback)

    matched_pre_orders, matched_tickets = set(assigned_pre_orders), set(assigned_tickets)
    now_waiting = [
        pk
        for pk, _v, status in pre_orders
        if pk not in matched_pre_orders and status == PreOrderStatus.CONFIRMED
    ]
    for batch in _chunks(now_waiting):
        PreOrder.objects.filter(pk__in=batch, status=PreOrderStatus.CONFIRMED).update(
            status=PreOrderStatus.WAITING_FOR_STOCK
        )
    logs += [log("waiting_for_stock", pre_order_id=pk) for pk in now_waiting]
    stats.waiting = sum(1 for pk, _v, _s in pre_orders if pk not in matched_pre_orders)

    now_unmatched = [
        pk
        for pk, _v, status in tickets
        if pk not in matched_tickets and status == TicketStatus.UNASSIGNED
    ]
    for batch in _chunks(now_unmatched):
        TicketCredential.objects.filter(pk__in=batch, status=TicketStatus.UNASSIGNED).update(
            status=TicketStatus.UNMATCHED
        )
    logs += [log("ticket_unmatched", ticket_id=pk) for pk in now_unmatched]
    stats.unmatched = sum(1 for pk, _v, _s in tickets if pk not in matched_tickets)
    for batch in _chunks(logs):
        AssignmentLog.objects.bulk_create(batch)


# --- Triggers ----------------------------------------------------------------------


@functools.cache
def _broker():
    """One django-q broker (and its connection pool) per process."""
    from django_q.brokers import get_broker

    return get_broker()


def queue_assignment(event_keys, reason: str, *, actor_id=None, ip=None) -> None:
    """Run `assign` for each event in the background once the caller's transaction commits.

    Triggers: a committed upload, a payment when tickets wait, the admin button, the
    reconcile endpoint. When the queue cannot take the task, the run happens here.
    """
    keys = sorted({str(key) for key in event_keys})
    if keys:
        transaction.on_commit(lambda: _enqueue(keys, reason, actor_id, ip))


def _enqueue(keys, reason, actor_id, ip) -> None:
    from django_q.tasks import async_task

    try:
        async_task(
            "fulfilment.assignment_tasks.run_assignment",
            keys,
            reason,
            actor_id,
            ip,
            task_name=f"assign-{reason}-{'-'.join(k[:8] for k in keys)}"[:100],
            broker=_broker(),
        )
    except Exception:
        logger.warning("assignment of %s not queued; running it inline", keys, exc_info=True)
        run_assignments(keys, reason=reason, actor_id=actor_id, ip=ip)


def run_assignments(event_keys, *, reason: str, actor_id=None, ip=None) -> list[dict]:
    """What the queued task does: one `assign` per event (one failure does not stop the rest)."""
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    results, failures = [], []
    for key in event_keys:
        try:
            results.append(assign(key, actor=actor, ip=ip, reason=reason).as_dict())
        except Exception as error:
            logger.exception("assignment of event %s failed", key)
            failures.append(error)
    if failures:
        raise failures[0]  # the queue records the failure and retries
    return results


def on_pre_order_paid(pre_order) -> None:
    """A pre-order was just paid (status `confirmed`; call inside the paying transaction).

    Once that commits: if tickets of its event wait, a run fills it; otherwise it becomes
    `waiting_for_stock` and the next upload's run fills it. Checked after the commit, so
    an upload committing at the same moment is seen either here or by its own run.
    """
    pre_order_id, event_key = pre_order.pk, pre_order.event_key
    transaction.on_commit(lambda: _after_payment(pre_order_id, event_key))


def _after_payment(pre_order_id, event_key) -> None:
    tickets_waiting = TicketCredential.objects.filter(
        event_key=event_key, status__in=ASSIGNABLE_TICKETS
    ).exists()
    if tickets_waiting:
        queue_assignment([event_key], "payment")
        return
    changed = PreOrder.objects.filter(pk=pre_order_id, status=PreOrderStatus.CONFIRMED).update(
        status=PreOrderStatus.WAITING_FOR_STOCK
    )
    if changed:
        AssignmentLog.objects.create(
            action="waiting_for_stock",
            event_key=event_key,
            pre_order_id=pre_order_id,
            actor_label="system",
            data={"reason": "payment"},
        )
