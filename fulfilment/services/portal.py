"""What a member sees of their own pre-orders (the portal and GET /api/v1/me/pre-orders/).

The statuses are named as spec 5.1 names them: Processing (the card is saved or paid,
no ticket yet), Waiting for ticket (paid, no ticket in stock yet), Fulfilled (with the
ticket's login) and Failed (the card was refused; replace it). Credentials are only
ever decrypted for the pre-order's own member.
"""

from django.utils.translation import gettext_lazy as _

from fulfilment.crypto import CredentialError
from fulfilment.models import PreOrder, PreOrderStatus

MEMBER_STATUS = {
    PreOrderStatus.PROCESSING: "processing",
    PreOrderStatus.CONFIRMED: "processing",
    PreOrderStatus.WAITING_FOR_STOCK: "waiting_for_ticket",
    PreOrderStatus.FULFILLED: "fulfilled",
    PreOrderStatus.FAILED: "failed",
    PreOrderStatus.CANCELLED: "cancelled",
}
STATUS_LABELS = {
    "processing": _("Processing"),
    "waiting_for_ticket": _("Waiting for ticket"),
    "fulfilled": _("Fulfilled"),
    "failed": _("Failed"),
    "cancelled": _("Cancelled"),
}


def pre_orders_of(member):
    """The member's own pre-orders, newest first (never anyone else's)."""
    return (
        PreOrder.objects.filter(member=member)
        .select_related("offer__event", "variant", "assignment__ticket")
        .order_by("-created_at")
    )


def member_status(pre_order: PreOrder) -> str:
    return MEMBER_STATUS[pre_order.status]


def credentials_for(pre_order: PreOrder, member) -> dict | None:
    """{"email", "password"} of the ticket assigned to the member's fulfilled pre-order."""
    if pre_order.member_id != member.pk or pre_order.status != PreOrderStatus.FULFILLED:
        return None
    assignment = getattr(pre_order, "assignment", None)
    if assignment is None:
        return None
    ticket = assignment.ticket
    try:
        password = ticket.password()
    except CredentialError:
        return None
    return {"email": ticket.login_email, "password": password}
