"""The common payment success in one round trip (PostgreSQL).

`payment_intent.succeeded` for a pending payment of the right amount whose hold
is still ACTIVE is by far the most frequent event during an on-sale. It is
settled by the SQL function `bilten_settle_payment` (migration 0010): the event
is recorded once, the payment and hold rows are locked, and the order with its
items and tickets is created, in one statement. The gateway is asked first,
outside any lock (for Stripe an HTTP call). Anything else answers None and the
caller takes the general path (commerce.services.orders), which handles late
payments, amount mismatches, settled payments and unknown references.
"""

import logging

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

SETTLE_SQL = (
    "SELECT outcome, order_id FROM bilten_settle_payment("
    "%s::text, %s::text, %s::text, %s::text, %s::integer, %s::text, %s::text, %s::timestamptz)"
)
GENERAL_PATH = "BT002"  # SQLSTATE raised by the function: nothing was written


def settle_success(*, event_id: str, event_type: str, reference: str, gateway) -> str | None:
    """Settle a success event on the fast path; None means "use the general path"."""
    from commerce.services.orders import new_order_number, queue_confirmation

    if connection.vendor != "postgresql" or event_type != "payment_intent.succeeded":
        return None
    try:
        truth = gateway.retrieve(reference)
    except Exception:  # unknown reference or gateway trouble: the general path reports it
        logger.info("fast path skipped for %s: gateway lookup failed", reference, exc_info=True)
        return None
    if truth.status != "succeeded":
        return None
    params = [
        event_id,
        event_type,
        reference,
        gateway.name,
        truth.amount_minor,
        truth.currency,
        new_order_number(),
        timezone.now(),
    ]
    try:
        outcome, order_id = _run(params)
    except DatabaseError as error:
        if getattr(error.__cause__, "sqlstate", None) == GENERAL_PATH:
            return None
        raise
    if order_id is not None:
        transaction.on_commit(lambda: queue_confirmation(order_id))  # at once in autocommit
    return outcome


def _run(params) -> tuple[str, int | None]:
    # In autocommit the statement is its own transaction (one round trip); inside a
    # caller's transaction a savepoint keeps a BT002 refusal from breaking it.
    if connection.in_atomic_block:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SETTLE_SQL, params)
            return cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute(SETTLE_SQL, params)
        return cursor.fetchone()
