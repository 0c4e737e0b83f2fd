"""The admin dashboard's sales panels: each role sees what it needs first.

- an organizer: their organizations' upcoming events, sold against capacity,
  and what sold today;
- Support: the payment follow-ups still waiting for a refund;
- the Platform admin: today's orders and what went wrong today (declined or
  failed payments, refunds that need attention).

Every panel asks the permission policies (an organizer's events are
`events_of(organization_keys_for(user))`, orders the Order policy), reads its
figures from commerce.selectors and costs a fixed number of queries.
"""

from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.permissions import policy_registry

from accounts.roles import ORGANIZER, PLATFORM_ADMIN, SUPPORT, roles_of
from commerce import selectors
from commerce.models import Order, PaymentFollowUp
from event_pages.permissions import events_of, organization_keys_for


class DashboardPanel(Component):
    """A dashboard panel shown only to the users `is_shown_to` accepts."""

    name = ""

    def __init__(self, request):
        self.request = request

    @classmethod
    def is_shown_to(cls, user) -> bool:
        """Each panel names its roles; a panel that does not is shown to nobody."""
        return False

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["request"] = self.request
        return context


class OrganizerSalesPanel(DashboardPanel):
    name = "bilten_upcoming_sales"
    template_name = "commerce/admin/dashboard/organizer_sales.html"
    order = 50

    @classmethod
    def is_shown_to(cls, user) -> bool:
        return ORGANIZER in roles_of(user) and bool(organization_keys_for(user))

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = self.request.user
        events = events_of(organization_keys_for(user))
        orders = policy_registry.get_by_type(Order).instances_user_has_any_permission_for(
            user, ["view"]
        )
        today = selectors.sales_totals(orders.filter(created_at__gte=selectors.start_of_today()))
        context.update(
            {
                "events": selectors.upcoming_event_sales(events),
                "today": today,
                "orders_url": reverse("bilten_orders:index"),
            }
        )
        return context


class FollowUpsPanel(DashboardPanel):
    name = "bilten_open_follow_ups"
    template_name = "commerce/admin/dashboard/open_follow_ups.html"
    order = 40

    @classmethod
    def is_shown_to(cls, user) -> bool:
        roles = roles_of(user)
        may_view = policy_registry.get_by_type(PaymentFollowUp).user_has_permission(user, "view")
        return may_view and SUPPORT in roles and PLATFORM_ADMIN not in roles

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        count, follow_ups = selectors.open_follow_ups()
        context.update(
            {
                "count": count,
                "follow_ups": follow_ups,
                "may_refund": policy_registry.get_by_type(PaymentFollowUp).user_has_permission(
                    self.request.user, "refund"
                ),
                "index_url": reverse("bilten_follow_ups:index") + "?status=open",
            }
        )
        return context


class PlatformTodayPanel(DashboardPanel):
    name = "bilten_platform_today"
    template_name = "commerce/admin/dashboard/platform_today.html"
    order = 30

    @classmethod
    def is_shown_to(cls, user) -> bool:
        return PLATFORM_ADMIN in roles_of(user) and policy_registry.get_by_type(
            Order
        ).allows_everywhere(user, ["view"])

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        since = selectors.start_of_today()
        orders_today = Order.objects.filter(created_at__gte=since)
        today = selectors.sales_totals(orders_today)
        failed_count, failed = selectors.failed_payments_since(since)
        follow_up_count, follow_ups = selectors.open_follow_ups()
        context.update(
            {
                "today": today,
                "latest_orders": list(
                    orders_today.select_related("event").order_by("-created_at", "-pk")[:8]
                ),
                "failed_count": failed_count,
                "failed": failed,
                "follow_up_count": follow_up_count,
                "follow_ups": follow_ups,
                "orders_url": reverse("bilten_orders:index"),
                "follow_ups_url": reverse("bilten_follow_ups:index") + "?status=open",
            }
        )
        return context


PANELS = (PlatformTodayPanel, FollowUpsPanel, OrganizerSalesPanel)


def panels_for(request) -> list[DashboardPanel]:
    return [panel(request) for panel in PANELS if panel.is_shown_to(request.user)]
