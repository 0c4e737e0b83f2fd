"""Promo codes on a hold. Usage limits hold under concurrency because a code in
an active hold counts against its limit (PromoCode.held), exactly like a ticket,
and the per-buyer limit is counted and taken while the code's row is locked.

Lock order follows holds.py: the payment and hold rows (checkout.lock_basket),
then the promo code rows (by id). A payment already created follows the new
amount (gateway first) in the same transaction, so what is charged, the
payment's amount and the order's total stay one number.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from commerce.exceptions import HoldError, PaymentError, PromoCodeError
from commerce.models import Hold, HoldStatus, Order, PaymentStatus, PromoCode, PromoKind
from commerce.services.checkout import lock_basket, sync_payment_amount
from commerce.services.holds import take_promo_use


def find_promo_code(*, event, code: str) -> PromoCode:
    """The organization's code, typed in any case, or PromoCodeError("promo_unknown")."""
    organization = event.get_parent()
    promo = (
        PromoCode.objects.filter(
            organization__translation_key=organization.translation_key, code__iexact=code.strip()
        )
        .prefetch_related("tiers")
        .first()
    )
    if promo is None:
        raise PromoCodeError("promo_unknown")
    return promo


def discount_for(*, promo: PromoCode, hold: Hold, now) -> int:
    """The discount in minor units this code gives on this hold, or why it gives none."""
    if (promo.valid_from and now < promo.valid_from) or (
        promo.valid_until and now > promo.valid_until
    ):
        raise PromoCodeError("promo_expired")
    restricted = {tier.translation_key for tier in promo.tiers.all()}
    eligible = sum(
        line.line_total_minor
        for line in hold.lines.all()
        if not restricted or line.tier_key in restricted
    )
    if restricted and not any(line.tier_key in restricted for line in hold.lines.all()):
        raise PromoCodeError("promo_not_for_tier")
    if promo.kind == PromoKind.PERCENT:
        discount = Decimal(eligible) * Decimal(promo.percent_off or 0) / 100
        return int(discount.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if promo.currency and promo.currency != hold.currency:
        raise PromoCodeError("promo_not_for_tier")
    return min(promo.amount_off_minor or 0, eligible)


def _uses_by_buyer(*, promo: PromoCode, hold: Hold, buyer_email: str, now) -> int:
    """Uses of `promo` by the buyer of `hold`: their orders and their other active holds.

    The buyer is their account, their session and the email they check out with
    (so a second browser or device with the same email counts too). Call with the
    code's row locked (_lock_promo_codes), or two requests can both count zero.
    """
    buyer_orders = Q(buyer_email__iexact=buyer_email) if buyer_email else Q(pk__in=[])
    if hold.buyer_id:
        buyer_orders |= Q(buyer_id=hold.buyer_id)
    orders = Order.objects.filter(buyer_orders, promo_code=promo).count()
    same_buyer = Q(buyer_id=hold.buyer_id) if hold.buyer_id else Q(session_key=hold.session_key)
    if buyer_email:
        same_buyer |= Q(payment__buyer_email__iexact=buyer_email)
    holds = (
        Hold.objects.filter(
            same_buyer, promo_code=promo, status=HoldStatus.ACTIVE, expires_at__gt=now
        )
        .exclude(pk=hold.pk)
        .count()
    )
    return orders + holds


def _lock_promo_codes(*promo_ids) -> None:
    """Lock the promo code rows a change touches (SELECT ... FOR UPDATE), in id order.

    Applying a code counts one more use and the buyer's uses: with the row
    locked, parallel requests for the same code take turns, so each one counts
    the uses the others committed (a buyer's per-buyer limit cannot be passed by
    applying the code to several holds at once).
    """
    ids = sorted({pk for pk in promo_ids if pk is not None})
    if ids:
        list(PromoCode.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def _release_promo(hold: Hold) -> None:
    PromoCode.objects.filter(pk=hold.promo_code_id).update(held=F("held") - 1)


def apply_promo_code(*, hold: Hold, code: str, buyer_email: str = "", now=None) -> Hold:
    """Apply `code` to an active hold (an empty code removes the current one).

    Refuses with PromoCodeError: unknown, expired, used up, not valid for the
    chosen tiers, or the buyer's own limit reached; HoldError if the hold expired.
    `buyer_email` (else the email the hold's checkout was started with) counts
    the buyer's uses from other sessions too.
    """
    now = now or timezone.now()
    promo = find_promo_code(event=hold.event, code=code) if code.strip() else None
    with transaction.atomic():
        locked, payment = lock_basket(hold.pk)
        if not locked.is_active_at(now):
            raise HoldError("hold_not_active")
        if promo is not None and locked.promo_code_id == promo.pk:
            return locked
        if payment is not None and payment.status == PaymentStatus.SUCCEEDED:
            raise PaymentError("payment_in_progress")
        discount = discount_for(promo=promo, hold=locked, now=now) if promo else 0
        _lock_promo_codes(locked.promo_code_id, promo.pk if promo else None)
        if locked.promo_code_id:
            _release_promo(locked)
        if promo is not None:
            if not take_promo_use(promo.pk):
                raise PromoCodeError("promo_used_up")
            email = buyer_email or (payment.buyer_email if payment else "")
            if (
                promo.max_uses_per_buyer is not None
                and _uses_by_buyer(promo=promo, hold=locked, buyer_email=email, now=now)
                >= promo.max_uses_per_buyer
            ):
                raise PromoCodeError("promo_buyer_limit")
        locked.promo_code = promo
        locked.discount_minor = discount
        locked.save(update_fields=["promo_code", "discount_minor"])
        if payment is not None:
            # Last, once every rule passed: the gateway changes the amount or refuses
            # (the buyer is paying right now), and then nothing above is kept.
            sync_payment_amount(payment=payment, amount_minor=locked.amount_minor)
            payment.save(update_fields=["amount_minor", "updated_at"])
    return locked
