"""Rate limits and login lockouts see the client's address, not a header the client wrote."""

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from core.client_address import client_address
from tests.factories import PASSWORD, make_user

PROXY = "10.0.0.2"


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_a_client_that_is_not_a_trusted_proxy_cannot_forward_for_anyone(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_address(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_forwarded(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_address(request_from(PROXY, "203.0.113.1")) == "203.0.113.1"


def test_behind_trusted_proxies_what_the_client_prepended_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = request_from(PROXY, "1.2.3.4, 203.0.113.1, 10.0.0.9")
    assert client_address(request) == "203.0.113.1"


def test_a_malformed_forwarded_hop_leaves_the_proxy_as_the_client(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_address(request_from(PROXY, "not-an-address")) == PROXY


def test_an_ipv4_mapped_address_is_the_ipv4_address(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("::ffff:198.51.100.7")) == "198.51.100.7"


def login(api, email, password, forwarded):
    return api.post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        format="json",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_a_client_changing_x_forwarded_for_on_every_request_is_still_limited(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "3/min"}
    make_user("ada@example.com")
    api = APIClient()
    statuses = [
        login(api, "ada@example.com", PASSWORD, f"203.0.113.{n}").status_code for n in range(6)
    ]
    assert statuses == [200, 200, 200, 429, 429, 429]


@pytest.mark.django_db
def test_a_client_changing_x_forwarded_for_still_registers_only_up_to_the_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": "2/hour"}
    api = APIClient()
    statuses = [
        api.post(
            "/api/v1/auth/register/",
            {"email": f"fan{n}@example.com", "password": PASSWORD, "name": "Fan"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(4)
    ]
    assert statuses == [201, 201, 429, 429]


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_limit(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's REMOTE_ADDR
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "1/min"}
    make_user("ada@example.com")
    api = APIClient()
    first = login(api, "ada@example.com", PASSWORD, "203.0.113.1")
    other = login(api, "ada@example.com", PASSWORD, "203.0.113.2")
    again = login(api, "ada@example.com", PASSWORD, "203.0.113.1")
    assert (first.status_code, other.status_code, again.status_code) == (200, 200, 429)


@pytest.mark.django_db
def test_failures_from_another_client_behind_the_proxy_do_not_lock_the_owner_out(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    make_user("ada@example.com")
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        login(api, "ada@example.com", "wrong", "203.0.113.66")
    assert login(api, "ada@example.com", PASSWORD, "203.0.113.66").status_code == 429
    assert login(api, "ada@example.com", PASSWORD, "198.51.100.7").status_code == 200


@pytest.mark.django_db
def test_a_lockout_is_not_escaped_by_changing_x_forwarded_for(settings):
    settings.TRUSTED_PROXIES = []
    make_user("ada@example.com")
    api = APIClient()
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        login(api, "ada@example.com", "wrong", f"203.0.113.{n}")
    refused = login(api, "ada@example.com", PASSWORD, "203.0.113.200")
    assert refused.status_code == 429
    assert refused.json()["error"] == "locked_out"
