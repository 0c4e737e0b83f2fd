"""Sign up, log in with email, log out, reset a password, keep a profile."""

import datetime as dt
import re

import pytest
from django.core import mail

from accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_a_visitor_signs_up_with_email_and_is_logged_in(client):
    response = client.post(
        "/account/signup/",
        {"name": "Ada Lovelace", "email": "Ada@Example.com", "password": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "ada@example.com"
    assert user.check_password(PASSWORD)
    assert client.get("/account/profile/").status_code == 200


def test_signing_up_twice_with_one_email_is_refused_beside_the_email(client):
    make_user("ada@example.com")
    response = client.post(
        "/account/signup/", {"name": "Ada", "email": "ADA@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "An account with this email already exists."
    ]
    assert User.objects.count() == 1


def test_a_weak_password_is_refused_beside_the_password(client):
    response = client.post(
        "/account/signup/", {"name": "Ada", "email": "ada@example.com", "password": "123"}
    )
    assert "password" in response.context["form"].errors
    assert not User.objects.exists()


def test_a_member_logs_in_with_email_and_password(client):
    make_user("ada@example.com")
    response = client.post("/account/login/", {"username": "ADA@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/account/profile/"


def test_a_wrong_password_says_so_without_revealing_which_part_was_wrong(client):
    make_user("ada@example.com")
    response = client.post("/account/login/", {"username": "ada@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "That email and password do not match an account." in response.content.decode()


def lock_out(client, settings):
    make_user("ada@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/account/login/", {"username": "ada@example.com", "password": "nope"})
    return client.post("/account/login/", {"username": "ada@example.com", "password": PASSWORD})


def test_repeated_failed_logins_lock_the_account_with_a_clear_message(client, settings):
    response = lock_out(client, settings)
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()
    assert "Please try again in 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("cooloff_hours", "wait"), [(0.5, "in 30 minutes"), (1 / 60, "in 1 minute,"), (2, "in 120")]
)
def test_the_lockout_page_names_the_configured_wait(client, settings, cooloff_hours, wait):
    settings.AXES_COOLOFF_TIME = cooloff_hours  # what AXES_COOLOFF_MINUTES configures
    body = lock_out(client, settings).content.decode()
    assert f"Please try again {wait}" in body
    assert "15 minutes" not in body


def test_the_api_names_the_same_wait_as_the_lockout_page(client, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(seconds=90)  # axes also takes a timedelta
    assert "Please try again in 2 minutes" in lock_out(client, settings).content.decode()
    api = client.post(
        "/api/v1/auth/token/",
        {"email": "ada@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert api.json() == {
        "error": "locked_out",
        "detail": "Too many failed login attempts. Try again in 2 minutes.",
    }


def test_log_out_needs_a_post(client):
    client.force_login(make_user("ada@example.com"))
    assert client.get("/account/logout/").status_code == 405
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_profile_needs_a_login(client):
    response = client.get("/account/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_a_member_updates_their_profile(client):
    user = make_user("ada@example.com", name="Ada")
    client.force_login(user)
    response = client.post(
        "/account/profile/",
        {
            "name": "Ada King",
            "email": "ada@example.com",
            "language": "de",
            "marketing_consent": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.language, user.marketing_consent) == ("Ada King", "de", True)


def test_a_password_reset_email_leads_to_a_new_password(client):
    user = make_user("ada@example.com")
    response = client.post("/account/password-reset/", {"email": "ada@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"/account/password-reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body).group(0)
    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": "a-new-long-secret", "new_password2": "a-new-long-secret"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-secret")


def test_a_password_reset_for_an_unknown_email_sends_nothing_but_looks_the_same(client):
    response = client.post("/account/password-reset/", {"email": "ghost@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_demo_login_through_the_page_works_for_a_seeded_user(client):
    make_user("attendee@example.com", password="bilten-demo")
    response = client.post(
        "/account/login/", {"username": "attendee@example.com", "password": "bilten-demo"}
    )
    assert response.status_code == 302
