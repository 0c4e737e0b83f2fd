"""The support API: agents look up customers and orders, refund, cancel, transfer, exchange,
resend and work cases; organizers do the same on their own events only."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from rest_framework.test import APIClient
from wagtail.models import ModelLogEntry

from accounts.roles import FULFILMENT, MARKETING, SUPPORT, make_organizer
from commerce.models import EventInventory, Order, Refund, Ticket, TicketStatus, TierInventory
from commerce.services.checkout import start_checkout
from commerce.services.demo_payments import confirm_demo_payment
from commerce.services.holds import LineRequest, place_hold
from commerce.tickets import InvalidTicket, ticket_payload
from crm.api import schema as documented
from crm.models import CaseMessage, MessageKind, SupportCase
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db

CARD = "4242424242424242"


def buy(event, *, buyer=None, email="bea@example.com", name="Bea Buyer", **quantities) -> Order:
    """A paid order through the demo gateway: `buy(event, General=2)`."""
    lines = [
        LineRequest(event.tiers.get(name=tier).pk, quantity)
        for tier, quantity in quantities.items()
    ]
    hold = place_hold(event=event, lines=lines, buyer=buyer, session_key=f"s-{email}")
    payment = start_checkout(hold=hold, buyer_email=email, buyer_name=name)
    assert confirm_demo_payment(payment=payment, card_number=CARD) == "succeeded"
    return Order.objects.get(payment=payment)


def member_of(group_name: str, email: str):
    user = make_user(email)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def client_for(user=None) -> APIClient:
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    if user is not None:
        client.force_authenticate(user)
    return client


def available(event, tier_name: str) -> int:
    """What the public events API says is still on sale for a tier."""
    body = APIClient().get(f"/api/v1/events/{event.pk}/").json()
    return next(tier["available"] for tier in body["tiers"] if tier["name"] == tier_name)


def sold(event) -> tuple:
    return EventInventory.objects.get(event_key=event.translation_key).sold, {
        tier.name: TierInventory.objects.get(tier_key=tier.translation_key).sold
        for tier in event.tiers.all()
    }


@pytest.fixture
def event(organization):
    return make_event(
        organization,
        "Aurora Night",
        capacity=10,
        tiers=[("General", 2500, None), ("Balcony", 1500, 2), ("Standing", 1000, None)],
    )


@pytest.fixture
def other_event(other_organization):
    return make_event(other_organization, "Northwind Summit", capacity=10)


@pytest.fixture
def attendee():
    return make_user("bea@example.com", name="Bea Buyer")


@pytest.fixture
def order(event, attendee):
    return buy(event, buyer=attendee, General=2)


@pytest.fixture
def other_order(other_event):
    return buy(other_event, email="nora@example.com", name="Nora North", General=1)


@pytest.fixture
def case(order):
    from crm.services.cases import open_case

    return open_case(
        subject="Where are my tickets?",
        customer_email=order.buyer_email,
        customer_name=order.buyer_name,
        order=order,
        body="I cannot find the email.",
    )


@pytest.fixture
def support():
    return member_of(SUPPORT, "agent@example.com")


@pytest.fixture
def other_organizer(other_organization):
    user = make_user("northwind@example.com")
    make_organizer(user, other_organization)
    return user


@pytest.fixture
def users(organizer, other_organizer, support, attendee):
    return {
        "anonymous": None,
        "attendee": attendee,
        "marketing": member_of(MARKETING, "marketing@example.com"),
        "fulfilment": member_of(FULFILMENT, "fulfilment@example.com"),
        "support": support,
        "organizer": organizer,
        "other_organizer": other_organizer,
    }


# --- success shapes -------------------------------------------------------------------


def test_an_agent_finds_a_customer_by_order_number(support, order):
    response = client_for(support).get("/api/v1/support/customers/", {"q": order.number})

    assert response.status_code == 200
    hit = response.json()["results"][0]
    assert set(hit) == set(documented.SupportCustomerSerializer().fields)
    assert hit["email"] == "bea@example.com"
    assert hit["id"] == order.buyer_id
    assert order.number in hit["orders"]


def test_a_guest_customer_has_no_account_id(support, other_order):
    response = client_for(support).get("/api/v1/support/customers/", {"q": "nora@example.com"})

    assert [(hit["id"], hit["email"]) for hit in response.json()["results"]] == [
        (None, "nora@example.com")
    ]


def test_a_customer_search_without_a_query_names_the_field(support):
    response = client_for(support).get("/api/v1/support/customers/")

    assert response.status_code == 400
    assert response.json()["error"] == "validation_error"
    assert "q" in response.json()["detail"]


def test_the_order_shows_its_tickets_payment_and_refunds(support, event, order):
    response = client_for(support).get(f"/api/v1/support/orders/{order.number}/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == set(documented.SupportOrderSerializer().fields)
    assert body["number"] == order.number
    assert body["event"] == {"id": event.pk, "title": "Aurora Night"}
    assert body["buyer"] == {"email": "bea@example.com", "name": "Bea Buyer"}
    assert (body["total_minor"], body["refunded_minor"], body["currency"]) == (5000, 0, "EUR")
    general = event.tiers.get(name="General").pk
    assert [(t["tier_id"], t["status"]) for t in body["tickets"]] == [(general, "valid")] * 2
    assert set(body["tickets"][0]) == set(documented.SupportTicketSerializer().fields)
    [payment] = body["payments"]
    assert set(payment) == set(documented.SupportPaymentSerializer().fields)
    assert (payment["gateway"], payment["amount_minor"]) == ("demo", 5000)
    assert payment["reference"] == order.payment.reference
    assert body["refunds"] == []


def test_refunding_one_ticket_puts_its_place_on_sale_again(support, event, order):
    ticket = order.tickets.order_by("pk").first()
    assert available(event, "General") == 8

    response = client_for(support).post(
        f"/api/v1/support/orders/{order.number}/refund/",
        {"tickets": [ticket.code], "reason": "Cannot come"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    refund = response.json()["refund"]
    assert set(refund) == set(documented.SupportRefundSerializer().fields)
    assert (refund["amount_minor"], refund["status"]) == (2500, "succeeded")
    assert available(event, "General") == 9
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REFUNDED
    shown = client_for(support).get(f"/api/v1/support/orders/{order.number}/").json()
    assert shown["refunded_minor"] == 2500 and shown["status"] == "partially_refunded"
    [listed] = shown["refunds"]
    assert set(listed) == set(documented.SupportOrderRefundSerializer().fields)
    assert (listed["id"], listed["tickets"], listed["reason"]) == (
        refund["id"],
        [ticket.code],
        "Cannot come",
    )
    assert sorted(t["status"] for t in shown["tickets"]) == ["refunded", "valid"]


def test_a_refund_is_audited_with_the_agent_and_the_address(support, order):
    client_for(support).post(
        f"/api/v1/support/orders/{order.number}/refund/",
        {"amount_minor": 700, "reason": "Goodwill"},
        format="json",
    )

    entry = ModelLogEntry.objects.get(action="bilten.crm_order_refunded", object_id=str(order.pk))
    assert entry.user == support
    assert entry.data["ip"] == "203.0.113.9"
    assert entry.data["amount_minor"] == 700
    assert entry.data["before"]["refunded_minor"] == 0
    assert entry.data["after"]["refunded_minor"] == 700


def test_an_amount_refund_keeps_the_tickets_valid_and_emails_the_buyer(
    support, order, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(support).post(
            f"/api/v1/support/orders/{order.number}/refund/", {"amount_minor": 700}, format="json"
        )

    assert response.json()["refund"]["amount_minor"] == 700
    assert set(order.tickets.values_list("status", flat=True)) == {"valid"}
    assert [message.to for message in mail.outbox] == [["bea@example.com"]]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"tickets": ["NOT-A-TICKET"]}, "tickets"),
        ({"tickets": []}, "tickets"),
        ({"tickets": "abc"}, "tickets"),
        ({"amount_minor": 0}, "amount_minor"),
        ({"amount_minor": "lots"}, "amount_minor"),
        ({"amount_minor": 100, "tickets": ["x"]}, "amount_minor"),
        ({"reason": "x" * 501}, "reason"),
    ],
)
def test_a_bad_refund_body_names_the_field_and_refunds_nothing(support, order, body, field):
    response = client_for(support).post(
        f"/api/v1/support/orders/{order.number}/refund/", body, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "validation_error"
    assert field in response.json()["detail"]
    assert not Refund.objects.exists()


def test_refunding_more_than_was_paid_is_refused(support, order):
    response = client_for(support).post(
        f"/api/v1/support/orders/{order.number}/refund/", {"amount_minor": 9999}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"] == "amount_too_high"
    assert not Refund.objects.exists()


def test_a_transfer_gives_a_new_code_and_the_old_qr_no_longer_admits(
    support, order, django_capture_on_commit_callbacks
):
    from commerce.services.ticket_checks import verify_ticket

    ticket = order.tickets.order_by("pk").first()
    old_qr = ticket_payload(ticket)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(support).post(
            f"/api/v1/support/tickets/{ticket.code}/transfer/",
            {"name": "Max Muster", "email": "max@example.com"},
            format="json",
        )

    assert response.status_code == 200, response.json()
    assert set(response.json()) == set(documented.SupportTransferResultSerializer().fields)
    new_code = response.json()["ticket"]["code"]
    assert new_code != ticket.code
    with pytest.raises(InvalidTicket) as refused:
        verify_ticket(old_qr)
    assert refused.value.reason == "transferred"
    new = Ticket.objects.get(code=new_code)
    assert verify_ticket(ticket_payload(new)) == new
    assert new.attendee_email == "max@example.com"
    assert "max@example.com" in {address for message in mail.outbox for address in message.to}


@pytest.mark.parametrize(
    "body, field",
    [({"email": "max@example.com"}, "name"), ({"name": "Max", "email": "not-an-email"}, "email")],
)
def test_a_bad_transfer_body_names_the_field(support, order, body, field):
    ticket = order.tickets.first()
    response = client_for(support).post(
        f"/api/v1/support/tickets/{ticket.code}/transfer/", body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["detail"]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.VALID


def test_an_exchange_into_a_cheaper_tier_refunds_the_difference(support, event, order):
    ticket = order.tickets.order_by("pk").first()
    standing = event.tiers.get(name="Standing")

    response = client_for(support).post(
        f"/api/v1/support/tickets/{ticket.code}/exchange/", {"tier_id": standing.pk}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == set(documented.SupportExchangeResultSerializer().fields)
    assert body["ticket"]["tier_id"] == standing.pk and body["ticket"]["status"] == "valid"
    assert body["ticket"]["code"] != ticket.code
    assert body["difference_minor"] == -1500
    assert body["refund"]["amount_minor"] == 1500
    assert sold(event)[1] == {"General": 1, "Balcony": 0, "Standing": 1}


def test_an_exchange_into_a_sold_out_tier_is_refused_and_changes_nothing(support, event, order):
    buy(event, email="early@example.com", Balcony=2)
    ticket = order.tickets.order_by("pk").first()
    before, tickets_before = sold(event), Ticket.objects.count()

    response = client_for(support).post(
        f"/api/v1/support/tickets/{ticket.code}/exchange/",
        {"tier_id": event.tiers.get(name="Balcony").pk},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["error"] == "insufficient_inventory"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.VALID and ticket.replaced_by is None
    assert sold(event) == before
    assert Ticket.objects.count() == tickets_before
    assert not Refund.objects.exists()
    assert not ModelLogEntry.objects.filter(action="bilten.crm_ticket_exchanged").exists()


def test_an_exchange_into_an_unknown_tier_names_the_field(support, order):
    ticket = order.tickets.first()
    response = client_for(support).post(
        f"/api/v1/support/tickets/{ticket.code}/exchange/", {"tier_id": 999999}, format="json"
    )

    assert response.status_code == 400
    assert "tier_id" in response.json()["detail"]


def test_cancelling_with_a_refund_ends_every_ticket_and_frees_the_places(support, event, order):
    response = client_for(support).post(
        f"/api/v1/support/orders/{order.number}/cancel/", {"refund": True}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == set(documented.SupportCancelResultSerializer().fields)
    assert body["order"]["status"] == "cancelled"
    assert body["refund"]["amount_minor"] == 5000
    assert {ticket["status"] for ticket in body["order"]["tickets"]} == {"refunded"}
    assert available(event, "General") == 10


def test_cancelling_needs_to_say_whether_to_refund(support, order):
    response = client_for(support).post(
        f"/api/v1/support/orders/{order.number}/cancel/", {}, format="json"
    )

    assert response.status_code == 400
    assert "refund" in response.json()["detail"]
    order.refresh_from_db()
    assert order.status == "completed"


def test_resending_the_order_emails_the_buyer_again(
    support, order, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(support).post(
            f"/api/v1/support/orders/{order.number}/resend/", {}, format="json"
        )

    assert response.status_code == 200
    assert response.json() == {"resent": True}
    assert ["bea@example.com"] in [message.to for message in mail.outbox]


def test_resending_one_ticket_of_another_order_names_the_field(support, order, other_order):
    response = client_for(support).post(
        f"/api/v1/support/orders/{order.number}/resend/",
        {"ticket": other_order.tickets.first().code},
        format="json",
    )

    assert response.status_code == 400
    assert "ticket" in response.json()["detail"]


def test_an_agent_opens_a_case_and_lists_it_by_status_and_priority(support, order):
    response = client_for(support).post(
        "/api/v1/support/cases/",
        {
            "subject": "Wheelchair access",
            "customer_email": "bea@example.com",
            "customer_name": "Bea Buyer",
            "priority": "high",
            "order": order.number,
            "body": "Asked by phone.",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    created = response.json()
    assert set(created) == set(documented.SupportCaseSerializer().fields)
    assert (created["order"], created["priority"], created["status"]) == (
        order.number,
        "high",
        "new",
    )
    assert created["customer"] == {
        "id": order.buyer_id,
        "email": "bea@example.com",
        "name": "Bea Buyer",
    }
    listing = client_for(support).get("/api/v1/support/cases/", {"priority": "high"}).json()
    assert set(listing) == set(documented.SupportCaseListSerializer().fields)
    assert [case["id"] for case in listing["results"]] == [created["id"]]
    assert (
        client_for(support).get("/api/v1/support/cases/", {"status": "closed"}).json()["results"]
        == []
    )


@pytest.mark.parametrize(
    "query, field", [({"status": "sleeping"}, "status"), ({"priority": "asap"}, "priority")]
)
def test_a_bad_case_filter_names_the_field(support, query, field):
    response = client_for(support).get("/api/v1/support/cases/", query)

    assert response.status_code == 400
    assert field in response.json()["detail"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"customer_email": "nobody"}, "customer_email"),
        ({"subject": ""}, "subject"),
        ({"priority": "asap"}, "priority"),
        ({"order": "NO-SUCH"}, "order"),
        ({"body": ""}, "body"),
    ],
)
def test_a_bad_case_body_names_the_field(support, order, change, field):
    body = {"subject": "Help", "customer_email": "bea@example.com", "body": "Hello"}
    response = client_for(support).post("/api/v1/support/cases/", {**body, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert not SupportCase.objects.exists()


def test_a_public_reply_emails_the_customer_and_a_note_does_not(
    support, case, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    client = client_for(support)

    with django_capture_on_commit_callbacks(execute=True):
        replied = client.post(
            f"/api/v1/support/cases/{case.pk}/replies/",
            {"body": "We sent them again."},
            format="json",
        )
        noted = client.post(
            f"/api/v1/support/cases/{case.pk}/replies/",
            {"body": "Customer sounded upset.", "internal": True},
            format="json",
        )

    assert replied.status_code == 201, replied.json()
    assert set(replied.json()) == set(documented.SupportCaseReplyResultSerializer().fields)
    assert replied.json()["message"]["kind"] == "reply"
    assert replied.json()["message"]["internal"] is False
    assert replied.json()["case"]["status"] == "waiting"
    assert noted.status_code == 201
    assert noted.json()["message"]["internal"] is True
    sent = [message for message in mail.outbox if "bea@example.com" in message.to]
    assert len(sent) == 1
    assert "We sent them again." in sent[0].body
    assert "upset" not in "".join(message.body for message in mail.outbox)
    bodies = dict(CaseMessage.objects.filter(case=case).values_list("body", "kind"))
    assert bodies["We sent them again."] == MessageKind.REPLY
    assert bodies["Customer sounded upset."] == MessageKind.NOTE


def test_an_empty_reply_names_the_body(support, case):
    response = client_for(support).post(
        f"/api/v1/support/cases/{case.pk}/replies/", {"body": "   "}, format="json"
    )

    assert response.status_code == 400
    assert "body" in response.json()["detail"]


# --- who may do what: every role on every endpoint ----------------------------------------


def _endpoints(order, ticket, case, event, other_order):
    """name -> (method, url, body) on `order` of the organization's event."""
    return {
        "customers": ("get", "/api/v1/support/customers/", {"q": "bea@example.com"}),
        "order": ("get", f"/api/v1/support/orders/{order.number}/", None),
        "refund": (
            "post",
            f"/api/v1/support/orders/{order.number}/refund/",
            {"tickets": [ticket.code], "reason": "ill"},
        ),
        "cancel": ("post", f"/api/v1/support/orders/{order.number}/cancel/", {"refund": False}),
        "resend": ("post", f"/api/v1/support/orders/{order.number}/resend/", {}),
        "transfer": (
            "post",
            f"/api/v1/support/tickets/{ticket.code}/transfer/",
            {"name": "Max", "email": "max@example.com"},
        ),
        "exchange": (
            "post",
            f"/api/v1/support/tickets/{ticket.code}/exchange/",
            {"tier_id": event.tiers.get(name="Standing").pk},
        ),
        "cases": ("get", "/api/v1/support/cases/", None),
        "open_case": (
            "post",
            "/api/v1/support/cases/",
            {
                "subject": "Help",
                "customer_email": "bea@example.com",
                "order": order.number,
                "body": "Asked at the door.",
            },
        ),
        "reply": ("post", f"/api/v1/support/cases/{case.pk}/replies/", {"body": "On it."}),
    }


ENDPOINTS = [
    "customers",
    "order",
    "refund",
    "cancel",
    "resend",
    "transfer",
    "exchange",
    "cases",
    "open_case",
    "reply",
]
EVERYTHING = dict.fromkeys(ENDPOINTS, 200) | {"open_case": 201, "reply": 201}
EXPECTED = {
    "anonymous": dict.fromkeys(ENDPOINTS, 401),
    "attendee": dict.fromkeys(ENDPOINTS, 403),
    "marketing": dict.fromkeys(ENDPOINTS, 403),
    # Fulfilment finds customers (those with pre-orders) but has no orders or cases here.
    "fulfilment": dict.fromkeys(ENDPOINTS, 403) | {"customers": 200},
    "support": EVERYTHING,
    # Their own event: seen, cases worked, refunds within the policy (7 days before the
    # event by default; this event is in 30 days); transfers, exchanges, cancels are Support's.
    "organizer": EVERYTHING | {"cancel": 403, "transfer": 403, "exchange": 403},
    # Another organization's order, ticket or case is not found; its order is no field value.
    "other_organizer": dict.fromkeys(ENDPOINTS, 404)
    | {"customers": 200, "cases": 200, "open_case": 400},
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_on_each_endpoint(users, role, endpoint, order, case, event, other_order):
    ticket = order.tickets.order_by("pk").first()
    method, url, body = _endpoints(order, ticket, case, event, other_order)[endpoint]
    client = client_for(users[role])

    if method == "get":
        response = client.get(url, body or {})
    else:
        response = client.post(url, body, format="json")

    assert response.status_code == EXPECTED[role][endpoint], response.content
    if response.status_code >= 400:
        assert set(response.json()) >= {"error", "detail"}
    if response.status_code == 401:
        assert response.json()["error"] == "not_authenticated"


def test_another_organization_learns_nothing_from_the_customer_search(other_organizer, order):
    for q in ("bea@example.com", order.number, "Bea"):
        response = client_for(other_organizer).get("/api/v1/support/customers/", {"q": q})
        assert response.json() == {"results": []}


def test_an_organizer_sees_only_their_own_cases(organizer, other_organizer, case, other_order):
    from crm.services.cases import open_case

    theirs = open_case(
        subject="Parking",
        customer_email="nora@example.com",
        order=other_order,
        body="Is there parking?",
    )

    mine = client_for(organizer).get("/api/v1/support/cases/").json()["results"]
    others = client_for(other_organizer).get("/api/v1/support/cases/").json()["results"]

    assert [c["id"] for c in mine] == [case.pk]
    assert [c["id"] for c in others] == [theirs.pk]


def test_an_organizer_may_not_refund_outside_the_refund_policy(organizer, organization, order):
    from crm.models import RefundPolicy, RefundPolicyKind

    RefundPolicy.objects.create(organization=organization, kind=RefundPolicyKind.NO_REFUNDS)

    response = client_for(organizer).post(
        f"/api/v1/support/orders/{order.number}/refund/", {"amount_minor": 100}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"
    assert not Refund.objects.exists()


def test_a_superuser_is_a_platform_admin_here(order):
    admin = make_user("root@example.com", is_superuser=True, is_staff=True)

    response = client_for(admin).get(f"/api/v1/support/orders/{order.number}/")

    assert response.status_code == 200


def test_a_jwt_bearer_token_works_like_the_session(support, order):
    from rest_framework_simplejwt.tokens import AccessToken

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(support)}")

    assert client.get(f"/api/v1/support/orders/{order.number}/").status_code == 200


def test_the_support_endpoints_are_published_in_the_api_schema():
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        "/api/v1/support/customers/",
        "/api/v1/support/orders/{number}/",
        "/api/v1/support/orders/{number}/refund/",
        "/api/v1/support/orders/{number}/cancel/",
        "/api/v1/support/orders/{number}/resend/",
        "/api/v1/support/tickets/{code}/transfer/",
        "/api/v1/support/tickets/{code}/exchange/",
        "/api/v1/support/cases/",
        "/api/v1/support/cases/{id}/replies/",
        "/api/v1/orders/{number}/refund-request/",
    } <= set(paths)
    exchange = paths["/api/v1/support/tickets/{code}/exchange/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(exchange)
    request = paths["/api/v1/orders/{number}/refund-request/"]["post"]["responses"]
    assert {"200", "202", "401", "404", "429"} <= set(request)


def test_an_exchange_into_a_dearer_tier_reserves_the_place_and_asks_the_customer_to_pay(
    support, event, attendee, django_capture_on_commit_callbacks
):
    order = buy(event, buyer=attendee, Standing=1)
    ticket = order.tickets.get()
    general = event.tiers.get(name="General")
    before = available(event, "General")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(support).post(
            f"/api/v1/support/tickets/{ticket.code}/exchange/",
            {"tier_id": general.pk},
            format="json",
        )

    assert response.status_code == 202, response.json()
    body = response.json()
    assert set(body) == {"exchange"}
    exchange = body["exchange"]
    assert set(exchange) == set(documented.SupportExchangeChargeSerializer().fields)
    assert set(exchange) == {"id", "status", "amount_minor", "currency", "pay_url", "expires_at"}
    assert exchange["status"] == "awaiting_payment"
    assert (exchange["amount_minor"], exchange["currency"]) == (1500, "EUR")
    assert f"/exchanges/{exchange['id']}/" in exchange["pay_url"]
    assert available(event, "General") == before - 1  # reserved at once
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.VALID  # until the customer pays
    assert [m.to for m in mail.outbox] == [["bea@example.com"]]
    assert exchange["pay_url"] in mail.outbox[0].body
    entry = ModelLogEntry.objects.get(action="bilten.crm_exchange_payment_requested")
    assert entry.user == support and entry.data["amount_minor"] == 1500

    # The customer pays on the emailed page: the tickets swap.
    from django.test import Client

    path = exchange["pay_url"].split("://", 1)[1].split("/", 1)[1]
    paid = Client().post(
        f"/{path}", {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"}
    )
    assert paid.status_code == 302
    ticket.refresh_from_db()
    assert (
        ticket.status == TicketStatus.VOID
        and ticket.replaced_by.tier_key == general.translation_key
    )
    assert ModelLogEntry.objects.filter(action="bilten.exchange_paid").exists()


def test_a_waived_dearer_exchange_still_answers_with_the_new_ticket(support, event, attendee):
    order = buy(event, buyer=attendee, Standing=1)
    ticket = order.tickets.get()
    response = client_for(support).post(
        f"/api/v1/support/tickets/{ticket.code}/exchange/",
        {"tier_id": event.tiers.get(name="General").pk, "waive_difference": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["difference_minor"] == 1500
    assert response.json()["ticket"]["status"] == "valid"


def test_a_dearer_exchange_with_no_place_left_is_refused_and_changes_nothing(
    support, event, attendee
):
    order = buy(event, buyer=attendee, Standing=1)
    buy(event, email="early@example.com", Balcony=2)
    ticket = order.tickets.get()
    before = sold(event)

    response = client_for(support).post(
        f"/api/v1/support/tickets/{ticket.code}/exchange/",
        {"tier_id": event.tiers.get(name="Balcony").pk},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["error"] == "insufficient_inventory"
    assert sold(event) == before
    from commerce.models import ExchangeCharge

    assert not ExchangeCharge.objects.exists()
    assert not ModelLogEntry.objects.filter(action="bilten.crm_exchange_payment_requested").exists()
