"""Right to erasure (spec 002, section 6): a member's ticket credentials go, the log forgets them.

For one member: the tickets assigned to their pre-orders and those assignment rows are
deleted, and their email (and the erased tickets' logins) are masked wherever the
assignment log kept them (actor_label and data). The pre-orders stay, as the record
of a payment, without a ticket. The erasure itself is audited twice: an assignment log
entry (the member's id, counts, no email) and a Wagtail log entry on the member.
"""

import logging
from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Q
from wagtail.log_actions import log

from fulfilment.models import Assignment, AssignmentLog, PreOrder, TicketCredential

logger = logging.getLogger(__name__)

CREDENTIALS_ERASED = "bilten.credentials_erased"


def mask_email(email: str) -> str:
    """ "jane@example.com" -> "j***@***": nothing that finds the person again."""
    local, _, _domain = (email or "").partition("@")
    return f"{local[:1]}***@***" if local else "***"


def _masked_labels(email: str) -> set[str]:
    """The forms of an email that log entries hold: as typed and as the engine masks it."""
    local, _, domain = email.partition("@")
    return {email, email.lower(), f"{local[:1]}***@{domain}"}


def _scrub(value, secrets: dict[str, str]):
    if isinstance(value, str):
        for secret, mask in secrets.items():
            if secret and secret.lower() in value.lower():
                index = value.lower().find(secret.lower())
                while index != -1:
                    value = value[:index] + mask + value[index + len(secret) :]
                    index = value.lower().find(secret.lower(), index + len(mask))
        return value
    if isinstance(value, dict):
        return {_scrub(k, secrets): _scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    return value


@dataclass
class ErasureResult:
    member_id: int
    pre_orders: int
    tickets_erased: int
    assignments_erased: int
    log_entries_masked: int


def erase_member_credentials(member, *, actor=None, actor_label="", ip=None) -> ErasureResult:
    """Erase `member`'s ticket credentials and assignments, mask them in the log."""
    from fulfilment.services.assignment import actor_label as label_of

    with transaction.atomic():
        pre_order_ids = list(PreOrder.objects.filter(member=member).values_list("pk", flat=True))
        tickets = list(
            TicketCredential.objects.select_for_update()
            .filter(assignment__pre_order_id__in=pre_order_ids)
            .values_list("pk", "login_email")
        )
        ticket_ids = [pk for pk, _login in tickets]
        assignments, _ = Assignment.objects.filter(pre_order_id__in=pre_order_ids).delete()
        tickets_erased, _ = TicketCredential.objects.filter(pk__in=ticket_ids).delete()

        secrets = {label: mask_email(member.email) for label in _masked_labels(member.email)}
        for _pk, login in tickets:
            secrets.update({label: mask_email(login) for label in _masked_labels(login)})
        entries = AssignmentLog.objects.filter(
            Q(actor=member)
            | Q(pre_order_id__in=pre_order_ids)
            | Q(ticket_id__in=ticket_ids)
            | Q(actor_label__in=list(secrets))
        )
        masked = []
        for entry in entries.iterator(chunk_size=500):
            entry.actor_label = _scrub(entry.actor_label, secrets)
            entry.data = _scrub(entry.data, secrets)
            masked.append(entry)
        AssignmentLog.objects.bulk_update(masked, ["actor_label", "data"], batch_size=500)

        result = ErasureResult(
            member_id=member.pk,
            pre_orders=len(pre_order_ids),
            tickets_erased=tickets_erased,
            assignments_erased=assignments,
            log_entries_masked=len(masked),
        )
        AssignmentLog.objects.create(
            action="member_credentials_erased",
            actor=actor,
            actor_label=actor_label or label_of(actor),
            ip_address=ip,
            data=asdict(result),
        )
        log(
            instance=member,
            action=CREDENTIALS_ERASED,
            user=actor,
            data={
                **{k: v for k, v in asdict(result).items() if k != "member_id"},
                "ip": ip or "",
            },
        )
    logger.info("fulfilment erasure %s", asdict(result))
    return result
