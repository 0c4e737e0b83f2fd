"""The amount charged, the payment's amount and the order's total are one number,
and a promo code's use is counted exactly when an order uses it — however the
buyer goes back and forth between the promo code and the payment."""

import pytest

from commerce.exceptions import CommerceError
from commerce.models import (
    DemoCharge,
    EventInventory,
    FollowUpStatus,
    Hold,
    Order,
    Payment,
    PaymentFollowUp,
    PaymentStatus,
    PromoCode,
    PromoKind,
)
from commerce.services.demo_payments import confirm_demo_payment
from commerce.services.holds import cancel_hold
from commerce.services.promos import apply_promo_code
from tests.commerce.payments import checkout, hold_for, mark_charge, signed_event
from tests.factories import make_event

pytestmark = pytest.mark.django_db

CARD = "4242424242424242"


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=10, tiers=[("Standard", 2200, None)])


@pytest.fixture
def once50(organization):
    return PromoCode.objects.create(
        organization=organization,
        code="ONCE50",
        kind=PromoKind.PERCENT,
        percent_off=50,
        max_uses=1,
    )


@pytest.fixture
def free100(organization):
    return PromoCode.objects.create(
        organization=organization, code="FREE100", kind=PromoKind.PERCENT, percent_off=100
    )


def pay(payment, django_capture_on_commit_callbacks):
    payment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        return confirm_demo_payment(payment=payment, card_number=CARD)


def charged(payment) -> int:
    return DemoCharge.objects.get(
        reference=Payment.objects.get(pk=payment.pk).reference
    ).amount_minor


def test_clearing_a_code_after_checkout_charges_the_full_price_and_uses_no_code(
    event, once50, django_capture_on_commit_callbacks
):
    hold = apply_promo_code(hold=hold_for(event, 2), code="ONCE50")
    payment = checkout(hold)
    assert payment.amount_minor == 2200
    apply_promo_code(hold=hold, code="")  # back to the basket, code cleared
    assert pay(payment, django_capture_on_commit_callbacks) == "succeeded"
    order = Order.objects.get()
    assert order.total_minor == 4400 and order.promo_code is None
    assert charged(payment) == Payment.objects.get().amount_minor == 4400
    once50.refresh_from_db()
    assert (once50.used, once50.held) == (0, 0)


def test_applying_a_code_after_checkout_charges_the_discounted_price_and_counts_the_use(
    event, once50, django_capture_on_commit_callbacks
):
    hold = hold_for(event, 2)
    payment = checkout(hold)
    assert charged(payment) == 4400
    apply_promo_code(hold=hold, code="ONCE50")
    pay(payment, django_capture_on_commit_callbacks)
    order = Order.objects.get()
    assert order.total_minor == charged(payment) == 2200 and order.promo_code == once50
    once50.refresh_from_db()
    assert (once50.used, once50.held) == (1, 0)
    # Used once: the code is spent for everybody else.
    with pytest.raises(CommerceError) as refusal:
        apply_promo_code(hold=hold_for(event, 1, session_key="next"), code="ONCE50")
    assert refusal.value.code == "promo_used_up"


def test_a_free_code_cleared_after_checkout_is_not_a_free_order(
    event, free100, django_capture_on_commit_callbacks
):
    hold = apply_promo_code(hold=hold_for(event, 2), code="FREE100")
    payment = checkout(hold)
    assert payment.amount_minor == 0
    apply_promo_code(hold=hold, code="")
    pay(payment, django_capture_on_commit_callbacks)
    assert Order.objects.get().total_minor == charged(payment) == 4400


def test_the_code_cannot_change_once_the_payment_went_through(event, once50):
    hold = hold_for(event, 2)
    payment = checkout(hold)
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.SUCCEEDED)
    with pytest.raises(CommerceError) as refusal:
        apply_promo_code(hold=hold, code="ONCE50")
    assert refusal.value.code == "payment_in_progress"
    assert Hold.objects.get().discount_minor == 0
    once50.refresh_from_db()
    assert once50.held == 0


def test_when_the_gateway_refuses_the_new_amount_the_code_stays_as_it_was(event, once50):
    hold = hold_for(event, 2)
    payment = checkout(hold)
    mark_charge(payment, "succeeded")  # the buyer paid in another tab a moment ago
    with pytest.raises(CommerceError) as refusal:
        apply_promo_code(hold=hold, code="ONCE50")
    assert refusal.value.code == "payment_in_progress"
    assert Hold.objects.get().promo_code is None
    assert Payment.objects.get().amount_minor == charged(payment) == 4400
    once50.refresh_from_db()
    assert (once50.used, once50.held) == (0, 0)


def test_a_payment_whose_amount_differs_from_the_order_total_is_refunded_not_sold(
    event, client, django_capture_on_commit_callbacks, mailoutbox
):
    from tests.commerce.payments import post_webhook

    hold = hold_for(event, 2)
    payment = checkout(hold)
    # Whatever path let them drift apart, settling refuses the mismatch.
    Hold.objects.filter(pk=hold.pk).update(discount_minor=2200)
    mark_charge(payment, "succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, *signed_event(payment)).json() == {"status": "refunding"}
    assert not Order.objects.exists()
    follow_up = PaymentFollowUp.objects.get()
    assert follow_up.status == FollowUpStatus.REFUNDED and "2200" in follow_up.reason
    assert DemoCharge.objects.get().status == "refunded"
    assert EventInventory.objects.get().sold == 0
    assert len(mailoutbox) == 1


def test_letting_go_of_a_hold_cancels_its_payment_so_it_can_never_be_paid(
    event, django_capture_on_commit_callbacks
):
    hold = hold_for(event, 2)
    payment = checkout(hold)
    cancel_hold(hold=hold)
    assert Payment.objects.get().status == PaymentStatus.CANCELLED
    with pytest.raises(CommerceError) as refusal:
        pay(payment, django_capture_on_commit_callbacks)
    assert refusal.value.code in {"payment_cancelled", "hold_not_active"}
    assert not Order.objects.exists()
    assert EventInventory.objects.get().held == 0


def test_a_hold_cannot_be_let_go_once_its_payment_went_through(event):
    hold = hold_for(event, 2)
    payment = checkout(hold)
    mark_charge(payment, "succeeded")
    with pytest.raises(CommerceError) as refusal:
        cancel_hold(hold=hold)
    assert refusal.value.code == "payment_in_progress"
    assert EventInventory.objects.get().held == 2
