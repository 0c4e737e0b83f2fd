"""Pre-order fulfilment in the Wagtail admin: the "Fulfilment" menu and its screens.

Each part of issue 9 registers its own items under the menu
(fulfilment.admin_menu.FULFILMENT_MENU_HOOK) and its own URLs here.
"""

from django.urls import include, path
from wagtail import hooks

from fulfilment import dashboard_views
from fulfilment.admin_menu import (
    FULFILMENT_MENU_HOOK,
    dashboard_menu_item,
    fulfilment_submenu_item,
)

dashboard_urls = [
    path("", dashboard_views.dashboard, name="dashboard"),
]


@hooks.register("register_admin_menu_item")
def register_fulfilment_menu():
    return fulfilment_submenu_item()


@hooks.register(FULFILMENT_MENU_HOOK)
def register_dashboard_menu_item():
    return dashboard_menu_item()


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    return [path("fulfilment/", include((dashboard_urls, "bilten_fulfilment")))]
