"""Signed links to an order: a guest opens their order and tickets from any device.

The link is /orders/<number>/<token>/, where the token is an HMAC (django.core.signing,
its own salt) of the order number and ONE recipient's email address: the buyer's
link shows the whole order, an attendee's link only the tickets named for them.
The email is not in the URL; the view tries the order's few recipients. A token
made for another order, another recipient or edited by hand matches none: 404.

Links do not expire: the tickets are needed at the door, maybe months after the
purchase, and the same email already carries every ticket's QR code, so a link that
expired would protect nothing the email does not give away. Only a completed order
opens; rotating DJANGO_SECRET_KEY ends every link at once (a key in Django's
SECRET_KEY_FALLBACKS still opens them). docs/architecture.md ("Guests'
order links") explains the choice.
"""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from commerce.models import Order

SALT = "commerce.order-link.v1"


def _normalized(email: str) -> str:
    return (email or "").strip().lower()


def _signature(number: str, email: str, key) -> str:
    signer = signing.Signer(key=key, salt=SALT)
    return signer.signature(f"{number}:{_normalized(email)}")


def link_token(order: Order, email: str) -> str:
    """The token of `order`'s link for the recipient `email` (buyer or attendee)."""
    return _signature(order.number, email, settings.SECRET_KEY)


def order_link(order: Order, email: str) -> str:
    """The full address of the recipient's link, for emails (settings.SITE_URL).

    In the active language (emails render inside translation.override).
    """
    path = reverse(
        "commerce:order_link", kwargs={"number": order.number, "token": link_token(order, email)}
    )
    return f"{settings.SITE_URL}{path}"


def recipients(order: Order) -> list[str]:
    """Who may hold a link to this order: the buyer, then each named attendee."""
    emails = [_normalized(order.buyer_email)]
    for email in order.tickets.values_list("attendee_email", flat=True):
        email = _normalized(email)
        if email and email not in emails:
            emails.append(email)
    return emails


def _token_matches(token: str, number: str, email: str) -> bool:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(token, _signature(number, email, key)) for key in keys)


class OrderLink:
    """An order opened through a link: whose link it is and which tickets it shows."""

    def __init__(self, order: Order, recipient: str, token: str):
        self.order = order
        self.recipient = recipient
        self.token = token

    @property
    def is_buyer(self) -> bool:
        return self.recipient == _normalized(self.order.buyer_email)

    def tickets(self):
        tickets = self.order.tickets.select_related("item").order_by("pk")
        if self.is_buyer:
            return tickets
        return tickets.filter(attendee_email__iexact=self.recipient)

    def ticket(self, code: str):
        ticket = self.tickets().filter(code=code).first()
        if ticket is None:
            raise Http404
        return ticket


def open_link(number: str, token: str) -> OrderLink:
    """The order behind a link, or Http404 for anything else (no hint which part was wrong)."""
    # Any status: a refunded or cancelled order still shows what happened to it.
    order = Order.objects.filter(number=number).select_related("event").first()
    if order is None or not token:
        raise Http404
    for email in recipients(order):
        if _token_matches(token, order.number, email):
            return OrderLink(order, email, token)
    raise Http404
