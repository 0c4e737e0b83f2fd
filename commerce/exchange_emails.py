"""The customer's emails of an exchange into a dearer tier (commerce.services.exchange_charges):
the request to pay the difference, with the link to the pay page, and the notice that
a payment which came too late was refunded. In the order's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from commerce.emails import order_language
from core.money import format_money


def _notice(*, to, subject, paragraphs, link="", link_label="") -> EmailMultiAlternatives:
    context = {
        "subject": subject,
        "paragraphs": paragraphs,
        "link": link,
        "link_label": link_label,
    }
    text = render_to_string("commerce/email/exchange_notice.txt", context)
    html = render_to_string("commerce/email/exchange_notice.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return message


def _old_tier_name(charge) -> str:
    return charge.ticket.item.tier_name


def build_payment_request(charge) -> EmailMultiAlternatives:
    """“Pay the difference to exchange your ticket”, with the pay page's link and deadline."""
    from commerce.services.exchange_charges import pay_url

    order = charge.order
    with translation.override(order_language(order)):
        subject = _("Pay the difference to exchange your ticket · %(number)s") % {
            "number": order.number
        }
        paragraphs = [
            _("Your ticket %(old)s can become a %(new)s ticket for %(amount)s more.")
            % {
                "old": _old_tier_name(charge),
                "new": charge.tier_name,
                "amount": format_money(charge.amount_minor, charge.currency),
            },
            _(
                "We keep the place for you until %(deadline)s (%(zone)s): your current ticket "
                "stays valid until you pay, then you receive the new ticket and the old one "
                "no longer admits anyone."
            )
            % {
                "deadline": date_format(localtime(charge.expires_at), "DATETIME_FORMAT"),
                "zone": date_format(localtime(charge.expires_at), "T"),
            },
        ]
        return _notice(
            to=order.buyer_email,
            subject=subject,
            paragraphs=paragraphs,
            link=pay_url(charge),
            link_label=_("Pay the difference:"),
        )


def build_payment_refunded(charge) -> EmailMultiAlternatives:
    """The difference was paid when the exchange could no longer be made: it went back."""
    order = charge.order
    with translation.override(order_language(order)):
        subject = _("Your exchange payment was refunded · %(number)s") % {"number": order.number}
        paragraphs = [
            _(
                "Your payment of %(amount)s for the exchange to %(new)s arrived after the "
                "exchange had ended, so we have refunded it in full."
            )
            % {
                "amount": format_money(charge.amount_minor, charge.currency),
                "new": charge.tier_name,
            },
            _("Depending on your bank it appears on your statement within 5 to 10 days."),
        ]
        return _notice(to=order.buyer_email, subject=subject, paragraphs=paragraphs)
