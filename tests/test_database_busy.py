"""A stalled database answers a calm "busy, try again" (503), never a worker timeout."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from commerce.models import EventInventory, Hold
from tests.conftest import requires_postgres
from tests.factories import make_event

ROOT = Path(__file__).resolve().parent.parent


def test_every_postgresql_connection_bounds_its_statements_and_lock_waits():
    probe = "import json, django; from django.conf import settings as s; " + (
        "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bilten.settings.dev",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
        "DB_LOCK_TIMEOUT_MS": "2500",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True
    )
    options = json.loads(result.stdout)
    assert options["options"] == "-c statement_timeout=15000 -c lock_timeout=2500"


class RowHeld:
    """Another connection holds the event's inventory row locked until closed."""

    def __init__(self, event_key):
        self.event_key, self.locked, self.release = event_key, threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        with connections["default"].cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                "SELECT id FROM commerce_eventinventory WHERE event_key = %s FOR UPDATE",
                [self.event_key],
            )
            self.locked.set()
            self.release.wait(30)
            cursor.execute("ROLLBACK")
        connections["default"].close()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(10)


@pytest.fixture
def short_lock_wait():
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = DEFAULT")


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_hold_that_waits_too_long_for_the_inventory_answers_busy_in_the_api(
    organization, short_lock_wait
):
    event = make_event(organization, capacity=10)
    tier = event.tiers.get()
    with RowHeld(str(event.translation_key)):
        response = APIClient().post(
            "/api/v1/holds/",
            {"lines": [{"tier_id": tier.pk, "quantity": 1}]},
            format="json",
        )
    assert response.status_code == 503
    assert response.json()["error"] == "busy"
    assert response["Retry-After"] == "5"
    assert not Hold.objects.exists()
    assert EventInventory.objects.get().held == 0


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_hold_that_waits_too_long_on_the_event_page_shows_the_busy_page(
    client, organization, short_lock_wait
):
    event = make_event(organization, capacity=10)
    tier = event.tiers.get()
    with RowHeld(str(event.translation_key)):
        response = client.post(f"/tickets/{event.pk}/hold/", {f"tier_{tier.pk}": 1})
    assert response.status_code == 503
    assert "Very busy right now" in response.content.decode()
    assert response["Retry-After"] == "5"
    assert not Hold.objects.exists()
