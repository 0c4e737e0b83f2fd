"""PostgreSQL functions for the two hot inventory writes (docs/performance.md).

`bilten_place_hold` checks the buyer's open holds, takes the tickets from the
event row and then the tier rows (in key order, the same lock order as the
Python path), and inserts the hold and its lines: one round trip, all or
nothing. Not enough tickets answers 'insufficient' with nothing changed (the
counter updates run in a block that is rolled back), so it is safe inside a
caller's transaction too.

`bilten_sell_hold` moves a locked ACTIVE hold's tickets from held to sold,
counts its promo use and marks it CONSUMED.

Other databases (SQLite in development) use the ORM path in
commerce/services/holds.py, which does the same steps one statement at a time.
A later change to these tables' columns must come with a migration that
replaces the functions.
"""

from django.db import migrations

from commerce.migrations._postgresql import on_postgresql

PLACE_HOLD = """
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
        SELECT count(*) INTO v_open FROM commerce_hold
         WHERE buyer_id = p_buyer_id AND status = 'active' AND expires_at > p_now;
    ELSIF p_session_key <> '' THEN
        SELECT count(*) INTO v_open FROM commerce_hold
         WHERE session_key = p_session_key AND status = 'active' AND expires_at > p_now;
    END IF;
    IF v_open >= p_max_active_holds THEN
        RETURN 'too_many_holds';
    END IF;

    SELECT sum(q) INTO v_total FROM unnest(p_quantities) AS q;
    BEGIN
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
    RETURN 'ok';
END;
$$;
"""

SELL_HOLD = """
CREATE OR REPLACE FUNCTION bilten_sell_hold(
    p_hold_id uuid, p_event_key uuid, p_promo_code_id bigint,
    p_tier_keys uuid[], p_quantities integer[]
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_total integer;
BEGIN
    SELECT sum(q) INTO v_total FROM unnest(p_quantities) AS q;
    UPDATE commerce_eventinventory SET held = held - v_total, sold = sold + v_total
     WHERE event_key = p_event_key;
    FOR i IN 1 .. array_length(p_tier_keys, 1) LOOP
        UPDATE commerce_tierinventory
           SET held = held - p_quantities[i], sold = sold + p_quantities[i]
         WHERE tier_key = p_tier_keys[i];
    END LOOP;
    IF p_promo_code_id IS NOT NULL THEN
        UPDATE commerce_promocode SET held = held - 1, used = used + 1
         WHERE id = p_promo_code_id;
    END IF;
    UPDATE commerce_hold SET status = 'consumed' WHERE id = p_hold_id;
END;
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS bilten_place_hold(
    uuid, uuid, integer, bigint, text, timestamptz, timestamptz, text, integer, integer,
    uuid[], integer[], text[], integer[], integer[]);
DROP FUNCTION IF EXISTS bilten_sell_hold(uuid, uuid, bigint, uuid[], integer[]);
"""


class Migration(migrations.Migration):
    dependencies = [("commerce", "0005_payment_attendee_emails")]

    operations = [migrations.RunPython(on_postgresql(PLACE_HOLD, SELL_HOLD), on_postgresql(DROP))]
