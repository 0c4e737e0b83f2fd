"""Ticket delivery emails (spec 002, 5.5): the credentials to the member, once paid and assigned.

Only an assignment whose pre-order is paid and fulfilled is emailed. The text is
the admin's template (Settings → Ticket delivery email, fulfilment.models.
TicketEmailTemplate) in the member's language (`pre_order.language`), or the
built-in translated text when the admin left it blank; the password is decrypted
only here, for the message, and never logged.

Each assignment is sent by a django-q2 task (fulfilment.assignment_tasks.deliver)
at least once and, short of a worker killed between the mail server's "250 OK"
and the commit, exactly once: the row is claimed with `SELECT ... FOR UPDATE
SKIP LOCKED` while sending. Failures, as for order confirmations
(commerce.emails.is_permanent):
- a permanent refusal (5xx for this recipient or message) → `delivery_failed` at once;
- anything else is transient: recorded and raised so the queue tries again, up to
  MAX_ATTEMPTS attempts in all (the first and 3 retries), then `delivery_failed`.
A sweep every minute (deliver_pending) sends what a lost task left pending.
Resending (one or many) puts assignments back to pending with fresh attempts.
"""

import datetime as dt
import functools
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from commerce.emails import is_permanent
from fulfilment import crypto
from fulfilment.email_variables import substitute
from fulfilment.models import (
    Assignment,
    AssignmentLog,
    DeliveryStatus,
    PreOrderStatus,
    TicketEmailTemplate,
)
from fulfilment.signals import ticket_delivery_failed

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4  # the first attempt and up to 3 retries
TASK_BATCH = 100  # assignments per queued task
SWEEP_GRACE = dt.timedelta(minutes=2)  # the queued task's turn first
SWEEP_BATCH = 500


class DeliveryError(Exception):
    """A transient failure: the task raises it so the queue tries again."""


# --- The message -------------------------------------------------------------------


def _language(pre_order) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = (pre_order.language or "").split("-")[0]
    return language if language in codes else settings.LANGUAGE_CODE


def _event_title(event, language: str) -> str:
    """The event's title in `language` when it has a live page in it."""
    if event.locale.language_code != language:
        from wagtail.models import Locale

        locale = Locale.objects.filter(language_code=language).first()
        translated = locale and event.get_translation_or_none(locale)
        if translated and translated.live:
            return translated.title
    return event.title


def default_subject() -> str:
    return _("Your ticket for {event_name}")


def default_body() -> str:
    return _(
        "Hello,\n\n"
        "your pre-order for {event_name} is fulfilled. Here is your ticket.\n\n"
        "Variant: {variant}\n"
        "Ticket login email: {ticket_email}\n"
        "Ticket password: {ticket_password}\n\n"
        "Keep these details to yourself: whoever has them can use the ticket.\n"
        "You also find them in your account under Pre-orders.\n"
    )


def delivery_values(assignment) -> dict:
    """The template variables of one assignment (the password decrypted)."""
    ticket, pre_order = assignment.ticket, assignment.pre_order
    language = _language(pre_order)
    with translation.override(language):
        variant = ticket.variant or pre_order.variant
        return {
            "event_name": _event_title(pre_order.offer.event, language),
            "variant": variant.name if variant else _("General entry"),
            "ticket_email": ticket.login_email,
            "ticket_password": ticket.password(),
        }


def build_message(assignment) -> EmailMessage:
    pre_order = assignment.pre_order
    language = _language(pre_order)
    template = TicketEmailTemplate.load()
    values = delivery_values(assignment)
    with translation.override(language):
        subject = getattr(template, f"subject_{language}", "") or default_subject()
        body = getattr(template, f"body_{language}", "") or default_body()
    subject = " ".join(substitute(subject, values).split())  # one line, whatever was typed
    return EmailMessage(
        subject, substitute(body, values), settings.DEFAULT_FROM_EMAIL, [pre_order.member.email]
    )


# --- Sending -----------------------------------------------------------------------


def _log(assignment, action, *, actor=None, ip=None, **data):
    from fulfilment.services.assignment import actor_label

    return AssignmentLog(
        action=action,
        event_key=assignment.pre_order.event_key,
        pre_order_id=assignment.pre_order_id,
        ticket_id=assignment.ticket_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label(actor),
        ip_address=ip,
        data=data,
    )


def send_delivery(assignment_id: int) -> str:
    """Send one assignment's email if it is pending; "sent", "failed", "skipped" or raises
    DeliveryError on a transient failure with attempts left."""
    try:
        with transaction.atomic():
            assignment = (
                Assignment.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related(
                    "ticket__variant",
                    "pre_order__member",
                    "pre_order__variant",
                    "pre_order__offer__event",
                )
                .filter(pk=assignment_id, delivery_status=DeliveryStatus.PENDING)
                .first()
            )
            if assignment is None:
                return "skipped"  # sent, failed for good, or another task is sending it
            pre_order = assignment.pre_order
            if pre_order.status != PreOrderStatus.FULFILLED or pre_order.confirmed_at is None:
                return "skipped"  # never to an unpaid pre-order
            build_message(assignment).send()
            assignment.delivery_status = DeliveryStatus.SENT
            assignment.delivery_attempts += 1
            assignment.delivered_at = timezone.now()
            assignment.last_delivery_error = ""
            assignment.save(
                update_fields=[
                    "delivery_status",
                    "delivery_attempts",
                    "delivered_at",
                    "last_delivery_error",
                ]
            )
            _log(assignment, "delivery_sent", attempt=assignment.delivery_attempts).save()
            return "sent"
    except Exception as error:
        return _record_failure(assignment_id, error)


def _record_failure(assignment_id: int, error: Exception) -> str:
    """Count the attempt; give up on a permanent refusal or the last attempt, else raise."""
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("pre_order")
            .filter(pk=assignment_id, delivery_status=DeliveryStatus.PENDING)
            .first()
        )
        if assignment is None:
            return "skipped"
        assignment.delivery_attempts += 1
        # The error's class and mail server text; a message never contains the password.
        assignment.last_delivery_error = f"{type(error).__name__}: {error}"[:255]
        permanent = is_permanent(error) or isinstance(error, crypto.CredentialError)
        final = permanent or assignment.delivery_attempts >= MAX_ATTEMPTS
        if final:
            assignment.delivery_status = DeliveryStatus.FAILED
        assignment.save(
            update_fields=["delivery_attempts", "last_delivery_error", "delivery_status"]
        )
        _log(
            assignment,
            "delivery_failed" if final else "delivery_retry",
            attempt=assignment.delivery_attempts,
            permanent=permanent,
            error=assignment.last_delivery_error,
        ).save()
    if final:
        logger.warning("ticket delivery %s failed for good: %r", assignment_id, error)
        transaction.on_commit(
            lambda: ticket_delivery_failed.send_robust(
                sender=Assignment, assignment_id=assignment_id, error=f"{error!r}"[:255]
            )
        )
        return "failed"
    raise DeliveryError(f"assignment {assignment_id}: {error!r}") from error


def deliver(assignment_ids) -> dict:
    """The queued task: send each; raise after trying them all if one may be retried."""
    outcome, retry = {"sent": 0, "failed": 0, "skipped": 0}, None
    for assignment_id in assignment_ids:
        try:
            outcome[send_delivery(assignment_id)] += 1
        except DeliveryError as error:
            retry = retry or error
    if retry is not None:
        raise retry
    return outcome


@functools.cache
def _broker():
    from django_q.brokers import get_broker

    return get_broker()


def queue_deliveries(assignment_ids) -> None:
    """Queue the emails once the caller's transaction commits (batches of TASK_BATCH).

    A queue that cannot take them is logged; the sweep (deliver_pending) sends them.
    """
    ids = list(assignment_ids)

    def enqueue():
        from django_q.tasks import async_task

        for start in range(0, len(ids), TASK_BATCH):
            batch = ids[start : start + TASK_BATCH]
            try:
                async_task(
                    "fulfilment.assignment_tasks.deliver_tickets",
                    batch,
                    task_name=f"deliver-{batch[0]}-{len(batch)}",
                    broker=_broker(),
                )
            except Exception:
                logger.warning("delivery of %s not queued; the sweep sends it", batch[:3])

    if ids:
        transaction.on_commit(enqueue)


def deliver_pending(*, now=None, batch: int = SWEEP_BATCH) -> int:
    """Every minute: send what a lost or failed task left pending; returns how many went."""
    now = now or timezone.now()
    pending = Assignment.objects.filter(
        delivery_status=DeliveryStatus.PENDING,
        delivery_attempts__lt=MAX_ATTEMPTS,
        assigned_at__lte=now - SWEEP_GRACE,
        pre_order__status=PreOrderStatus.FULFILLED,
    ).order_by("assigned_at", "pk")
    sent = 0
    for assignment_id in pending.values_list("pk", flat=True)[:batch]:
        try:
            sent += send_delivery(assignment_id) == "sent"
        except DeliveryError as error:
            logger.warning("delivery sweep: %s", error)
            if isinstance(error.__cause__, OSError):
                break  # the mail server is unreachable: the next run tries again
    return sent


# --- Resending ---------------------------------------------------------------------


def resend(assignment, *, actor=None, ip=None) -> Assignment | None:
    """Send one assignment's email again (support, the dashboard, the API); audited.
    None when its pre-order is not paid and fulfilled (nothing is sent)."""
    chosen = resend_many(Assignment.objects.filter(pk=assignment.pk), actor=actor, ip=ip)
    return chosen[0] if chosen else None


def resend_many(assignments, *, actor=None, ip=None) -> list[Assignment]:
    """Put these assignments back to pending with fresh attempts, log each, queue them.

    Only assignments of paid, fulfilled pre-orders; others are left out of the result.
    """
    with transaction.atomic():
        chosen = list(
            assignments.filter(pre_order__status=PreOrderStatus.FULFILLED)
            .select_related("pre_order")
            .select_for_update(of=("self",))
        )
        ids = [a.pk for a in chosen]
        Assignment.objects.filter(pk__in=ids).update(
            delivery_status=DeliveryStatus.PENDING, delivery_attempts=0, last_delivery_error=""
        )
        AssignmentLog.objects.bulk_create(
            [
                _log(a, "resend_requested", actor=actor, ip=ip, previous=a.delivery_status)
                for a in chosen
            ]
        )
        queue_deliveries(ids)
    for assignment in chosen:
        assignment.delivery_status, assignment.delivery_attempts = DeliveryStatus.PENDING, 0
    return chosen
