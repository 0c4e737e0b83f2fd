"""Payments commerce did not create but receives webhooks for (a slot).

Commerce sits below the apps that build on it (fulfilment charges saved cards for
pre-orders), so it cannot import them. Such an app registers, at start-up, a lookup
that recognises its references; the one signed, idempotent webhook path
(commerce.services.orders.handle_webhook) then hands it those events instead of
looking for an order payment. The event is still recorded once, by commerce.

    payment_owners.register(lookup)
    # lookup(reference) -> a handler or None
    # handler(reference=, event_type=, gateway=) -> outcome string
"""

from collections.abc import Callable

_lookups: list[Callable] = []


def register(lookup: Callable) -> None:
    """Called once per owning app at start-up (AppConfig.ready)."""
    if lookup not in _lookups:
        _lookups.append(lookup)


def handler_for(reference: str) -> Callable | None:
    """The handler of the app that owns `reference`, or None (an order payment)."""
    if not reference:
        return None
    for lookup in _lookups:
        handler = lookup(reference)
        if handler is not None:
            return handler
    return None
