"""Ticket CSV validation and commit (issue 9 §2), with real files from tests/fixtures/csv."""

import json
import logging

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from accounts.roles import SUPPORT
from fulfilment import crypto
from fulfilment.models import AssignmentLog, PreOrderStatus, TicketCredential, TicketUpload
from fulfilment.services import csv_import
from fulfilment.services.csv_import import CommitFailed, InvalidCSV
from tests.factories import make_user
from tests.fulfilment.csv_upload_data import (
    HEADER,
    fixture_bytes,
    make_fulfilment_staff,
    make_paid_pre_order,
    make_upload_events,
    many_rows,
)

PASSWORDS_IN_FIXTURES = ["pw-a1", "pw-a2", "pw-b1"]


@pytest.fixture
def offers(organization, other_organization):
    return make_upload_events(organization, other_organization)


@pytest.fixture
def staff(offers):
    return make_fulfilment_staff()


def check(name_or_bytes, user):
    data = fixture_bytes(name_or_bytes) if isinstance(name_or_bytes, str) else name_or_bytes
    return csv_import.validate(data, user=user, filename="tickets.csv")


def reasons(report) -> dict:
    return {error["row"]: error["reason"] for error in report.errors}


def test_a_valid_file_is_counted_previewed_with_masked_passwords_and_stores_nothing(staff):
    report = check("valid.csv", staff)

    assert (report.rows, report.valid, report.duplicates, report.malformed) == (3, 3, 0, 0)
    assert report.errors == []
    assert [row["row"] for row in report.preview] == [2, 3, 4]
    assert {row["password"] for row in report.preview} == {csv_import.MASK}
    assert report.preview[1]["variant"] == "entry 22:00"
    assert TicketCredential.objects.count() == 0


def test_commit_stores_every_valid_row_encrypted_with_its_variant_and_an_upload(staff, offers):
    report, upload = csv_import.commit(
        fixture_bytes("valid.csv"), user=staff, filename="valid.csv", ip_address="203.0.113.9"
    )

    assert upload.stored == 3 and upload.rows == 3 and upload.uploaded_by == staff
    assert upload.report["valid"] == 3
    tickets = {t.login_email: t for t in TicketCredential.objects.select_related("variant")}
    assert tickets["a2@tickets.example"].variant.name == "Entry 22:00"  # case-insensitive
    assert tickets["a2@tickets.example"].variant_label == "entry 22:00"  # as uploaded
    assert tickets["b1@tickets.example"].variant is None
    assert tickets["b1@tickets.example"].event_key == offers["quiet"].event_key
    assert all(t.status == "unassigned" and t.upload == upload for t in tickets.values())
    log = AssignmentLog.objects.get(action="tickets_uploaded", event_key=offers["summer"].event_key)
    assert log.actor == staff and log.ip_address == "203.0.113.9" and log.data["stored"] == 2


def test_passwords_are_encrypted_at_rest_the_raw_column_holds_no_plaintext(staff, offers):
    csv_import.commit(fixture_bytes("valid.csv"), user=staff, filename="valid.csv")

    with connection.cursor() as cursor:
        cursor.execute("SELECT login_email, password_encrypted FROM fulfilment_ticketcredential")
        raw = dict(cursor.fetchall())
    assert len(raw) == 3
    for email, stored in raw.items():
        number = email.split("@")[0]
        assert f"pw-{number}" not in stored
        assert stored.startswith(crypto.current_key_id() + ":")
    ticket = TicketCredential.objects.get(login_email="a1@tickets.example")
    context = f"{ticket.event_key}:{ticket.login_email}"
    assert crypto.decrypt(ticket.password_encrypted, context=context) == "pw-a1"


def test_utf8_with_byte_order_mark_and_crlf_line_ends(staff):
    report = check("bom_crlf.csv", staff)

    assert (report.rows, report.valid, report.malformed) == (2, 2, 0)
    assert report.preview[0]["event"] == "summer-night"
    assert report.preview[1]["email"] == "c2@tickets.example"


def test_quoted_fields_with_commas_quotes_and_unicode_keep_their_value(staff):
    report, upload = csv_import.commit(
        fixture_bytes("quoted_unicode.csv"), user=staff, filename="quoted.csv"
    )

    assert (report.valid, report.malformed) == (2, 0)
    ticket = TicketCredential.objects.get(login_email="zoe@bücher.example")
    context = f"{ticket.event_key}:{ticket.login_email}"
    assert crypto.decrypt(ticket.password_encrypted, context=context) == 'pä,ss "wörd", 🎫'


@pytest.mark.parametrize(
    "name, message",
    [
        ("wrong_headers.csv", "must be exactly Event,Variant,Email,Password"),
        ("extra_column_header.csv", "must be exactly Event,Variant,Email,Password"),
        ("header_only.csv", "no ticket rows"),
        ("not_utf8.csv", "not UTF-8"),
        ("broken_quotes.csv", "cannot be read as CSV"),
    ],
)
def test_whole_file_problems_are_one_clear_error(staff, name, message):
    with pytest.raises(InvalidCSV) as refused:
        check(name, staff)
    assert message in refused.value.detail


def test_an_empty_file_is_refused(staff):
    with pytest.raises(InvalidCSV, match="empty"):
        check(b"", staff)


def test_a_row_with_an_extra_column_is_malformed_with_its_row_number(staff):
    report = check("extra_column_row.csv", staff)

    assert (report.rows, report.valid, report.malformed) == (2, 1, 1)
    assert reasons(report) == {3: "Expected 4 columns (Event,Variant,Email,Password), found 5."}


def test_empty_lines_are_skipped_and_row_numbers_stay_the_files_line_numbers(staff):
    report = check("empty_lines.csv", staff)

    assert (report.rows, report.valid, report.malformed) == (2, 1, 1)
    assert reasons(report) == {6: "Email “not-an-email” is not a valid email address."}


def test_each_malformed_row_is_reported_with_its_row_and_reason(staff):
    report = check("malformed.csv", staff)

    assert (report.rows, report.valid, report.duplicates, report.malformed) == (11, 1, 0, 10)
    found = reasons(report)
    assert found[2] == "Password is empty."
    assert found[3] == "Email is empty."
    assert found[4] == "Email “not-an-email” is not a valid email address."
    assert found[5] == "Expected 4 columns (Event,Variant,Email,Password), found 2."
    assert found[6] == "Event is empty (give the event's id or slug)."
    assert found[7] == "Event “no-such-event”: no event has this id or slug."
    assert found[8].startswith("Variant “Entry 23:00” is not a variant of “Summer Night”")
    assert found[9].startswith("Variant is empty; “Summer Night” has the variants Entry 21:00")
    assert found[10].startswith("Variant “Entry 21:00”: “Quiet Morning” has no variants")
    assert found[11] == "Password is longer than 255 characters."
    assert 12 not in found


def test_the_event_is_found_by_its_page_id_too(staff, offers):
    event_id = offers["summer"].event_id
    data = (HEADER + f"{event_id},Entry 21:00,id@tickets.example,pw\n").encode()

    report = check(data, staff)

    assert report.valid == 1


def test_an_event_without_pre_orders_is_reported_per_row(staff, organization):
    from tests.factories import make_event

    make_event(organization, "Plain Gig", slug="plain-gig")
    report = check((HEADER + "plain-gig,,x@tickets.example,pw\n").encode(), staff)

    assert reasons(report) == {2: "Event “plain-gig” does not take pre-orders."}


def test_duplicates_within_the_file_are_rejected_email_case_aside(staff):
    report = check("duplicates.csv", staff)

    assert (report.rows, report.valid, report.duplicates, report.malformed) == (4, 3, 1, 0)
    assert reasons(report) == {3: "Duplicate of row 2 (same Event, Email and Password)."}


def test_duplicates_of_tickets_already_stored_are_rejected(staff):
    csv_import.commit(fixture_bytes("valid.csv"), user=staff, filename="valid.csv")

    report = check("valid.csv", staff)

    assert (report.valid, report.duplicates) == (0, 3)
    assert set(reasons(report).values()) == {
        "Already uploaded: a stored ticket has the same Event, Email and Password."
    }
    _report, upload = csv_import.commit(fixture_bytes("valid.csv"), user=staff, filename="again")
    assert upload is None and TicketCredential.objects.count() == 3


def test_a_failed_commit_stores_nothing(staff, offers):
    report = check("valid.csv", staff)
    # Another upload stores the file's last ticket between validation and commit.
    last = report.valid_rows[-1]
    TicketCredential.objects.create(
        event=last.offer.event,
        event_key=last.offer.event_key,
        login_email=last.email,
        password_encrypted="k:x",
        fingerprint=last.fingerprint,
    )

    with pytest.raises(CommitFailed, match="Nothing was stored"):
        csv_import.store(report, user=staff)

    assert TicketCredential.objects.count() == 1
    assert TicketUpload.objects.count() == 0
    assert not AssignmentLog.objects.filter(action="tickets_uploaded").exists()


def test_10000_rows_are_accepted_and_10001_refused(staff, tmp_path):
    accepted = tmp_path / "10000.csv"
    accepted.write_bytes(many_rows(10_000))
    refused = tmp_path / "10001.csv"
    refused.write_bytes(many_rows(10_001))

    assert check(accepted.read_bytes(), staff).valid == 10_000
    with pytest.raises(InvalidCSV) as error:
        check(refused.read_bytes(), staff)
    assert error.value.detail == "The file has more than 10,000 rows: split it into smaller files."


def test_a_file_of_5_mb_plus_one_byte_is_refused(staff, tmp_path):
    big = tmp_path / "big.csv"
    body = many_rows(1)
    big.write_bytes(body + b"#" * (csv_import.MAX_BYTES + 1 - len(body)))
    assert big.stat().st_size == csv_import.MAX_BYTES + 1

    with big.open("rb") as upload, pytest.raises(InvalidCSV) as error:
        csv_import.read_upload(upload)
    assert "larger than 5 MB (5,242,880 bytes)" in error.value.detail
    with pytest.raises(InvalidCSV, match="larger than 5 MB"):
        check(big.read_bytes(), staff)


def test_an_organizer_uploads_only_to_their_organizations_events(organizer, offers):
    report = check("other_organization.csv", organizer)

    assert (report.valid, report.malformed) == (1, 1)
    assert reasons(report) == {
        3: "Event “northwind-summit” is not your event: upload only to your organization's events."
    }
    csv_import.commit(fixture_bytes("other_organization.csv"), user=organizer, filename="x.csv")
    assert list(TicketCredential.objects.values_list("event_key", flat=True)) == [
        offers["summer"].event_key
    ]


def test_the_fulfilment_group_uploads_to_every_organizations_events(staff):
    assert check("other_organization.csv", staff).valid == 2


def test_who_may_upload(staff, organizer):
    support = make_user("support@example.com")
    support.groups.add(Group.objects.get(name=SUPPORT))
    assert csv_import.may_upload(staff) and csv_import.may_upload_anywhere(staff)
    assert csv_import.may_upload(organizer) and not csv_import.may_upload_anywhere(organizer)
    assert not csv_import.may_upload(make_user("member@example.com"))
    assert not csv_import.may_upload(support)


def test_coverage_compares_paid_pre_orders_with_stored_and_uploaded_tickets(staff, offers):
    summer = offers["summer"]
    early, late = summer.variants.all()
    make_paid_pre_order(summer, early)
    make_paid_pre_order(summer, early, status=PreOrderStatus.FULFILLED)
    make_paid_pre_order(summer, late, status=PreOrderStatus.PROCESSING)  # not paid yet
    make_paid_pre_order(offers["quiet"])
    csv_import.commit(
        (HEADER + "summer-night,Entry 22:00,old@tickets.example,old\n").encode(),
        user=staff,
        filename="earlier.csv",
    )

    coverage = check("valid.csv", staff).coverage

    rows = {(line["event_title"], line["variant"]): line for line in coverage}
    assert rows[("Summer Night", "Entry 21:00")] == {
        "event": summer.event_id,
        "event_title": "Summer Night",
        "variant": "Entry 21:00",
        "ordered": 2,
        "stored": 0,
        "uploaded": 1,
        "short": 1,
    }
    late_line = rows[("Summer Night", "Entry 22:00")]
    assert (late_line["ordered"], late_line["stored"], late_line["uploaded"]) == (0, 1, 1)
    quiet_line = rows[("Quiet Morning", "")]
    assert (quiet_line["ordered"], quiet_line["uploaded"], quiet_line["short"]) == (1, 1, 0)
    assert ("Northwind Summit", "") not in rows


def test_passwords_never_appear_in_the_report_repr_or_logs(staff, caplog):
    caplog.set_level(logging.DEBUG)
    report, upload = csv_import.commit(fixture_bytes("valid.csv"), user=staff, filename="valid.csv")
    bad = csv_import.validate(fixture_bytes("malformed.csv"), user=staff, filename="bad.csv")

    texts = [
        json.dumps(report.as_dict()),
        json.dumps(report.preview),
        repr(report),
        json.dumps(upload.report),
        json.dumps(bad.as_dict()),
        json.dumps(bad.preview),
        caplog.text,
    ]
    for text in texts:
        for password in [*PASSWORDS_IN_FIXTURES, "pw-g2", "pw-g11", "xxxxxxxx"]:
            assert password not in text


def test_an_event_written_in_other_digits_is_a_row_error_not_a_crash(staff):
    rows = "²,Entry 21:00,a@tickets.example,pw-a\n١٢,,b@tickets.example,pw-b\n"
    report = check((HEADER + rows).encode(), staff)
    assert report.valid == 0
    assert reasons(report) == {
        2: "Event “²”: no event has this id or slug.",
        3: "Event “١٢”: no event has this id or slug.",
    }
