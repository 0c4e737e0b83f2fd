"""Find an order by email and order number, and send its link to that address.

The visitor never learns whether anything matched (commerce.guest_views answers
alike): only the mailbox of the buyer, or of an attendee named on the order,
receives a link. Knowing someone's order number is therefore not enough to see
their order, and the form cannot be used to test which addresses bought.
"""

import logging

from commerce.models import Order
from commerce.order_links import recipients

logger = logging.getLogger(__name__)


def normalized_number(number: str) -> str:
    """Order numbers as buyers type them: spaces and dashes dropped, any case."""
    return "".join(ch for ch in (number or "") if ch.isalnum()).upper()


def request_order_link(*, email: str, number: str, language: str) -> bool:
    """Queue the link email when `email` is the buyer's or an attendee's of order `number`.

    Returns whether one was queued (for tests and logs; never shown to the visitor).
    """
    email = (email or "").strip().lower()
    order = Order.objects.filter(number=normalized_number(number)).first()
    if order is None or email not in recipients(order):
        return False
    queue_order_link(order.pk, email, language)
    return True


def queue_order_link(order_id: int, email: str, language: str) -> None:
    """Queue the email; a queue that cannot take it is logged (the visitor may ask again)."""
    from django_q.tasks import async_task

    from commerce.services.orders import _broker

    try:
        async_task(
            "commerce.tasks.send_order_link",
            order_id,
            email,
            language,
            task_name=f"order-link-{order_id}",
            broker=_broker(),
        )
    except Exception:
        logger.warning("link to order %s not queued", order_id, exc_info=True)
