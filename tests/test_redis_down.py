"""With Redis unreachable, pages, the API, holds and checkout keep working from the database.

Redis is "down" by pointing the cache, the sessions and the task broker at a
closed port (nothing is stopped: others share the real Redis).
"""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from commerce.emails import send_missing_confirmations
from commerce.models import Order
from tests.factories import make_event

CLOSED_PORT = "redis://127.0.0.1:6390/0"
pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings, monkeypatch):
    from django_q.conf import Conf

    settings.CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.ResilientRedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "core.sessions"
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": CLOSED_PORT}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # django-q2 reads its configuration once at import: point its broker at the closed port.
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", CLOSED_PORT)
    monkeypatch.setattr(Conf, "BROKER_CLASS", "core.queue.ResilientRedisBroker")
    monkeypatch.setattr("commerce.services.orders._broker", lambda: None)
    return settings


@pytest.fixture
def event(organization):
    return make_event(organization, "Offline Night", capacity=5, tiers=[("General", 2500, None)])


def test_pages_and_the_api_are_served(redis_down, client, event):
    assert client.get("/").status_code == 200
    assert client.get(event.url).status_code == 200
    listed = client.get("/api/v1/events/")
    assert listed.status_code == 200 and "Offline Night" in listed.content.decode()


def test_a_guest_holds_pays_and_gets_the_email_from_the_sweep(
    redis_down, client, event, django_capture_on_commit_callbacks
):
    tier = event.tiers.get()
    held = client.post(f"/tickets/{event.pk}/hold/", {f"tier_{tier.pk}": 2})
    assert held.status_code == 302
    checkout_url = held["Location"]
    assert client.get(checkout_url).status_code == 200  # the session survived, in the database
    details = {"buyer_name": "Ola Offline", "buyer_email": "ola@example.com", "pay": "1"}
    assert client.post(checkout_url, details).status_code == 302
    card = {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"}
    with django_capture_on_commit_callbacks(execute=True):  # the enqueue fails, quietly
        done = client.post(checkout_url + "pay/", card, follow=True)
    order = Order.objects.get()
    assert done.redirect_chain[-1][0] == f"/orders/{order.number}/"
    assert mail.outbox == []  # the queued task never reached a worker

    later = timezone.now() + dt.timedelta(minutes=3)
    assert send_missing_confirmations(now=later) == 1
    assert mail.outbox[0].to == ["ola@example.com"]


def test_the_api_places_a_hold_and_checks_out(redis_down, event):
    guest = APIClient()
    tier = event.tiers.get()
    hold = guest.post(
        "/api/v1/holds/", {"lines": [{"tier_id": tier.pk, "quantity": 1}]}, format="json"
    )
    assert hold.status_code == 201
    body = {"buyer_email": "api@example.com", "buyer_name": "Api Guest"}
    paid = guest.post(f"/api/v1/holds/{hold.json()['id']}/checkout/", body, format="json")
    assert paid.status_code == 200 and paid.json()["confirm_url"]


def test_health_says_degraded_not_down(redis_down, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unreachable",
        "queue": "unreachable",
    }
