#!/usr/bin/env python3
"""The customer search (Support → Customers) over 100,000 orders: P50/P95 of 200 searches.

Builds (once; a second run finds it) a data set in a scratch PostgreSQL database:
two organizations with ten events each, ORDERS orders (one item and one ticket each)
bought by ~80 % as many customers (names from a list, so a name part matches
thousands of rows, as in life), and ACCOUNTS accounts with a phone, some of them
buyers. Then it runs SEARCHES searches of every kind the box takes (order number
in lower case, ticket code, exact email, email prefix, a name part, a surname,
a phone number) as a Support agent and as an organizer of one organization,
through `crm.customer_search.search_customers` and through the admin page
(Django's test client: middleware, session, template), and prints P50/P95/P99 in
ms and the SQL statements per search. --explain prints EXPLAIN ANALYZE of the
substring queries, to see the trigram indexes (crm migration 0004) at work.

    createdb -h 127.0.0.1 -U postgres bilten_bench_customers
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilten_bench_customers
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/customer_search.py [--explain]
    dropdb -h 127.0.0.1 -U postgres bilten_bench_customers
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
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Locale  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import SUPPORT, make_organizer  # noqa: E402
from commerce.models import (  # noqa: E402
    Hold,
    HoldStatus,
    Order,
    OrderItem,
    Payment,
    PaymentStatus,
    Ticket,
)
from commerce.services.orders import new_order_number, new_ticket_code  # noqa: E402
from crm.customer_search import search_customers  # noqa: E402
from event_pages.models import EventIndexPage, EventPage, HomePage  # noqa: E402

SLUG = "custbench-org"
FIRST = (
    "Anna Ben Clara David Emma Felix Greta Hugo Ida Jonas Klara Leon Mia Noah Olga Paul "
    "Quentin Rosa Sami Tina Ugo Vera Willi Xenia Yusuf Zoe Léa Jürgen Anaïs Björn"
).split()
LAST = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Dubois "
    "Martin Bernard Moreau Laurent Simon Michel Lefebvre Leroy Roux Rossi Russo Ferrari "
    "Nowak Kowalski Jansen Smith Jones Taylor Brown Novak Horvat Popescu Nagy Svensson"
).split()
DOMAINS = ["example.com", "mail.example", "post.example.org", "web.example.net"]


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def organizations() -> list[EventIndexPage]:
    home = HomePage.objects.filter(depth=2, locale=Locale.get_default()).first()
    if home is None:
        sys.exit("No home page: run `manage.py migrate` on this database first.")
    orgs = []
    for n in range(2):
        org = EventIndexPage.objects.child_of(home).filter(slug=f"{SLUG}-{n}").first()
        if org is None:
            org = home.add_child(
                instance=EventIndexPage(title=f"Customer bench {n}", slug=f"{SLUG}-{n}")
            )
            home.refresh_from_db()
        orgs.append(org)
    return orgs


def events_of(org) -> list[EventPage]:
    events = list(EventPage.objects.child_of(org))
    now = timezone.now()
    for n in range(len(events), 10):
        event = EventPage(
            title=f"{org.title} night {n}",
            slug=f"{org.slug}-night-{n}",
            starts_at=now + dt.timedelta(days=30 + n),
            ends_at=now + dt.timedelta(days=30 + n, hours=4),
            time_zone="Europe/Berlin",
            total_capacity=100_000,
        )
        org.add_child(instance=event)
        org.refresh_from_db()
        events.append(event)
    return events


def person(rng: random.Random, n: int) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    email = f"{first}.{last}.{n}@{rng.choice(DOMAINS)}".lower()
    return email, f"{first} {last}"


def build(args, rng: random.Random) -> None:
    began = time.perf_counter()
    events = [event for org in organizations() for event in events_of(org)]
    customers = [person(rng, n) for n in range(int(args.orders * 0.8))]
    password = make_password(None)
    accounts = [
        User(
            email=email,
            name=name,
            phone=f"+49 30 {4_000_000 + n}",
            password=password,
        )
        for n, (email, name) in enumerate(rng.sample(customers, args.accounts))
    ]
    User.objects.bulk_create(accounts, batch_size=5000)
    account_of = dict(User.objects.filter(phone__startswith="+49 30 ").values_list("email", "pk"))
    now = timezone.now()
    batch = 5000
    for start in range(0, args.orders, batch):
        size = min(batch, args.orders - start)
        with transaction.atomic():
            holds, payments, orders, items, tickets = [], [], [], [], []
            for n in range(start, start + size):
                email, name = customers[n % len(customers)]
                event = events[n % len(events)]
                created = now - dt.timedelta(minutes=n)
                hold = Hold(
                    id=uuid.uuid4(),
                    event_key=event.translation_key,
                    event_id=event.pk,
                    status=HoldStatus.CONSUMED,
                    expires_at=created,
                    currency="EUR",
                    subtotal_minor=2500,
                )
                payment = Payment(
                    id=uuid.uuid4(),
                    hold=hold,
                    gateway="demo",
                    reference=f"custbench-{uuid.uuid4().hex}",
                    amount_minor=2500,
                    currency="EUR",
                    status=PaymentStatus.SUCCEEDED,
                    buyer_email=email,
                    buyer_name=name,
                )
                order = Order(
                    number=new_order_number(),
                    hold=hold,
                    payment=payment,
                    event_key=event.translation_key,
                    event_id=event.pk,
                    buyer_id=account_of.get(email),
                    buyer_email=email,
                    buyer_name=name,
                    total_quantity=1,
                    subtotal_minor=2500,
                    total_minor=2500,
                    currency="EUR",
                    payment_provider="demo",
                    payment_reference=payment.reference,
                    completed_at=created,
                )
                holds.append(hold)
                payments.append(payment)
                orders.append(order)
            Hold.objects.bulk_create(holds, batch_size=batch)
            Payment.objects.bulk_create(payments, batch_size=batch)
            Order.objects.bulk_create(orders, batch_size=batch)
            for order in orders:
                item = OrderItem(
                    order=order,
                    tier_key=uuid.uuid4(),
                    tier_name="General",
                    quantity=1,
                    unit_price_minor=2500,
                    line_total_minor=2500,
                )
                items.append(item)
            OrderItem.objects.bulk_create(items, batch_size=batch)
            for order, item in zip(orders, items, strict=True):
                tickets.append(
                    Ticket(order=order, item=item, tier_key=item.tier_key, code=new_ticket_code())
                )
            Ticket.objects.bulk_create(tickets, batch_size=batch)
        print(f"  {start + size:,} orders", end="\r", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"built {args.orders:,} orders, {args.accounts:,} accounts in "
        f"{time.perf_counter() - began:.0f} s"
    )


def users():
    support = User.objects.filter(email="custbench-support@example.com").first()
    if support is None:
        support = User.objects.create_user("custbench-support@example.com", is_staff=True)
        support.groups.add(Group.objects.get(name=SUPPORT))
    organizer = User.objects.filter(email="custbench-organizer@example.com").first()
    if organizer is None:
        organizer = User.objects.create_user("custbench-organizer@example.com")
        make_organizer(organizer, organizations()[0])
    return support, organizer


def searches(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(kind, text) of `count` searches, every kind the box takes, in a fixed mix."""
    sample = list(
        Order.objects.order_by("?").values_list("number", "buyer_email", "buyer_name")[:count]
    )
    codes = list(Ticket.objects.order_by("?").values_list("code", flat=True)[:count])
    phones = list(
        User.objects.filter(phone__startswith="+49")
        .order_by("?")
        .values_list("phone", flat=True)[:count]
    )
    kinds = []
    for n in range(count):
        number, email, name = sample[n % len(sample)]
        kind = ["order", "ticket", "email", "email prefix", "name part", "surname", "phone"][n % 7]
        text = {
            "order": number.lower(),
            "ticket": codes[n % len(codes)],
            "email": email.upper(),
            "email prefix": email[:6],
            "name part": name.split()[0][:4],
            "surname": name.split()[-1],
            "phone": phones[n % len(phones)],
        }[kind]
        kinds.append((kind, text))
    rng.shuffle(kinds)
    return kinds


def time_service(user, queries) -> tuple[list[float], list[int]]:
    times, statements = [], []
    for _kind, text in queries:
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            search_customers(user, text)
            times.append((time.perf_counter() - began) * 1000)
        statements.append(len(captured))
    return times, statements


def time_page(user, queries) -> list[float]:
    client = Client(SERVER_NAME="localhost")  # in ALLOWED_HOSTS (DEBUG is off)
    client.force_login(user)
    times = []
    for _kind, text in queries:
        began = time.perf_counter()
        response = client.get("/admin/crm/customers/", {"q": text})
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code in (200, 302), response.status_code
    return times


def report(label, times, statements=None):
    line = (
        f"{label:<28} P50 {statistics.median(times):7.1f} ms   P95 {percentile(times, 95):7.1f} ms"
        f"   P99 {percentile(times, 99):7.1f} ms   max {max(times):7.1f} ms"
    )
    if statements:
        line += f"   statements {min(statements)}–{max(statements)}"
    print(line)


def explain(text: str) -> None:
    queries = {
        "orders: buyer_name icontains": Order.objects.filter(buyer_name__icontains=text),
        "orders: buyer_email istartswith": Order.objects.filter(buyer_email__istartswith=text),
        "accounts: name icontains": User.objects.filter(name__icontains=text),
    }
    with connection.cursor() as cursor:
        for label, queryset in queries.items():
            sql, params = (
                queryset.order_by()
                .values("buyer_email" if "orders" in label else "email")[:100]
                .query.sql_with_params()
            )
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
            print(f"\n-- {label} ({text!r})")
            print("\n".join(row[0] for row in cursor.fetchall()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=30_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL (see the docstring).")
    rng = random.Random(10)
    have = Order.objects.filter(buyer_email__contains="@", payment_provider="demo").count()
    if have < args.orders:
        build(args, rng)
    support, organizer = users()
    queries = searches(rng, args.searches)
    print(
        f"{Order.objects.count():,} orders, {User.objects.count():,} accounts, "
        f"{args.searches} searches; DEBUG={settings.DEBUG}"
    )
    time_service(support, queries[:20])  # warm-up
    for label, user in (("support", support), ("organizer (one org)", organizer)):
        times, statements = time_service(user, queries)
        report(f"search_customers, {label}", times, statements)
    for label, user in (("support", support), ("organizer (one org)", organizer)):
        report(f"admin page, {label}", time_page(user, queries))
    for label, user in (("support", support), ("organizer", organizer)):
        by_kind = {}
        times, _statements = time_service(user, queries)
        for (kind, _text), ms in zip(queries, times, strict=True):
            by_kind.setdefault(kind, []).append(ms)
        for kind, values in sorted(by_kind.items()):
            report(f"  {label}: {kind}", values)
    if args.explain:
        explain("müll")
        explain("anna.")


if __name__ == "__main__":
    main()
