"""The email a guest asks for on "Find your order": the signed link to their order.

Sent only to the buyer's or a named attendee's address (commerce.services.order_lookup),
in the language of the page they asked from.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from commerce.emails import _event_in
from commerce.order_links import order_link


def build_order_link_email(order, *, email: str, language: str) -> EmailMultiAlternatives:
    with translation.override(language):
        event = _event_in(order.event, language)
        context = {
            "order": order,
            "event": event,
            "order_url": order_link(order, email),
            "is_buyer": email.strip().lower() == order.buyer_email.strip().lower(),
        }
        subject = _("Your link to order %(number)s") % {"number": order.number}
        text = render_to_string("commerce/email/order_link.txt", context)
        html = render_to_string("commerce/email/order_link.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [email])
    message.attach_alternative(html, "text/html")
    return message


def send_order_link_email(order, *, email: str, language: str) -> None:
    build_order_link_email(order, email=email, language=language).send()
