"""What an attendee sees when something goes wrong: a reload, an expired hold, a 500."""

import datetime as dt
import json

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation

from commerce.models import Hold
from core.errors import server_error
from tests.factories import make_event


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=5, tiers=[("General", 2500, None), ("VIP", 9000, 1)])


def hold_tickets(client, event, **quantities):
    data = {f"tier_{event.tiers.get(name=name).pk}": qty for name, qty in quantities.items()}
    return client.post(f"/tickets/{event.pk}/hold/", data)


@pytest.mark.django_db
def test_opening_the_hold_address_goes_back_to_the_event_s_tickets(client, event):
    response = client.get(f"/tickets/{event.pk}/hold/")
    assert response.status_code == 302
    assert response["Location"] == f"{event.url}#tickets"


@pytest.mark.django_db
def test_a_refused_quantity_is_marked_invalid_and_described_by_its_error(client, event):
    response = hold_tickets(client, event, General=11)
    body = response.content.decode()
    field = f"id_tier_{event.tiers.get(name='General').pk}"
    assert response.status_code == 409
    assert 'aria-invalid="true"' in body
    assert f'aria-describedby="{field}_error"' in body
    assert f'id="{field}_error"' in body


@pytest.mark.django_db
def test_an_expired_hold_says_so_and_offers_the_same_quantities_again(client, event):
    checkout_url = hold_tickets(client, event, General=2)["Location"]
    Hold.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    body = client.get(checkout_url).content.decode()

    assert "Your hold expired, the tickets went back on sale." in body
    assert f'action="/tickets/{event.pk}/hold/"' in body
    assert 'value="2"' in body
    assert "Continue to payment" not in body


@pytest.mark.django_db
def test_details_sent_after_the_hold_expired_show_the_offer_to_hold_again(client, event):
    checkout_url = hold_tickets(client, event, General=1)["Location"]
    Hold.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = client.post(checkout_url, {"buyer_name": "Ada", "buyer_email": "ada@example.com"})

    assert "Hold these tickets again" in response.content.decode()


def test_the_500_page_needs_neither_the_database_nor_context_processors():
    # No django_db mark: any query here fails the test.
    request = RequestFactory().get("/de/events/")
    with translation.override("de"):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="de">' in body
    assert 'href="/static/css/bilten.css"' in body
    assert "Bei uns ist etwas schiefgelaufen" in body


def test_the_500_answer_under_the_api_is_json():
    response = server_error(RequestFactory().get("/api/v1/events/"))
    assert response.status_code == 500
    assert json.loads(response.content)["error"] == "server_error"
