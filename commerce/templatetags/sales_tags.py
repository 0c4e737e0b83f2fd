"""The sales side of an event page: what each tier has left and the ticket picker.

Event pages know nothing of sales (layering); their template asks these tags:

    {% load sales_tags %}
    {% tier_rows page as rows %}   {# each enabled tier with what is left, on sale or not #}
    {% ticket_picker page %}       {# the form that places a hold #}
"""

from django import template
from django.conf import settings
from django.utils import timezone

from commerce.forms import TicketSelectionForm
from commerce.selectors import availability

register = template.Library()


class TierRows(list):
    """[{"tier", "available", "on_sale", "requires"}] for the enabled tiers (`requires`:
    the name of the tier an add-on needs), and `sold_out`."""

    sold_out = False


def _rows(context, page) -> TierRows:
    # Once per page and request: the JSON-LD and the picker ask the same question.
    memo = getattr(context.get("request"), "__dict__", {}).setdefault("_bilten_tier_rows", {})
    if page.pk not in memo:
        now = timezone.now()
        current = availability(page, now=now)
        tiers = list(page.tiers.all())
        names = {tier.translation_key: tier.name for tier in tiers}
        rows = TierRows(
            {
                "tier": tier,
                "available": current.for_tier(tier),
                "on_sale": tier.on_sale_at(now),
                "requires": names.get(tier.requires_tier_key),
            }
            for tier in tiers
            if tier.enabled
        )
        rows.sold_out = current.sold_out
        memo[page.pk] = rows
    return memo[page.pk]


@register.simple_tag(takes_context=True)
def tier_rows(context, page) -> TierRows:
    return _rows(context, page)


@register.inclusion_tag("commerce/components/ticket_picker.html", takes_context=True)
def ticket_picker(context, page):
    """The picker; shows the refused form again (with its errors) when the page has one."""
    rows = _rows(context, page)
    form = context.get("ticket_form") or TicketSelectionForm(
        tiers=[row["tier"] for row in rows if row["on_sale"]]
    )
    return {
        "page": page,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "ticket_form": form,
        "tier_rows": [
            {
                **row,
                "field": form[f"tier_{row['tier'].pk}"]
                if f"tier_{row['tier'].pk}" in form.fields
                else None,
            }
            for row in rows
        ],
        "sold_out": rows.sold_out,
        "event_over": page.is_over(),
        "hold_minutes": settings.HOLD_MINUTES,
    }
