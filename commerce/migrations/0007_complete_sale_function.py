"""PostgreSQL function for the paid path: a locked payment whose hold is ACTIVE
becomes a COMPLETED order with items and tickets in one round trip.

Same steps as the ORM path in commerce/services/orders.py (used on other
databases and for late payments): the payment is marked succeeded, the hold's
tickets move from held to sold (`bilten_sell_hold`), the order is inserted as
PAID, one item per hold line and one ticket per admitted person are issued,
then the order moves to COMPLETED. Ticket codes are 122 random bits from
`gen_random_uuid()` (the database's strong random source), URL-safe base64.
The caller must hold the payment and hold row locks and have checked that the
payment is not settled yet.
"""

from django.db import migrations

from commerce.migrations._postgresql import on_postgresql

COMPLETE_SALE = """
CREATE OR REPLACE FUNCTION bilten_complete_sale(
    p_payment_id uuid, p_number text, p_now timestamptz,
    p_attendee_names text[], p_attendee_emails text[]
) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_payment commerce_payment%ROWTYPE;
    v_hold commerce_hold%ROWTYPE;
    v_order_id bigint;
    v_item_id bigint;
    v_line record;
    v_keys uuid[];
    v_quantities integer[];
    v_seat integer := 0;
BEGIN
    SELECT * INTO v_payment FROM commerce_payment WHERE id = p_payment_id;
    SELECT * INTO v_hold FROM commerce_hold WHERE id = v_payment.hold_id;
    UPDATE commerce_payment SET status = 'succeeded', failure_message = '', updated_at = p_now
     WHERE id = p_payment_id;

    SELECT array_agg(tier_key ORDER BY tier_key), array_agg(quantity ORDER BY tier_key)
      INTO v_keys, v_quantities
      FROM commerce_holdline WHERE hold_id = v_hold.id;
    PERFORM bilten_sell_hold(v_hold.id, v_hold.event_key, v_hold.promo_code_id,
                             v_keys, v_quantities);

    INSERT INTO commerce_order (number, hold_id, payment_id, event_key, event_id, buyer_id,
                                buyer_email, buyer_name, status, total_quantity,
                                subtotal_minor, discount_minor, total_minor, currency,
                                promo_code_id, payment_provider, payment_reference,
                                created_at, updated_at, completed_at)
    VALUES (p_number, v_hold.id, p_payment_id, v_hold.event_key, v_hold.event_id,
            v_hold.buyer_id, v_payment.buyer_email, v_payment.buyer_name, 'paid',
            (SELECT sum(q) FROM unnest(v_quantities) AS q),
            v_hold.subtotal_minor, v_hold.discount_minor,
            v_hold.subtotal_minor - v_hold.discount_minor, v_hold.currency,
            v_hold.promo_code_id, v_payment.gateway, coalesce(v_payment.reference, ''),
            p_now, p_now, NULL)
    RETURNING id INTO v_order_id;

    FOR v_line IN SELECT * FROM commerce_holdline WHERE hold_id = v_hold.id ORDER BY id LOOP
        INSERT INTO commerce_orderitem (order_id, tier_key, tier_id, tier_name, quantity,
                                        unit_price_minor, line_total_minor)
        VALUES (v_order_id, v_line.tier_key, v_line.tier_id, v_line.tier_name,
                v_line.quantity, v_line.unit_price_minor,
                v_line.quantity * v_line.unit_price_minor)
        RETURNING id INTO v_item_id;
        INSERT INTO commerce_ticket (order_id, item_id, tier_key, code, attendee_name,
                                     attendee_email, created_at)
        SELECT v_order_id, v_item_id, v_line.tier_key,
               rtrim(translate(encode(uuid_send(gen_random_uuid()), 'base64'), '+/', '-_'), '='),
               coalesce(p_attendee_names[v_seat + n], ''),
               coalesce(p_attendee_emails[v_seat + n], ''),
               p_now
          FROM generate_series(1, v_line.quantity) AS n;
        v_seat := v_seat + v_line.quantity;
    END LOOP;

    -- Tickets are issued: PAID -> COMPLETED (the only transition).
    UPDATE commerce_order SET status = 'completed', completed_at = p_now, updated_at = p_now
     WHERE id = v_order_id;
    RETURN v_order_id;
END;
$$;
"""

DROP = "DROP FUNCTION IF EXISTS bilten_complete_sale(uuid, text, timestamptz, text[], text[]);"


class Migration(migrations.Migration):
    dependencies = [("commerce", "0006_inventory_functions")]

    operations = [migrations.RunPython(on_postgresql(COMPLETE_SALE), on_postgresql(DROP))]
