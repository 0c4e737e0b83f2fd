"""Order confirmation emails: HTML + plain text, each ticket's QR inline."""

from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bilten.money import format_money
from commerce.tickets import qr_png


def _context(order, tickets):
    event = order.event
    return {
        "order": order,
        "event": event,
        "items": [
            {
                "name": item.tier_name,
                "quantity": item.quantity,
                "total": format_money(item.line_total_minor, order.currency),
            }
            for item in order.items.all()
        ],
        "total": format_money(order.total_minor, order.currency),
        "tickets": tickets,
        "order_url": f"{settings.SITE_URL}/orders/{order.number}/",
    }


def _message(*, subject, to, context) -> EmailMultiAlternatives:
    text = render_to_string("commerce/email/order_confirmation.txt", context)
    html = render_to_string("commerce/email/order_confirmation.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.mixed_subtype = "related"
    for ticket in context["tickets"]:
        image = MIMEImage(qr_png(ticket, box_size=6), "png")
        image.add_header("Content-ID", f"<ticket-{ticket.code}>")
        image.add_header("Content-Disposition", "inline", filename=f"ticket-{ticket.code}.png")
        message.attach(image)
    return message


def build_order_emails(order) -> list[EmailMultiAlternatives]:
    """One email to the buyer with every ticket, one to each attendee with their own.

    One message per recipient: an attendee named on several tickets gets them together.
    """
    language = order.buyer.language if order.buyer_id else settings.LANGUAGE_CODE
    tickets = list(order.tickets.select_related("item"))
    by_attendee: dict[str, list] = {}
    for ticket in tickets:
        email = ticket.attendee_email.strip().lower()
        if email and email != order.buyer_email.lower():
            by_attendee.setdefault(email, []).append(ticket)
    with translation.override(language):
        title = order.event.title if order.event else "your event"
        subject = f"Your tickets for {title} · {order.number}"
        messages = [
            _message(subject=subject, to=order.buyer_email, context=_context(order, tickets))
        ]
        for email, own in by_attendee.items():
            messages.append(_message(subject=subject, to=email, context=_context(order, own)))
    return messages


def send_order_emails(*, order) -> int:
    """Send the order's emails to each recipient who has not had theirs; returns how many went.

    One refused recipient does not hold up the others: each is tried, each
    success recorded, then the first failure is raised (so the queue retries).
    The retry sends only what is missing, and nobody gets their email twice.
    """
    sent, failures = 0, []
    for message in build_order_emails(order):
        try:
            sent += _send_once(order, message)
        except Exception as error:  # recorded on its delivery row, raised below
            failures.append(error)
    if failures:
        raise failures[0]
    return sent


def _send_once(order, message) -> bool:
    from commerce.models import EmailDelivery

    delivery, _created = EmailDelivery.objects.get_or_create(
        order=order, recipient=message.to[0].lower()
    )
    try:
        # The row lock makes a concurrent run of the same task wait, then skip.
        with transaction.atomic():
            locked = EmailDelivery.objects.select_for_update().get(pk=delivery.pk)
            if locked.sent_at:
                return False
            message.send()
            locked.sent_at, locked.last_error = timezone.now(), ""
            locked.save(update_fields=["sent_at", "last_error"])
    except Exception as error:
        EmailDelivery.objects.filter(pk=delivery.pk).update(last_error=repr(error)[:255])
        raise
    return True
