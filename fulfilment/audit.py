"""Wagtail log actions of fulfilment (they show in an object's history and the site history)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from fulfilment.services.erasure import CREDENTIALS_ERASED
from fulfilment.services.reveal import PASSWORD_REVEALED


@hooks.register("register_log_actions")
def register_fulfilment_actions(actions):
    actions.register_action(
        PASSWORD_REVEALED, _("Reveal ticket password"), _("Ticket password revealed")
    )
    actions.register_action(
        CREDENTIALS_ERASED, _("Erase ticket credentials"), _("Ticket credentials erased")
    )
