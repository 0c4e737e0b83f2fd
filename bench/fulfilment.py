#!/usr/bin/env python3
"""Pre-order fulfilment at size: 10,000 paid pre-orders, a 10,000-row ticket CSV.

Creates a scratch event with VARIANTS entry windows and PRE_ORDERS confirmed
pre-orders (members paid one after the other, spread over the windows), builds a
CSV of as many tickets in memory, then times what happens when an admin commits it:

  validate  csv_import.validate: parse, resolve events and variants, duplicates
            within the file and against stored tickets (the preview/confirmation)
  commit    csv_import.store: the rows imported through the django-import-export
            Resource (every password encrypted, bulk inserts in one transaction),
            the upload's report, the assignment queued
  assign    assignment.run_assignments: what the queued task runs (FIFO per
            variant, one-to-one, the assignment log), in this process
  queue     the delivery emails queued on the django-q broker (Redis), in batches

and reports the peak memory of the process (ru_maxrss). Nothing is emailed: the
delivery tasks wait in the queue and are removed at the end with the bench's rows,
so run it against a scratch database and a Redis database of its own:

    createdb -h 127.0.0.1 -U postgres bilten_bench_fulfilment
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilten_bench_fulfilment \\
      .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilten_bench_fulfilment \\
      REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/fulfilment.py

PostgreSQL only (the figures of docs/performance.md); --keep leaves the rows.
"""

import argparse
import csv
import datetime as dt
import io
import os
import resource
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilten.settings.dev")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Locale  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import FULFILMENT  # noqa: E402
from event_pages.models import EventIndexPage, EventPage, HomePage  # noqa: E402
from fulfilment.models import (  # noqa: E402
    Assignment,
    AssignmentLog,
    DeliveryStatus,
    PreOrder,
    PreOrderOffer,
    PreOrderStatus,
    TicketCredential,
    TicketUpload,
    Variant,
)

TARGET_SECONDS = 10.0
TARGET_PEAK_MB = 500.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def services():
    """The services the bench drives (parts A and B of issue 9); a clear stop if missing."""
    try:
        from fulfilment.services import assignment, csv_import
    except ImportError as error:
        sys.exit(f"bench/fulfilment.py needs the fulfilment services: {error}")
    return csv_import, assignment


# --- the scratch data ---------------------------------------------------------------


def scratch_event(run: str, variants: int) -> PreOrderOffer:
    home = HomePage.objects.filter(depth=2, locale=Locale.get_default()).first()
    if home is None:
        sys.exit("No home page: run `manage.py migrate` on this database first.")
    organization = EventIndexPage.objects.child_of(home).filter(slug="bench-fulfilment").first()
    if organization is None:
        organization = home.add_child(
            instance=EventIndexPage(title="Bench fulfilment", slug="bench-fulfilment")
        )
    starts = (timezone.now() + dt.timedelta(days=60)).replace(minute=0, second=0, microsecond=0)
    event = organization.add_child(
        instance=EventPage(
            title=f"Bench night {run}",
            slug=f"bench-night-{run}",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=6),
            time_zone="Europe/Berlin",
            total_capacity=20_000,
            live=False,
        )
    )
    offer = PreOrderOffer.objects.create(event=event, price_minor=2900, currency="EUR")
    for n in range(variants):
        window = starts + dt.timedelta(minutes=30 * n)
        Variant.objects.create(
            offer=offer,
            name=f"Entry {n + 1}",
            starts_at=window,
            ends_at=window + dt.timedelta(minutes=30),
            sort_order=n,
        )
    return offer


def paid_pre_orders(offer: PreOrderOffer, run: str, count: int) -> list[User]:
    password = make_password(None)  # unusable: nobody logs in as a bench member
    members = User.objects.bulk_create(
        [
            User(email=f"bench-{run}-{n:05d}@members.example", name=f"M {n}", password=password)
            for n in range(count)
        ],
        batch_size=2000,
    )
    variants = list(offer.variants.all())
    paid = timezone.now() - dt.timedelta(days=1)
    PreOrder.objects.bulk_create(
        [
            PreOrder(
                offer=offer,
                event_key=offer.event_key,
                member=member,
                variant=variants[n % len(variants)],
                status=PreOrderStatus.CONFIRMED,
                amount_minor=offer.price_minor,
                currency=offer.currency,
                gateway="demo",
                payment_reference=f"bench_pi_{run}_{n}",
                capture_attempts=1,
                confirmed_at=paid + dt.timedelta(milliseconds=n),
            )
            for n, member in enumerate(members)
        ],
        batch_size=2000,
    )
    return members


def tickets_csv(offer: PreOrderOffer, run: str, count: int) -> bytes:
    """The promoter's file: `count` tickets, as many per window as it sold."""
    variants = list(offer.variants.all())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # as spreadsheets save it
    writer.writerow(["Event", "Variant", "Email", "Password"])
    for n in range(count):
        variant = variants[n % len(variants)]
        writer.writerow(
            [offer.event.slug, variant.name, f"t{n:05d}-{run}@promoter.example", uuid.uuid4().hex]
        )
    return out.getvalue().encode()


def staff_user(run: str) -> User:
    user = User.objects.create(
        email=f"bench-{run}@staff.example", name="Bench admin", password=make_password(None)
    )
    user.groups.add(Group.objects.get(name=FULFILMENT))
    return user


def clean_up(offer: PreOrderOffer, run: str, uploads) -> None:
    key = offer.event_key
    with transaction.atomic():
        Assignment.objects.filter(ticket__event_key=key).delete()
        AssignmentLog.objects.filter(event_key=key).delete()
        TicketCredential.objects.filter(event_key=key).delete()
        TicketUpload.objects.filter(pk__in=[u.pk for u in uploads if u]).delete()
        PreOrder.objects.filter(event_key=key).delete()
        Variant.objects.filter(offer=offer).delete()
        event = offer.event
        offer.delete()
        event.delete()
        User.objects.filter(email__startswith=f"bench-{run}").delete()


def purge_queue() -> int:
    """The delivery tasks this run queued (nobody is emailed); returns how many there were."""
    from django_q.brokers import get_broker

    broker = get_broker()
    queued = broker.queue_size() or 0
    broker.purge_queue()
    return queued


# --- the run ------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pre-orders", type=int, default=10_000)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--variants", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="leave the bench's rows behind")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/fulfilment.py measures PostgreSQL: set DATABASE_URL (see its docstring).")
    if not settings.REDIS_URL:
        sys.exit("bench/fulfilment.py queues on Redis: set REDIS_URL to a database of its own.")
    csv_import, assignment = services()
    purge_queue()

    run = uuid.uuid4().hex[:8]
    began = time.perf_counter()
    offer = scratch_event(run, args.variants)
    paid_pre_orders(offer, run, args.pre_orders)
    admin = staff_user(run)
    data = tickets_csv(offer, run, args.tickets)
    setup = time.perf_counter() - began
    print(
        f"Set-up: {args.pre_orders:,} confirmed pre-orders over {args.variants} variants, "
        f"a {args.tickets:,}-row CSV ({len(data) / 1e6:.1f} MB) in {setup:.1f} s "
        f"(peak so far {peak_mb():.0f} MB)"
    )

    timings = {}
    upload = None
    try:
        started = time.perf_counter()
        report = csv_import.validate(data, user=admin, filename="bench.csv")
        timings["validate"] = time.perf_counter() - started
        assert report.valid == args.tickets, report.errors[:3]

        mark = time.perf_counter()
        upload = csv_import.store(report, user=admin)  # queues the assignment on commit
        timings["commit"] = time.perf_counter() - mark
        del report

        mark = time.perf_counter()
        results = assignment.run_assignments([str(offer.event_key)], reason=f"bench-{run}")
        timings["assign"] = time.perf_counter() - mark
        # assign() queues the delivery emails once its transaction commits, so they are
        # on the broker when it returns; the queue step is what is left to count them.
        mark = time.perf_counter()
        assigned = Assignment.objects.filter(ticket__event_key=offer.event_key).count()
        pending = Assignment.objects.filter(
            ticket__event_key=offer.event_key, delivery_status=DeliveryStatus.PENDING
        ).count()
        timings["queue check"] = time.perf_counter() - mark
        total = time.perf_counter() - started
        queued_tasks = purge_queue()
    finally:
        if not args.keep:
            clean_up(offer, run, [upload])

    expected = min(args.pre_orders, args.tickets)
    print(f"Assigned {assigned:,} of {expected:,} ({results[0] if results else {}})")
    print(f"Delivery emails pending in queued tasks: {pending:,} ({queued_tasks} tasks on Redis)")
    for step, seconds in timings.items():
        print(f"  {step:<12} {seconds:6.2f} s")
    peak = peak_mb()
    print(f"End to end (validate -> all delivery emails queued): {total:.2f} s")
    print(f"Peak memory (max RSS of the process): {peak:.0f} MB")
    ok = assigned == expected and total < TARGET_SECONDS and peak < TARGET_PEAK_MB
    print(
        f"{'OK' if ok else 'OVER TARGET'}: target < {TARGET_SECONDS:.0f} s and "
        f"< {TARGET_PEAK_MB:.0f} MB, every pre-order with a ticket"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
