"""Emails the CRM's agent actions send to the customer, in the customer's language.

One plain notice (a headline and paragraphs, with the customer's signed link to
the order) serves the refund, cancellation, transfer and exchange notices; a
ticket that is new to someone (transferred to them, or exchanged) goes out as
the usual ticket email with its QR code (commerce.emails.build_tickets_email).
Sent after the action's transaction commits; a failure is logged and does not
undo the action (the order page shows the truth, and the agent can resend).
"""

import contextlib
import contextvars
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from commerce.emails import build_tickets_email, order_language
from commerce.order_links import order_link

logger = logging.getLogger(__name__)
_silenced = contextvars.ContextVar("crm_action_emails_silenced", default=False)


@contextlib.contextmanager
def silenced():
    """Actions taken inside send no email (seed_demo's history mails nobody)."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def notice(
    *, to: str, language: str, subject, paragraphs, link: str = ""
) -> EmailMultiAlternatives:
    """A notice email; `subject` and `paragraphs` are lazy strings rendered in `language`."""
    with translation.override(language):
        context = {
            "subject": str(subject),
            "paragraphs": [str(p) for p in paragraphs],
            "link": link,
        }
        text = render_to_string("crm/email/notice.txt", context)
        html = render_to_string("crm/email/notice.html", context)
    message = EmailMultiAlternatives(context["subject"], text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return message


def order_notice(order, *, subject, paragraphs, to: str = "") -> EmailMultiAlternatives:
    to = to or order.buyer_email
    language = order_language(order)
    with translation.override(language):
        link = order_link(order, to)
    return notice(to=to, language=language, subject=subject, paragraphs=paragraphs, link=link)


def tickets_email(order, tickets, *, to: str) -> EmailMultiAlternatives:
    return build_tickets_email(order, tickets, to=to)


def send_after_commit(build) -> None:
    """Build and send the message(s) once the transaction commits; log a failure."""
    if _silenced.get():
        return

    def send():
        try:
            messages = build()
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                message.send()
        except Exception:  # the action stands; the agent sees the order and can resend
            logger.exception("a CRM notice could not be sent")

    transaction.on_commit(send)
