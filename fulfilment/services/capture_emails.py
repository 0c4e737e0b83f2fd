"""The email telling a member their pre-order failed: every capture of the card was
refused. It links to the page where they replace the card (which captures at once)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Locale

from core.money import format_money


def member_language(pre_order) -> str:
    """The member's account language, else the language they pre-ordered in."""
    return getattr(pre_order.member, "language", "") or pre_order.language


def event_in(event, language: str):
    """The event's page in `language` when it has one (its title reads in that language)."""
    if event.locale.language_code == language:
        return event
    locale = Locale.objects.filter(language_code=language).first()
    return (event.get_translation_or_none(locale) if locale else None) or event


def build_capture_failed(pre_order) -> EmailMultiAlternatives:
    language = member_language(pre_order)
    with translation.override(language):
        event = event_in(pre_order.offer.event, language)
        context = {
            "name": pre_order.member.get_full_name() or pre_order.member.email,
            "event_title": event.title,
            "variant": pre_order.variant.name if pre_order.variant_id else "",
            "amount": format_money(pre_order.amount_minor, pre_order.currency),
            "replace_url": settings.SITE_URL
            + reverse("fulfilment_portal:replace_card", kwargs={"pk": pre_order.pk}),
        }
        subject = _("Your pre-order could not be paid") + f" · {event.title}"
        text = render_to_string("fulfilment/preorder/email/capture_failed.txt", context)
        html = render_to_string("fulfilment/preorder/email/capture_failed.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [pre_order.member.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def send_capture_failed(pre_order) -> None:
    build_capture_failed(pre_order).send()
