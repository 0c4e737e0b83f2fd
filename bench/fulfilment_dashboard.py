#!/usr/bin/env python3
"""The fulfilment dashboard at size: GET /admin/fulfilment/ over 10,000 events.

Builds (once; a second run finds it) a large, realistic data set in a scratch
database: ORGANIZATIONS organizations sharing EVENTS events, each with a pre-order
offer of 1-4 variants, ~100,000 pre-orders in every status (PreOrderStatus) and
~80,000 ticket credentials (assigned with their assignment, unassigned, unmatched).
Then it times the dashboard through Django's test client (the whole request in
process: middleware, session, permission rules, the aggregate queries, the page of
50 pre-orders and the template) for

  fulfilment   a Fulfilment group user: every event
  organizer    an organizer of one organization: its events only
  event        the Fulfilment user with ?event=<id> (the event with most pre-orders)
  status       the Fulfilment user with ?status=waiting_for_stock
  org+event    the organizer with ?event=<id> of one of their events

after a warm-up, REQUESTS requests each, and prints P50/P95/P99 in ms and the SQL
statements per request. The test client rather than HTTP against gunicorn: what
issue 9 asks about is the dashboard's own work (its queries grow with the data, the
server's HTTP handling does not: ~1 ms on this machine, see "Where the time goes
now"), and in process the statements can be counted and, with --explain, the
slowest of them shown with EXPLAIN ANALYZE.

    createdb -h 127.0.0.1 -U postgres bilten_dashbench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilten_dashbench
    .venv/bin/python manage.py migrate
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/fulfilment_dashboard.py
    dropdb -h 127.0.0.1 -U postgres bilten_dashbench

PostgreSQL only (the figures of docs/performance.md). The data set stays (a second
run only times); drop the database afterwards.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilten.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "0")  # no query log, no debug pages: as served
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Locale, Page  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import FULFILMENT, make_organizer  # noqa: E402
from event_pages.models import EventIndexPage, EventPage, HomePage  # noqa: E402
from fulfilment import crypto  # noqa: E402
from fulfilment.models import (  # noqa: E402
    PAID_STATUSES,
    Assignment,
    DeliveryStatus,
    PreOrder,
    PreOrderOffer,
    PreOrderStatus,
    TicketCredential,
    TicketStatus,
    Variant,
)

TARGET_P95_MS = 300.0
URL = "/admin/fulfilment/"
SLUG = "dashbench-org"
# Pre-order statuses, weighted: most are fulfilled, every status is there.
STATUS_WEIGHTS = [
    (PreOrderStatus.FULFILLED, 50),
    (PreOrderStatus.CONFIRMED, 8),
    (PreOrderStatus.WAITING_FOR_STOCK, 10),
    (PreOrderStatus.PROCESSING, 17),
    (PreOrderStatus.FAILED, 8),
    (PreOrderStatus.CANCELLED, 7),
]


def percentile(values, pct):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


# --- the data set ------------------------------------------------------------------


def organizations(count: int) -> list[EventIndexPage]:
    home = HomePage.objects.filter(depth=2, locale=Locale.get_default()).first()
    if home is None:
        sys.exit("No home page: run `manage.py migrate` on this database first.")
    orgs = []
    for n in range(count):
        org = EventIndexPage.objects.child_of(home).filter(slug=f"{SLUG}-{n}").first()
        if org is None:
            org = home.add_child(
                instance=EventIndexPage(title=f"Dashbench organization {n}", slug=f"{SLUG}-{n}")
            )
            home.refresh_from_db()
        orgs.append(org)
    return orgs


def event_pages(org: EventIndexPage, count: int, rng: random.Random) -> list[EventPage]:
    """`count` live events under `org`, in bulk: treebeard paths computed, not asked.

    An MP_Node child's path is its parent's plus one step (`_get_path`); the page rows
    go in with one bulk insert (Page), the EventPage rows (multi-table inheritance:
    bulk_create refuses them) with Django's multi-row insert of the child table.
    """
    content_type = ContentType.objects.get_for_model(EventPage)
    locale_id = org.locale_id
    now = timezone.now()
    first = org.numchild + 1
    pages, events = [], []
    for step in range(first, first + count):
        slug = f"{org.slug}-night-{step}"
        pages.append(
            Page(
                title=f"{org.title} night {step}",
                draft_title=f"{org.title} night {step}",
                slug=slug,
                path=EventIndexPage._get_path(org.path, org.depth + 1, step),
                depth=org.depth + 1,
                numchild=0,
                url_path=f"{org.url_path}{slug}/",
                content_type=content_type,
                locale_id=locale_id,
                translation_key=uuid.uuid4(),
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
            )
        )
    Page.objects.bulk_create(pages, batch_size=2000)
    for page in pages:
        starts = (now + dt.timedelta(days=rng.randint(1, 365))).replace(
            minute=0, second=0, microsecond=0
        )
        event = EventPage(
            page_ptr_id=page.pk,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=6),
            time_zone="Europe/Berlin",
            total_capacity=rng.choice([200, 500, 1000, 5000]),
        )
        # The parent row's fields, for the callers (not written again).
        for name in ("id", "title", "path", "translation_key", "locale_id"):
            setattr(event, name, getattr(page, name))
        events.append(event)
    fields = EventPage._meta.local_concrete_fields
    for start in range(0, len(events), 1000):
        EventPage._base_manager._insert(events[start : start + 1000], fields=fields)
    Page.objects.filter(pk=org.pk).update(numchild=org.numchild + count)
    org.numchild += count
    return events


def build(args, rng: random.Random) -> None:
    began = time.perf_counter()
    orgs = organizations(args.organizations)
    password = make_password(None)  # unusable: nobody logs in as a bench member
    members = User.objects.bulk_create(
        [
            User(email=f"dashbench-{n:06d}@members.example", name=f"M {n}", password=password)
            for n in range(args.members)
        ],
        batch_size=5000,
    )
    member_ids = [m.pk for m in members]
    stored_password = crypto.encrypt("not-read-by-the-dashboard", context="dashbench")
    paid = timezone.now() - dt.timedelta(days=30)
    statuses = [s for s, _w in STATUS_WEIGHTS]
    weights = [w for _s, w in STATUS_WEIGHTS]
    per_org = [args.events // len(orgs) + (n < args.events % len(orgs)) for n in range(len(orgs))]
    totals = dict(events=0, variants=0, pre_orders=0, tickets=0, assignments=0)
    for org, count in zip(orgs, per_org, strict=True):
        for start in range(0, count, 1000):
            with transaction.atomic():
                events = event_pages(org, min(1000, count - start), rng)
                offers = PreOrderOffer.objects.bulk_create(
                    [
                        PreOrderOffer(event_id=e.pk, event_key=e.translation_key, price_minor=2900)
                        for e in events
                    ]
                )
                variants = []
                for offer, event in zip(offers, events, strict=True):
                    for n in range(rng.randint(1, 4)):
                        window = event.starts_at + dt.timedelta(minutes=30 * n)
                        variants.append(
                            Variant(
                                offer=offer,
                                name=f"Entry {n + 1}",
                                starts_at=window,
                                ends_at=window + dt.timedelta(minutes=30),
                                sort_order=n,
                            )
                        )
                Variant.objects.bulk_create(variants, batch_size=5000)
                by_offer = {}
                for variant in variants:
                    by_offer.setdefault(variant.offer_id, []).append(variant)
                pre_orders, tickets, pairs = [], [], []
                for offer in offers:
                    choices = by_offer[offer.pk]
                    # ~pre_orders/events each, unevenly: a few events sell far more.
                    mean = args.pre_orders / args.events + 0.5  # int() rounds down
                    k = min(int(rng.expovariate(1 / mean)), len(member_ids))
                    for i, member_id in enumerate(rng.sample(member_ids, k)):
                        status = rng.choices(statuses, weights)[0]
                        variant = rng.choice(choices)
                        order = PreOrder(
                            offer_id=offer.pk,
                            event_key=offer.event_key,
                            member_id=member_id,
                            variant=variant,
                            status=status,
                            amount_minor=2900,
                            currency="EUR",
                            gateway="demo",
                            payment_reference=f"dashbench_pi_{uuid.uuid4().hex}",
                            capture_attempts=0 if status == PreOrderStatus.PROCESSING else 1,
                            confirmed_at=paid + dt.timedelta(seconds=i)
                            if status in PAID_STATUSES
                            else None,
                        )
                        pre_orders.append(order)
                        if status == PreOrderStatus.FULFILLED:
                            ticket = credential(offer, variant, TicketStatus.ASSIGNED)
                            tickets.append(ticket)
                            pairs.append((ticket, order))
                    # Tickets nobody has yet, and a few that match no variant.
                    for _n in range(int(rng.expovariate(1 / args.spare_tickets))):
                        tickets.append(
                            credential(offer, rng.choice(choices), TicketStatus.UNASSIGNED)
                        )
                    for _n in range(int(rng.expovariate(1 / args.unmatched_tickets))):
                        tickets.append(credential(offer, None, TicketStatus.UNMATCHED))
                for ticket in tickets:
                    ticket.password_encrypted = stored_password
                PreOrder.objects.bulk_create(pre_orders, batch_size=5000)
                TicketCredential.objects.bulk_create(tickets, batch_size=5000)
                Assignment.objects.bulk_create(
                    [
                        Assignment(
                            ticket_id=t.pk,
                            pre_order_id=o.pk,
                            delivery_status=rng.choice(list(DeliveryStatus)),
                        )
                        for t, o in pairs
                    ],
                    batch_size=5000,
                )
            totals["events"] += len(events)
            totals["variants"] += len(variants)
            totals["pre_orders"] += len(pre_orders)
            totals["tickets"] += len(tickets)
            totals["assignments"] += len(pairs)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does to a table of this age
    print(
        f"Built in {time.perf_counter() - began:.1f} s: {len(orgs)} organizations, "
        f"{totals['events']:,} events with offers, {totals['variants']:,} variants, "
        f"{args.members:,} members, {totals['pre_orders']:,} pre-orders, "
        f"{totals['tickets']:,} tickets, {totals['assignments']:,} assignments"
    )


def credential(offer, variant, status) -> TicketCredential:
    token = uuid.uuid4().hex
    return TicketCredential(
        event_id=offer.event_id,
        event_key=offer.event_key,
        variant=variant,
        variant_label=variant.name if variant else "Late entry",
        login_email=f"t-{token[:12]}@promoter.example",
        fingerprint=token,
        status=status,
    )


def users(orgs) -> tuple[User, User]:
    fulfilment, created = User.objects.get_or_create(
        email="dashbench-fulfilment@staff.example",
        defaults={"name": "Bench fulfilment", "password": make_password(None)},
    )
    if created:
        fulfilment.groups.add(Group.objects.get(name=FULFILMENT))
    organizer, created = User.objects.get_or_create(
        email="dashbench-organizer@staff.example",
        defaults={"name": "Bench organizer", "password": make_password(None)},
    )
    if created:
        make_organizer(organizer, orgs[0])
    return fulfilment, organizer


def summary() -> str:
    counts = {
        row["status"]: row["n"]
        for row in PreOrder.objects.values("status").annotate(n=django.db.models.Count("pk"))
    }
    tickets = {
        row["status"]: row["n"]
        for row in TicketCredential.objects.values("status").annotate(
            n=django.db.models.Count("pk")
        )
    }
    return (
        f"{PreOrderOffer.objects.count():,} offers; pre-orders "
        + ", ".join(f"{s} {counts.get(s, 0):,}" for s, _w in STATUS_WEIGHTS)
        + "; tickets "
        + ", ".join(f"{s} {n:,}" for s, n in sorted(tickets.items()))
    )


# --- the timing --------------------------------------------------------------------


class Counter:
    """Statements per request, without Django's query log (an execute wrapper)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def time_scenario(client, query, requests, warm_up):
    for _n in range(warm_up):
        response = client.get(URL, query)
        assert response.status_code == 200, (query, response.status_code)
    timings, statements = [], []
    for _n in range(requests):
        counter = Counter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = client.get(URL, query)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (query, response.status_code)
        statements.append(counter.count)
    return timings, statements


def explain(client, query, top):
    """The `top` slowest statements of one request, with their plans."""
    with CaptureQueriesContext(connection) as captured:
        client.get(URL, query)
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:top]
    for q in slowest:
        print(f"\n  -- {float(q['time']) * 1000:.1f} ms: {q['sql'][:400]}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            for (line,) in cursor.fetchall():
                print(f"     {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=8)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--pre-orders", type=int, default=100_000, help="about this many")
    parser.add_argument("--spare-tickets", type=float, default=3.0, help="mean per event")
    parser.add_argument("--unmatched-tickets", type=float, default=0.8, help="mean per event")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--warm-up", type=int, default=5)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument(
        "--explain", type=int, default=0, metavar="N", help="EXPLAIN ANALYZE the N slowest"
    )
    parser.add_argument("--only", help="comma-separated scenario names")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/fulfilment_dashboard.py measures PostgreSQL: see its docstring.")
    rng = random.Random(args.seed)

    if not EventIndexPage.objects.filter(slug=f"{SLUG}-0").exists():
        build(args, rng)
    orgs = organizations(args.organizations)
    print(summary())
    fulfilment, organizer = users(orgs)
    biggest = (
        PreOrder.objects.values("offer__event_id")
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    org_event = (
        PreOrder.objects.filter(offer__event__path__startswith=orgs[0].path)
        .values("offer__event_id")
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    scenarios = [
        ("fulfilment", fulfilment, {}),
        ("organizer", organizer, {}),
        ("event", fulfilment, {"event": biggest["offer__event_id"]}),
        ("status", fulfilment, {"status": PreOrderStatus.WAITING_FOR_STOCK}),
        ("org+event", organizer, {"event": org_event["offer__event_id"]}),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        scenarios = [s for s in scenarios if s[0] in wanted]

    print(
        f"\nGET {URL}: {args.warm_up} warm-up + {args.requests} requests each, "
        f"test client in process (target P95 < {TARGET_P95_MS:.0f} ms)\n"
    )
    print(f"{'scenario':<12} {'query':<28} {'P50':>8} {'P95':>8} {'P99':>8} {'SQL':>5}")
    worst = 0.0
    for name, user, query in scenarios:
        client = Client(SERVER_NAME="localhost")  # in ALLOWED_HOSTS (DEBUG is off)
        client.force_login(user)
        timings, statements = time_scenario(client, query, args.requests, args.warm_up)
        p95 = percentile(timings, 95)
        worst = max(worst, p95)
        described = "&".join(f"{k}={v}" for k, v in query.items()) or "-"
        print(
            f"{name:<12} {described:<28} {percentile(timings, 50):7.1f}  {p95:7.1f}  "
            f"{percentile(timings, 99):7.1f}  {statistics.median(statements):4.0f}"
        )
        if args.explain:
            explain(client, query, args.explain)
        client.logout()
    ok = worst < TARGET_P95_MS
    print(f"\n{'OK' if ok else 'OVER TARGET'}: worst P95 {worst:.1f} ms, target < 300 ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
