"""Sales in the Wagtail admin: orders, per-event sales, promo codes, follow-ups."""

from django.http import Http404
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, EditView, SnippetViewSet

from commerce import admin_views
from commerce.admin_forms import PromoCodeForm
from commerce.admin_selectors import editable_organizations
from commerce.models import PromoCode
from event_pages.models import EventPage

sales_urls = [
    path("events/<int:page_id>/", admin_views.event_sales, name="event"),
    path("events/<int:page_id>/check-in/", admin_views.event_checkin, name="checkin"),
    path("orders/", admin_views.orders, name="orders"),
    path("follow-ups/", admin_views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/refund/", admin_views.refund, name="refund"),
]


@hooks.register("register_admin_urls")
def register_sales_urls():
    return [path("sales/", include((sales_urls, "bilten_sales")))]


class OrdersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser or editable_organizations(request.user).exists()


class FollowUpsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser or request.user.has_perm("commerce.change_paymentfollowup")


@hooks.register("register_admin_menu_item")
def register_orders_menu_item():
    return OrdersMenuItem(
        _("Orders"), reverse("bilten_sales:orders"), icon_name="list-ul", order=250
    )


@hooks.register("register_admin_menu_item")
def register_follow_ups_menu_item():
    return FollowUpsMenuItem(
        _("Payment follow-ups"), reverse("bilten_sales:follow_ups"), icon_name="warning", order=260
    )


@hooks.register("register_page_header_buttons")
def sales_header_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, EventPage) and page.permissions_for_user(user).can_edit():
        yield Button(
            _("Sales"), reverse("bilten_sales:event", args=[page.pk]), icon_name="tasks", priority=5
        )


@hooks.register("register_page_listing_buttons")
def sales_listing_button(page, user, next_url=None):
    if isinstance(page.specific_deferred, EventPage) and page.permissions_for_user(user).can_edit():
        yield Button(
            _("Sales"), reverse("bilten_sales:event", args=[page.pk]), icon_name="tasks", priority=5
        )


class OwnPromoCodeMixin:
    """Organizers open only their own organizations' promo codes."""

    def get_object(self, queryset=None):
        promo = super().get_object(queryset)
        if promo.organization_id not in set(
            editable_organizations(self.request.user).values_list("pk", flat=True)
        ):
            raise Http404
        return promo


class PromoCodeEditView(OwnPromoCodeMixin, EditView):
    pass


class PromoCodeDeleteView(OwnPromoCodeMixin, DeleteView):
    pass


class PromoCodeViewSet(SnippetViewSet):
    model = PromoCode
    icon = "tag"
    menu_label = _("Promo codes")
    add_to_admin_menu = True
    menu_order = 270
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
    edit_view_class = PromoCodeEditView
    delete_view_class = PromoCodeDeleteView

    def get_form_class(self, for_update=False):
        return PromoCodeForm

    def get_queryset(self, request):
        return PromoCode.objects.filter(
            organization__in=editable_organizations(request.user)
        ).select_related("organization")


register_snippet(PromoCodeViewSet)
