"""Prometheus metrics of pre-order fulfilment, served at /metrics (fulfilment.metrics_views).

Engineers observing into them:

    from fulfilment import metrics
    with metrics.assignment_timer() as outcome:      # ticket_assignment_duration_seconds
        ...; outcome["status"] = "assigned"           # or "none", "error" (the default on raise)
    metrics.count_capture("succeeded")                # pre_order_capture_outcomes_total

`unmatched_tickets_total{event_key=...}` is read from the database when scraped (one
grouped query), so it is right whichever process uploaded or assigned the tickets.
The histogram and the counter live in each process's memory: scrape each web and
worker process, or set PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess
mode) so /metrics adds up every process's files.
"""

import os
import time
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

REGISTRY = CollectorRegistry(auto_describe=True)

# Seconds per assignment run (one event, or one reconcile), labelled by outcome.
ASSIGNMENT_DURATION = Histogram(
    "ticket_assignment_duration_seconds",
    "Time an assignment run took, by outcome (assigned, none, error).",
    ["status"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)

CAPTURE_OUTCOMES = Counter(
    "pre_order_capture_outcomes",
    "Off-session capture attempts of pre-orders, by outcome (succeeded, retry, failed).",
    ["outcome"],
    registry=REGISTRY,
)
CAPTURE_OUTCOME_NAMES = ("succeeded", "retry", "failed")


@contextmanager
def assignment_timer():
    """Times the block into ticket_assignment_duration_seconds; set outcome["status"]."""
    outcome = {"status": "error"}
    started = time.perf_counter()
    try:
        yield outcome
        if outcome["status"] == "error":
            outcome["status"] = "assigned"
    finally:
        ASSIGNMENT_DURATION.labels(status=outcome["status"]).observe(time.perf_counter() - started)


def observe_assignment(seconds: float, status: str = "assigned") -> None:
    ASSIGNMENT_DURATION.labels(status=status).observe(seconds)


def count_capture(outcome: str) -> None:
    """One capture attempt: "succeeded", "retry" (failed, will retry) or "failed" (last)."""
    CAPTURE_OUTCOMES.labels(outcome=outcome).inc()


class UnmatchedTicketsCollector:
    """unmatched_tickets_total per event, counted in the database at scrape time."""

    def describe(self):
        return [self._family()]

    def _family(self):
        return GaugeMetricFamily(
            "unmatched_tickets_total",
            "Uploaded tickets no pre-order matched, per event (translation key).",
            labels=["event_key"],
        )

    def collect(self):
        from django.db.models import Count

        from fulfilment.models import TicketCredential, TicketStatus

        family = self._family()
        rows = (
            TicketCredential.objects.filter(status=TicketStatus.UNMATCHED)
            .values("event_key")
            .annotate(n=Count("pk"))
            .order_by("event_key")
        )
        for row in rows:
            family.add_metric([str(row["event_key"])], row["n"])
        yield family


REGISTRY.register(UnmatchedTicketsCollector())


def exposition() -> tuple[bytes, str]:
    """The metrics text and its content type (every process's with PROMETHEUS_MULTIPROC_DIR)."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(UnmatchedTicketsCollector())
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
