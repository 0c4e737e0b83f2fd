#!/usr/bin/env python3
"""On-sale burst against a running Bilten server, through the public API.

Starts nothing: point it at a server (gunicorn on PostgreSQL, RATE_LIMITS=off)
and an event created with `manage.py create_onsale_event --capacity K`.
Each buyer (own session) holds 1-4 tickets, checks out and pays with the demo
card; the script prints holds/s, orders/s, tickets/s, p50/p95/p99 per step,
and the oversold / leaked counts read back from the API.

    python bench/onsale.py --url http://127.0.0.1:8100 --event 42 --buyers 1000 --concurrency 200
"""

import argparse
import http.client
import json
import random
import statistics
import threading
import time
from collections import defaultdict
from urllib.parse import urlparse


class Buyer:
    def __init__(self, host, port):
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.cookie = ""
        self.token = ""

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = json.dumps(body).encode() if body is not None else None
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("sessionid="):
                self.cookie = value.split(";", 1)[0]
        return response.status, (json.loads(data) if data else {})


def percentile(values, pct):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8100")
    parser.add_argument("--event", type=int, required=True)
    parser.add_argument("--buyers", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--tokens",
        help="JSON list of API access tokens (manage.py create_bench_buyers): buyers sign in "
        "with them, taking the accounts in turn (an account comes back for a second try)",
    )
    args = parser.parse_args()
    tokens = json.load(open(args.tokens)) if args.tokens else []
    target = urlparse(args.url)
    host, port = target.hostname, target.port or 80
    rng = random.Random(args.seed)

    status, event = Buyer(host, port).call("GET", f"/api/v1/events/{args.event}/")
    if status != 200:
        raise SystemExit(f"event {args.event}: HTTP {status} {event}")
    tiers = [t["id"] for t in event["tiers"]]
    capacity = event["total_capacity"]
    available_before = max(t["available"] for t in event["tiers"])
    plans = [(rng.choice(tiers), rng.randint(1, 4)) for _ in range(args.buyers)]

    latencies = defaultdict(list)
    outcomes = defaultdict(int)
    sold = [0]
    lock = threading.Lock()
    next_buyer = iter(range(args.buyers))

    def timed(step, buyer, method, path, body=None):
        started = time.perf_counter()
        status, data = buyer.call(method, path, body)
        took = time.perf_counter() - started
        with lock:
            latencies[step].append(took)
            if step == "hold":
                latencies["hold 201" if status == 201 else "hold refused"].append(took)
                if started - began < 1.0:
                    latencies["hold, first second"].append(took)
        return status, data

    def worker():
        buyer = Buyer(host, port)
        while True:
            with lock:
                index = next(next_buyer, None)
            if index is None:
                return
            buyer.cookie = ""
            buyer.token = tokens[index % len(tokens)] if tokens else ""
            tier, quantity = plans[index]
            status, hold = timed(
                "hold",
                buyer,
                "POST",
                "/api/v1/holds/",
                {"lines": [{"tier_id": tier, "quantity": quantity}]},
            )
            if status != 201:
                with lock:
                    outcomes[f"hold {status} {hold.get('error', '')}"] += 1
                continue
            status, checkout = timed(
                "checkout",
                buyer,
                "POST",
                f"/api/v1/holds/{hold['id']}/checkout/",
                {"buyer_email": f"b{index}@bench.test", "buyer_name": "Bench"},
            )
            if status != 200:
                with lock:
                    outcomes[f"checkout {status}"] += 1
                continue
            status, paid = timed(
                "pay",
                buyer,
                "POST",
                checkout["confirm_url"],
                {"card_number": "4242 4242 4242 4242"},
            )
            with lock:
                if status == 200 and paid.get("order_number"):
                    outcomes["paid"] += 1
                    sold[0] += quantity
                else:
                    outcomes[f"pay {status}"] += 1

    began = started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    _status, after = Buyer(host, port).call("GET", f"/api/v1/events/{args.event}/")
    remaining = max(t["available"] for t in after["tiers"])
    taken = available_before - remaining
    oversold = max(0, sold[0] - available_before)
    leaked = taken - sold[0]

    kind = f"signed in ({len(tokens)} accounts)" if tokens else "guests"
    print(
        f"buyers {args.buyers} {kind}  concurrency {args.concurrency}  capacity {capacity}  "
        f"elapsed {elapsed:.1f}s"
    )
    holds = len(latencies["hold"])
    print(
        f"holds/s {holds / elapsed:.1f}  orders/s {outcomes['paid'] / elapsed:.1f}  "
        f"tickets sold/s {sold[0] / elapsed:.1f}"
    )
    for step in ("hold", "checkout", "pay", "hold 201", "hold refused", "hold, first second"):
        values = latencies[step]
        if values:
            print(
                f"  {step:<18} n={len(values):<5} p50 {percentile(values, 50) * 1000:7.1f} ms  "
                f"p95 {percentile(values, 95) * 1000:7.1f} ms  "
                f"p99 {percentile(values, 99) * 1000:7.1f} ms  "
                f"mean {statistics.mean(values) * 1000:7.1f} ms"
            )
    print("outcomes:", dict(sorted(outcomes.items())))
    print(
        f"tickets sold {sold[0]}  remaining {remaining}  oversold {oversold}  "
        f"holds leaked (tickets) {leaked}"
    )


if __name__ == "__main__":
    main()
