"""What event pages ask of sales, answered by the app that sells (a slot).

Events come before sales in the layering (core <- accounts <- event_pages <-
commerce): event_pages never imports commerce. Where an event needs to know about
sales — what is still available (the events API), what is already committed (the
editor's rules on capacity and tiers), keeping the inventory in step when an event
is published — it asks this slot, and commerce fills it at start-up
(CommerceConfig.ready). The ticket picker on the event page is commerce's own
template tag (commerce/templatetags/sales_tags.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SalesSlot:
    # (event, now=None) -> an availability with .for_tier(tier) and .sold_out
    availability: Callable | None = None
    # (event_key=, tier_keys=) -> (committed for the event, {tier_key: committed})
    committed_counts: Callable | None = None
    # (tier_keys) -> the set of those tier keys that have sales
    tier_keys_with_sales: Callable | None = None
    # (events=, now=None) -> the demo sales history bought for these demo events, with
    # .created (a Counter), .summary and .logins for seed_demo to print
    seed_demo_sales: Callable | None = None
    # More demo steps run by seed_demo after the sales history, in order, each
    # (events=) -> an object with .created (a Counter), .summary and .logins like the
    # sales history's (e.g. fulfilment's pre-order event); see add_seed_demo_step
    seed_demo_steps: list[Callable] = field(default_factory=list)
    # (request=) -> the context of event_pages/event_list.html for the search at /events/
    # (the search box, filters with counts, results); without it /events/ lists all
    # upcoming events. Connected by the search app (SearchConfig.ready).
    search_page: Callable | None = None

    def connected(self) -> "SalesSlot":
        if self.availability is None:
            raise RuntimeError("no sales app has connected to event_pages.sales.slot")
        return self


slot = SalesSlot()


def connect(**answers) -> None:
    """Called once by the selling app at start-up."""
    for name, answer in answers.items():
        if not hasattr(slot, name):
            raise TypeError(f"event_pages.sales has no slot named {name!r}")
        setattr(slot, name, answer)


def add_seed_demo_step(step: Callable) -> None:
    """Called by an app at start-up to add its part of the demo to seed_demo (once)."""
    if step not in slot.seed_demo_steps:
        slot.seed_demo_steps.append(step)
