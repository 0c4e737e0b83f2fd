"""Discovery rows for the site's templates: {% similar_events page %}, {% selling_fast %},
{% this_weekend %}. Each renders a titled row of event cards, or nothing when empty."""

from django import template
from django.utils.translation import gettext as _

from search import discovery

register = template.Library()

ROW_TEMPLATE = "search/discovery_row.html"


def _row(*, key: str, title: str, events: list, more_url: str = "", more_label: str = "") -> dict:
    return {
        "key": key,
        "title": title,
        "events": events,
        "more_url": more_url,
        "more_label": more_label,
    }


@register.inclusion_tag(ROW_TEMPLATE)
def similar_events(event):
    """Upcoming events with tickets like this one (same line-up, category or city)."""
    return _row(
        key="similar", title=_("You might also like"), events=discovery.similar_events(event)
    )


@register.inclusion_tag(ROW_TEMPLATE)
def selling_fast():
    """The events that sold the most tickets in the last seven days."""
    return _row(key="selling-fast", title=_("Selling fast"), events=discovery.selling_fast())


@register.inclusion_tag(ROW_TEMPLATE)
def this_weekend(events_url=""):
    """What's on from Friday to Sunday, with a link to the whole list."""
    return _row(
        key="weekend",
        title=_("This weekend"),
        events=discovery.this_weekend(),
        more_url=f"{events_url}?date=weekend" if events_url else "",
        more_label=_("All events this weekend"),
    )
