"""The email that tells a buyer their payment was refunded because it could not
become an order (the tickets were gone, or the amount did not match)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.money import format_money


def _language(payment) -> str:
    """The buyer's language: their account's, else that of the page they bought on."""
    hold = payment.hold
    if hold.buyer_id and getattr(hold.buyer, "language", ""):
        return hold.buyer.language
    if hold.event_id and hold.event is not None:
        return hold.event.locale.language_code
    return settings.LANGUAGE_CODE


def build_refund_notice(follow_up) -> EmailMultiAlternatives:
    payment = follow_up.payment
    event = payment.hold.event
    with translation.override(_language(payment)):
        context = {
            "name": payment.buyer_name,
            "event": event,
            "amount": format_money(payment.amount_minor, payment.currency),
            "event_url": f"{settings.SITE_URL}{event.url}" if event else settings.SITE_URL,
        }
        subject = _("Your payment has been refunded") + (f" · {event.title}" if event else "")
        text = render_to_string("commerce/email/payment_refunded.txt", context)
        html = render_to_string("commerce/email/payment_refunded.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [payment.buyer_email]
    )
    message.attach_alternative(html, "text/html")
    return message


def send_refund_notice(*, follow_up) -> bool:
    """Email the buyer once that their payment was refunded; False if already told."""
    from commerce.models import FollowUpStatus, PaymentFollowUp

    with transaction.atomic():
        locked = (
            PaymentFollowUp.objects.select_for_update(of=("self",))
            .select_related("payment__hold__event", "payment__hold__buyer")
            .get(pk=follow_up.pk)
        )
        if locked.buyer_notified_at or locked.status != FollowUpStatus.REFUNDED:
            return False
        if locked.payment.buyer_email:
            build_refund_notice(locked).send()
        locked.buyer_notified_at = timezone.now()
        locked.save(update_fields=["buyer_notified_at"])
    return True
