"""The ticket CSV's rows go through django-import-export: TicketCredentialResource on
its own, as a maintainer would use it (a tablib Dataset, import_data, its Result)."""

import threading

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fulfilment.models import TicketCredential, TicketUpload
from fulfilment.resources import MASK, TicketCredentialResource
from fulfilment.services import csv_import
from fulfilment.services.csv_import import CommitFailed
from tests.conftest import requires_postgres
from tests.fulfilment.csv_upload_data import (
    HEADER,
    fixture_bytes,
    make_fulfilment_staff,
    make_upload_events,
)

HEADERS = ["Event", "Variant", "Email", "Password"]


@pytest.fixture
def offers(organization, other_organization):
    return make_upload_events(organization, other_organization)


@pytest.fixture
def staff(offers):
    return make_fulfilment_staff()


def dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def test_a_dry_run_stores_nothing_and_names_the_field_of_a_bad_row(staff):
    rows = dataset(
        ["summer-night", "Entry 21:00", "ok@tickets.example", "pw-ok"],
        ["summer-night", "Entry 21:00", "not-an-email", "pw-bad"],
    )

    result = TicketCredentialResource().import_data(rows, dry_run=True, user=staff)

    assert result.totals["new"] == 1 and result.totals["invalid"] == 1
    (invalid,) = result.invalid_rows
    assert invalid.number == 2
    assert invalid.field_specific_errors == {
        "login_email": ["Email “not-an-email” is not a valid email address."]
    }
    assert TicketCredential.objects.count() == 0


def test_a_real_import_stores_the_rows_with_encrypted_passwords(staff, offers):
    rows = dataset(
        ["summer-night", "entry 22:00", "a@tickets.example", "pw-a"],
        ["quiet-morning", "", "b@tickets.example", "pw-b"],
    )

    result = TicketCredentialResource().import_data(rows, dry_run=False, user=staff)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2
    ticket = TicketCredential.objects.select_related("variant").get(login_email="a@tickets.example")
    assert ticket.event_key == offers["summer"].event_key and ticket.variant.name == "Entry 22:00"
    assert ticket.variant_label == "entry 22:00"
    assert "pw-a" not in ticket.password_encrypted and ticket.password() == "pw-a"


def test_a_repeated_row_is_a_duplicate_naming_the_first(staff):
    rows = dataset(
        ["quiet-morning", "", "x@tickets.example", "pw"],
        ["quiet-morning", "", "X@Tickets.example", "pw"],
    )

    result = TicketCredentialResource().import_data(rows, dry_run=True, user=staff)

    (invalid,) = result.invalid_rows
    assert invalid.error.code == "duplicate"
    assert invalid.non_field_specific_errors == [
        "Duplicate of row 2 (same Event, Email and Password)."
    ]


def test_an_organizer_imports_only_to_their_organizations_events(organizer, offers):
    rows = dataset(["northwind-summit", "", "n@tickets.example", "pw"])

    result = TicketCredentialResource().import_data(rows, dry_run=False, user=organizer)

    assert result.invalid_rows[0].field_specific_errors == {
        "event": [
            "Event “northwind-summit” is not your event: upload only to your organization's events."
        ]
    }
    assert TicketCredential.objects.count() == 0


def test_an_export_shows_no_password(staff):
    csv_import.commit(fixture_bytes("valid.csv"), user=staff, filename="valid.csv")

    exported = TicketCredentialResource().export(TicketCredential.objects.all())

    assert exported.headers == HEADERS
    assert set(exported["Password"]) == {MASK}


def test_the_lookups_are_made_once_not_per_row(staff):
    def queries(count):
        rows = dataset(
            *[
                ["summer-night", "Entry 21:00", f"q{n}@tickets.example", f"pw{n}"]
                for n in range(count)
            ]
        )
        with CaptureQueriesContext(connection) as captured:
            TicketCredentialResource().import_data(rows, dry_run=True, user=staff)
        return len(captured)

    queries(1)  # the user's roles are asked once, then remembered
    assert queries(300) == queries(3)


def test_a_row_with_several_problems_reports_the_first_as_always(staff):
    data = (HEADER + "no-such-event,,,pw\nno-such-event,,bad-email,pw\n").encode()

    report = csv_import.validate(data, user=staff, filename="x.csv")

    assert report.errors == [
        {"row": 2, "reason": "Email is empty."},
        {"row": 3, "reason": "Email “bad-email” is not a valid email address."},
    ]


def test_a_row_no_longer_valid_at_commit_stores_nothing(staff, offers):
    report = csv_import.validate(fixture_bytes("valid.csv"), user=staff, filename="valid.csv")
    offers["summer"].variants.get(name="Entry 22:00").delete()  # meanwhile

    with pytest.raises(CommitFailed) as refused:
        csv_import.store(report, user=staff)

    assert str(refused.value).startswith(
        "Nothing was stored: row 3 is no longer valid (Variant “entry 22:00” is not a variant"
    )
    assert TicketCredential.objects.count() == 0 and TicketUpload.objects.count() == 0


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_commits_of_the_same_tickets_at_once_store_them_once(staff):
    reports = [
        csv_import.validate(fixture_bytes("valid.csv"), user=staff, filename=f"{n}.csv")
        for n in range(2)
    ]
    barrier, outcomes = threading.Barrier(2), []

    def commit(report):
        try:
            barrier.wait()
            outcomes.append(csv_import.store(report, user=staff))
        except CommitFailed as refused:
            outcomes.append(str(refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=commit, args=(report,)) for report in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    stored = [outcome for outcome in outcomes if isinstance(outcome, TicketUpload)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, str)]
    assert len(stored) == 1 and len(refused) == 1
    assert refused[0].startswith("Nothing was stored: some of these tickets were stored")
    assert TicketCredential.objects.count() == 3 and TicketUpload.objects.count() == 1


def test_the_preview_encrypts_nothing_and_still_finds_duplicates(staff, monkeypatch):
    from fulfilment import crypto

    def refuse(*args, **kwargs):
        raise AssertionError("a preview encrypted a password")

    monkeypatch.setattr(crypto, "encrypt", refuse)
    rows = dataset(
        ["summer-night", "Entry 21:00", "a@tickets.example", "pw-a"],
        ["summer-night", "Entry 21:00", "A@tickets.example", "pw-a"],
    )
    result = TicketCredentialResource().import_data(rows, dry_run=True, user=staff)
    assert result.totals["new"] == 1 and result.totals["invalid"] == 1
    (duplicate,) = result.invalid_rows
    assert "Duplicate of row 2" in str(duplicate.non_field_specific_errors)
