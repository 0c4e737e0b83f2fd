"""Orders and payment follow-ups in the Wagtail admin, as ModelViewSets.

Search, filters, inspect, history and the CSV/XLSX export come from Wagtail;
who sees which order is the Order permission policy (commerce.permissions),
asked by every view through OrganizationScopedViewSetMixin.
"""

import logging

import django_filters
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.coreutils import multigetattr
from wagtail.permissions import policy_registry

from commerce.exports import neutralise
from commerce.models import FollowUpStatus, Order, OrderStatus, PaymentFollowUp
from core.money import format_money, to_major
from event_pages.admin_viewsets import OrganizationScopedViewSetMixin, allowed
from event_pages.models import EventPage

logger = logging.getLogger(__name__)


def events_with_visible_orders(request):
    """The filter's event choices: events whose orders this user may see."""
    orders = allowed(request.user, Order, ["view"])
    return EventPage.objects.filter(translation_key__in=orders.values("event_key")).order_by(
        "title", "locale_id"
    )


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=OrderStatus.choices)
    event = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Event"), queryset=events_with_visible_orders, method="filter_event"
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Placed"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Order
        fields = ["status", "event", "created_at"]

    def filter_event(self, queryset, name, value):
        """An event's orders, whichever language's copy they were bought on."""
        return queryset.filter(event_key=value.translation_key)


class SafeSpreadsheetMixin:
    """Exports a spreadsheet opens safely: a cell starting with = + - @ is text, never a
    formula (XLSX cells already are, by Wagtail), and the CSV starts with a UTF-8 byte
    order mark so Excel shows umlauts."""

    def write_csv_row(self, writer, row_dict):
        return super().write_csv_row(
            writer, {field: neutralise(value) for field, value in row_dict.items()}
        )

    def stream_csv(self, queryset):
        yield "\ufeff"
        yield from super().stream_csv(queryset)


class OrderIndexView(SafeSpreadsheetMixin, generic.IndexView):
    """The list of orders; `?export=csv|xlsx` downloads the filtered list."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event").prefetch_related("items")

    def to_row_dict(self, item):
        computed = {
            "items": ", ".join(f"{line.quantity} × {line.tier_name}" for line in item.items.all()),
            "total": str(to_major(item.total_minor)),
            "status": item.get_status_display(),
        }
        return {
            field: computed[field] if field in computed else multigetattr(item, field)
            for field in self.list_export
        }


class ViewOnlyHistoryView(generic.HistoryView):
    """Orders are never edited in the admin: whoever may see one may read its history."""

    any_permission_required = ["view"]


class OrderViewSet(OrganizationScopedViewSetMixin, ModelViewSet):
    model = Order
    icon = "list-ul"
    menu_label = gettext_lazy("Orders")
    add_to_admin_menu = True
    menu_order = 250
    url_prefix = "sales/orders"
    url_namespace = "bilten_orders"
    index_view_class = OrderIndexView
    history_view_class = ViewOnlyHistoryView
    filterset_class = OrderFilterSet
    search_fields = ["number", "buyer_email", "buyer_name"]
    search_backend_name = None
    list_display = [
        "number",
        "event",
        "buyer_name",
        "buyer_email",
        "total_quantity",
        Column(
            "total",
            label=gettext_lazy("Total"),
            accessor=lambda order: format_money(order.total_minor, order.currency),
        ),
        "status",
        DateColumn("created_at", label=gettext_lazy("Placed")),
    ]
    list_export = [
        "number",
        "event",
        "status",
        "buyer_name",
        "buyer_email",
        "items",
        "total_quantity",
        "total",
        "currency",
        "created_at",
    ]
    export_headings = {"items": "items", "total": "total"}
    export_filename = "orders"
    inspect_view_enabled = True
    inspect_view_fields = [
        "number",
        "status",
        "event",
        "buyer_name",
        "buyer_email",
        "total_quantity",
        "currency",
        "promo_code",
        "payment_provider",
        "payment_reference",
        "created_at",
        "completed_at",
        "confirmation_sent_at",
    ]
    form_fields = []  # orders come from payments; the policy allows no add, edit or delete


class FollowUpIndexView(SafeSpreadsheetMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("payment")  # each row's __str__

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if instance.status == FollowUpStatus.OPEN and self.permission_policy.user_has_permission(
            self.request.user, "refund"
        ):
            buttons.append(
                ListingButton(
                    _("Refund"),
                    url=reverse("bilten_follow_ups:refund", args=[instance.pk]),
                    icon_name="undo",
                    priority=10,
                )
            )
        return buttons


class RefundFollowUpView(View):
    """Refund a follow-up's payment: a confirmation page, then the refund service."""

    template_name = "commerce/admin/confirm_refund.html"

    def dispatch(self, request, pk):
        policy = policy_registry.get_by_type(PaymentFollowUp)
        if not policy.user_has_permission(request.user, "refund"):
            raise PermissionDenied
        self.follow_up = get_object_or_404(
            PaymentFollowUp.objects.select_related("payment__hold__event"), pk=pk
        )
        if self.follow_up.status != FollowUpStatus.OPEN:
            messages.warning(request, _("This follow-up is already settled."))
            return redirect("bilten_follow_ups:index")
        return super().dispatch(request, pk)

    def get(self, request, pk):
        payment = self.follow_up.payment
        return TemplateResponse(
            request,
            self.template_name,
            {
                "follow_up": self.follow_up,
                "amount": format_money(payment.amount_minor, payment.currency),
            },
        )

    def post(self, request, pk):
        from commerce.services.orders import refund_follow_up

        try:
            settled = refund_follow_up(follow_up=self.follow_up, actor=request.user)
        except Exception:  # the gateway refused or is unreachable: recorded on the follow-up
            logger.exception("refund of follow-up %s failed", self.follow_up.pk)
            messages.error(
                request,
                _("The payment provider did not take the refund. Nothing changed; try again."),
            )
            return redirect("bilten_follow_ups:index")
        if settled.status == FollowUpStatus.REFUNDED:
            messages.success(request, _("The payment has been refunded."))
        else:
            messages.warning(request, _("This follow-up is already settled."))
        return redirect("bilten_follow_ups:index")


class FollowUpViewSet(ModelViewSet):
    model = PaymentFollowUp
    icon = "warning"
    menu_label = gettext_lazy("Payment follow-ups")
    add_to_admin_menu = True
    menu_order = 260
    url_prefix = "sales/follow-ups"
    url_namespace = "bilten_follow_ups"
    index_view_class = FollowUpIndexView
    history_view_class = ViewOnlyHistoryView
    list_display = ["__str__", "reason", "status", DateColumn("created_at")]
    list_filter = ["status"]
    search_fields = ["reason", "payment__buyer_email", "payment__reference"]
    search_backend_name = None
    ordering = ["status", "-created_at"]
    inspect_view_enabled = True
    inspect_view_fields = ["payment", "reason", "status", "created_at", "settled_at"]
    form_fields = []  # settled only through the refund action

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/refund/", RefundFollowUpView.as_view(), name="refund")
        ]
