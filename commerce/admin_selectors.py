"""Read queries for the admin: what this user may see of sales."""

from django.db.models import Q
from wagtail.models import Page

from commerce.models import Order
from event_pages.models import EventIndexPage


def editable_organizations(user):
    """Organizations (source-locale index pages) whose pages the user may edit."""
    candidates = EventIndexPage.objects.filter(locale__language_code="en")
    if user is None:
        return candidates.none()
    if user.is_superuser:
        return candidates
    allowed = [org.pk for org in candidates if org.permissions_for_user(user).can_edit()]
    return candidates.filter(pk__in=allowed)


def visible_orders(user):
    """Orders of the events under organizations the user may edit (all for superusers)."""
    orders = Order.objects.select_related("event").prefetch_related("items")
    if user.is_superuser:
        return orders
    subtree = Q(pk__in=[])
    for organization in editable_organizations(user):
        subtree |= Q(path__startswith=organization.path)
    event_ids = Page.objects.filter(subtree).values("pk")
    return orders.filter(event_id__in=event_ids)


def filter_orders(orders, *, status: str = "", query: str = ""):
    if status:
        orders = orders.filter(status=status)
    query = query.strip()
    if query:
        orders = orders.filter(Q(buyer_email__icontains=query) | Q(number__iexact=query))
    return orders
