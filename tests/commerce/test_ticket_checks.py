"""Only a valid ticket admits anyone: its QR code is checked by signature AND by its state."""

import uuid

import pytest
from rest_framework.test import APIClient

from commerce.models import Ticket, TicketStatus
from commerce.services.refunds import cancel_order, refund_order
from commerce.services.ticket_checks import verify_ticket
from commerce.tickets import InvalidTicket, ticket_payload
from tests.commerce.refund_data import paid_order
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/tickets/verify/"


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=10, tiers=[("General", 2500, None)])


@pytest.fixture
def order(event):
    return paid_order(event, ("General", 3), names=["Ann", "Ben", "Cy"])


def refusal(payload) -> str:
    with pytest.raises(InvalidTicket) as refused:
        verify_ticket(payload)
    return refused.value.reason


def test_a_valid_ticket_s_qr_code_admits(order):
    ticket = order.tickets.order_by("pk").first()
    assert verify_ticket(ticket_payload(ticket)) == ticket


def test_a_refunded_ticket_is_refused_though_its_signature_is_good(order):
    ticket = order.tickets.order_by("pk").first()
    payload = ticket_payload(ticket)
    refund_order(order=order, tickets=[ticket])
    assert refusal(payload) == "refunded"
    other = order.tickets.filter(status=TicketStatus.VALID).first()
    assert verify_ticket(ticket_payload(other)) == other


def test_a_cancelled_order_s_tickets_are_refused_as_void(order):
    payloads = [ticket_payload(ticket) for ticket in order.tickets.all()]
    cancel_order(order=order, refund=False)
    assert [refusal(payload) for payload in payloads] == ["void"] * 3


def test_a_transferred_or_used_ticket_is_refused_with_that_reason(order):
    first, second, _third = order.tickets.order_by("pk")
    payloads = ticket_payload(first), ticket_payload(second)
    Ticket.objects.filter(pk=first.pk).update(status=TicketStatus.TRANSFERRED)
    Ticket.objects.filter(pk=second.pk).update(status=TicketStatus.USED)
    assert [refusal(payload) for payload in payloads] == ["transferred", "used"]


def test_forged_and_malformed_payloads_are_refused_as_forged(order):
    payload = ticket_payload(order.tickets.first())
    prefix, body, signature = payload.split(".")
    other_body = ticket_payload(order.tickets.last()).split(".")[1]
    assert refusal(f"{prefix}.{other_body}.{signature}") == "forged"
    assert refusal("garbage") == "forged"
    assert refusal("") == "forged"


def test_a_signed_code_of_no_ticket_or_of_another_event_is_unknown(order):
    ghost = Ticket(order=order, tier_key=uuid.uuid4(), code="no-such-ticket")
    assert refusal(ticket_payload(ghost)) == "unknown"
    ticket = order.tickets.first()
    old_payload = ticket_payload(ticket)
    ticket.event_key = uuid.uuid4()  # exchanged to another event: the old QR code is dead
    ticket.save(update_fields=["event_key"])
    assert refusal(old_payload) == "unknown"
    assert verify_ticket(ticket_payload(ticket)) == ticket


# --- the staff endpoint ------------------------------------------------------------------


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_staff_who_see_the_event_s_sales_learn_whether_a_ticket_admits(organizer, order):
    ticket = order.tickets.order_by("pk").first()
    api = api_as(organizer)
    answer = api.post(VERIFY, {"payload": ticket_payload(ticket)}, format="json")
    assert answer.status_code == 200
    assert answer.json() == {
        "valid": True,
        "code": ticket.code,
        "tier_id": ticket.item.tier_id,
        "attendee_name": "Ann",
    }
    refund_order(order=order, tickets=[ticket])
    answer = api.post(VERIFY, {"payload": ticket_payload(ticket)}, format="json")
    assert answer.json() == {"valid": False, "reason": "refunded"}
    assert api.post(VERIFY, {"payload": "garbage"}, format="json").json() == {
        "valid": False,
        "reason": "forged",
    }


def test_everyone_else_is_refused_with_403(order, other_organization):
    from accounts.roles import make_organizer

    payload = ticket_payload(order.tickets.first())
    stranger = make_user("other-org@example.com")
    make_organizer(stranger, other_organization)
    buyer = make_user("someone@example.com")
    for user in (None, buyer, stranger):
        answer = api_as(user).post(VERIFY, {"payload": payload}, format="json")
        assert answer.status_code == 403, user
        assert answer.json()["error"] == "permission_denied"
    # Not even whether a forged code is forged, for who may see no sales at all.
    assert api_as(buyer).post(VERIFY, {"payload": "garbage"}, format="json").status_code == 403


def test_a_missing_payload_is_refused_naming_the_field(organizer):
    answer = api_as(organizer).post(VERIFY, {}, format="json")
    assert answer.status_code == 400
    assert "payload" in str(answer.json()["detail"])
