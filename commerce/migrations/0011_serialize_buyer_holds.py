"""One buyer's holds are placed one after another (PostgreSQL).

`bilten_place_hold` counts the buyer's open holds before adding one; two
requests from the same buyer at the same moment could both count below the
limit. The function now first takes a transaction-level advisory lock keyed on
the buyer (account id, or guest session key): requests of one buyer queue for
a moment, different buyers never wait for each other.
"""

from importlib import import_module

from django.db import migrations

from commerce.migrations._postgresql import on_postgresql

before = import_module("commerce.migrations.0006_inventory_functions")

COUNT_OPEN_HOLDS = "BEGIN\n    IF p_buyer_id IS NOT NULL THEN\n        SELECT count(*)"
SERIALIZE_BUYER = """BEGIN
    IF p_buyer_id IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('bilten-hold-buyer:' || p_buyer_id, 0));
    ELSIF p_session_key <> '' THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('bilten-hold-session:' || p_session_key, 0));
    END IF;
    IF p_buyer_id IS NOT NULL THEN
        SELECT count(*)"""

assert COUNT_OPEN_HOLDS in before.PLACE_HOLD
PLACE_HOLD = before.PLACE_HOLD.replace(COUNT_OPEN_HOLDS, SERIALIZE_BUYER, 1)


class Migration(migrations.Migration):
    dependencies = [("commerce", "0010_settle_payment_function")]

    operations = [
        migrations.RunPython(on_postgresql(PLACE_HOLD), on_postgresql(before.PLACE_HOLD))
    ]
