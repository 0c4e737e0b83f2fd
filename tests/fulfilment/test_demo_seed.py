"""`manage.py seed_demo` adds a pre-order event (fulfilment.demo), and the sample CSV in
docs/samples/ is the promoter's next file for it.

Seeds once per module, committing as the command does for real, and empties the
database when the module ends (like tests/commerce/test_demo_sales.py).
"""

import csv
import datetime as dt
import zoneinfo
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings

from accounts.models import User
from event_pages.models import EventPage
from fulfilment import crypto
from fulfilment.demo import plan
from fulfilment.models import (
    PAID_STATUSES,
    Assignment,
    AssignmentLog,
    PreOrder,
    PreOrderOffer,
    PreOrderStatus,
    TicketCredential,
    TicketStatus,
    TicketUpload,
    Variant,
)
from tests.conftest import ensure_site_baseline

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR) / "docs" / "samples" / "tickets.csv"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        ensure_site_baseline()
        mail.outbox = []
        out = StringIO()
        call_command("seed_demo", stdout=out)
        try:
            yield out.getvalue(), len(mail.outbox)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            ensure_site_baseline()


def offer() -> PreOrderOffer:
    return PreOrderOffer.objects.select_related("event").get(event__slug=plan.EVENT.slug)


def test_seed_demo_adds_a_published_pre_order_event_with_three_entry_windows(seeded):
    output, _emails = seeded
    demo = offer()
    event = demo.event
    assert event.live and event.locale.language_code == "en"
    assert event.get_parent().slug == plan.EVENT.organization
    assert (demo.price_minor, demo.currency, demo.enabled) == (2900, "EUR", True)

    zone = zoneinfo.ZoneInfo(event.time_zone)
    day = event.starts_at.astimezone(zone).date()
    windows = [
        (v.name, v.starts_at.astimezone(zone), v.ends_at.astimezone(zone))
        for v in Variant.objects.filter(offer=demo).order_by("sort_order")
    ]
    assert [name for name, _s, _e in windows] == [
        "Entry 21:00–21:30",
        "Entry 21:30–22:00",
        "Entry 22:00–22:30",
    ]
    for (_name, starts, ends), local_start in zip(
        windows, ("21:00", "21:30", "22:00"), strict=True
    ):
        assert starts.date() == day and starts.strftime("%H:%M") == local_start
        assert ends - starts == dt.timedelta(minutes=30)
    assert "Pre-orders: Skyline Rooftop Night" in output
    assert "docs/samples/tickets.csv" in output


def test_demo_members_hold_pre_orders_in_every_status(seeded):
    _output, emails = seeded
    statuses = Counter(offer().pre_orders.values_list("status", flat=True))
    assert statuses == {
        PreOrderStatus.FULFILLED: 9,
        PreOrderStatus.WAITING_FOR_STOCK: 2,
        PreOrderStatus.CONFIRMED: 3,
        PreOrderStatus.PROCESSING: 3,
        PreOrderStatus.FAILED: 1,
    }
    attendee = PreOrder.objects.get(member__email="attendee@example.com")
    assert attendee.status == PreOrderStatus.FULFILLED
    # Every member can log in with the demo password and holds one pre-order.
    for member in plan.MEMBERS:
        assert User.objects.get(email=member.email).check_password("bilten-demo")
    assert offer().pre_orders.values("member").distinct().count() == len(plan.PRE_ORDERS)
    assert emails == 0  # nobody is emailed for the demo history


def test_paid_pre_orders_were_captured_on_a_tuesday_at_19_and_failed_one_has_no_ticket(seeded):
    zone = zoneinfo.ZoneInfo(settings.PRE_ORDER_CAPTURE_TIME_ZONE)
    for pre_order in PreOrder.objects.filter(status__in=PAID_STATUSES):
        local = pre_order.confirmed_at.astimezone(zone)
        assert (local.weekday(), local.hour) == (1, 19)
        assert pre_order.payment_reference.startswith("demo_pi_")
        assert pre_order.created_at < pre_order.confirmed_at
    failed = PreOrder.objects.get(status=PreOrderStatus.FAILED)
    assert failed.confirmed_at is None and failed.failed_at is not None
    assert failed.capture_attempts == settings.PRE_ORDER_CAPTURE_RETRIES + 1
    assert failed.last_capture_error and failed.payment_method_reference.startswith("demo_pm_")
    for pre_order in PreOrder.objects.filter(status=PreOrderStatus.PROCESSING):
        assert pre_order.confirmed_at is None and pre_order.next_capture_at > pre_order.created_at
        assert pre_order.payment_method_reference.startswith("demo_pm_")
    # No ticket is ever assigned to an unpaid pre-order.
    assert not Assignment.objects.exclude(pre_order__status=PreOrderStatus.FULFILLED).exists()
    assert Assignment.objects.count() == 9


def test_tickets_go_first_paid_first_served_and_a_spare_one_is_unmatched(seeded):
    tickets = TicketCredential.objects.filter(event_key=offer().event_key)
    assert Counter(tickets.values_list("status", flat=True)) == {
        TicketStatus.ASSIGNED: 9,
        TicketStatus.UNMATCHED: 1,
    }
    assert TicketUpload.objects.get().uploaded_by.email == "fulfilment@example.com"
    for variant in Variant.objects.filter(offer=offer()):
        assigned = Assignment.objects.filter(ticket__variant=variant)
        assert all(a.pre_order.variant_id == variant.pk for a in assigned)
        by_ticket = [a.pre_order.confirmed_at for a in assigned.order_by("ticket__login_email")]
        assert by_ticket == sorted(by_ticket)  # ticket 1 to the first paid, and so on
        waiting = PreOrder.objects.filter(variant=variant, status=PreOrderStatus.WAITING_FOR_STOCK)
        if waiting.exists():  # those who wait paid after everyone who got a ticket
            assert min(w.confirmed_at for w in waiting) > max(by_ticket)
    assert set(Assignment.objects.values_list("delivery_status", flat=True)) == {"sent"}
    assert AssignmentLog.objects.filter(action="assigned").count() == 9


def test_ticket_passwords_are_encrypted_at_rest(seeded):
    key = offer().event_key
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT login_email, password_encrypted FROM {TicketCredential._meta.db_table}"  # noqa: S608
        )
        raw = cursor.fetchall()
    assert len(raw) == 10
    for login, stored in raw:
        window, number = int(login[len("rooftop-w")]) - 1, int(login.split("-")[2][:3])
        password = plan.ticket_password(window, number)
        assert password not in stored
        assert stored.startswith(f"{crypto.current_key_id()}:")
        assert crypto.decrypt(stored, context=f"{key}:{login}") == password
        stored_print = TicketCredential.objects.get(login_email=login).fingerprint
        assert stored_print == crypto.fingerprint(str(key), login.lower(), password)


def test_a_second_run_changes_nothing(seeded):
    def counts():
        return [
            model.objects.count()
            for model in (
                EventPage,
                PreOrderOffer,
                Variant,
                PreOrder,
                TicketCredential,
                Assignment,
                AssignmentLog,
                User,
            )
        ]

    before = counts()
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", stdout=out)
    assert counts() == before
    assert "nothing new" in out.getvalue()
    assert "Pre-orders: Skyline Rooftop Night" in out.getvalue()


def test_the_sample_csv_has_the_exact_headers_and_one_duplicate_and_one_malformed_row():
    with SAMPLE.open(encoding="utf-8", newline="") as sample:
        rows = list(csv.reader(sample))
    assert rows[0] == ["Event", "Variant", "Email", "Password"]
    body = rows[1:]
    assert {row[0] for row in body} == {plan.EVENT.slug}
    assert {row[1] for row in body} <= {name for name, _s, _e in plan.VARIANTS}
    complete = [tuple(row) for row in body if len(row) == 4 and all(row)]
    assert len(complete) == len(body) - 1  # one row has no password
    assert len(complete) - len(set(complete)) == 1  # one row repeats another


def test_the_sample_csv_uploads_to_the_demo_event(seeded):
    """What an admin sees when trying the sample: 6 new tickets, the duplicate and the
    malformed row named by number, and the windows it covers."""
    validate = pytest.importorskip("fulfilment.services.csv_import").validate
    admin = User.objects.get(email="fulfilment@example.com")
    report = validate(SAMPLE.read_bytes(), user=admin, filename="tickets.csv")
    assert (report.rows, report.valid, report.duplicates, report.malformed) == (8, 6, 1, 1)
    assert [error["row"] for error in report.errors] == [6, 9]
    uploaded = {line["variant"]: line["uploaded"] for line in report.coverage}
    assert uploaded == {"Entry 21:00–21:30": 0, "Entry 21:30–22:00": 2, "Entry 22:00–22:30": 4}
