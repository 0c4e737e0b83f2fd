"""Sales in the Wagtail admin: orders, per-event sales, promo codes, follow-ups.

Each model's permission policy is registered first, before any viewset asks
for it; the viewsets then follow it in every view (event_pages.permissions).
"""

from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.widgets.button import Button
from wagtail.models import Page
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from commerce import admin_views, audit  # noqa: F401  (audit registers the money log actions)
from commerce.admin_forms import PromoCodeForm
from commerce.admin_viewsets import FollowUpViewSet, OrderViewSet
from commerce.dashboard_panels import panels_for
from commerce.event_deletion import EventHasSales, sold_events
from commerce.models import Order, PaymentFollowUp, PromoCode
from commerce.permissions import FollowUpPermissionPolicy, OrderPermissionPolicy, may_see_sales
from event_pages.admin_viewsets import OrganizationScopedViewSetMixin
from event_pages.models import EventPage
from event_pages.permissions import OrganizationPermissionPolicy

register_permission_policy(PromoCode, OrganizationPermissionPolicy(PromoCode))
register_permission_policy(Order, OrderPermissionPolicy(Order))
register_permission_policy(PaymentFollowUp, FollowUpPermissionPolicy(PaymentFollowUp))

sales_urls = [
    path("events/<int:page_id>/", admin_views.event_sales, name="event"),
    path("events/<int:page_id>/check-in/", admin_views.event_checkin, name="checkin"),
]


@hooks.register("register_admin_urls")
def register_sales_urls():
    return [path("sales/", include((sales_urls, "bilten_sales")))]


@hooks.register("register_admin_viewset")
def register_order_viewset():
    return OrderViewSet("bilten_orders")


@hooks.register("register_admin_viewset")
def register_follow_up_viewset():
    return FollowUpViewSet("bilten_follow_ups")


def _sales_button(page, user):
    if isinstance(page.specific_deferred, EventPage) and may_see_sales(user, page):
        return Button(
            _("Sales"), reverse("bilten_sales:event", args=[page.pk]), icon_name="tasks", priority=5
        )
    return None


@hooks.register("register_page_header_buttons")
def sales_header_button(page, user, view_name, next_url=None):
    if button := _sales_button(page, user):
        yield button


@hooks.register("register_page_listing_more_buttons")
def sales_listing_button(page, user, next_url=None):
    """The "Sales" action in each event row's "More options" menu, beside Wagtail's own."""
    if button := _sales_button(page, user):
        yield button


def _refuse_deleting_sold_events(request, pages, next_url):
    sold = sold_events(pages)
    if not sold:
        return None
    messages.error(request, EventHasSales(sold).message)
    return redirect(next_url)


@hooks.register("before_delete_page")
def refuse_deleting_events_with_sales(request, page):
    """An event with orders (or an organization holding one) is unpublished, never deleted."""
    return _refuse_deleting_sold_events(
        request, [page], reverse("wagtailadmin_explore", args=[page.get_parent().pk])
    )


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_events_with_sales(request, action_type, objects, action_class_instance):
    if action_type != "delete" or not all(isinstance(obj, Page) for obj in objects):
        return None
    return _refuse_deleting_sold_events(request, objects, action_class_instance.next_url)


class PromoCodeChooserViewSet(OrganizationScopedViewSetMixin, SnippetChooserViewSet):
    pass


class PromoCodeViewSet(OrganizationScopedViewSetMixin, SnippetViewSet):
    model = PromoCode
    icon = "tag"
    menu_label = _("Promo codes")
    add_to_admin_menu = True
    menu_order = 270
    chooser_viewset_class = PromoCodeChooserViewSet
    list_display = [
        "code",
        "organization",
        "kind",
        "percent_off",
        "used",
        "max_uses",
        "valid_until",
    ]
    search_fields = ["code"]

    def get_form_class(self, for_update=False):
        return PromoCodeForm

    def get_queryset(self, request):
        return PromoCode.objects.select_related("organization")


register_snippet(PromoCodeViewSet)


@hooks.register("construct_homepage_panels")
def add_sales_panels(request, panels):
    """Each role's sales panel first on the dashboard (commerce.dashboard_panels)."""
    panels.extend(panels_for(request))
