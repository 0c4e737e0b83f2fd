"""Ticket CSV upload (issue 9 §2): read, validate, report, and store in one transaction.

The file is the promoter's list of ticket logins, one per row, with the headers
exactly `Event,Variant,Email,Password`. The rows are imported by django-import-export:
fulfilment.resources.TicketCredentialResource says what each column must hold and
builds, checks and saves the TicketCredential of a row.

This module reads the file as a whole: UTF-8 with or without a byte order mark, CRLF
or LF line ends, quoted fields (the csv module, strict), at most MAX_ROWS data rows and
MAX_BYTES bytes, the exact header. Whole-file problems raise InvalidCSV (one message).
The rows then go into a tablib Dataset and through the resource:

- `validate` is the resource's dry run (`import_data(dry_run=True)`: every row is
  cleaned, built and checked as for real, nothing is inserted); its Result becomes the
  report — one reason per rejected row, the first 20 rows with passwords masked, the
  coverage of demand;
- `store` imports a validated report's valid rows for real (`dry_run=False`,
  `use_transactions=True`, bulk inserts) with a TicketUpload carrying the report, in
  one transaction: every valid row, or nothing (CommitFailed); `commit` is both.

Row numbers count the header as row 1, so the first data row is row 2 (the line a
spreadsheet shows), blank lines included. Passwords are stored encrypted
(fulfilment.crypto) and never appear in a report, a log line or an exception.
"""

import csv
import io
import logging
from collections import Counter
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from import_export.exceptions import ImportError as ImportFailed

from event_pages.permissions import organization_keys_for
from fulfilment.models import (
    PAID_STATUSES,
    AssignmentLog,
    PreOrder,
    PreOrderOffer,
    TicketCredential,
    TicketUpload,
)
from fulfilment.resources import (
    HEADERS,
    MASK,
    TicketCredentialResource,
    is_duplicate,
    may_upload_anywhere,
    reason_of,
)
from fulfilment.services import dashboard

logger = logging.getLogger(__name__)

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024  # 5 MB (5,242,880 bytes)
PREVIEW_ROWS = 20


class InvalidCSV(ValueError):
    """The whole file is refused (size, encoding, headers, row count, broken quoting)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class CommitFailed(RuntimeError):
    """Storing failed (e.g. another upload stored one of these tickets meanwhile); nothing
    was stored."""


# --- who may upload -------------------------------------------------------------


def may_upload(user) -> bool:
    """Whether the upload screen and API are for `user` at all (organizers: their events)."""
    return may_upload_anywhere(user) or bool(organization_keys_for(user))


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


# --- validation: import-export's dry run -----------------------------------------


def _dataset(rows, report) -> tuple[tablib.Dataset, list[int]]:
    """The rows of 4 fields as a Dataset, and their row numbers; a row of another width
    is malformed at once (a Dataset holds rows of one width only)."""
    fitting, numbers = [], []
    for number, fields in rows:
        if len(fields) == len(HEADERS):
            fitting.append(fields)
            numbers.append(number)
            continue
        report.malformed += 1
        report.errors.append(
            {
                "row": number,
                "reason": _("Expected 4 columns (Event,Variant,Email,Password), found %(count)s.")
                % {"count": len(fields)},
            }
        )
    return tablib.Dataset(*fitting, headers=HEADERS), numbers


def _failure(result):
    """The first error of an import that is not a row's validation error, if any."""
    errors = [*result.base_errors, *(e for _n, row in result.row_errors() for e in row)]
    return errors[0].error if errors else None


def _add_rows(report, resource, result, dataset, numbers) -> None:
    """The import's Result in the report: the valid rows, one reason per rejected row."""
    for number, values, row_result in zip(numbers, dataset.dict, result.rows, strict=True):
        error = row_result.validation_error
        if error is not None:
            if is_duplicate(error):
                report.duplicates += 1
            else:
                report.malformed += 1
            report.errors.append({"row": number, "reason": reason_of(resource, error, values)})
            continue
        ticket = row_result.instance
        report.valid_rows.append(
            ValidRow(
                row=number,
                offer=resource.lookups.offer_of(values["Event"]),
                variant=ticket.variant,
                variant_label=ticket.variant_label,
                email=ticket.login_email,
                password=values["Password"].strip(),
                fingerprint=ticket.fingerprint,
            )
        )
    report.errors.sort(key=lambda error: error["row"])
    report.valid = len(report.valid_rows)


def _preview(rows, errors) -> list[dict]:
    """The first rows as uploaded, passwords masked, each with its problem (or None)."""
    problems = {error["row"]: error["reason"] for error in errors}
    preview = []
    for number, fields in rows[:PREVIEW_ROWS]:
        padded = (list(fields) + ["", "", "", ""])[:4]
        preview.append(
            {
                "row": number,
                "event": padded[0].strip(),
                "variant": padded[1].strip(),
                "email": padded[2].strip(),
                "password": MASK if padded[3].strip() else "",
                "problem": problems.get(number),
            }
        )
    return preview


def validate(data: bytes, *, user, filename: str = "") -> ImportReport:
    """The report of a file: the resource's dry run. Raises InvalidCSV for whole-file
    problems; writes nothing."""
    rows = _parse(data)
    report = ImportReport(filename=filename, rows=len(rows))
    dataset, numbers = _dataset(rows, report)
    resource = TicketCredentialResource()
    result = resource.import_data(
        dataset, dry_run=True, use_transactions=True, user=user, row_numbers=numbers
    )
    failure = _failure(result)
    if failure is not None:
        raise failure
    _add_rows(report, resource, result, dataset, numbers)
    report.preview = _preview(rows, report.errors)
    report.coverage = coverage(
        offers_in_file=resource.lookups.usable_offers(), valid_rows=report.valid_rows
    )
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
    """Import a validated report's rows for real, in one transaction with their
    TicketUpload: all of them, or nothing (CommitFailed). None when it has no valid row."""
    if not report.valid_rows:
        return None
    dataset = tablib.Dataset(
        *(
            [str(row.offer.event_id), row.variant_label, row.email, row.password]
            for row in report.valid_rows
        ),
        headers=HEADERS,
    )
    try:
        with transaction.atomic():
            upload = TicketUpload.objects.create(
                uploaded_by=user if getattr(user, "is_authenticated", False) else None,
                filename=report.filename[:255],
                rows=report.rows,
                stored=report.valid,
                report=report.as_dict(),
            )
            TicketCredentialResource().import_data(
                dataset,
                dry_run=False,
                use_transactions=True,
                raise_errors=True,  # the first failing row undoes everything
                user=user,
                upload=upload,
                row_numbers=[row.row for row in report.valid_rows],
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
            transaction.on_commit(dashboard.forget_figures)  # the uploaded count shows at once
    except ImportFailed as failed:
        # Never log or chain the ImportError itself: its text holds the row, password too.
        if not isinstance(failed.error, IntegrityError | ValidationError):
            raise failed.error from None
        raise _commit_failed(report, dataset, failed.error, failed.number) from None
    except IntegrityError:
        raise _commit_failed(report, dataset, None, None) from None
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


def _commit_failed(report: ImportReport, dataset, error, number) -> CommitFailed:
    """Why a commit stored nothing: a ticket stored meanwhile (the unique fingerprint or
    the duplicate check), or a row that is no longer valid (its event, its variant)."""
    if not isinstance(error, ValidationError) or is_duplicate(error):
        logger.warning(
            "ticket upload %r not stored: a ticket in it was stored meanwhile", report.filename
        )
        return CommitFailed(
            _(
                "Nothing was stored: some of these tickets were stored by another upload "
                "meanwhile. Upload the file again to see which."
            )
        )
    row = report.valid_rows[number - 1].row
    logger.warning("ticket upload %r not stored: row %s no longer valid", report.filename, row)
    values = dataset.dict[number - 1]
    reason = reason_of(TicketCredentialResource(), error, values)
    return CommitFailed(
        _("Nothing was stored: row %(row)s is no longer valid (%(reason)s). Upload the file again.")
        % {"row": row, "reason": reason}
    )


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
