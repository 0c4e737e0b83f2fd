"""Pre-order fulfilment in the Wagtail admin: the "Fulfilment" menu and its screens.

Each part of issue 9 registers its own items under the menu
(fulfilment.admin_menu.FULFILMENT_MENU_HOOK) and its own URLs here.
"""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from fulfilment import audit, dashboard_views, erasure_views  # noqa: F401  (audit: log actions)
from fulfilment.admin_menu import (
    FULFILMENT_MENU_HOOK,
    dashboard_menu_item,
    fulfilment_submenu_item,
)
from fulfilment.admin_viewsets import AssignmentLogViewSet, PreOrderViewSet, TicketViewSet
from fulfilment.models import AssignmentLog, PreOrder, PreOrderOffer, TicketCredential
from fulfilment.offer_admin import OfferPermissionPolicy, OfferViewSet
from fulfilment.permissions import FulfilmentPermissionPolicy
from fulfilment.services.csv_import import may_upload

# Permission policies first, before any viewset asks for them (fulfilment.permissions).
register_permission_policy(PreOrder, FulfilmentPermissionPolicy(PreOrder))
register_permission_policy(TicketCredential, FulfilmentPermissionPolicy(TicketCredential))
register_permission_policy(AssignmentLog, FulfilmentPermissionPolicy(AssignmentLog))

dashboard_urls = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("erase/", erasure_views.erase, name="erase"),
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


@hooks.register("register_admin_viewset")
def register_pre_order_viewset():
    return PreOrderViewSet("bilten_pre_orders")


@hooks.register("register_admin_viewset")
def register_ticket_viewset():
    return TicketViewSet("bilten_tickets")


@hooks.register("register_admin_viewset")
def register_assignment_log_viewset():
    return AssignmentLogViewSet("bilten_assignment_log")


# --- Ticket upload (issue 9 §2: fulfilment/upload_views.py) ---------------------------


class TicketUploadMenuItem(MenuItem):
    """Shown to the Fulfilment group, the Platform admin and organizers (their events)."""

    def is_shown(self, request):
        return may_upload(request.user)


@hooks.register(FULFILMENT_MENU_HOOK)
def register_ticket_upload_menu_item():
    return TicketUploadMenuItem(
        _("Ticket upload"),
        reverse_lazy("bilten_ticket_upload:upload"),
        name="ticket-upload",
        icon_name="upload",
        order=200,
    )


@hooks.register("register_admin_urls")
def register_ticket_upload_urls():
    return [path("fulfilment/tickets/upload/", include("fulfilment.upload_urls"))]


# --- Pre-order offers (issue 9 §1: fulfilment/offer_admin.py) --------------------------

register_permission_policy(PreOrderOffer, OfferPermissionPolicy(PreOrderOffer))


@hooks.register("register_admin_viewset")
def register_offer_viewset():
    return OfferViewSet("bilten_pre_order_offers")
