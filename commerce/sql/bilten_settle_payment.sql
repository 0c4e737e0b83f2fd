-- The locked core of a payment success (commerce/services/orders.py), in one round
-- trip, for the common case only: a pending payment whose hold is still ACTIVE and
-- whose amount is the one the gateway charged and the hold's total. It records the
-- gateway event once, locks the payment and its hold, creates the completed order
-- with its items and tickets, marks the hold consumed and last moves the tickets from
-- held to sold (then the promo code's use), so the hot rows stay locked only until the
-- commit. Every other case raises SQLSTATE BT002 with nothing written, and the Python
-- path (apply_gateway_state) settles it: late payments, mismatches, replays of settled
-- payments, unknown references, events that have ended.
-- Installed by a commerce migration; tests/commerce/test_sql_core.py checks that the
-- installed function is this file. The Python path does the same steps.
CREATE OR REPLACE FUNCTION bilten_settle_payment(
    p_event_id text, p_event_type text, p_reference text, p_gateway text,
    p_amount integer, p_currency text, p_number text, p_now timestamptz
) RETURNS TABLE (outcome text, order_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_event bigint;
    v_payment commerce_payment%ROWTYPE;
    v_hold commerce_hold%ROWTYPE;
    v_order_id bigint;
    v_item_id bigint;
    v_line record;
    v_total integer := 0;
    v_seat integer := 0;
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
    IF NOT FOUND OR v_payment.status NOT IN ('pending', 'failed')
       OR v_payment.amount_minor <> p_amount OR v_payment.currency <> p_currency THEN
        RAISE EXCEPTION 'settle on the Python path' USING ERRCODE = 'BT002';
    END IF;
    SELECT * INTO v_hold FROM commerce_hold WHERE id = v_payment.hold_id FOR UPDATE;
    -- The amount charged, the payment's amount and the order's total are one number.
    IF v_hold.status <> 'active' OR v_hold.currency <> v_payment.currency
       OR v_hold.subtotal_minor - v_hold.discount_minor <> v_payment.amount_minor THEN
        RAISE EXCEPTION 'settle on the Python path' USING ERRCODE = 'BT002';
    END IF;
    -- An event that has ended sells nothing (the Python path refunds the payment).
    IF EXISTS (SELECT 1 FROM event_pages_eventpage
                WHERE page_ptr_id = v_hold.event_id
                  AND coalesce(ends_at, starts_at) <= p_now) THEN
        RAISE EXCEPTION 'settle on the Python path' USING ERRCODE = 'BT002';
    END IF;

    UPDATE commerce_payment SET status = 'succeeded', failure_message = '', updated_at = p_now
     WHERE id = v_payment.id;
    SELECT coalesce(sum(quantity), 0) INTO v_total FROM commerce_holdline
     WHERE hold_id = v_hold.id;
    INSERT INTO commerce_order (number, hold_id, payment_id, event_key, event_id, buyer_id,
                                buyer_email, buyer_name, status, total_quantity,
                                subtotal_minor, discount_minor, total_minor, currency,
                                promo_code_id, payment_provider, payment_reference,
                                created_at, updated_at, completed_at)
    VALUES (p_number, v_hold.id, v_payment.id, v_hold.event_key, v_hold.event_id,
            v_hold.buyer_id, v_payment.buyer_email, v_payment.buyer_name, 'completed',
            v_total, v_hold.subtotal_minor, v_hold.discount_minor,
            v_hold.subtotal_minor - v_hold.discount_minor, v_hold.currency,
            v_hold.promo_code_id, v_payment.gateway, coalesce(v_payment.reference, ''),
            p_now, p_now, p_now)
    RETURNING id INTO v_order_id;

    FOR v_line IN SELECT * FROM commerce_holdline WHERE hold_id = v_hold.id ORDER BY tier_key LOOP
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
               coalesce(v_payment.attendee_names ->> (v_seat + n - 1), ''),
               coalesce(v_payment.attendee_emails ->> (v_seat + n - 1), ''),
               p_now
          FROM generate_series(1, v_line.quantity) AS n;
        v_seat := v_seat + v_line.quantity;
    END LOOP;
    UPDATE commerce_hold SET status = 'consumed' WHERE id = v_hold.id;

    -- The counters last: the event row, the tier rows in key order, then the promo code.
    UPDATE commerce_eventinventory SET held = held - v_total, sold = sold + v_total
     WHERE event_key = v_hold.event_key;
    FOR v_line IN SELECT tier_key, sum(quantity) AS quantity FROM commerce_holdline
                   WHERE hold_id = v_hold.id GROUP BY tier_key ORDER BY tier_key LOOP
        UPDATE commerce_tierinventory
           SET held = held - v_line.quantity, sold = sold + v_line.quantity
         WHERE tier_key = v_line.tier_key;
    END LOOP;
    IF v_hold.promo_code_id IS NOT NULL THEN
        UPDATE commerce_promocode SET held = held - 1, used = used + 1
         WHERE id = v_hold.promo_code_id;
    END IF;

    RETURN QUERY SELECT 'order_created'::text, v_order_id;
END;
$$;
