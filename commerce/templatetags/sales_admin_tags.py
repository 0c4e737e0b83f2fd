"""Display helpers for the sales screens of the admin."""

from django import template

from core.money import format_money

register = template.Library()


@register.filter
def amounts(by_currency) -> str:
    """{currency: minor units} as "€120.00 · CHF 80.00" (empty for none, zeros left out)."""
    return " · ".join(
        format_money(minor, currency)
        for currency, minor in sorted((by_currency or {}).items())
        if minor
    )
