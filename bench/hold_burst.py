#!/usr/bin/env python3
"""The opening second of an on-sale: N buyers press "hold" at the same moment.

Starts nothing: point it at a running server (bench/serve.sh) and an event
with room for rounds x buyers tickets (`manage.py create_onsale_event
--capacity 100000`). Each round releases N threads together, each placing one
one-ticket hold in a new session, and prints how fast the server drained the
burst (holds/s until the last answer) and the latency percentiles.

    python bench/hold_burst.py --url http://127.0.0.1:8100 --event 42 --buyers 200 --rounds 3
"""

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlparse


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def one_round(host, port, tier, buyers):
    body = json.dumps({"lines": [{"tier_id": tier, "quantity": 1}]})
    start = threading.Barrier(buyers + 1)
    latencies, statuses, lock = [], [], threading.Lock()

    def buyer():
        conn = http.client.HTTPConnection(host, port, timeout=60)
        start.wait()
        began = time.perf_counter()
        conn.request(
            "POST", "/api/v1/holds/", body=body, headers={"Content-Type": "application/json"}
        )
        response = conn.getresponse()
        response.read()
        with lock:
            latencies.append(time.perf_counter() - began)
            statuses.append(response.status)

    threads = [threading.Thread(target=buyer) for _ in range(buyers)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, statuses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8100")
    parser.add_argument("--event", type=int, required=True)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    target = urlparse(args.url)
    host, port = target.hostname, target.port or 80
    conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.request("GET", f"/api/v1/events/{args.event}/")
    event = json.loads(conn.getresponse().read())
    tier = event["tiers"][0]["id"]
    for index in range(args.rounds):
        elapsed, latencies, statuses = one_round(host, port, tier, args.buyers)
        held = statuses.count(201)
        print(
            f"round {index + 1}: {args.buyers} buyers at once  {held} held  "
            f"{held / elapsed:6.0f} holds/s  p50 {percentile(latencies, 50) * 1000:5.0f} ms  "
            f"p95 {percentile(latencies, 95) * 1000:5.0f} ms  "
            f"max {max(latencies) * 1000:5.0f} ms"
        )
        time.sleep(1)


if __name__ == "__main__":
    main()
