"""The email a customer gets when an agent replies on their case, in the case's language.

A reply is emailed after the transaction that wrote it commits, by a django-q
task (at once when the queue cannot take it). The message row is claimed with
`SELECT ... FOR UPDATE SKIP LOCKED` while sending and `emailed_at` is set in
the same transaction, so a reply goes out once. A failure is recorded on the
message (`email_error`, shown on the case screen with a "Send again" button);
a transient one is raised as well so the queue tries again. Nothing is lost
silently.

Account holders get a link to the case at /account/support/<id>/; guests get
the case number, to quote on the contact form. The reply's attachments travel
with the email.
"""

import functools
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from commerce.emails import is_permanent

logger = logging.getLogger(__name__)

PERMANENT = "permanent: "


def case_url(case) -> str:
    """The customer's page of the case, in the case's language (account holders)."""
    with translation.override(case.language):
        return settings.SITE_URL + reverse("support:case", args=[case.pk])


def contact_url(case) -> str:
    with translation.override(case.language):
        return settings.SITE_URL + reverse("support:contact")


def build_reply_email(message) -> EmailMultiAlternatives:
    case = message.case
    with translation.override(case.language):
        context = {
            "case": case,
            "name": case.customer_name,
            "paragraphs": [p.strip() for p in message.body.split("\n\n") if p.strip()],
            "agent": (message.author.first_name if message.author else "") or _("Bilten support"),
            "case_url": case_url(case) if case.customer_id else "",
            "contact_url": contact_url(case),
            "attachments": list(message.attachments.all()),
        }
        subject = _("Re: %(subject)s [case %(number)s]") % {
            "subject": case.subject,
            "number": case.pk,
        }
        text = render_to_string("crm/email/case_reply.txt", context)
        html = render_to_string("crm/email/case_reply.html", context)
    email = EmailMultiAlternatives(
        " ".join(subject.split()), text, settings.DEFAULT_FROM_EMAIL, [case.customer_email]
    )
    email.attach_alternative(html, "text/html")
    for attachment in context["attachments"]:
        with attachment.file.open("rb") as handle:
            email.attach(attachment.name, handle.read(), attachment.content_type)
    return email


def send_reply_email(message_id: int) -> str:
    """Send one reply if not sent yet: "sent", "skipped", "failed" (for good), or raises."""
    from crm.models import CaseMessage, MessageKind

    try:
        with transaction.atomic():
            message = (
                CaseMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("case", "author")
                .filter(pk=message_id, kind=MessageKind.REPLY, emailed_at__isnull=True)
                .first()
            )
            if message is None:
                return "skipped"  # sent already, or another worker is sending it
            if message.email_error.startswith(PERMANENT):
                return "failed"
            build_reply_email(message).send()
            message.emailed_at, message.email_error = timezone.now(), ""
            message.save(update_fields=["emailed_at", "email_error"])
            return "sent"
    except Exception as error:
        permanent = is_permanent(error)
        note = (PERMANENT if permanent else "") + f"{type(error).__name__}: {error}"
        CaseMessage.objects.filter(pk=message_id).update(email_error=note[:255])
        logger.warning("reply %s on a support case not emailed: %r", message_id, error)
        if permanent:
            return "failed"
        raise


@functools.cache
def _broker():
    from django_q.brokers import get_broker

    return get_broker()


def queue_reply_email(message_id: int) -> None:
    """Queue the email; when the queue cannot take it, send it right here."""
    from django_q.tasks import async_task

    try:
        async_task(
            "crm.case_emails.send_reply_email",
            message_id,
            task_name=f"case-reply-{message_id}",
            broker=_broker(),
        )
    except Exception:
        logger.warning("reply %s not queued; sending inline", message_id)
        try:
            send_reply_email(message_id)
        except Exception:
            logger.exception(
                "reply %s not emailed; the case screen offers to send again", message_id
            )


def send_reply_after_commit(message_id: int) -> None:
    transaction.on_commit(lambda: queue_reply_email(message_id))


def send_again(message) -> str:
    """An agent's "Send again": clears a recorded failure and sends now."""
    from crm.models import CaseMessage

    CaseMessage.objects.filter(pk=message.pk, emailed_at__isnull=True).update(email_error="")
    try:
        return send_reply_email(message.pk)
    except Exception:
        return "failed"
