"""Order confirmation emails: HTML + plain text, each ticket's QR inline."""

from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

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
    """One email to the buyer with every ticket, one to each attendee with their own."""
    language = order.buyer.language if order.buyer_id else settings.LANGUAGE_CODE
    tickets = list(order.tickets.select_related("item"))
    with translation.override(language):
        title = order.event.title if order.event else "your event"
        subject = f"Your tickets for {title} · {order.number}"
        messages = [
            _message(subject=subject, to=order.buyer_email, context=_context(order, tickets))
        ]
        for ticket in tickets:
            if ticket.attendee_email and ticket.attendee_email.lower() != order.buyer_email.lower():
                messages.append(
                    _message(
                        subject=subject, to=ticket.attendee_email, context=_context(order, [ticket])
                    )
                )
    return messages
