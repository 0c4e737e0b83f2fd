#!/usr/bin/env python3
"""Where one buyer's time goes: queries and milliseconds per API step, in process.

Runs N buyers one after another through the full Django stack (middleware,
DRF, services, database) with the test client, against the database in
DATABASE_URL (use a scratch PostgreSQL database, not production), and prints
per step: requests, SQL statements, and wall time per request. With
`--profile` it also prints the top functions by cumulative time (cProfile).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilten_bench \\
      .venv/bin/python bench/profile_buyer.py --event 42 --buyers 200 [--profile] [--sql]
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilten.settings.dev")
os.environ.setdefault("RATE_LIMITS", "off")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--event", type=int, required=True)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print the cProfile top 40")
    parser.add_argument("--sql", action="store_true", help="print one buyer's statements")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    event = client.get(f"/api/v1/events/{args.event}/").json()
    tier = event["tiers"][0]["id"]
    steps = defaultdict(lambda: [0, 0, 0.0])  # requests, statements, seconds
    shown = Counter()

    def step(name, method, path, body):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = getattr(client, method)(path, body, content_type="application/json")
            elapsed = time.perf_counter() - started
        record = steps[name]
        record[0] += 1
        record[1] += len(queries.captured_queries)
        record[2] += elapsed
        if args.sql and not shown[name]:
            shown[name] += 1
            print(f"--- {name}: {len(queries.captured_queries)} statements")
            for query in queries.captured_queries:
                print("   ", query["sql"][:160])
        return response

    def buyer(index):
        client.cookies.clear()
        hold = step("hold", "post", "/api/v1/holds/", {"lines": [{"tier_id": tier, "quantity": 1}]})
        if hold.status_code != 201:
            raise SystemExit(f"hold refused: {hold.status_code} {hold.content[:200]}")
        checkout = step(
            "checkout",
            "post",
            f"/api/v1/holds/{hold.json()['id']}/checkout/",
            {"buyer_email": f"p{index}@bench.test", "buyer_name": "Profile"},
        )
        paid = step(
            "pay", "post", checkout.json()["confirm_url"], {"card_number": "4242424242424242"}
        )
        if not paid.json().get("order_number"):
            raise SystemExit(f"payment did not make an order: {paid.content[:200]}")

    buyer(-1)  # warm up: imports, URL resolver, connections
    steps.clear()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    for index in range(args.buyers):
        buyer(index)
    if profiler:
        profiler.disable()

    total_ms = 0.0
    for name, (requests, statements, seconds) in steps.items():
        per = seconds / requests * 1000
        total_ms += per
        print(
            f"{name:<9} {requests} requests  {statements / requests:5.1f} SQL/request "
            f" {per:6.2f} ms"
        )
    print(f"one buyer: {total_ms:.2f} ms in process (test client included)")
    if profiler:
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(40)


if __name__ == "__main__":
    main()
