"""Support cases: open them, answer, note, hear back from the customer, change them.

Every change is a timeline entry (CaseMessage): replies are emailed to the
customer in the case's language after the transaction commits
(crm.case_emails), notes stay internal, and status, priority, assignee and
tag changes are SYSTEM entries naming who made them (and an audit entry,
crm.audit). Due times follow the SLA settings (crm.sla), counted from the
case's opening, also when the priority changes later.

Attachments are checked before anything is written: PDF, PNG, JPEG, GIF,
WebP, plain text and CSV only (by the file's content and its extension),
at most 10 MB each and 5 per message; they are stored with Django's default
storage (S3 in production) and served only through a permission-checked view.
"""

import os
import secrets

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm import audit
from crm.models import (
    CaseAttachment,
    CaseMessage,
    CasePriority,
    CaseSource,
    CaseStatus,
    MessageKind,
    SupportCase,
    SupportSettings,
)
from crm.sla import due_times

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5

# extension -> (content type, sniffing test on the first bytes)
_TEXT = "text"
ALLOWED_TYPES = {
    ".pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    ".png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".gif": ("image/gif", lambda head: head[:6] in (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
    ".txt": ("text/plain", _TEXT),
    ".csv": ("text/csv", _TEXT),
}

error_messages = {
    "too_many": gettext_lazy("Attach at most %(count)d files to one message."),
    "too_large": gettext_lazy("“%(name)s” is larger than 10 MB, the limit for one file."),
    "empty": gettext_lazy("“%(name)s” is empty."),
    "type": gettext_lazy(
        "“%(name)s” is not an allowed file type: attach PDF, PNG, JPEG, GIF, WebP, "
        "plain text or CSV files."
    ),
    "content": gettext_lazy(
        "“%(name)s” does not contain what its name says: its content is not a %(kind)s file."
    ),
    "empty_body": gettext_lazy("Write a message."),
}


# --- Settings and helpers -------------------------------------------------------------


def support_settings() -> SupportSettings:
    return SupportSettings.load()


def _event_key(order, ticket, pre_order):
    if ticket is not None:
        return ticket.held_event_key
    if order is not None:
        return order.event_key
    if pre_order is not None:
        return pre_order.event_key
    return None


def _language(language, customer, order, pre_order) -> str:
    codes = {code for code, _name in django_settings.LANGUAGES}
    candidates = [
        language,
        getattr(customer, "language", ""),
        getattr(pre_order, "language", ""),
    ]
    if order is not None:
        from commerce.emails import order_language

        candidates.append(order_language(order))
    for candidate in candidates:
        code = (candidate or "").split("-")[0]
        if code in codes:
            return code
    return django_settings.LANGUAGE_CODE


def actor_label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return _("the system")
    return actor.get_full_name() or actor.email


def system_entry(case, body: str) -> CaseMessage:
    """A SYSTEM line on the case's timeline (what the system did or learned)."""
    return _system(case, body)


def _system(case, body, *, at=None) -> CaseMessage:
    return CaseMessage.objects.create(
        case=case, kind=MessageKind.SYSTEM, body=body, created_at=at or timezone.now()
    )


def _lock(case) -> SupportCase:
    return SupportCase.objects.select_for_update().get(pk=case.pk)


# --- Attachments ----------------------------------------------------------------------


def _kind_name(extension: str) -> str:
    return {".jpg": "JPEG", ".jpeg": "JPEG", ".txt": "text"}.get(extension, extension[1:].upper())


def check_attachment(uploaded_file) -> str:
    """The content type of an allowed file, or ValidationError naming the rule it breaks."""
    name = os.path.basename(uploaded_file.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED_TYPES:
        raise ValidationError(error_messages["type"], code="type", params={"name": name})
    if uploaded_file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(error_messages["too_large"], code="too_large", params={"name": name})
    if not uploaded_file.size:
        raise ValidationError(error_messages["empty"], code="empty", params={"name": name})
    content_type, sniff = ALLOWED_TYPES[extension]
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    if sniff is _TEXT:
        fits = b"\x00" not in head and _decodes(head)
    else:
        fits = sniff(head)
    if not fits:
        raise ValidationError(
            error_messages["content"],
            code="content",
            params={"name": name, "kind": _kind_name(extension)},
        )
    return content_type


def _decodes(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is still text.
        return error.start >= len(head) - 3
    return True


def check_attachments(files) -> None:
    """Every rule for one message's files at once; raises ValidationError listing all breaches."""
    files = list(files)
    problems = []
    if len(files) > MAX_ATTACHMENTS:
        problems.append(
            ValidationError(
                error_messages["too_many"], code="too_many", params={"count": MAX_ATTACHMENTS}
            )
        )
    for uploaded_file in files:
        try:
            check_attachment(uploaded_file)
        except ValidationError as error:
            problems.append(error)
    if problems:
        raise ValidationError(problems)


def attach(message: CaseMessage, uploaded_file) -> CaseAttachment:
    """Store one file on a message (Django's default storage), after checking it."""
    if message.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            error_messages["too_many"], code="too_many", params={"count": MAX_ATTACHMENTS}
        )
    content_type = check_attachment(uploaded_file)
    name = get_valid_filename(os.path.basename(uploaded_file.name))[:200] or "attachment"
    attachment = CaseAttachment(
        message=message, name=name, size=uploaded_file.size, content_type=content_type
    )
    # An unguessable stored name: a local media folder must not give files away by their name.
    attachment.file.save(f"{secrets.token_hex(16)}-{name}", uploaded_file, save=False)
    attachment.save()
    return attachment


def _attach_all(message, attachments) -> None:
    for uploaded_file in attachments:
        attach(message, uploaded_file)


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(error_messages["empty_body"], code="empty_body")
    return body


# --- Opening --------------------------------------------------------------------------


def open_case(
    *,
    subject: str,
    customer_email: str,
    customer_name: str = "",
    customer=None,
    order=None,
    ticket=None,
    pre_order=None,
    priority: str = CasePriority.NORMAL,
    source: str = CaseSource.AGENT,
    body: str = "",
    actor=None,
    language: str | None = None,
    status: str = CaseStatus.NEW,
    cause: str | None = None,
    event_key=None,
    attachments=(),
) -> SupportCase:
    """Open a case with its due times and first message (the customer's words, an agent's
    note or the system's record); `cause` makes a system case unique per cause."""
    check_attachments(attachments)
    if ticket is not None and order is None:
        order = ticket.order
    if customer is None and order is not None and order.buyer_id:
        customer = order.buyer
    if customer is None and pre_order is not None:
        customer = pre_order.member
    now = timezone.now()
    with transaction.atomic():
        case = SupportCase(
            subject=subject.strip()[:200],
            customer=customer,
            customer_email=customer_email.strip().lower(),
            customer_name=customer_name.strip()[:150],
            language=_language(language, customer, order, pre_order),
            order=order,
            ticket=ticket,
            pre_order=pre_order,
            event_key=_event_key(order, ticket, pre_order) or event_key,
            status=status,
            priority=priority,
            source=source,
            created_at=now,
            cause=cause,
        )
        case.first_response_due_at, case.resolution_due_at = due_times(case, support_settings())
        if status == CaseStatus.RESOLVED:
            case.resolved_at = now
        elif status == CaseStatus.CLOSED:
            case.resolved_at = case.closed_at = now
        case.save()
        kind = {
            CaseSource.CUSTOMER: MessageKind.CUSTOMER,
            CaseSource.SYSTEM: MessageKind.SYSTEM,
        }.get(source, MessageKind.NOTE)
        if (body or "").strip() or attachments:
            message = CaseMessage.objects.create(
                case=case,
                kind=kind,
                author=actor if kind != MessageKind.SYSTEM and _signed_in(actor) else None,
                body=(body or "").strip(),
                created_at=now,
            )
            _attach_all(message, attachments)
    return case


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


# --- The timeline ---------------------------------------------------------------------


def reply(*, case: SupportCase, author, body: str, attachments=()) -> CaseMessage:
    """Answer the customer: emailed in the case's language once committed; the case then
    waits on the customer, and the first reply is the first response."""
    body = _body(body)
    check_attachments(attachments)
    from crm.case_emails import send_reply_after_commit

    with transaction.atomic():
        locked = _lock(case)
        now = timezone.now()
        message = CaseMessage.objects.create(
            case=locked, kind=MessageKind.REPLY, author=author, body=body, created_at=now
        )
        _attach_all(message, attachments)
        if locked.first_responded_at is None:
            locked.first_responded_at = now
        if locked.status != CaseStatus.WAITING:
            _status_entry(locked, CaseStatus.WAITING, author, at=now)
        locked.save()
        send_reply_after_commit(message.pk)
    _refresh(case, locked)
    return message


def add_note(*, case: SupportCase, author, body: str, attachments=()) -> CaseMessage:
    """An internal note: on the timeline for agents, never shown or sent to the customer."""
    body = _body(body)
    check_attachments(attachments)
    with transaction.atomic():
        message = CaseMessage.objects.create(
            case=case, kind=MessageKind.NOTE, author=author, body=body
        )
        _attach_all(message, attachments)
        SupportCase.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    return message


def customer_message(*, case: SupportCase, body: str, author=None, attachments=()) -> CaseMessage:
    """The customer writes back: the case is open again for an agent."""
    body = _body(body)
    check_attachments(attachments)
    with transaction.atomic():
        locked = _lock(case)
        message = CaseMessage.objects.create(
            case=locked,
            kind=MessageKind.CUSTOMER,
            author=author if _signed_in(author) else None,
            body=body,
        )
        _attach_all(message, attachments)
        if locked.status != CaseStatus.OPEN:
            _status_entry(locked, CaseStatus.OPEN, None, at=message.created_at, customer=True)
        locked.save()
    _refresh(case, locked)
    return message


def _status_entry(case, status, actor, *, at, customer=False) -> None:
    """Move `case` (locked, saved by the caller) to `status` with its stamps and entry."""
    before = case.status
    if before == status:
        return
    label_before = CaseStatus(before).label
    label_after = CaseStatus(status).label
    who = _("the customer") if customer else actor_label(actor)
    case.status = status
    if status == CaseStatus.RESOLVED:
        case.resolved_at = case.resolved_at or at
        case.closed_at = None
    elif status == CaseStatus.CLOSED:
        case.resolved_at = case.resolved_at or at
        case.closed_at = at
    else:
        case.resolved_at = case.closed_at = None
    _system(
        case,
        _("Status changed from %(before)s to %(after)s by %(who)s")
        % {"before": label_before, "after": label_after, "who": who},
        at=at,
    )


def _refresh(case, locked) -> None:
    """The caller's instance shows what was saved."""
    for field in (
        "status",
        "priority",
        "assignee_id",
        "first_responded_at",
        "resolved_at",
        "closed_at",
        "first_response_due_at",
        "resolution_due_at",
        "updated_at",
    ):
        setattr(case, field, getattr(locked, field))


def change_case(
    *, case: SupportCase, actor, status=None, priority=None, assignee=..., tags=None, ip: str = ""
) -> SupportCase:
    """Change status, priority, assignee and/or tags; each change is a timeline entry.

    `assignee=None` unassigns (leave it out to keep the assignee). A new priority
    recomputes the due times from the case's opening.
    """
    with transaction.atomic():
        locked = _lock(case)
        now = timezone.now()
        before = _state(locked)
        if status is not None and status != locked.status:
            _status_entry(locked, status, actor, at=now)
        if priority is not None and priority != locked.priority:
            _system(
                locked,
                _("Priority changed from %(before)s to %(after)s by %(who)s")
                % {
                    "before": CasePriority(locked.priority).label,
                    "after": CasePriority(priority).label,
                    "who": actor_label(actor),
                },
                at=now,
            )
            locked.priority = priority
            locked.first_response_due_at, locked.resolution_due_at = due_times(
                locked, support_settings()
            )
        if assignee is not ... and (assignee.pk if assignee else None) != locked.assignee_id:
            previous = locked.assignee
            _system(
                locked,
                _("Assignee changed from %(before)s to %(after)s by %(who)s")
                % {
                    "before": _person(previous),
                    "after": _person(assignee),
                    "who": actor_label(actor),
                },
                at=now,
            )
            locked.assignee = assignee
        if tags is not None:
            wanted = sorted({tag.strip() for tag in tags if tag.strip()}, key=str.lower)
            current = sorted(locked.tags.names(), key=str.lower)
            if wanted != current:
                locked.tags.set(wanted)
                _system(
                    locked,
                    _("Tags changed from %(before)s to %(after)s by %(who)s")
                    % {
                        "before": ", ".join(current) or "—",
                        "after": ", ".join(wanted) or "—",
                        "who": actor_label(actor),
                    },
                    at=now,
                )
        locked.save()
        after = _state(locked)
        if after != before:
            audit.record(locked, audit.CASE_CHANGED, actor=actor, ip=ip, before=before, after=after)
    _refresh(case, locked)
    return case


def _person(user) -> str:
    if user is None:
        return _("nobody")
    return user.get_full_name() or user.email


def _state(case) -> dict:
    return {
        "status": case.status,
        "priority": case.priority,
        "assignee": case.assignee_id,
        "tags": sorted(case.tags.names()),
    }


# --- Reading --------------------------------------------------------------------------


def public_messages(case):
    """What the customer sees: the replies and their own messages, never notes or system entries."""
    return (
        case.messages.filter(kind__in=[MessageKind.REPLY, MessageKind.CUSTOMER])
        .select_related("author")
        .prefetch_related("attachments")
    )


def cases_of_customer(user):
    """A customer's cases: their account's, and those opened as a guest with their email."""
    from django.db.models import Q

    return SupportCase.objects.filter(
        Q(customer=user) | Q(customer__isnull=True, customer_email=user.email.strip().lower())
    ).order_by("-created_at", "-pk")


def open_contact_case(
    *,
    name: str,
    email: str,
    subject: str,
    body: str,
    order_number: str = "",
    user=None,
    language: str = "",
    attachments=(),
) -> SupportCase:
    """A case from the contact form. The order is linked only when it belongs to `email` (or
    to the signed-in `user`); another person's order number links nothing."""
    from django.db.models import Q

    from commerce.models import Order

    email = email.strip().lower()
    signed_in = _signed_in(user)
    order = None
    number = "".join((order_number or "").split()).upper()
    if number:
        owner = Q(buyer_email__iexact=email)
        if signed_in:
            owner |= Q(buyer=user)
        order = Order.objects.filter(Q(number__iexact=number) & owner).first()
    customer = user if signed_in and user.email.lower() == email else None
    return open_case(
        subject=subject,
        customer_email=email,
        customer_name=name,
        customer=customer,
        order=order,
        priority=CasePriority.NORMAL,
        source=CaseSource.CUSTOMER,
        body=body,
        actor=user if signed_in else None,
        language=language,
        attachments=attachments,
    )
