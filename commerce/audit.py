"""Audit entries (Wagtail log entries) for actions that move money.

Each is written with `wagtail.log_actions.log(...)` inside the transaction
that moves the money, so it appears in the object's history and in the site
history report, with the actor (None: the system) and the before/after.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

PAYMENT_REFUNDED = "bilten.payment_refunded"
# Refunds that reach us from the payment provider (its dashboard, or a refund of ours
# whose recording was lost): commerce.services.refunds.reconcile_gateway_refunds.
# Refunds and cancellations people make are logged by whoever offers them (crm.audit,
# with the request's address).
ORDER_REFUNDED = "bilten.order_refunded"
ORDER_REFUND_FAILED = "bilten.order_refund_failed"
# An exchange's price difference paid by the customer (the tickets swapped), paid too
# late and refunded at once, expired unpaid (commerce.services.exchange_charges).
EXCHANGE_PAID = "bilten.exchange_paid"
EXCHANGE_PAYMENT_REFUNDED = "bilten.exchange_payment_refunded"
EXCHANGE_EXPIRED = "bilten.exchange_expired"


@hooks.register("register_log_actions")
def register_money_actions(actions):
    actions.register_action(PAYMENT_REFUNDED, _("Refund payment"), _("Payment refunded"))
    actions.register_action(
        ORDER_REFUNDED,
        _("Record a refund made at the payment provider"),
        _("Refund made at the payment provider"),
    )
    actions.register_action(
        ORDER_REFUND_FAILED, _("Record a failed refund"), _("Refund failed at the payment provider")
    )
    actions.register_action(
        EXCHANGE_PAID, _("Complete a paid exchange"), _("Exchange difference paid")
    )
    actions.register_action(
        EXCHANGE_PAYMENT_REFUNDED,
        _("Refund an exchange payment"),
        _("Exchange payment refunded (too late)"),
    )
    actions.register_action(
        EXCHANGE_EXPIRED, _("Expire an unpaid exchange"), _("Exchange expired unpaid")
    )
