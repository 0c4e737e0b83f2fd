"""A member replaces the card of a pre-order whose capture failed; it is charged at once.

A replaced card has one attempt: refused again, the pre-order is `failed` again at once
(and the member sees it), rather than waiting days of retries on a card just typed in.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commerce.exceptions import CommerceError
from commerce.payments import get_gateway
from fulfilment.models import PreOrder, PreOrderStatus
from fulfilment.services.capture import capture_pre_order, log
from fulfilment.services.placement import PreOrderError

REPLACEABLE = (PreOrderStatus.FAILED, PreOrderStatus.PROCESSING)


def replace_card(*, pre_order: PreOrder, card: str, ip=None) -> str:
    """Save `card` for the pre-order and capture now; returns capture_pre_order's outcome.
    Raises PreOrderError("invalid_card" | "card_not_saved" | "not_replaceable")."""
    if pre_order.status not in REPLACEABLE:
        raise PreOrderError("not_replaceable")
    gateway = get_gateway()
    try:
        saved = gateway.save_card(
            card=card,
            email=pre_order.member.email,
            customer_reference=pre_order.customer_reference
            if pre_order.gateway == gateway.name
            else "",
        )
    except CommerceError as error:
        code = "invalid_card" if error.code == "invalid_card" else "card_not_saved"
        raise PreOrderError(code, "card") from error
    with transaction.atomic():
        changed = PreOrder.objects.filter(pk=pre_order.pk, status__in=REPLACEABLE).update(
            status=PreOrderStatus.PROCESSING,
            gateway=gateway.name,
            customer_reference=saved.customer_reference,
            payment_method_reference=saved.payment_method_reference,
            capture_attempts=settings.PRE_ORDER_CAPTURE_RETRIES,
            failed_at=None,
            next_capture_at=timezone.now(),
        )
        if not changed:
            raise PreOrderError("not_replaceable")
        pre_order.refresh_from_db()
        log("card_replaced", pre_order, actor=pre_order.member, ip=ip)
    return capture_pre_order(pre_order.pk, actor=pre_order.member, ip=ip, force=True)
