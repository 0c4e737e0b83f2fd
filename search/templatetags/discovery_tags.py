"""Discovery rows for the site's templates: {% similar_events page %}, {% selling_fast %},
{% this_weekend %}. Each renders a titled row of event cards, or nothing when empty."""

from django import template
from django.utils.translation import gettext as _

from search import discovery

register = template.Library()

ROW_TEMPLATE = "search/discovery_row.html"


def _row(
    context, *, key: str, title: str, events: list, more_url: str = "", more_label: str = ""
) -> dict:
    # The request goes along: the cards look the visitor's language up once per request.
    return {
        "request": context.get("request"),
        "key": key,
        "title": title,
        "events": events,
        "more_url": more_url,
        "more_label": more_label,
    }


@register.inclusion_tag(ROW_TEMPLATE, takes_context=True)
def similar_events(context, event):
    """Upcoming events with tickets like this one (same line-up, category or city)."""
    return _row(
        context,
        key="similar",
        title=_("You might also like"),
        events=discovery.similar_events(event),
    )


@register.inclusion_tag(ROW_TEMPLATE, takes_context=True)
def selling_fast(context):
    """The events that sold the most tickets in the last seven days."""
    return _row(
        context, key="selling-fast", title=_("Selling fast"), events=discovery.selling_fast()
    )


@register.inclusion_tag(ROW_TEMPLATE, takes_context=True)
def this_weekend(context, events_url=""):
    """What's on from Friday to Sunday, with a link to the whole list."""
    return _row(
        context,
        key="weekend",
        title=_("This weekend"),
        events=discovery.this_weekend(),
        more_url=f"{events_url}?date=weekend" if events_url else "",
        more_label=_("All events this weekend"),
    )
