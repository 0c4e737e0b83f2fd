"""Order confirmation emails: HTML + plain text, each ticket's QR inline, each recipient once.

Delivery is at least once and, short of a worker killed between the mail
server's "250 OK" and the commit that records it, exactly once: one
EmailDelivery row per (order, recipient), claimed with
`SELECT ... FOR UPDATE SKIP LOCKED` while sending and marked `sent_at` in the
same transaction. Whoever holds the claim sends; a concurrent task or sweep
skips that recipient and leaves it to the claimant.

Failures are of two kinds:
- permanent (the mail server refused this recipient or message with a 5xx):
  recorded in `last_error` with the PERMANENT prefix, never tried again;
- anything else (server unreachable, 4xx "try later", timeouts) is transient:
  recorded, and raised so django-q2 retries the task (ORM broker: after
  Q_CLUSTER["retry"] seconds, up to "max_attempts"); the sweep
  (`send_missing_confirmations`, every minute) retries it whatever the broker.

Language: the buyer's account language when they were signed in, otherwise
the language of the event page they bought from (a guest who bought on the
German page reads German). The event title is taken from the event's page in
that language when it has one.
"""

import datetime as dt
import logging
import smtplib
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from commerce.order_links import order_link
from commerce.tickets import qr_png
from core.money import format_money

logger = logging.getLogger(__name__)

PERMANENT = "permanent: "  # last_error prefix of a failure that is never retried
SWEEP_GRACE = dt.timedelta(minutes=2)  # the queued task's turn first
SWEEP_MAX_AGE = dt.timedelta(days=7)  # older orders are support's to resend
SWEEP_BATCH = 200  # orders per sweep run; the next run takes the rest


class PermanentFailure(Exception):
    """Sending to one recipient was refused for good; the others still get theirs."""


def is_permanent(error: Exception) -> bool:
    """A refusal of this recipient or message (5xx), not of the server or the moment."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return type(error).__name__ in {"AnymailRecipientsRefused", "AnymailInvalidAddress"}


def order_language(order) -> str:
    if order.buyer_id and order.buyer.language:
        return order.buyer.language
    if order.event_id:
        return order.event.locale.language_code
    return settings.LANGUAGE_CODE


def _event_in(event, language: str):
    """The event's page in `language` when it has one (the title reads in the email's language)."""
    if event is None or event.locale.language_code == language:
        return event
    from wagtail.models import Locale

    locale = Locale.objects.filter(language_code=language).first()
    translated = locale and event.get_translation_or_none(locale)
    return translated if translated and translated.live else event


def _context(order, event, tickets, *, recipient):
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
        # The recipient's own signed link: opens on any device, an attendee's shows their tickets.
        "order_url": order_link(order, recipient),
    }


def _message(*, subject, to, context) -> EmailMultiAlternatives:
    # The .txt template turns autoescaping off: a buyer named "O'Brien & Sons"
    # reads just that, not "O&#x27;Brien &amp; Sons".
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
    language = order_language(order)
    # Only tickets that admit someone (a refunded or transferred one is not sent again).
    tickets = list(order.tickets.filter(status="valid").select_related("item"))
    by_attendee: dict[str, list] = {}
    for ticket in tickets:
        email = ticket.attendee_email.strip().lower()
        if email and email != order.buyer_email.lower():
            by_attendee.setdefault(email, []).append(ticket)
    with translation.override(language):
        event = _event_in(order.event, language)
        title = event.title if event else _("your event")
        subject = _("Your tickets for %(event)s · %(number)s") % {
            "event": title,
            "number": order.number,
        }
        messages = [
            _message(
                subject=subject,
                to=order.buyer_email,
                context=_context(order, event, tickets, recipient=order.buyer_email),
            )
        ]
        for email, own in by_attendee.items():
            messages.append(
                _message(
                    subject=subject, to=email, context=_context(order, event, own, recipient=email)
                )
            )
    return messages


def build_tickets_email(order, tickets, *, to: str, language: str = "") -> EmailMultiAlternatives:
    """One email carrying `tickets` of `order` to `to` (a ticket transferred or exchanged)."""
    language = language or order_language(order)
    with translation.override(language):
        event = _event_in(order.event, language)
        title = event.title if event else _("your event")
        subject = _("Your tickets for %(event)s · %(number)s") % {
            "event": title,
            "number": order.number,
        }
        return _message(
            subject=subject, to=to, context=_context(order, event, list(tickets), recipient=to)
        )


def send_order_emails(*, order) -> int:
    """Send the order's emails to each recipient who has not had theirs; returns how many went.

    One refused recipient does not hold up the others: each is tried, each
    success recorded. A permanent refusal is recorded and not raised; the
    first transient failure is raised after the others were tried (so the
    queue retries). When every recipient has their email the order's
    `confirmation_sent_at` is set.
    """
    sent, failures = 0, []
    for message in build_order_emails(order):
        try:
            sent += _send_once(order, message)
        except PermanentFailure:
            continue
        except Exception as error:  # recorded on its delivery row, raised below
            failures.append(error)
    if failures:
        raise failures[0]
    _mark_confirmed_when_complete(order)
    return sent


def _send_once(order, message) -> bool:
    from commerce.models import EmailDelivery

    delivery, _created = EmailDelivery.objects.get_or_create(
        order=order, recipient=message.to[0].lower()
    )
    try:
        with transaction.atomic():
            # Claim the row; a task or sweep already sending it keeps it (and sends it).
            locked = (
                EmailDelivery.objects.select_for_update(skip_locked=True)
                .filter(pk=delivery.pk, sent_at__isnull=True)
                .first()
            )
            if locked is None:
                return False
            if locked.last_error.startswith(PERMANENT):
                raise PermanentFailure(locked.last_error)
            message.send()
            locked.sent_at, locked.last_error = timezone.now(), ""
            locked.save(update_fields=["sent_at", "last_error"])
    except PermanentFailure:
        raise
    except Exception as error:
        permanent = is_permanent(error)
        note = (PERMANENT if permanent else "") + repr(error)
        EmailDelivery.objects.filter(pk=delivery.pk).update(last_error=note[:255])
        if permanent:
            logger.warning("confirmation of order %s to %s refused: %r", order, message.to, error)
            raise PermanentFailure(note) from error
        raise
    return True


def _mark_confirmed_when_complete(order) -> None:
    """Set confirmation_sent_at once no recipient is left without their email."""
    from commerce.models import Order

    if not order.email_deliveries.filter(sent_at__isnull=True).exists():
        Order.objects.filter(pk=order.pk, confirmation_sent_at__isnull=True).update(
            confirmation_sent_at=timezone.now()
        )


def orders_missing_confirmation(*, now=None):
    """Completed orders whose confirmation has not reached everyone, oldest first.

    Only orders completed between SWEEP_MAX_AGE and SWEEP_GRACE ago (the
    queued task goes first), and not those whose only recipients still
    without an email refused it for good.
    """
    from commerce.models import EmailDelivery, Order, OrderStatus

    now = now or timezone.now()
    unsent = EmailDelivery.objects.filter(order=OuterRef("pk"), sent_at__isnull=True)
    refused = unsent.filter(last_error__startswith=PERMANENT)
    retryable = unsent.exclude(last_error__startswith=PERMANENT)
    return (
        Order.objects.filter(
            status=OrderStatus.COMPLETED,
            confirmation_sent_at__isnull=True,
            completed_at__lte=now - SWEEP_GRACE,
            completed_at__gte=now - SWEEP_MAX_AGE,
        )
        .filter(Q(Exists(retryable)) | ~Q(Exists(refused)))
        .select_related("event", "buyer")
        .order_by("completed_at")
    )


def _server_trouble(error: Exception) -> bool:
    """The mail server (not one message) failed: the rest of this sweep would fail too."""
    recipient_level = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)
    return isinstance(error, OSError) and not isinstance(error, recipient_level)


def send_missing_confirmations(*, now=None, batch: int = SWEEP_BATCH) -> int:
    """Send every confirmation a lost or failed task left unsent; returns how many emails went.

    Safe to run alongside the queued tasks and other sweeps (rows are
    claimed). Stops at the first sign that the mail server is unreachable:
    the next run tries again.
    """
    sent = 0
    for order in orders_missing_confirmation(now=now)[:batch]:
        try:
            sent += send_order_emails(order=order)
        except Exception as error:
            logger.warning("confirmation sweep: order %s not sent: %r", order, error)
            if _server_trouble(error):
                break
    return sent
