"""Display helpers for the account pages."""

import datetime as dt
import math

from django import template

register = template.Library()


@register.filter
def whole_minutes(delta: dt.timedelta | None) -> int:
    """A duration in minutes, rounded up, so "try again in N minutes" is never too early."""
    if not delta:
        return 0
    return max(math.ceil(delta.total_seconds() / 60), 1)
