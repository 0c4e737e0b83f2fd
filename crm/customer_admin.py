"""Support → Customers in the Wagtail admin: one search box, the customer 360 page, an export.

    /admin/crm/customers/?q=...          search (a single exact identifier opens the customer)
    /admin/crm/customers/export/?q=...   the results as CSV or XLSX (&format=xlsx)
    /admin/crm/customers/<key>/          the customer (key: crm.customer_search.customer_key)

Who sees what is crm.customer_search.customer_scope; anyone who may see no customer
gets 403, a key naming a customer the user may not see gets 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from import_export import fields, resources
from wagtail.admin.menu import MenuItem

from commerce.exports import export
from crm.customer_search import (
    IDENTIFIER_MATCHES,
    BadCustomerKey,
    email_from_key,
    may_export_customers,
    may_see_customers,
    search_customers,
)
from crm.customers import CustomerNotFound, customer_profile

EXPORT_LIMIT = 1000
NAMESPACE = "bilten_customers"


def _require_customers(user) -> None:
    if not may_see_customers(user):
        raise PermissionDenied


def _single_exact(hits):
    """The one customer an order number, ticket code or pre-order id named, if so."""
    identified = {hit.email for hit in hits if hit.matched in IDENTIFIER_MATCHES}
    if len(identified) == 1:
        return next(hit for hit in hits if hit.email in identified)
    if len(hits) == 1 and hits[0].exact:
        return hits[0]
    return None


@never_cache
def search(request):
    _require_customers(request.user)
    q = request.GET.get("q", "").strip()[:200]
    hits = search_customers(request.user, q) if q else []
    single = _single_exact(hits)
    if single is not None:
        url = reverse(f"{NAMESPACE}:detail", args=[single.key])
        if single.matched == "order":
            url += f"#order-{q.upper()}"
        return redirect(url)
    return TemplateResponse(
        request,
        "crm/customers/search.html",
        {
            "q": q,
            "hits": hits,
            "may_export": may_export_customers(request.user) and bool(hits),
        },
    )


@never_cache
def detail(request, key):
    _require_customers(request.user)
    try:
        email = email_from_key(key)
        profile = customer_profile(request.user, email)
    except (BadCustomerKey, CustomerNotFound) as error:
        raise Http404(_("No such customer.")) from error
    return TemplateResponse(request, "crm/customers/detail.html", {"profile": profile})


class CustomerResource(resources.Resource):
    """One row per customer of a search (CustomerHit objects)."""

    name = fields.Field(attribute="name", column_name="name")
    email = fields.Field(attribute="email", column_name="email")
    account = fields.Field(column_name="account")
    orders = fields.Field(attribute="order_count", column_name="orders")
    order_numbers = fields.Field(column_name="order numbers")
    pre_orders = fields.Field(attribute="pre_order_count", column_name="pre-orders")
    cases = fields.Field(attribute="case_count", column_name="cases")

    class Meta:
        fields = ["name", "email", "account", "orders", "order_numbers", "pre_orders", "cases"]
        export_order = fields

    def dehydrate_account(self, hit):
        return "yes" if hit.account_id else "no"

    def dehydrate_order_numbers(self, hit):
        return " ".join(hit.order_numbers)


@never_cache
def export_results(request):
    _require_customers(request.user)
    if not may_export_customers(request.user):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:200]
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    hits = search_customers(request.user, q, limit=EXPORT_LIMIT) if q else []
    content, content_type = export(CustomerResource, hits, file_format, title="Customers")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="customers.{file_format}"'
    return response


urlpatterns = [
    path("", search, name="search"),
    path("export/", export_results, name="export"),
    path("<str:key>/", detail, name="detail"),
]


class CustomersMenuItem(MenuItem):
    """Support, the Platform admin, Fulfilment and organizers (each sees their own customers)."""

    def is_shown(self, request):
        return may_see_customers(request.user)


def customers_menu_item():
    return CustomersMenuItem(
        gettext_lazy("Customers"),
        reverse_lazy(f"{NAMESPACE}:search"),
        name="customers",
        icon_name="group",
        order=100,
    )
