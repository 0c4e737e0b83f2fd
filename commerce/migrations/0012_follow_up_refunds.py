"""Automatic refunds of payments that cannot become orders, and the settle-time
amount check.

`bilten_settle_payment` (0010) now also refuses, to the general path, a payment
whose amount differs from its hold's total (a basket changed after checkout):
the general path refunds it instead of creating an order for another amount.
A schedule reconciles payments left pending by a request that died mid-way.
"""

from django.db import migrations, models

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
    v_hold commerce_hold%ROWTYPE;
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
    SELECT * INTO v_hold FROM commerce_hold WHERE id = v_payment.hold_id FOR UPDATE;
    -- The amount charged, the payment's amount and the order's total are one number;
    -- anything else is refused here and refunded on the general path.
    IF v_hold.status <> 'active' OR v_hold.currency <> v_payment.currency
       OR v_hold.subtotal_minor - v_hold.discount_minor <> v_payment.amount_minor THEN
        RAISE EXCEPTION 'settle on the general path' USING ERRCODE = 'BT002';
    END IF;

    RETURN QUERY SELECT 'order_created'::text, bilten_complete_sale(
        v_payment.id, p_number, p_now,
        ARRAY(SELECT jsonb_array_elements_text(v_payment.attendee_names)),
        ARRAY(SELECT jsonb_array_elements_text(v_payment.attendee_emails)));
END;
$$;
"""


PREVIOUS = __import__(
    "commerce.migrations.0010_settle_payment_function", fromlist=["SETTLE_PAYMENT"]
).SETTLE_PAYMENT


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name="reconcile payments",
        defaults={"func": "commerce.payment_tasks.reconcile_payments", "schedule_type": "I",
                  "minutes": 2, "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="reconcile payments").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("commerce", "0011_serialize_buyer_holds"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name='paymentfollowup',
            name='buyer_notified_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='paymentfollowup',
            name='last_error',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AlterField(
            model_name="payment",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting for payment"),
                    ("succeeded", "Succeeded"),
                    ("failed", "Failed"),
                    ("refunded", "Refunded"),
                    ("cancelled", "Cancelled"),
                ],
                default="pending",
                max_length=12,
            ),
        ),
        migrations.RunPython(on_postgresql(SETTLE_PAYMENT), on_postgresql(PREVIOUS)),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
