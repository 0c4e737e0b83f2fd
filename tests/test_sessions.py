"""Sessions in the cache are created with one write (core/sessions.py)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from core.sessions import SessionStore
from tests.factories import make_event


class CountingCache:
    """Counts the calls a session makes on the real cache, and passes them on."""

    def __init__(self, monkeypatch):
        self.calls = []
        for name in ("get", "add", "set", "has_key", "delete"):
            real = getattr(cache, name)
            monkeypatch.setattr(cache, name, self._counting(name, real))

    def _counting(self, name, real):
        def call(*args, **kwargs):
            self.calls.append(name)
            return real(*args, **kwargs)

        return call


def test_a_new_guest_session_costs_one_cache_write(monkeypatch):
    counting = CountingCache(monkeypatch)
    session = SessionStore()
    session.create()
    session.save()  # what the middleware does at the end of the request
    assert counting.calls == ["add"]
    assert SessionStore(session.session_key).exists(session.session_key)


def test_data_stored_after_creation_is_saved(monkeypatch):
    session = SessionStore()
    session.create()
    session["cart"] = "two tickets"
    session.save()
    assert SessionStore(session.session_key).load() == {"cart": "two tickets"}


def test_a_key_already_taken_is_never_handed_out_twice(monkeypatch):
    taken = SessionStore()
    taken.create()
    taken["owner"] = "first visitor"
    taken.save()
    keys = iter([taken.session_key, "second1visitor2key3abcdefghijklmn"])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    session = SessionStore()
    session.create()
    assert session.session_key == "second1visitor2key3abcdefghijklmn"
    assert SessionStore(taken.session_key).load() == {"owner": "first visitor"}


@pytest.mark.django_db
def test_a_guest_keeps_their_hold_from_one_request_to_the_next(organization, settings):
    settings.SESSION_ENGINE = "core.sessions"
    event = make_event(organization, "Session Night", capacity=5, tiers=[("General", 2000, None)])
    guest, stranger = APIClient(), APIClient()
    tier = event.tiers.get()
    hold = guest.post(
        "/api/v1/holds/", {"lines": [{"tier_id": tier.pk, "quantity": 1}]}, format="json"
    ).json()
    body = {"buyer_email": "guest@example.com", "buyer_name": "Guest"}
    paid = guest.post(f"/api/v1/holds/{hold['id']}/checkout/", body, format="json")
    assert paid.status_code == 200 and paid.json()["confirm_url"]
    assert (
        stranger.post(f"/api/v1/holds/{hold['id']}/checkout/", body, format="json").status_code
        == 404
    )


REDIS_DOWN = {
    "default": {
        "BACKEND": "core.redis_cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:6390/0",  # a closed port
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
REDIS_BACK = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.django_db
def test_a_session_made_while_redis_is_down_lives_in_the_database_and_outlives_the_outage(
    settings,
):
    from django.contrib.sessions.models import Session

    settings.CACHES = REDIS_DOWN
    session = SessionStore()
    session.create()
    session["cart"] = "two tickets"
    session.save()
    assert Session.objects.filter(session_key=session.session_key).exists()
    assert SessionStore(session.session_key).load() == {"cart": "two tickets"}

    settings.CACHES = REDIS_BACK
    again = SessionStore(session.session_key)
    assert again.load() == {"cart": "two tickets"}
    again["cart"] = "three tickets"
    again.save()
    assert SessionStore(session.session_key).load() == {"cart": "three tickets"}


@pytest.mark.django_db
def test_a_session_from_before_the_outage_keeps_its_key_during_it(settings):
    settings.CACHES = REDIS_BACK
    session = SessionStore()
    session.create()
    key = session.session_key

    settings.CACHES = REDIS_DOWN
    during = SessionStore(key)
    assert during.load() == {}
    assert during.session_key == key  # a guest still owns the holds made with it
