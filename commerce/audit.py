"""Audit entries (Wagtail log entries) for actions that move money.

Each is written with `wagtail.log_actions.log(...)` inside the transaction
that moves the money, so it appears in the object's history and in the site
history report, with the actor (None: the system) and the before/after.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

PAYMENT_REFUNDED = "bilten.payment_refunded"


@hooks.register("register_log_actions")
def register_money_actions(actions):
    actions.register_action(PAYMENT_REFUNDED, _("Refund payment"), _("Payment refunded"))
