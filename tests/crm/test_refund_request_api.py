"""An attendee asks for their money back through the API: refunded at once within the
organizer's refund policy, otherwise a support case for an agent to decide."""

import pytest
from django.core import mail
from rest_framework.test import APIClient
from wagtail.models import ModelLogEntry

from commerce.models import Order, Refund, TicketStatus
from commerce.services.checkout import start_checkout
from commerce.services.demo_payments import confirm_demo_payment
from commerce.services.holds import LineRequest, place_hold
from crm.api import schema as documented
from crm.models import CaseSource, RefundPolicy, RefundPolicyKind, SupportCase
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


def buy(event, *, buyer=None, session_key="bea-browser", quantity=2) -> Order:
    hold = place_hold(
        event=event,
        lines=[LineRequest(event.tiers.get().pk, quantity)],
        buyer=buyer,
        session_key=session_key,
    )
    payment = start_checkout(hold=hold, buyer_email="bea@example.com", buyer_name="Bea Buyer")
    assert confirm_demo_payment(payment=payment, card_number="4242424242424242") == "succeeded"
    return Order.objects.get(payment=payment)


def signed_in(user) -> APIClient:
    client = APIClient(REMOTE_ADDR="198.51.100.7")
    client.force_authenticate(user)
    return client


def ask(client, order, reason="I am ill"):
    return client.post(
        f"/api/v1/orders/{order.number}/refund-request/", {"reason": reason}, format="json"
    )


def available(event) -> int:
    return APIClient().get(f"/api/v1/events/{event.pk}/").json()["tiers"][0]["available"]


@pytest.fixture
def attendee():
    return make_user("bea@example.com", name="Bea Buyer")


@pytest.fixture
def event(organization):
    """In 30 days: inside the default policy (refunds until 7 days before)."""
    return make_event(organization, capacity=10, tiers=[("General", 2500, None)])


@pytest.fixture
def soon(organization):
    """In 3 days: outside the default policy."""
    return make_event(organization, "Soon", capacity=10, starts_in_days=3)


@pytest.fixture
def order(event, attendee):
    return buy(event, buyer=attendee)


def test_within_the_policy_the_order_is_refunded_at_once(
    attendee, event, order, django_capture_on_commit_callbacks
):
    assert available(event) == 8
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = ask(signed_in(attendee), order)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == set(documented.RefundRequestRefundedSerializer().fields)
    assert body["refunded"] is True
    assert body["refund"]["amount_minor"] == 5000
    assert body["refund"]["status"] == "succeeded"
    order.refresh_from_db()
    assert (order.status, order.refunded_minor) == ("refunded", 5000)
    assert set(order.tickets.values_list("status", flat=True)) == {TicketStatus.REFUNDED}
    assert available(event) == 10
    assert any("bea@example.com" in message.to for message in mail.outbox)
    assert not SupportCase.objects.exists()


def test_a_refund_request_is_audited_with_the_attendee_and_their_address(attendee, order):
    ask(signed_in(attendee), order)

    entry = ModelLogEntry.objects.get(action="bilten.crm_order_refunded", object_id=str(order.pk))
    assert entry.user == attendee
    assert entry.data["ip"] == "198.51.100.7"
    assert entry.data["after"]["refunded_minor"] == 5000


def test_outside_the_policy_a_case_is_opened_and_nothing_is_refunded(attendee, soon):
    order = buy(soon, buyer=attendee)

    response = ask(signed_in(attendee), order, reason="Flight cancelled")

    assert response.status_code == 202, response.json()
    body = response.json()
    assert set(body) == set(documented.RefundRequestCaseSerializer().fields)
    assert body["refunded"] is False
    case = SupportCase.objects.get(pk=body["case"]["id"])
    assert (case.order, case.source, case.customer) == (order, CaseSource.CUSTOMER, attendee)
    assert "Flight cancelled" in case.messages.first().body
    assert not Refund.objects.exists()
    assert set(order.tickets.values_list("status", flat=True)) == {TicketStatus.VALID}


def test_asking_twice_outside_the_policy_keeps_one_case(attendee, soon):
    order = buy(soon, buyer=attendee)
    client = signed_in(attendee)

    first, second = ask(client, order), ask(client, order)

    assert first.json()["case"]["id"] == second.json()["case"]["id"]
    assert SupportCase.objects.count() == 1


def test_an_organizer_without_refunds_gets_a_case_even_long_before_the_event(
    attendee, organization, order
):
    RefundPolicy.objects.create(organization=organization, kind=RefundPolicyKind.NO_REFUNDS)

    response = ask(signed_in(attendee), order)

    assert response.status_code == 202
    assert not Refund.objects.exists()


def test_a_longer_policy_window_sends_a_request_to_support(attendee, organization, order):
    RefundPolicy.objects.create(
        organization=organization, kind=RefundPolicyKind.UNTIL_DAYS_BEFORE, days_before=60
    )

    assert ask(signed_in(attendee), order).status_code == 202


def test_a_refunded_order_has_nothing_left_to_refund(attendee, order):
    client = signed_in(attendee)
    ask(client, order)

    again = ask(client, order)

    assert again.status_code == 400
    assert again.json()["error"] == "nothing_to_refund"


def test_someone_elses_order_is_not_found(order):
    stranger = make_user("eve@example.com")

    response = ask(signed_in(stranger), order)

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert not Refund.objects.exists()


def test_an_unknown_order_number_is_not_found(attendee):
    response = signed_in(attendee).post(
        "/api/v1/orders/NOPE1234/refund-request/", {}, format="json"
    )

    assert response.status_code == 404


def test_a_guest_order_has_no_api_refund_even_from_its_own_browser(event):
    guest = APIClient()
    session_key = guest.session.session_key or "guest-browser"
    order = buy(event, session_key=session_key)

    assert ask(guest, order).status_code == 401
    # Signed in with the same email address: still not theirs (it was bought as a guest).
    assert ask(signed_in(make_user("bea@example.com")), order).status_code == 404
    assert not Refund.objects.exists()


def test_without_signing_in_the_answer_is_401(order):
    response = ask(APIClient(), order)

    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_a_reason_over_500_characters_names_the_field(attendee, order):
    response = ask(signed_in(attendee), order, reason="x" * 501)

    assert response.status_code == 400
    assert "reason" in response.json()["detail"]
    assert not Refund.objects.exists()


def test_refund_requests_are_rate_limited(attendee, soon, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "refund_request": "2/hour"}
    order = buy(soon, buyer=attendee)
    client = signed_in(attendee)

    answers = [ask(client, order).status_code for _ in range(3)]

    assert answers == [202, 202, 429]
    limited = ask(client, order)
    assert limited.json()["error"] == "rate_limited"
    assert "Retry-After" in limited
