"""PostgreSQL function for a verified payment success: record the gateway event
once, lock the payment and its hold, and complete the sale, in one round trip.

The common case of `payment_intent.succeeded` (a pending payment of the right
amount whose hold is still ACTIVE) runs here as one statement with its own
(synchronous) commit, so the hot inventory rows that `bilten_complete_sale`
updates stay locked for the time of that statement's end, not for a chain of
ORM round trips. Every other case (replay aside) raises SQLSTATE BT002, which
rolls the statement back whole; commerce/services/payment_fast_path.py then
takes the general path in commerce/services/orders.py (late payments, amount
mismatches, payments already settled, unknown references).
"""

from django.db import migrations

from commerce.migrations._postgresql import on_postgresql

SETTLE_PAYMENT = """
CREATE OR REPLACE FUNCTION bilten_settle_payment(
    p_event_id text, p_event_type text, p_reference text, p_gateway text,
    p_amount integer, p_currency text, p_number text, p_now timestamptz
) RETURNS TABLE (outcome text, order_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_event bigint;
    v_payment commerce_payment%ROWTYPE;
    v_hold_status text;
BEGIN
    INSERT INTO commerce_webhookevent (event_id, type, received_at, outcome)
    VALUES (p_event_id, p_event_type, p_now, 'order_created')
    ON CONFLICT (event_id) DO NOTHING
    RETURNING id INTO v_event;
    IF v_event IS NULL THEN
        RETURN QUERY SELECT 'duplicate'::text, NULL::bigint;
        RETURN;
    END IF;

    SELECT * INTO v_payment FROM commerce_payment
     WHERE reference = p_reference AND gateway = p_gateway
       FOR UPDATE;
    IF NOT FOUND OR v_payment.status IN ('succeeded', 'refunded')
       OR v_payment.amount_minor <> p_amount OR v_payment.currency <> p_currency THEN
        RAISE EXCEPTION 'settle on the general path' USING ERRCODE = 'BT002';
    END IF;
    SELECT status INTO v_hold_status FROM commerce_hold WHERE id = v_payment.hold_id FOR UPDATE;
    IF v_hold_status <> 'active' THEN
        RAISE EXCEPTION 'settle on the general path' USING ERRCODE = 'BT002';
    END IF;

    RETURN QUERY SELECT 'order_created'::text, bilten_complete_sale(
        v_payment.id, p_number, p_now,
        ARRAY(SELECT jsonb_array_elements_text(v_payment.attendee_names)),
        ARRAY(SELECT jsonb_array_elements_text(v_payment.attendee_emails)));
END;
$$;
"""

DROP = (
    "DROP FUNCTION IF EXISTS bilten_settle_payment("
    "text, text, text, text, integer, text, text, timestamptz);"
)


class Migration(migrations.Migration):
    dependencies = [("commerce", "0009_hold_lookup_indexes")]

    operations = [migrations.RunPython(on_postgresql(SETTLE_PAYMENT), on_postgresql(DROP))]
