"""API tokens end with the password that opened them, and a refresh token works exactly once."""

import pytest
from rest_framework.test import APIClient

from tests.commerce.test_holds_race import race
from tests.conftest import requires_postgres
from tests.factories import PASSWORD, make_user


def tokens_for(email, password=PASSWORD) -> dict:
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 200
    return response.json()


def orders_with(access):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return api.get("/api/v1/orders/")


def refresh(token):
    return APIClient().post("/api/v1/auth/token/refresh/", {"refresh": token}, format="json")


@pytest.mark.django_db
def test_an_access_token_issued_before_a_password_change_is_refused():
    user = make_user("ada@example.com")
    tokens = tokens_for(user.email)
    assert orders_with(tokens["access"]).status_code == 200
    user.set_password("a-new-long-secret")
    user.save()
    refused = orders_with(tokens["access"])
    assert refused.status_code == 401
    assert orders_with(tokens_for(user.email, "a-new-long-secret")["access"]).status_code == 200


@pytest.mark.django_db
def test_a_refresh_token_issued_before_a_password_change_is_refused():
    user = make_user("ada@example.com")
    tokens = tokens_for(user.email)
    user.set_password("a-new-long-secret")
    user.save()
    refused = refresh(tokens["refresh"])
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_token"


@pytest.mark.django_db
def test_a_password_reset_through_the_site_ends_the_api_session(client):
    import re

    from django.core import mail

    user = make_user("ada@example.com")
    tokens = tokens_for(user.email)
    client.post("/account/password-reset/", {"email": user.email})
    link = re.search(r"/account/password-reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body).group(0)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        set_password_url,
        {"new_password1": "a-new-long-secret", "new_password2": "a-new-long-secret"},
    )
    assert orders_with(tokens["access"]).status_code == 401
    assert refresh(tokens["refresh"]).status_code == 401


@pytest.mark.django_db
def test_a_rotated_pair_keeps_working_until_the_password_changes():
    user = make_user("ada@example.com")
    rotated = refresh(tokens_for(user.email)["refresh"]).json()
    assert orders_with(rotated["access"]).status_code == 200
    assert refresh(rotated["refresh"]).status_code == 200


@pytest.mark.django_db
def test_a_refresh_token_of_a_deleted_account_is_refused():
    user = make_user("ada@example.com")
    tokens = tokens_for(user.email)
    user.delete()
    assert refresh(tokens["refresh"]).status_code == 401


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_refreshes_of_one_token_yield_one_new_pair(settings):
    settings.RATE_LIMITS_ENABLED = False
    make_user("ada@example.com")
    for _ in range(8):
        token = tokens_for("ada@example.com")["refresh"]
        statuses = race(4, lambda i, token=token: refresh(token).status_code)
        assert sorted(statuses) == [200, 401, 401, 401], statuses
