"""Ticket configuration and publishing rules (spec 003, AC A1–A4, T1–T5).

Pure functions over plain values, so the page editor, the API and the tests
all ask the same questions and get the same wording.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class TierConfig:
    name: str
    allocation: int | None
    enabled: bool
    committed: int = 0  # tickets sold or held in this tier


def allocation_errors(*, total_capacity: int | None, tiers: list[TierConfig]) -> dict:
    """Errors keyed by "total_capacity" or tier index; empty when the setup is valid."""
    errors: dict = {}
    if total_capacity is None:
        return errors
    defined = 0
    for index, tier in enumerate(tiers):
        if tier.allocation is None:
            continue
        defined += tier.allocation
        if tier.allocation > total_capacity:
            errors[index] = _(
                "The allocation must be between 0 and the total capacity (%(x)d)."
            ) % {"x": total_capacity}
        elif tier.allocation < tier.committed:
            errors[index] = _(
                "%(n)d tickets of this tier are already sold or held; "
                "the allocation cannot be lower."
            ) % {"n": tier.committed}
    if defined > total_capacity:
        errors["total_capacity"] = _(
            "Tier allocations add up to %(sum)d, more than the total capacity of %(x)d."
        ) % {"sum": defined, "x": total_capacity}
    return errors


def capacity_error(*, total_capacity: int | None, committed: int) -> str | None:
    if total_capacity is not None and total_capacity < committed:
        return _("%(n)d tickets are already sold or held; the total capacity cannot be lower.") % {
            "n": committed
        }
    return None


def publish_problems(*, total_capacity: int | None, tiers: list[TierConfig]) -> dict:
    """Why an event cannot be published yet, keyed by field ("__all__" for the page)."""
    problems = {}
    if total_capacity is None:
        problems["total_capacity"] = _("Set the total capacity (X) before publishing.")
    if not any(tier.enabled for tier in tiers):
        problems["__all__"] = _("Add at least one ticket tier that is on sale before publishing.")
    return problems


def sales_close_at(*, starts_at, ends_at):
    """When an event stops selling: at its end, or at its start when it has no end."""
    return ends_at or starts_at


def tier_on_sale(*, enabled: bool, sales_start, sales_end, event_closes_at, moment) -> bool:
    """A tier sells when it is enabled, `moment` is inside its sales window (if any)
    and the event has not ended (`event_closes_at`, see sales_close_at)."""
    if not enabled:
        return False
    if event_closes_at is not None and moment >= event_closes_at:
        return False
    if sales_start and moment < sales_start:
        return False
    return not (sales_end and moment > sales_end)


def missing_requirements(lines: list[tuple[str, object, object]]) -> list[tuple[str, str]]:
    """[(add-on name, required tier key)] for lines whose tier needs another tier that
    the same order does not contain. `lines`: (tier name, tier key, required key or None)
    for each tier with a quantity."""
    keys = {str(key) for _name, key, _requires in lines}
    return [
        (name, str(requires))
        for name, _key, requires in lines
        if requires is not None and str(requires) not in keys
    ]
