"""Registration and login are rate limited (429, the API error shape); RATE_LIMITS=off lifts it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def api():
    return APIClient()


def assert_rate_limited(response):
    assert response.status_code == 429
    body = response.json()
    assert body["error"] == "rate_limited"
    assert body["detail"]
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_registration_answers_429_after_the_limit_and_creates_no_account(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": "2/hour"}
    for number in (1, 2):
        response = api.post(
            "/api/v1/auth/register/",
            {"email": f"fan{number}@example.com", "password": PASSWORD, "name": "Fan"},
            format="json",
        )
        assert response.status_code == 201
    refused = api.post(
        "/api/v1/auth/register/",
        {"email": "fan3@example.com", "password": PASSWORD, "name": "Fan"},
        format="json",
    )
    assert_rate_limited(refused)
    assert not User.objects.filter(email="fan3@example.com").exists()


@pytest.mark.django_db
def test_login_answers_429_after_the_limit_even_with_the_right_password(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "2/min"}
    make_user("ada@example.com")
    credentials = {"email": "ada@example.com", "password": PASSWORD}
    for _ in range(2):
        assert api.post("/api/v1/auth/token/", credentials, format="json").status_code == 200
    refused = api.post("/api/v1/auth/token/", credentials, format="json")
    assert_rate_limited(refused)
    assert "access" not in refused.json()


# The environment is read once, when settings load: probe a fresh process.
PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
print(json.dumps({
    path: [client.post(path, {}, content_type="application/json").status_code for _ in range(3)]
    for path in ("/api/v1/auth/register/", "/api/v1/auth/token/")
}))
"""


def statuses_with(tmp_path, **env):
    """Three empty (invalid: 400) posts to each endpoint, with limits of one a minute."""
    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "RATE_LIMITS")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "bilten.settings.test",
            # Never opened: invalid requests are refused before any query.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            "RATE_LIMIT_REGISTER": "1/min",
            "RATE_LIMIT_LOGIN": "1/min",
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_rate_limits_are_on_by_default(tmp_path):
    assert statuses_with(tmp_path) == {
        "/api/v1/auth/register/": [400, 429, 429],
        "/api/v1/auth/token/": [400, 429, 429],
    }


def test_rate_limits_off_in_the_environment_switches_them_off(tmp_path):
    assert statuses_with(tmp_path, RATE_LIMITS="off") == {
        "/api/v1/auth/register/": [400, 400, 400],
        "/api/v1/auth/token/": [400, 400, 400],
    }
