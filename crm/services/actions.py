"""The agent actions of the support CRM: each one checks permission, runs in one
transaction, writes an audit entry and emails the customer (issue 10, section 3).

Admin screens, the support API and the attendee's refund request all call these;
the money and inventory work itself is commerce's (commerce.services.refunds,
commerce.services.ticket_changes). A refusal is a `PermissionDenied` (the user may
not) or the commerce error naming the rule (nothing changed).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from commerce.exceptions import CommerceError
from commerce.models import Order, Ticket
from core.money import format_money
from crm import action_emails, audit
from crm import permissions as perms
from crm.services import policies


def _require(user, action, event_key) -> None:
    if not perms.may(user, action, event_key):
        raise PermissionDenied(action)


def _order_state(order: Order) -> dict:
    return {"status": order.status, "refunded_minor": order.refunded_minor}


def _may_refund(actor, order: Order) -> bool:
    if perms.may(actor, perms.REFUND, order.event_key):
        return True
    return perms.may(actor, perms.REFUND_WITHIN_POLICY, order.event_key) and (
        policies.refund_allowed_now(order)
    )


def refund(*, actor, order: Order, tickets=None, amount_minor=None, reason="", ip=""):
    """Refund chosen tickets, an amount, or (neither) everything left; returns the Refund."""
    from commerce.models import RefundSource
    from commerce.services.refunds import refund_order

    if not _may_refund(actor, order):
        raise PermissionDenied(perms.REFUND)
    with transaction.atomic():
        before = _order_state(order)
        made = refund_order(
            order=order,
            tickets=tickets,
            amount_minor=amount_minor,
            reason=reason,
            source=RefundSource.AGENT,
            actor=actor,
        )
        order.refresh_from_db()
        audit.record(
            order,
            audit.ORDER_REFUNDED,
            actor=actor,
            ip=ip,
            before=before,
            after=_order_state(order),
            amount_minor=made.whole_amount_minor if made else 0,
            tickets=[ticket.code for ticket in made.tickets.all()] if made else [],
            reason=reason,
        )
        _email_refund(order, made)
    return made


def _email_refund(order, made) -> None:
    if made is None:
        return
    amount = format_money(made.whole_amount_minor, made.currency)
    action_emails.send_after_commit(
        lambda: action_emails.order_notice(
            order,
            subject=_("Your refund for order %(number)s") % {"number": order.number},
            paragraphs=[
                _("We have refunded %(amount)s to the card you paid with.") % {"amount": amount},
                _("Depending on your bank it appears on your statement within 5 to 10 days."),
            ],
        )
    )


def cancel(*, actor, order: Order, refund: bool, reason="", ip=""):
    """Cancel the order: every ticket void, its places on sale again, optionally refunded."""
    from commerce.services.refunds import cancel_order

    _require(actor, perms.CANCEL, order.event_key)
    with transaction.atomic():
        before = _order_state(order)
        made = cancel_order(order=order, refund=refund, reason=reason, actor=actor)
        order.refresh_from_db()
        audit.record(
            order,
            audit.ORDER_CANCELLED,
            actor=actor,
            ip=ip,
            before=before,
            after=_order_state(order),
            refunded_minor=made.whole_amount_minor if made else 0,
            reason=reason,
        )
        paragraphs = [_("Your order %(number)s has been cancelled.") % {"number": order.number}]
        if made is not None:
            paragraphs.append(
                _("We have refunded %(amount)s to the card you paid with.")
                % {"amount": format_money(made.whole_amount_minor, made.currency)}
            )
        action_emails.send_after_commit(
            lambda: action_emails.order_notice(
                order,
                subject=_("Order %(number)s cancelled") % {"number": order.number},
                paragraphs=paragraphs,
            )
        )
    return made


def _holder(ticket: Ticket) -> str:
    return ticket.attendee_email or ticket.order.buyer_email


def transfer(*, actor, ticket: Ticket, name: str, email: str, ip=""):
    """Give the ticket to another person: a new code and QR; the old one stops admitting."""
    from commerce.services.ticket_changes import transfer_ticket

    order = ticket.order
    _require(actor, perms.TRANSFER, ticket.held_event_key)
    with transaction.atomic():
        previous_holder = _holder(ticket)
        new = transfer_ticket(ticket=ticket, name=name, email=email, actor=actor)
        audit.record(
            order,
            audit.TICKET_TRANSFERRED,
            actor=actor,
            ip=ip,
            before={"code": ticket.code, "holder": previous_holder},
            after={"code": new.code, "holder": new.attendee_email, "name": new.attendee_name},
        )
        action_emails.send_after_commit(
            lambda: [
                action_emails.order_notice(
                    order,
                    to=previous_holder,
                    subject=_("Your ticket was transferred"),
                    paragraphs=[
                        _("A ticket of order %(number)s now belongs to %(name)s.")
                        % {"number": order.number, "name": new.attendee_name},
                        _("Its old QR code no longer admits anyone."),
                    ],
                ),
                action_emails.tickets_email(order, [new], to=new.attendee_email),
            ]
        )
    return new


def exchange(*, actor, ticket: Ticket, tier, waive_difference=False, ip=""):
    """Move the ticket to another tier or event of the same organization, if places allow."""
    from commerce.services.ticket_changes import exchange_ticket

    order = ticket.order
    _require(actor, perms.EXCHANGE, ticket.held_event_key)
    with transaction.atomic():
        result = exchange_ticket(
            ticket=ticket, tier=tier, actor=actor, waive_difference=waive_difference
        )
        audit.record(
            order,
            audit.TICKET_EXCHANGED,
            actor=actor,
            ip=ip,
            before={"code": ticket.code, "tier_key": str(ticket.tier_key)},
            after={"code": result.new.code, "tier_key": str(result.new.tier_key)},
            difference_minor=result.difference_minor,
            waived=bool(waive_difference and result.difference_minor > 0),
        )
        action_emails.send_after_commit(
            lambda: action_emails.tickets_email(order, [result.new], to=_holder(result.new))
        )
    return result


def request_exchange_payment(*, actor, ticket: Ticket, tier, ip=""):
    """Exchange the ticket for a dearer tier once the customer pays the difference: one
    place of the tier is reserved now, the customer is emailed the link to pay; the old
    ticket stays valid until then. Returns the ExchangeCharge."""
    from commerce.exchange_emails import build_payment_request
    from commerce.services.exchange_charges import pay_url
    from commerce.services.exchange_charges import request_exchange_payment as request

    order = ticket.order
    _require(actor, perms.EXCHANGE, ticket.held_event_key)
    with transaction.atomic():
        charge = request(ticket=ticket, tier=tier, actor=actor)
        audit.record(
            order,
            audit.EXCHANGE_PAYMENT_REQUESTED,
            actor=actor,
            ip=ip,
            before={"code": ticket.code, "tier_key": str(ticket.tier_key)},
            after={"tier_key": str(charge.tier_key), "status": charge.status},
            exchange_charge=charge.pk,
            amount_minor=charge.amount_minor,
            currency=charge.currency,
            expires_at=charge.expires_at.isoformat(),
            pay_url=pay_url(charge),
        )
        action_emails.send_after_commit(lambda: build_payment_request(charge))
    return charge


def cancel_exchange_payment(*, actor, charge, ip=""):
    """Withdraw an exchange waiting for payment: its reserved place goes back on sale and
    the payment link stops working."""
    from commerce.services.exchange_charges import cancel_exchange_charge

    order = charge.order
    _require(actor, perms.EXCHANGE, charge.ticket.held_event_key)
    with transaction.atomic():
        before = {"status": charge.status}
        cancel_exchange_charge(charge=charge, actor=actor, note="Cancelled by support.")
        audit.record(
            order,
            audit.EXCHANGE_PAYMENT_CANCELLED,
            actor=actor,
            ip=ip,
            before=before,
            after={"status": charge.status},
            exchange_charge=charge.pk,
            amount_minor=charge.amount_minor,
        )
    return charge


def resend_order(*, actor, order: Order, ticket: Ticket | None = None, ip=""):
    """Send the order confirmation again (all valid tickets), or one ticket to its holder."""
    from commerce.emails import build_order_emails

    _require(actor, perms.RESEND, order.event_key)
    if ticket is not None and (ticket.order_id != order.pk or not ticket.admits):
        raise PermissionDenied("ticket")
    with transaction.atomic():
        audit.record(
            order,
            audit.ORDER_RESENT,
            actor=actor,
            ip=ip,
            ticket=ticket.code if ticket else None,
        )
        if ticket is None:
            action_emails.send_after_commit(lambda: build_order_emails(order))
        else:
            action_emails.send_after_commit(
                lambda: action_emails.tickets_email(order, [ticket], to=_holder(ticket))
            )


def resend_credentials(*, actor, pre_order, ip=""):
    """Send a fulfilled pre-order's ticket credentials again (fulfilment's delivery)."""
    from fulfilment.services.delivery import resend

    _require(actor, perms.RESEND_CREDENTIALS, pre_order.event_key)
    assignment = getattr(pre_order, "assignment", None)
    if assignment is None:
        raise CommerceError("credentials_not_assigned")
    with transaction.atomic():
        if resend(assignment, actor=actor, ip=ip or None) is None:
            raise CommerceError("credentials_not_assigned")  # not paid and fulfilled
        audit.record(pre_order, audit.CREDENTIALS_RESENT, actor=actor, ip=ip)
