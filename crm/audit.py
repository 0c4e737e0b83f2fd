"""Audit entries of the CRM's sensitive actions: Wagtail log entries with actor, time,
IP address, target and the values before and after.

They show in the object's history and in Wagtail's site history report; the admin
offers no way to edit or delete a log entry. The actor is the request's user (None:
the system); the IP address is stored in the entry's data (Wagtail keeps no column
for it), taken from `core.client_address` so a proxy's address is not recorded.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import log

from core.client_address import client_address

ORDER_REFUNDED = "bilten.crm_order_refunded"
ORDER_CANCELLED = "bilten.crm_order_cancelled"
TICKET_TRANSFERRED = "bilten.crm_ticket_transferred"
TICKET_EXCHANGED = "bilten.crm_ticket_exchanged"
# A dearer exchange waiting for the customer to pay the difference (its completion is
# commerce's entry, bilten.exchange_paid, written by the payment's webhook).
EXCHANGE_PAYMENT_REQUESTED = "bilten.crm_exchange_payment_requested"
EXCHANGE_PAYMENT_CANCELLED = "bilten.crm_exchange_payment_cancelled"
ORDER_RESENT = "bilten.crm_order_resent"
CREDENTIALS_RESENT = "bilten.crm_credentials_resent"
CASE_CHANGED = "bilten.crm_case_changed"
REFUND_POLICY_CHANGED = "bilten.crm_refund_policy_changed"
ROLE_CHANGED = "bilten.crm_role_changed"

ACTIONS = {
    ORDER_REFUNDED: (_("Refund order"), _("Order refunded")),
    ORDER_CANCELLED: (_("Cancel order"), _("Order cancelled")),
    TICKET_TRANSFERRED: (_("Transfer ticket"), _("Ticket transferred")),
    TICKET_EXCHANGED: (_("Exchange ticket"), _("Ticket exchanged")),
    EXCHANGE_PAYMENT_REQUESTED: (
        _("Ask to pay an exchange's difference"),
        _("Exchange waiting for payment"),
    ),
    EXCHANGE_PAYMENT_CANCELLED: (
        _("Cancel an exchange waiting for payment"),
        _("Exchange waiting for payment cancelled"),
    ),
    ORDER_RESENT: (_("Resend order email"), _("Order email resent")),
    CREDENTIALS_RESENT: (_("Resend ticket credentials"), _("Ticket credentials resent")),
    CASE_CHANGED: (_("Change support case"), _("Support case changed")),
    REFUND_POLICY_CHANGED: (_("Change refund policy"), _("Refund policy changed")),
    ROLE_CHANGED: (_("Change roles"), _("Roles changed")),
}


@hooks.register("register_log_actions")
def register_crm_actions(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


def request_ip(request) -> str:
    return client_address(request) if request is not None else ""


def record(instance, action: str, *, actor=None, ip: str = "", before=None, after=None, **data):
    """Write one audit entry on `instance` (call inside the action's transaction)."""
    payload = {"ip": ip or "", "before": before or {}, "after": after or {}, **data}
    return log(instance=instance, action=action, user=actor, data=payload)
