-- The locked core of placing a hold (commerce/services/holds.py `_store`), in one
-- round trip: take the buyer's turn, count their open holds, insert the hold and its
-- lines, and last take the tickets from the event row and then the tier rows (key
-- order), so the hot event row stays locked only until the commit. Not enough tickets
-- answers 'insufficient' with nothing kept (the block is rolled back).
-- Installed by a commerce migration; tests/commerce/test_sql_core.py checks that the
-- installed function is this file. The Python path does the same steps.
CREATE OR REPLACE FUNCTION bilten_place_hold(
    p_hold_id uuid, p_event_key uuid, p_event_id integer, p_buyer_id bigint,
    p_session_key text, p_now timestamptz, p_expires_at timestamptz, p_currency text,
    p_subtotal integer, p_max_active_holds integer,
    p_tier_keys uuid[], p_tier_ids integer[], p_tier_names text[],
    p_quantities integer[], p_prices integer[]
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_open integer := 0;
    v_total integer;
BEGIN
    IF p_buyer_id IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('bilten-hold-buyer:' || p_buyer_id, 0));
        SELECT count(*) INTO v_open FROM commerce_hold
         WHERE buyer_id = p_buyer_id AND status = 'active' AND expires_at > p_now;
    ELSIF p_session_key <> '' THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('bilten-hold-session:' || p_session_key, 0));
        SELECT count(*) INTO v_open FROM commerce_hold
         WHERE session_key = p_session_key AND status = 'active' AND expires_at > p_now;
    END IF;
    IF v_open >= p_max_active_holds THEN
        RETURN 'too_many_holds';
    END IF;

    SELECT sum(q) INTO v_total FROM unnest(p_quantities) AS q;
    BEGIN
        INSERT INTO commerce_hold (id, event_key, event_id, buyer_id, session_key, status,
                                   expires_at, created_at, currency, subtotal_minor,
                                   discount_minor, promo_code_id)
        VALUES (p_hold_id, p_event_key, p_event_id, p_buyer_id, p_session_key, 'active',
                p_expires_at, p_now, p_currency, p_subtotal, 0, NULL);
        INSERT INTO commerce_holdline (hold_id, tier_key, tier_id, tier_name, quantity,
                                       unit_price_minor)
        SELECT p_hold_id, k, t, n, q, p
          FROM unnest(p_tier_keys, p_tier_ids, p_tier_names, p_quantities, p_prices)
               AS line(k, t, n, q, p);

        UPDATE commerce_eventinventory SET held = held + v_total
         WHERE event_key = p_event_key AND capacity >= sold + held + v_total;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'insufficient' USING ERRCODE = 'BT001';
        END IF;
        FOR i IN 1 .. array_length(p_tier_keys, 1) LOOP
            UPDATE commerce_tierinventory SET held = held + p_quantities[i]
             WHERE tier_key = p_tier_keys[i]
               AND (allocation IS NULL OR allocation >= sold + held + p_quantities[i]);
            IF NOT FOUND THEN
                RAISE EXCEPTION 'insufficient' USING ERRCODE = 'BT001';
            END IF;
        END LOOP;
    EXCEPTION WHEN SQLSTATE 'BT001' THEN
        RETURN 'insufficient';
    END;
    RETURN 'ok';
END;
$$;
