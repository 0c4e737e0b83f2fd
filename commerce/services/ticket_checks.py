"""Is this QR code a ticket that admits someone? (the door's and support's question)

A payload admits only when its signature verifies (commerce.tickets), the ticket
it names exists and is VALID, and the event it was signed for is the event the
ticket now admits to (`held_event_key`: an exchanged ticket's old QR code is
refused). Everything else is refused with InvalidTicket and a reason.
"""

from commerce.models import Ticket, TicketStatus
from commerce.tickets import InvalidTicket, verify_ticket_payload
from event_pages.models import EventPage

REASONS = {
    TicketStatus.VOID: "void",
    TicketStatus.REFUNDED: "refunded",
    TicketStatus.TRANSFERRED: "transferred",
    TicketStatus.USED: "used",
}


def verify_ticket(payload: str) -> Ticket:
    """The VALID ticket `payload` stands for, or InvalidTicket with a `reason`:
    "forged" (bad signature or malformed), "unknown" (no such ticket, or signed for
    another event than the one it admits to now), "void", "refunded",
    "transferred" or "used"."""
    claims = verify_ticket_payload(str(payload or ""))
    code = claims.get("c") if isinstance(claims, dict) else None
    if not isinstance(code, str) or not code:
        raise InvalidTicket(reason="forged")
    ticket = Ticket.objects.select_related("order", "item").filter(code=code).first()
    if ticket is None:
        raise InvalidTicket("no such ticket", reason="unknown")
    if ticket.status != TicketStatus.VALID:
        raise InvalidTicket(
            f"ticket is {ticket.status}", reason=REASONS.get(ticket.status, "void"), ticket=ticket
        )
    if str(ticket.held_event_key) != str(claims.get("e")):
        raise InvalidTicket("signed for another event", reason="unknown", ticket=ticket)
    return ticket


def event_of(ticket: Ticket) -> EventPage | None:
    """The event page the ticket admits to (its order's page when it is that event)."""
    if ticket.order.event_id and ticket.event_key is None:
        event = EventPage.objects.filter(pk=ticket.order.event_id).first()
        if event is not None:
            return event
    return EventPage.objects.filter(translation_key=ticket.held_event_key).order_by("pk").first()
