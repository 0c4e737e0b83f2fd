"""Web sign-up, log-in and password reset are limited per client address (and reset per email)."""

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

REFUSED = "Too many attempts from your network."


def test_30_reset_requests_send_at_most_3_emails_to_one_person(settings):
    make_user("ada@example.com")
    pages = [
        Client().post(
            "/account/password-reset/",
            {"email": "ada@example.com"},
            REMOTE_ADDR=f"198.51.100.{n}",
        )
        for n in range(30)
    ]
    assert len(mail.outbox) == 3
    assert {page.status_code for page in pages} == {302}
    assert {page["Location"] for page in pages} == {"/account/password-reset/sent/"}


def test_one_address_asking_resets_for_many_people_is_stopped_silently(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": "2/hour"}
    for n in range(4):
        make_user(f"fan{n}@example.com")
    client = Client()
    pages = [
        client.post("/account/password-reset/", {"email": f"fan{n}@example.com"}) for n in range(4)
    ]
    assert len(mail.outbox) == 2
    assert [page.status_code for page in pages] == [302] * 4


def test_web_logins_are_limited_per_address_even_with_the_right_password(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "web_login": "2/min"}
    make_user("ada@example.com")
    credentials = {"username": "ada@example.com", "password": PASSWORD}
    assert Client().post("/account/login/", credentials).status_code == 302
    assert Client().post("/account/login/", credentials).status_code == 302
    refused = Client().post("/account/login/", credentials, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert refused.status_code == 429
    assert REFUSED in refused.content.decode()
    assert "_auth_user_id" not in refused.wsgi_request.session


def test_web_signups_are_limited_per_address(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "web_signup": "2/hour"}
    responses = [
        Client().post(
            "/account/signup/",
            {"name": "Fan", "email": f"fan{n}@example.com", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        for n in range(3)
    ]
    assert [r.status_code for r in responses] == [302, 302, 429]
    assert REFUSED in responses[2].content.decode()
    assert not User.objects.filter(email="fan2@example.com").exists()


def test_rate_limits_off_lifts_the_web_limits(settings):
    settings.RATE_LIMITS_ENABLED = False
    make_user("ada@example.com")
    for _ in range(5):
        Client().post("/account/password-reset/", {"email": "ada@example.com"})
    assert len(mail.outbox) == 5
