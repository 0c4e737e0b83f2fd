"""The one seam between the Python services and the PostgreSQL functions.

Measured with `make bench` (docs/performance.md), the Python implementation of the
two hot operations costs far more than the 15 % of paid orders/s we allow: a hold is
eight round trips instead of one, a paid sale fourteen instead of one, and on a
saturated server every round trip is CPU the next buyer waits for. So on PostgreSQL
the locked core of those two operations runs as one function call each:

- `bilten_place_hold` (commerce/sql/bilten_place_hold.sql): the transaction body of
  `holds._store`;
- `bilten_settle_payment` (commerce/sql/bilten_settle_payment.sql): the common
  payment success of `orders.apply_gateway_state` (everything else, and whenever it
  refuses, stays on the Python path).

The `.sql` files are the full definitions, installed by commerce migrations; a test
checks that the database holds exactly them (tests/commerce/test_sql_core.py). The
Python path stays complete: SQLite runs it, and `COMMERCE_SQL_CORE=off` runs it on
PostgreSQL too, which CI does with the whole behavioural suite, race tests
included, so the two cannot drift apart unnoticed.
"""

from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
FUNCTIONS = ("bilten_place_hold", "bilten_settle_payment")
PYTHON_PATH = "BT002"  # SQLSTATE: "not the common case", nothing was written

PLACE_HOLD = (
    "SELECT {commit}, bilten_place_hold(%s::uuid, %s::uuid, %s::integer, %s::bigint, %s::text, "
    "%s::timestamptz, %s::timestamptz, %s::text, %s::integer, %s::integer, "
    "%s::uuid[], %s::integer[], %s::text[], %s::integer[], %s::integer[])"
)
SETTLE_PAYMENT = (
    "SELECT outcome, order_id FROM bilten_settle_payment("
    "%s::text, %s::text, %s::text, %s::text, %s::integer, %s::text, %s::text, %s::timestamptz)"
)


def definition(name: str) -> str:
    """The full CREATE OR REPLACE FUNCTION text of one function."""
    return (SQL_DIR / f"{name}.sql").read_text()


def in_use() -> bool:
    return connection.vendor == "postgresql" and settings.COMMERCE_SQL_CORE


def place_hold(hold, hold_lines, now, *, max_open: int, asynchronous: bool) -> str:
    """`holds._store` in one call: "ok", "too_many_holds" or "insufficient"."""
    # Outside a caller's transaction the call is its own transaction: one round trip,
    # committed asynchronously when asked (see holds.lock_buyer) — set_config runs
    # before the commit that ends the statement.
    asynchronous = asynchronous and not connection.in_atomic_block
    params = [
        hold.pk,
        hold.event_key,
        hold.event_id,
        hold.buyer_id,
        hold.session_key,
        now,
        hold.expires_at,
        hold.currency,
        hold.subtotal_minor,
        max_open,
        [line.tier_key for line in hold_lines],
        [line.tier_id for line in hold_lines],
        [line.tier_name for line in hold_lines],
        [line.quantity for line in hold_lines],
        [line.unit_price_minor for line in hold_lines],
    ]
    commit = "set_config('synchronous_commit', 'off', true)" if asynchronous else "NULL"
    with connection.cursor() as cursor:
        cursor.execute(PLACE_HOLD.format(commit=commit), params)
        return cursor.fetchone()[1]


def settle_payment(*, event_id, event_type, reference, gateway_name, truth, number, now):
    """The common success in one call: ("order_created" | "duplicate", order id), or
    None when it is not the common case (nothing written; take the Python path)."""
    params = [
        event_id,
        event_type,
        reference,
        gateway_name,
        truth.amount_minor,
        truth.currency,
        number,
        now,
    ]
    try:
        if not connection.in_atomic_block:  # its own transaction: one round trip
            with connection.cursor() as cursor:
                cursor.execute(SETTLE_PAYMENT, params)
                return cursor.fetchone()
        with transaction.atomic(), connection.cursor() as cursor:  # a savepoint for BT002
            cursor.execute(SETTLE_PAYMENT, params)
            return cursor.fetchone()
    except DatabaseError as error:
        if getattr(error.__cause__, "sqlstate", None) == PYTHON_PATH:
            return None
        raise
