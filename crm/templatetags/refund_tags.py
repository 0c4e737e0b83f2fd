"""{% refund_terms order as terms %}: what the order page says about refunding it."""

from django import template

register = template.Library()


@register.simple_tag
def refund_terms(order) -> dict:
    from crm.refund_request_views import refund_terms as terms

    return terms(order)
