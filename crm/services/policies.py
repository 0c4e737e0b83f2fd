"""Refund policies: what an attendee may refund on their own (issue 10, the open question
of spec 000). An organization without a policy row follows the default: refunds until
DEFAULT_DAYS_BEFORE days before the event starts."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from event_pages.models import EventIndexPage

DEFAULT_DAYS_BEFORE = 7


@dataclass(frozen=True)
class Policy:
    refunds: bool
    days_before: int


def organization_of(event) -> EventIndexPage | None:
    if event is None:
        return None
    return EventIndexPage.objects.ancestor_of(event).first()


def policy_for(event) -> Policy:
    from crm.models import RefundPolicy, RefundPolicyKind

    organization = organization_of(event)
    row = None
    if organization is not None:
        row = (
            RefundPolicy.objects.filter(organization__translation_key=organization.translation_key)
            .order_by("pk")
            .first()
        )
    if row is None:
        return Policy(refunds=True, days_before=DEFAULT_DAYS_BEFORE)
    return Policy(refunds=row.kind != RefundPolicyKind.NO_REFUNDS, days_before=row.days_before)


def refund_deadline(order):
    """The last moment the attendee may refund on their own, or None (no refunds)."""
    event = order.event
    policy = policy_for(event)
    if not policy.refunds or event is None or event.starts_at is None:
        return None
    return event.starts_at - timedelta(days=policy.days_before)


def refund_allowed_now(order, now=None) -> bool:
    deadline = refund_deadline(order)
    return deadline is not None and (now or timezone.now()) < deadline
