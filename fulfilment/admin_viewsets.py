"""Pre-orders, ticket credentials and the assignment log as read-only ModelViewSets.

Each model's permission policy (fulfilment.permissions.FulfilmentPermissionPolicy)
is asked by every view through OrganizationScopedViewSetMixin, so an organizer only
ever lists, inspects or exports their own organization's rows. Nobody adds, edits or
deletes here: pre-orders come from members, tickets from the CSV upload, log entries
from the services. A ticket's password is in no list, inspect view or export; Support
reveals one through the Reveal action (POST after a confirmation), which is audited.
"""

import django_filters
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton

from commerce.admin_viewsets import SafeSpreadsheetMixin, ViewOnlyHistoryView
from core.client_address import client_address
from event_pages.admin_viewsets import OrganizationScopedViewSetMixin
from fulfilment.admin_menu import FULFILMENT_MENU_HOOK
from fulfilment.models import (
    AssignmentLog,
    PreOrder,
    PreOrderStatus,
    TicketCredential,
    TicketStatus,
)
from fulfilment.permissions import allowed, may_reveal
from fulfilment.services.reveal import reveal_password


class PreOrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=PreOrderStatus.choices
    )

    class Meta:
        model = PreOrder
        fields = ["status"]


class PreOrderIndexView(SafeSpreadsheetMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("member", "variant", "offer__event")


class PreOrderViewSet(OrganizationScopedViewSetMixin, ModelViewSet):
    model = PreOrder
    icon = "list-ul"
    menu_label = gettext_lazy("Pre-orders")
    menu_hook = FULFILMENT_MENU_HOOK
    menu_order = 110
    url_prefix = "fulfilment/pre-orders"
    url_namespace = "bilten_pre_orders"
    index_view_class = PreOrderIndexView
    history_view_class = ViewOnlyHistoryView
    filterset_class = PreOrderFilterSet
    search_fields = ["member__email", "variant__name"]
    search_backend_name = None
    list_display = [
        "member",
        "offer",
        "variant",
        "status",
        DateColumn("confirmed_at", label=gettext_lazy("Paid")),
        DateColumn("created_at", label=gettext_lazy("Placed")),
    ]
    list_export = ["id", "offer", "member", "variant", "status", "confirmed_at", "created_at"]
    export_filename = "pre-orders"
    inspect_view_enabled = True
    inspect_view_fields = [
        "id",
        "offer",
        "member",
        "variant",
        "status",
        "amount_minor",
        "currency",
        "capture_attempts",
        "last_capture_error",
        "created_at",
        "confirmed_at",
        "failed_at",
    ]
    form_fields = []


class TicketFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=TicketStatus.choices)

    class Meta:
        model = TicketCredential
        fields = ["status"]


class TicketIndexView(SafeSpreadsheetMixin, generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("event", "variant")
            .defer("password_encrypted")
        )

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if may_reveal(self.request.user):
            buttons.append(
                ListingButton(
                    _("Reveal password"),
                    url=reverse("bilten_tickets:reveal", args=[instance.pk]),
                    icon_name="view",
                    priority=10,
                )
            )
        return buttons


@method_decorator(never_cache, name="dispatch")
class RevealPasswordView(View):
    """Support only: a confirmation page (GET), then the password once (POST), audited."""

    template_name = "fulfilment/dashboard/reveal.html"

    def dispatch(self, request, pk):
        if not may_reveal(request.user):
            raise PermissionDenied
        self.ticket = get_object_or_404(
            allowed(request.user, TicketCredential, ["view"]).select_related("event", "variant"),
            pk=pk,
        )
        return super().dispatch(request, pk)

    def get(self, request, pk):
        return TemplateResponse(request, self.template_name, {"ticket": self.ticket})

    def post(self, request, pk):
        ip = client_address(request)
        password = reveal_password(
            self.ticket, actor=request.user, ip=ip if ip != "unknown" else None
        )
        response = TemplateResponse(
            request, self.template_name, {"ticket": self.ticket, "password": password}
        )
        response["Cache-Control"] = "no-store"
        return response


class TicketViewSet(OrganizationScopedViewSetMixin, ModelViewSet):
    model = TicketCredential
    icon = "key"
    menu_label = gettext_lazy("Tickets")
    menu_hook = FULFILMENT_MENU_HOOK
    menu_order = 120
    url_prefix = "fulfilment/tickets"
    url_namespace = "bilten_tickets"
    index_view_class = TicketIndexView
    history_view_class = ViewOnlyHistoryView
    filterset_class = TicketFilterSet
    search_fields = ["login_email", "variant_label"]
    search_backend_name = None
    list_display = [
        "login_email",
        "event",
        "variant_label",
        "status",
        DateColumn("created_at", label=gettext_lazy("Uploaded")),
    ]
    list_export = ["id", "event", "variant_label", "login_email", "status", "created_at"]
    export_filename = "tickets"
    inspect_view_enabled = True
    inspect_view_fields = [
        "event",
        "variant",
        "variant_label",
        "login_email",
        "status",
        "created_at",
    ]
    form_fields = []

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/reveal/", RevealPasswordView.as_view(), name="reveal")
        ]


class LogIndexView(SafeSpreadsheetMixin, generic.IndexView):
    pass


# Everything a log entry says, for its export and its inspect page.
LOG_FIELDS = [
    "at",
    "action",
    "actor_label",
    "ip_address",
    "event_key",
    "pre_order_id",
    "ticket_id",
    "data",
]


class AssignmentLogViewSet(OrganizationScopedViewSetMixin, ModelViewSet):
    model = AssignmentLog
    icon = "history"
    menu_label = gettext_lazy("Assignment log")
    menu_hook = FULFILMENT_MENU_HOOK
    menu_order = 130
    url_prefix = "fulfilment/log"
    url_namespace = "bilten_assignment_log"
    index_view_class = LogIndexView
    list_filter = ["action"]
    search_fields = ["action", "actor_label"]
    search_backend_name = None
    list_display = [
        "action",
        "actor_label",
        "ip_address",
        "pre_order_id",
        "ticket_id",
        DateColumn("at"),
    ]
    list_export = LOG_FIELDS
    export_filename = "assignment-log"
    inspect_view_enabled = True
    inspect_view_fields = LOG_FIELDS
    form_fields = []
