"""The "Fulfilment" menu of the Wagtail admin, one submenu every part of issue 9 adds to.

Add an item from any module loaded by fulfilment/wagtail_hooks.py:

    @hooks.register(FULFILMENT_MENU_HOOK)
    def upload_menu_item():
        return FulfilmentMenuItem(_("Upload tickets"), reverse(...), icon_name="upload", order=200)

or give a viewset `menu_hook = FULFILMENT_MENU_HOOK`. The menu shows when one of its
items does: `FulfilmentMenuItem` is shown to whoever may use fulfilment at all
(fulfilment.permissions.may_use_fulfilment), a viewset's item by its permission policy.
"""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from fulfilment.permissions import may_use_fulfilment

FULFILMENT_MENU_HOOK = "register_fulfilment_menu_item"

fulfilment_menu = Menu(register_hook_name=FULFILMENT_MENU_HOOK)


class FulfilmentMenuItem(MenuItem):
    """An item shown to the Fulfilment group, Support, the Platform admin and organizers."""

    def is_shown(self, request):
        return may_use_fulfilment(request.user)


def fulfilment_submenu_item():
    return SubmenuMenuItem(
        _("Fulfilment"), fulfilment_menu, name="fulfilment", icon_name="tasks", order=240
    )


def dashboard_menu_item():
    return FulfilmentMenuItem(
        _("Dashboard"),
        reverse_lazy("bilten_fulfilment:dashboard"),
        name="fulfilment-dashboard",
        icon_name="gauge",
        order=100,
    )
