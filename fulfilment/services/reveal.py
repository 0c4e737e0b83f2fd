"""Revealing a ticket password: decrypted for one person, once, and audited.

Who may is decided by the caller (the member's portal: the assigned member; the admin:
fulfilment.permissions.may_reveal, the Support group). Each reveal writes an
assignment log entry and a Wagtail log entry on the ticket; neither holds the password.
"""

from django.db import transaction
from wagtail.log_actions import log

from fulfilment.models import AssignmentLog, TicketCredential

PASSWORD_REVEALED = "bilten.ticket_password_revealed"


def password_of(ticket: TicketCredential) -> str:
    return ticket.password()


def reveal_password(ticket: TicketCredential, *, actor, ip=None, via="admin") -> str:
    """The ticket's password, with the reveal recorded (who, from where, when, how)."""
    from fulfilment.services.assignment import actor_label

    password = password_of(ticket)
    pre_order_id = ticket.assignment.pre_order_id if hasattr(ticket, "assignment") else None
    with transaction.atomic():
        AssignmentLog.objects.create(
            action="ticket_password_revealed",
            event_key=ticket.event_key,
            ticket_id=ticket.pk,
            pre_order_id=pre_order_id,
            actor=actor,
            actor_label=actor_label(actor),
            ip_address=ip,
            data={"via": via},
        )
        log(
            instance=ticket,
            action=PASSWORD_REVEALED,
            user=actor,
            data={"via": via, "ip": ip or ""},
        )
    return password
