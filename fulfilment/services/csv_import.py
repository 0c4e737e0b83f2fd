"""Ticket CSV upload (issue 9 §2): read, validate, report, and store in one transaction.

The file is the promoter's list of ticket logins, one per row, with the headers
exactly `Event,Variant,Email,Password`:

- `Event` is the event page's id or its slug (any language's copy); the event must
  take pre-orders (have a PreOrderOffer);
- `Variant` names one of the offer's variants (case-insensitive); it may be empty only
  when the offer has no variants;
- `Email` and `Password` are the ticket's login.

The file is UTF-8 with or without a byte order mark, with CRLF or LF line ends and
quoted fields (the csv module); at most MAX_ROWS data rows and MAX_BYTES bytes.
Whole-file problems raise InvalidCSV (one message); row problems are reported per
row. Row numbers count the header as row 1, so the first data row is row 2 (the
line a spreadsheet shows), blank lines included.

`validate` never writes; `commit` validates again and stores every valid row in one
transaction (bulk insert, passwords encrypted with fulfilment.crypto) with a
TicketUpload carrying the report, or stores nothing. Passwords never appear in a
report, a log line or an exception.
"""

import csv
import io
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from accounts.roles import FULFILMENT, PLATFORM_ADMIN, roles_of
from event_pages.models import EventPage
from event_pages.permissions import events_of, organization_keys_for
from fulfilment.models import (
    PAID_STATUSES,
    AssignmentLog,
    PreOrder,
    PreOrderOffer,
    TicketCredential,
    TicketUpload,
)

logger = logging.getLogger(__name__)

HEADERS = ["Event", "Variant", "Email", "Password"]
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024  # 5 MB (5,242,880 bytes)
PREVIEW_ROWS = 20
FIRST_DATA_ROW = 2  # the header is row 1
MASK = "••••••••"  # the same length for every password: says nothing about it
MAX_LENGTHS = {"Event": 255, "Variant": 80, "Email": 254, "Password": 255}
LOOKUP_CHUNK = 2000
UPLOAD_ROLES = frozenset({FULFILMENT, PLATFORM_ADMIN})


class InvalidCSV(ValueError):
    """The whole file is refused (size, encoding, headers, row count, broken quoting)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class CommitFailed(RuntimeError):
    """Storing failed (e.g. another upload stored one of these tickets meanwhile); nothing
    was stored."""


# --- who may upload -------------------------------------------------------------


def may_upload_anywhere(user) -> bool:
    """The Fulfilment group (and the Platform admin) upload to every event."""
    return bool(roles_of(user) & UPLOAD_ROLES)


def may_upload(user) -> bool:
    """Whether the upload screen and API are for `user` at all (organizers: their events)."""
    return may_upload_anywhere(user) or bool(organization_keys_for(user))


def _own_event_keys(user, event_keys) -> set:
    if may_upload_anywhere(user):
        return set(event_keys)
    organization_keys = organization_keys_for(user)
    if not organization_keys:
        return set()
    return set(
        events_of(organization_keys)
        .filter(translation_key__in=event_keys)
        .values_list("translation_key", flat=True)
    )


# --- the report -----------------------------------------------------------------


@dataclass
class ValidRow:
    row: int
    offer: PreOrderOffer
    variant: object  # Variant or None
    variant_label: str
    email: str
    password: str = field(repr=False)
    fingerprint: str = field(repr=False)


@dataclass
class ImportReport:
    filename: str = ""
    rows: int = 0
    valid: int = 0
    duplicates: int = 0
    malformed: int = 0
    errors: list = field(default_factory=list)  # [{"row": int, "reason": str}]
    preview: list = field(default_factory=list)  # first rows, passwords masked
    coverage: list = field(default_factory=list)
    valid_rows: list = field(default_factory=list, repr=False)

    @property
    def has_valid_rows(self) -> bool:
        return self.valid > 0

    def as_dict(self) -> dict:
        """The report of the API and of TicketUpload.report: no passwords in it."""
        return {
            "rows": self.rows,
            "valid": self.valid,
            "duplicates": self.duplicates,
            "malformed": self.malformed,
            "errors": list(self.errors),
            "coverage": list(self.coverage),
        }


# --- reading the file -----------------------------------------------------------


def read_upload(uploaded) -> bytes:
    """The bytes of an uploaded file (Django UploadedFile or any binary file), bounded."""
    if getattr(uploaded, "size", None) is not None and uploaded.size > MAX_BYTES:
        raise InvalidCSV(_too_large())
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    data = uploaded.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidCSV(_too_large())
    return data


def _empty() -> str:
    return _("The file is empty: the first line must be Event,Variant,Email,Password.")


def _too_large() -> str:
    return _("The file is larger than 5 MB (%(limit)s bytes): split it into smaller files.") % {
        "limit": f"{MAX_BYTES:,}"
    }


def _records(data: bytes):
    """(row number, fields) for each record, the header first; blank lines skipped."""
    if len(data) > MAX_BYTES:
        raise InvalidCSV(_too_large())
    if not data.strip():
        raise InvalidCSV(_empty())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidCSV(
            _("The file is not UTF-8 text (byte %(position)s): save it as CSV UTF-8.")
            % {"position": error.start + 1}
        ) from None
    if "\x00" in text:
        raise InvalidCSV(_("The file contains NUL bytes: it is not a CSV text file."))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    try:
        for fields in reader:
            number += 1
            if not fields or all(not value.strip() for value in fields):
                continue
            yield number, fields
    except csv.Error as error:
        raise InvalidCSV(
            _("Row %(row)s cannot be read as CSV (%(problem)s): check its quotes.")
            % {"row": number + 1, "problem": error}
        ) from None


def _parse(data: bytes) -> list[tuple[int, list[str]]]:
    records = _records(data)
    first = next(records, None)
    if first is None:
        raise InvalidCSV(_empty())
    header_row, header = first
    if [value.strip() for value in header] != HEADERS:
        raise InvalidCSV(
            _("The first line must be exactly Event,Variant,Email,Password (found %(found)s).")
            % {"found": ",".join(header)[:200]}
        )
    rows = []
    for number, fields in records:
        rows.append((number, fields))
        if len(rows) > MAX_ROWS:
            raise InvalidCSV(
                _("The file has more than %(limit)s rows: split it into smaller files.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
    if not rows:
        raise InvalidCSV(_("The file has a header but no ticket rows."))
    return rows


# --- resolving events and variants ----------------------------------------------


def _resolve_events(values: set[str]) -> dict:
    """{Event value: PreOrderOffer, or a reason string} for each distinct Event value."""
    ids = {int(v) for v in values if v.isdigit()}
    keys_by_id = dict(EventPage.objects.filter(pk__in=ids).values_list("pk", "translation_key"))
    slugs = {v for v in values if not (v.isdigit() and int(v) in keys_by_id)}
    keys_by_slug: dict[str, set] = {}
    for slug, key in EventPage.objects.filter(slug__in=slugs).values_list(
        "slug", "translation_key"
    ):
        keys_by_slug.setdefault(slug, set()).add(key)
    all_keys = set(keys_by_id.values()) | {k for keys in keys_by_slug.values() for k in keys}
    offers = {
        offer.event_key: offer
        for offer in PreOrderOffer.objects.filter(event_key__in=all_keys)
        .select_related("event")
        .prefetch_related("variants")
    }
    resolved = {}
    for value in values:
        if value.isdigit() and int(value) in keys_by_id:
            keys = {keys_by_id[int(value)]}
        else:
            keys = keys_by_slug.get(value, set())
        if not keys:
            resolved[value] = _("Event “%(event)s”: no event has this id or slug.") % {
                "event": value
            }
            continue
        with_offer = [offers[key] for key in keys if key in offers]
        if not with_offer:
            resolved[value] = _("Event “%(event)s” does not take pre-orders.") % {"event": value}
        elif len(with_offer) > 1:
            resolved[value] = _(
                "Event “%(event)s”: several events have this slug; give the event's id."
            ) % {"event": value}
        else:
            resolved[value] = with_offer[0]
    return resolved


def _variant_of(offer, label: str):
    """(Variant or None, reason or None) for the Variant column of a row."""
    variants = list(offer.variants.all())
    if not label:
        if variants:
            return None, _("Variant is empty; “%(event)s” has the variants %(names)s.") % {
                "event": offer.event.title,
                "names": ", ".join(v.name for v in variants),
            }
        return None, None
    wanted = label.casefold()
    for variant in variants:
        if variant.name.casefold() == wanted:
            return variant, None
    if not variants:
        return None, _("Variant “%(variant)s”: “%(event)s” has no variants (leave it empty).") % {
            "variant": label,
            "event": offer.event.title,
        }
    return None, _("Variant “%(variant)s” is not a variant of “%(event)s” (%(names)s).") % {
        "variant": label,
        "event": offer.event.title,
        "names": ", ".join(v.name for v in variants),
    }


def _row_problem(fields: list[str]) -> str | None:
    if len(fields) != len(HEADERS):
        return _("Expected 4 columns (Event,Variant,Email,Password), found %(count)s.") % {
            "count": len(fields)
        }
    for name, value in zip(HEADERS, fields, strict=True):
        if len(value.strip()) > MAX_LENGTHS[name]:
            return _("%(column)s is longer than %(limit)s characters.") % {
                "column": name,
                "limit": MAX_LENGTHS[name],
            }
    event, _variant, email, password = (value.strip() for value in fields)
    if not event:
        return _("Event is empty (give the event's id or slug).")
    if not email:
        return _("Email is empty.")
    if not password:
        return _("Password is empty.")
    try:
        validate_email(email)
    except ValidationError:
        return _("Email “%(email)s” is not a valid email address.") % {"email": email}
    return None


def _stored_fingerprints(pairs: set[tuple]) -> set[tuple]:
    """Which (event_key, fingerprint) pairs are already stored."""
    found = set()
    by_key: dict = {}
    for key, print_ in pairs:
        by_key.setdefault(key, []).append(print_)
    for key, prints in by_key.items():
        for start in range(0, len(prints), LOOKUP_CHUNK):
            chunk = prints[start : start + LOOKUP_CHUNK]
            found.update(
                (key, p)
                for p in TicketCredential.objects.filter(
                    event_key=key, fingerprint__in=chunk
                ).values_list("fingerprint", flat=True)
            )
    return found


# --- validation -----------------------------------------------------------------


def validate(data: bytes, *, user, filename: str = "") -> ImportReport:
    """The report of a file; raises InvalidCSV for whole-file problems. Writes nothing."""
    rows = _parse(data)
    report = ImportReport(filename=filename, rows=len(rows))
    events = _resolve_events(
        {fields[0].strip() for _n, fields in rows if len(fields) == len(HEADERS)}
    )
    offers = [o for o in events.values() if isinstance(o, PreOrderOffer)]
    own_keys = _own_event_keys(user, {o.event_key for o in offers})

    candidates = []
    outcome = {}  # row number -> reason (None: valid)
    for number, fields in rows:
        reason = _row_problem(fields)
        if reason is None:
            event_value, label, email, password = (value.strip() for value in fields)
            offer = events[event_value]
            if not isinstance(offer, PreOrderOffer):
                reason = offer
            elif offer.event_key not in own_keys:
                reason = _(
                    "Event “%(event)s” is not your event: "
                    "upload only to your organization's events."
                ) % {"event": event_value}
            else:
                variant, reason = _variant_of(offer, label)
        if reason is not None:
            report.malformed += 1
            report.errors.append({"row": number, "reason": reason})
            outcome[number] = reason
            continue
        print_ = TicketCredential.fingerprint_of(offer.event_key, email, password)
        candidates.append(ValidRow(number, offer, variant, label, email, password, print_))

    stored = _stored_fingerprints({(c.offer.event_key, c.fingerprint) for c in candidates})
    first_seen = {}
    for candidate in candidates:
        pair = (candidate.offer.event_key, candidate.fingerprint)
        if pair in first_seen:
            reason = _("Duplicate of row %(row)s (same Event, Email and Password).") % {
                "row": first_seen[pair]
            }
        elif pair in stored:
            reason = _("Already uploaded: a stored ticket has the same Event, Email and Password.")
        else:
            first_seen[pair] = candidate.row
            report.valid_rows.append(candidate)
            outcome[candidate.row] = None
            continue
        report.duplicates += 1
        report.errors.append({"row": candidate.row, "reason": reason})
        outcome[candidate.row] = reason
    report.errors.sort(key=lambda error: error["row"])
    report.valid = len(report.valid_rows)

    for number, fields in rows[:PREVIEW_ROWS]:
        padded = (list(fields) + ["", "", "", ""])[:4]
        report.preview.append(
            {
                "row": number,
                "event": padded[0].strip(),
                "variant": padded[1].strip(),
                "email": padded[2].strip(),
                "password": MASK if padded[3].strip() else "",
                "problem": outcome.get(number),
            }
        )
    report.coverage = coverage(offers_in_file=offers, valid_rows=report.valid_rows)
    return report


def coverage(*, offers_in_file, valid_rows) -> list[dict]:
    """Per (event, variant) of the file's events: paid pre-orders, stored tickets, this file's."""
    offers = {o.event_key: o for o in offers_in_file}
    if not offers:
        return []
    in_file = Counter((r.offer.event_key, r.variant.pk if r.variant else None) for r in valid_rows)
    ordered = Counter(
        {
            (row["event_key"], row["variant"]): row["n"]
            for row in PreOrder.objects.filter(event_key__in=offers, status__in=PAID_STATUSES)
            .values("event_key", "variant")
            .annotate(n=Count("pk"))
        }
    )
    stored = Counter(
        {
            (row["event_key"], row["variant"]): row["n"]
            for row in TicketCredential.objects.filter(event_key__in=offers)
            .values("event_key", "variant")
            .annotate(n=Count("pk"))
        }
    )
    lines = []
    for key, offer in sorted(offers.items(), key=lambda item: item[1].event.title):
        variants = list(offer.variants.all())
        slots = [(v.pk, v.name) for v in variants] or [(None, "")]
        for variant_id, name in slots:
            slot = (key, variant_id)
            uploaded = in_file[slot]
            lines.append(
                {
                    "event": offer.event_id,
                    "event_title": offer.event.title,
                    "variant": name,
                    "ordered": ordered[slot],
                    "stored": stored[slot],
                    "uploaded": uploaded,
                    "short": max(0, ordered[slot] - stored[slot] - uploaded),
                }
            )
    return lines


# --- storing --------------------------------------------------------------------


def commit(
    data: bytes, *, user, filename: str, ip_address=None
) -> tuple[ImportReport, TicketUpload | None]:
    """Validate again and store every valid row, or nothing (CommitFailed)."""
    report = validate(data, user=user, filename=filename)
    return report, store(report, user=user, ip_address=ip_address)


def store(report: ImportReport, *, user, ip_address=None) -> TicketUpload | None:
    """Store a validated report's rows in one transaction; None when it has no valid row."""
    if not report.valid_rows:
        return None
    try:
        with transaction.atomic():
            upload = TicketUpload.objects.create(
                uploaded_by=user if getattr(user, "is_authenticated", False) else None,
                filename=report.filename[:255],
                rows=report.rows,
                stored=report.valid,
                report=report.as_dict(),
            )
            TicketCredential.objects.bulk_create(
                [_credential(row, upload) for row in report.valid_rows],
                batch_size=1000,
            )
            per_event = Counter(row.offer.event_key for row in report.valid_rows)
            AssignmentLog.objects.bulk_create(
                [
                    AssignmentLog(
                        action="tickets_uploaded",
                        event_key=key,
                        actor=upload.uploaded_by,
                        actor_label=_actor_label(user),
                        ip_address=ip_address,
                        data={"upload": upload.pk, "stored": count, "filename": upload.filename},
                    )
                    for key, count in per_event.items()
                ]
            )
            event_keys = sorted(per_event, key=str)
            transaction.on_commit(
                lambda: _queue_assignment(event_keys, upload.pk, upload.uploaded_by_id, ip_address)
            )
    except IntegrityError:
        logger.warning(
            "ticket upload %r not stored: a ticket in it was stored meanwhile", report.filename
        )
        raise CommitFailed(
            _(
                "Nothing was stored: some of these tickets were stored by another upload "
                "meanwhile. Upload the file again to see which."
            )
        ) from None
    logger.info(
        "ticket upload %s stored %s tickets from %r (%s rows, %s duplicates, %s malformed)",
        upload.pk,
        report.valid,
        upload.filename,
        report.rows,
        report.duplicates,
        report.malformed,
    )
    return upload


def _credential(row: ValidRow, upload: TicketUpload) -> TicketCredential:
    ticket = TicketCredential(
        event_id=row.offer.event_id,
        event_key=row.offer.event_key,
        variant=row.variant,
        variant_label=row.variant_label,
        login_email=row.email,
        upload=upload,
    )
    ticket.seal_password(row.password)
    return ticket


def _actor_label(user) -> str:
    email = getattr(user, "email", "") or ""
    return email or "system"


def _queue_assignment(event_keys, upload_id, actor_id, ip_address) -> None:
    """Start the assignment engine for these events (fulfilment.services.assignment)."""
    try:
        from fulfilment.services import assignment
    except ImportError:
        assignment = None
    queue = getattr(assignment, "queue_assignment", None)
    if queue is None:
        logger.info("ticket upload %s: no assignment engine to start yet", upload_id)
        return
    queue(event_keys, reason=f"upload-{upload_id}", actor_id=actor_id, ip=ip_address)
