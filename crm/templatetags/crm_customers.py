"""Template tags of the customer screens (templates/crm/customers/)."""

from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def optional_url(name, *args, **query):
    """The URL of `name`, or "" while no such URL exists (an action not installed yet).

    Keyword arguments become the query string: {% optional_url "crm_cases:add" customer=key %}.
    """
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


STATUS_CLASSES = {
    # Wagtail's status tags: primary (filled) for states that need attention or admit.
    "valid": "w-status--primary",
    "completed": "w-status--primary",
    "succeeded": "w-status--primary",
    "fulfilled": "w-status--primary",
    "sent": "w-status--primary",
}


@register.inclusion_tag("crm/customers/status.html")
def status_badge(value, label):
    """A Wagtail status tag saying `label`; `value` (the stored state) picks its look."""
    return {"value": value, "label": label, "classname": STATUS_CLASSES.get(value, "")}


@register.filter
def money(minor, currency):
    """{{ order.total_minor|money:order.currency }}: the amount in the admin's language."""
    from core.money import format_money

    if minor is None or not currency:
        return ""
    return format_money(minor, currency)
