"""The agent action screens in the admin: refund, cancel, resend, transfer, exchange and
resend credentials — a form, a confirmation, then the action, for whoever may take it."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts import roles
from accounts.roles import make_organizer
from commerce.models import DemoCharge, Order, Refund, Ticket, TicketStatus
from commerce.services.checkout import start_checkout
from commerce.services.demo_payments import confirm_demo_payment
from commerce.services.holds import LineRequest, place_hold
from crm import audit
from crm.models import RefundPolicy, RefundPolicyKind
from tests.conftest import requires_postgres
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


def buy(event, *, email="bea@example.com", session_key="buyer", **quantities) -> Order:
    """A paid order through the demo gateway: `buy(event, General=2)`."""
    lines = [
        LineRequest(event.tiers.get(name=name).pk, quantity)
        for name, quantity in quantities.items()
    ]
    hold = place_hold(event=event, lines=lines, session_key=session_key)
    payment = start_checkout(
        hold=hold,
        buyer_email=email,
        buyer_name="Bea Buyer",
        attendee_names=[f"Guest {n}" for n in range(sum(quantities.values()))],
    )
    assert confirm_demo_payment(payment=payment, card_number="4242424242424242") == "succeeded"
    return Order.objects.get(payment=payment)


def member_of(group_name, email):
    user = make_user(email)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def event(organization):
    return make_event(
        organization,
        "Harbour Night",
        capacity=10,
        tiers=[("General", 2500, None), ("VIP", 6000, None), ("Student", 1500, None)],
    )


@pytest.fixture
def order(event):
    return buy(event, General=2)


@pytest.fixture
def agent(client, home_page):
    client.force_login(member_of(roles.SUPPORT, "agent@example.com"))
    return client


def url(name, *args):
    return reverse(name, args=args)


def codes(order) -> list[str]:
    return list(order.tickets.order_by("pk").values_list("code", flat=True))


def confirm(client, address, data):
    """Send the form, then confirm the step it shows; returns (confirmation, result)."""
    shown = client.post(address, data)
    assert shown.status_code == 200, shown.content.decode()[:2000]
    assert shown.context["confirming"], shown.context["form"].errors
    token = shown.context["token"]
    result = client.post(address, {**data, "confirm": "1", "token": token})
    return shown, result


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def entries(instance, action):
    return ModelLogEntry.objects.filter(
        action=action, content_type__model=instance._meta.model_name, object_id=str(instance.pk)
    )


# --- refund ---------------------------------------------------------------------------


def test_support_refunds_one_ticket_after_seeing_what_will_happen(agent, order):
    first, second = codes(order)
    address = url("crm_order_refund", order.number)

    page = agent.get(address)
    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in html and "Harbour Night" in html and "bea@example.com" in html
    assert first in html and "€25.00" in html  # each ticket with its paid price

    data = {"tickets": [first], "reason": "Cannot come", "next": "/admin/crm/customers/abc/"}
    shown, result = confirm(agent, address, data)
    text = shown.content.decode()
    assert "€25.00 goes back to the card" in text
    assert "1 place goes back on sale for Harbour Night." in text

    assert result.status_code == 302 and result["Location"] == "/admin/crm/customers/abc/"
    assert "Refunded €25.00 on order" in texts(result)[0]
    assert Ticket.objects.get(code=first).status == TicketStatus.REFUNDED
    assert Ticket.objects.get(code=second).status == TicketStatus.VALID
    refund = Refund.objects.get(order=order)
    assert (refund.amount_minor, refund.reason) == (2500, "Cannot come")
    assert list(refund.tickets.values_list("code", flat=True)) == [first]
    entry = entries(order, audit.ORDER_REFUNDED).get()
    assert entry.user.email == "agent@example.com"
    assert entry.data["tickets"] == [first] and entry.data["ip"] == "127.0.0.1"
    assert entry.data["after"]["refunded_minor"] == 2500


def test_nothing_changes_until_the_agent_confirms(agent, order):
    response = agent.post(
        url("crm_order_refund", order.number), {"tickets": codes(order)[:1], "reason": "x"}
    )
    assert response.status_code == 200 and response.context["confirming"]
    assert not Refund.objects.exists()
    assert order.tickets.filter(status=TicketStatus.VALID).count() == 2


def test_an_amount_in_major_units_is_refunded_in_minor_units_and_the_tickets_stay(agent, order):
    shown, result = confirm(
        agent, url("crm_order_refund", order.number), {"amount": "12.50", "reason": "Late start"}
    )
    assert "€12.50 goes back to the card" in shown.content.decode()
    assert "No place goes back on sale" in shown.content.decode()
    assert result.status_code == 302
    assert result["Location"] == reverse("bilten_orders:inspect", args=[order.pk])
    assert Refund.objects.get(order=order).amount_minor == 1250
    order.refresh_from_db()
    assert order.refunded_minor == 1250 and order.status == "partially_refunded"
    assert order.tickets.filter(status=TicketStatus.VALID).count() == 2


@pytest.mark.parametrize(
    ("amount", "rule"),
    [
        ("-5", "Enter an amount of at least 0.01."),
        ("0", "Enter an amount of at least 0.01."),
        ("60.00", "Enter at most €50.00: that is what is left to refund on this order."),
        ("99999999999999", "Enter an amount no larger than what is left to refund."),
        ("1e9", "Enter at most €50.00: that is what is left to refund on this order."),
        ("12.345", "Enter the amount with at most two decimals."),
        ("ten", "Enter the amount as a number such as 12.50."),
    ],
)
def test_a_wrong_amount_is_refused_beside_the_field_with_its_rule(agent, order, amount, rule):
    response = agent.post(url("crm_order_refund", order.number), {"amount": amount, "reason": "x"})
    assert response.status_code == 200 and not response.context["confirming"]
    assert response.context["form"].errors["amount"] == [rule]
    assert "Or an amount (EUR)" in response.content.decode()
    assert not Refund.objects.exists()


def test_tickets_and_an_amount_together_or_neither_are_refused(agent, order):
    address = url("crm_order_refund", order.number)
    both = agent.post(address, {"tickets": codes(order)[:1], "amount": "5", "reason": "x"})
    assert "not both" in both.context["form"].errors["amount"][0]
    neither = agent.post(address, {"reason": "x"})
    assert neither.context["form"].errors["tickets"] == [
        "Choose at least one ticket, or enter an amount."
    ]
    no_reason = agent.post(address, {"tickets": codes(order)[:1]})
    assert "reason" in no_reason.context["form"].errors


def test_another_orders_ticket_code_in_the_form_is_refused(agent, event, order):
    other = buy(event, email="olaf@example.com", session_key="other", General=1)
    response = agent.post(
        url("crm_order_refund", order.number),
        {"tickets": [codes(other)[0]], "reason": "x", "confirm": "1", "token": "made-up"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["tickets"] == [
        f"Ticket {codes(other)[0]} is not a ticket of order {order.number}."
    ]
    assert not Refund.objects.exists()
    assert not Ticket.objects.exclude(status=TicketStatus.VALID).exists()


def test_a_confirmation_sent_twice_refunds_once(agent, order):
    address = url("crm_order_refund", order.number)
    data = {"amount": "10.00", "reason": "Goodwill"}
    shown = agent.post(address, data)
    token = shown.context["token"]

    first = agent.post(address, {**data, "confirm": "1", "token": token})
    again = agent.post(address, {**data, "confirm": "1", "token": token})

    assert first.status_code == again.status_code == 302
    assert "already sent once" in texts(again)[-1]
    assert Refund.objects.filter(order=order).count() == 1
    assert entries(order, audit.ORDER_REFUNDED).count() == 1


def test_refunding_the_same_tickets_again_finds_them_no_longer_valid(agent, order):
    address = url("crm_order_refund", order.number)
    data = {"tickets": codes(order)[:1], "reason": "x"}
    confirm(agent, address, data)
    # The form of the first screen sent again, with a fresh confirmation.
    again = agent.post(address, {**data, "confirm": "1", "token": "another"})
    assert again.status_code == 200
    assert again.context["form"].errors["tickets"] == [
        f"Ticket {codes(order)[0]} is no longer valid (Refunded), so it cannot be refunded."
    ]
    assert Refund.objects.filter(order=order).count() == 1


def test_the_gateways_refusal_is_shown_on_the_form_and_nothing_changes(agent, order):
    DemoCharge.objects.filter(reference=order.payment_reference).update(status="failed")
    shown, result = confirm(
        agent, url("crm_order_refund", order.number), {"tickets": codes(order)[:1], "reason": "x"}
    )
    assert result.status_code == 200
    assert "The payment provider refused the refund." in result.content.decode()
    assert not Refund.objects.exists()
    assert order.tickets.filter(status=TicketStatus.VALID).count() == 2


def test_an_outside_next_address_is_not_followed(agent, order):
    shown, result = confirm(
        agent,
        url("crm_order_refund", order.number),
        {"amount": "1.00", "reason": "x", "next": "https://evil.example/phish"},
    )
    assert result["Location"] == reverse("bilten_orders:inspect", args=[order.pk])


# --- who may ----------------------------------------------------------------------------


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


def test_an_organizer_refunds_their_event_within_the_refund_policy(organizer_client, order):
    shown, result = confirm(
        organizer_client,
        url("crm_order_refund", order.number),
        {"tickets": codes(order)[:1], "reason": "Asked by email"},
    )
    assert result.status_code == 302
    assert Refund.objects.get(order=order).amount_minor == 2500


def test_an_organizer_may_not_refund_outside_the_refund_policy(
    organizer_client, organization, order
):
    RefundPolicy.objects.create(organization=organization, kind=RefundPolicyKind.NO_REFUNDS)
    page = organizer_client.get(url("crm_order_refund", order.number))
    assert page.status_code == 403
    assert "This order is outside your organization&#x27;s refund policy" in page.content.decode()
    sent = organizer_client.post(
        url("crm_order_refund", order.number),
        {"tickets": codes(order)[:1], "reason": "x", "confirm": "1", "token": "t"},
    )
    assert sent.status_code == 403
    assert not Refund.objects.exists()


def test_an_event_starting_within_the_policy_days_is_outside_it(organizer_client, organization):
    soon = make_event(organization, "Soon", starts_in_days=3)
    order = buy(soon, General=1)
    assert organizer_client.get(url("crm_order_refund", order.number)).status_code == 403


@pytest.mark.parametrize("name", ["crm_order_cancel"])
def test_an_organizer_may_not_cancel(organizer_client, order, name):
    assert organizer_client.get(url(name, order.number)).status_code == 403
    response = organizer_client.post(
        url(name, order.number),
        {"also_refund": "on", "reason": "x", "confirm": "1", "token": "t"},
    )
    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).status == "completed"


@pytest.mark.parametrize("name", ["crm_ticket_transfer", "crm_ticket_exchange"])
def test_an_organizer_may_not_transfer_or_exchange(organizer_client, order, name):
    code = codes(order)[0]
    assert organizer_client.get(url(name, code)).status_code == 403
    response = organizer_client.post(
        url(name, code), {"name": "Max", "email": "max@example.com", "confirm": "1", "token": "t"}
    )
    assert response.status_code == 403
    assert Ticket.objects.get(code=code).status == TicketStatus.VALID


def test_an_organizer_resends_their_events_order(organizer_client, order):
    shown, result = confirm(
        organizer_client, url("crm_order_resend", order.number), {"what": "order"}
    )
    assert result.status_code == 302
    assert entries(order, audit.ORDER_RESENT).count() == 1


def every_screen(order):
    code = codes(order)[0]
    return [
        url("crm_order_refund", order.number),
        url("crm_order_cancel", order.number),
        url("crm_order_resend", order.number),
        url("crm_ticket_transfer", code),
        url("crm_ticket_exchange", code),
    ]


def test_another_organizations_order_and_tickets_do_not_exist_for_an_organizer(
    client, other_organization, order
):
    stranger = make_user("north@example.com")
    make_organizer(stranger, other_organization)
    client.force_login(stranger)
    for address in every_screen(order):
        assert client.get(address).status_code == 404, address
        assert client.post(address, {"reason": "x", "confirm": "1"}).status_code == 404, address


def test_marketing_is_refused_and_an_attendee_is_sent_to_sign_in(client, order):
    client.force_login(member_of(roles.MARKETING, "marketing@example.com"))
    for address in every_screen(order):
        response = client.get(address)
        assert response.status_code == 403, address
        assert "for Support and organizers" in response.content.decode()
    client.force_login(make_user("attendee@example.com"))
    for address in every_screen(order):
        response = client.get(address)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.logout()
    assert "/admin/login/" in client.get(every_screen(order)[0])["Location"]


def test_every_screen_asks_for_the_csrf_token(order, home_page):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member_of(roles.SUPPORT, "csrf@example.com"))
    for address in every_screen(order):
        page = strict.get(address)
        assert 'name="csrfmiddlewaretoken"' in page.content.decode(), address
        assert strict.post(address, {"reason": "x"}).status_code == 403, address


# --- cancel ---------------------------------------------------------------------------


def test_support_cancels_an_order_and_refunds_it(agent, order, event):
    address = url("crm_order_cancel", order.number)
    shown, result = confirm(agent, address, {"also_refund": "on", "reason": "Event moved"})
    text = shown.content.decode()
    assert "Its 2 valid tickets stop admitting anyone." in text
    assert "€50.00 goes back to the card." in text
    assert result.status_code == 302
    assert "cancelled and €50.00 refunded" in texts(result)[0]
    order.refresh_from_db()
    assert order.status == "cancelled" and order.refunded_minor == 5000
    assert set(order.tickets.values_list("status", flat=True)) == {TicketStatus.REFUNDED}
    entry = entries(order, audit.ORDER_CANCELLED).get()
    assert entry.data["refunded_minor"] == 5000 and entry.data["reason"] == "Event moved"

    again = agent.post(address, {"also_refund": "on", "reason": "again"})
    assert again.context["form"].non_field_errors() == [
        f"Order {order.number} is already cancelled; nothing is left to cancel."
    ]


def test_cancelling_without_a_refund_voids_the_tickets_and_keeps_the_money(agent, order):
    shown, result = confirm(agent, url("crm_order_cancel", order.number), {"reason": "Fraud"})
    assert "No money is refunded." in shown.content.decode()
    order.refresh_from_db()
    assert order.status == "cancelled" and order.refunded_minor == 0
    assert set(order.tickets.values_list("status", flat=True)) == {TicketStatus.VOID}


# --- resend ---------------------------------------------------------------------------


def test_support_resends_one_ticket_to_its_holder(agent, order, django_capture_on_commit_callbacks):
    code = codes(order)[1]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        shown, result = confirm(agent, url("crm_order_resend", order.number), {"what": code})
    assert f"Ticket {code} is sent again to bea@example.com." in shown.content.decode()
    assert result.status_code == 302
    assert entries(order, audit.ORDER_RESENT).get().data["ticket"] == code
    assert [message.to for message in mail.outbox] == [["bea@example.com"]]


def test_a_ticket_that_no_longer_admits_cannot_be_resent(agent, order):
    code = codes(order)[0]
    Ticket.objects.filter(code=code).update(status=TicketStatus.REFUNDED)
    response = agent.post(url("crm_order_resend", order.number), {"what": code})
    assert response.context["form"].errors["what"] == [
        "Choose the whole order or one of its valid tickets."
    ]


# --- transfer -------------------------------------------------------------------------


def test_support_transfers_a_ticket_to_another_person(agent, order):
    old = codes(order)[0]
    address = url("crm_ticket_transfer", old)
    assert agent.get(address).status_code == 200
    shown, result = confirm(agent, address, {"name": "Max Muster", "email": "max@example.com"})
    assert "goes to Max Muster &lt;max@example.com&gt;" in shown.content.decode()
    assert result.status_code == 302
    ended = Ticket.objects.get(code=old)
    assert ended.status == TicketStatus.TRANSFERRED
    assert (ended.replaced_by.attendee_name, ended.replaced_by.attendee_email) == (
        "Max Muster",
        "max@example.com",
    )
    entry = entries(order, audit.TICKET_TRANSFERRED).get()
    assert entry.data["after"]["code"] == ended.replaced_by.code


def test_a_transfer_names_the_field_that_is_wrong(agent, order):
    response = agent.post(
        url("crm_ticket_transfer", codes(order)[0]), {"name": "  ", "email": "not-an-address"}
    )
    errors = response.context["form"].errors
    assert set(errors) == {"name", "email"}


def test_a_transferred_ticket_cannot_be_transferred_again(agent, order):
    old = codes(order)[0]
    confirm(agent, url("crm_ticket_transfer", old), {"name": "Max", "email": "max@example.com"})
    page = agent.get(url("crm_ticket_transfer", old))
    assert "it can no longer be changed" in page.content.decode()
    shown, result = confirm(
        agent, url("crm_ticket_transfer", old), {"name": "Eve", "email": "eve@example.com"}
    )
    assert result.status_code == 200
    assert "This ticket is no longer valid, so it cannot be changed." in result.content.decode()
    assert Ticket.objects.filter(attendee_name="Eve").count() == 0


# --- exchange -------------------------------------------------------------------------


def test_the_exchange_offers_tiers_on_sale_with_the_places_left(agent, order, organization):
    make_event(organization, "Later Show", capacity=5, tiers=[("Standing", 2000, None)])
    make_event(organization, "Past", starts_in_days=-3, tiers=[("Old", 100, None)])
    page = agent.get(url("crm_ticket_exchange", codes(order)[0]))
    choices = dict(page.context["form"].fields["tier"].choices).values()
    labels = " | ".join(str(label) for label in choices)
    assert "Harbour Night — VIP — €60.00 — 8 places left" in labels
    assert "Later Show — Standing — €20.00 — 5 places left" in labels
    assert "General" not in labels and "Old" not in labels


def test_a_dearer_tier_can_have_its_difference_waived(agent, order, event):
    code = codes(order)[0]
    vip = str(event.tiers.get(name="VIP").pk)
    address = url("crm_ticket_exchange", code)

    shown, result = confirm(agent, address, {"tier": vip, "difference": "waive"})
    assert "the difference is waived" in shown.content.decode()
    assert result.status_code == 302
    old = Ticket.objects.get(code=code)
    assert old.status == TicketStatus.VOID and old.replaced_by.item.tier_name == "VIP"
    entry = entries(order, audit.TICKET_EXCHANGED).get()
    assert entry.data["waived"] is True and entry.data["difference_minor"] == 3500


def test_a_dearer_tier_charges_the_difference_by_default(
    agent, order, event, django_capture_on_commit_callbacks
):
    from commerce.models import ExchangeCharge

    code = codes(order)[0]
    vip = event.tiers.get(name="VIP")
    address = url("crm_ticket_exchange", code)
    form = agent.get(address).content.decode()
    assert "Charge the difference (email a payment link)" in form
    assert "Waive the difference" in form
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        shown, result = confirm(agent, address, {"tier": str(vip.pk)})

    assert "is emailed a link to pay the difference" in shown.content.decode()
    assert result.status_code == 302
    assert "emailed a link to pay €35.00" in texts(result)[0]
    charge = ExchangeCharge.objects.get()
    assert (charge.status, charge.amount_minor, charge.tier_name) == (
        "awaiting_payment",
        3500,
        "VIP",
    )
    assert Ticket.objects.get(code=code).status == TicketStatus.VALID
    assert [m.to for m in mail.outbox] == [[order.buyer_email]]
    assert f"/exchanges/{charge.pk}/{charge.token}/" in mail.outbox[0].body
    entry = entries(order, audit.EXCHANGE_PAYMENT_REQUESTED).get()
    assert entry.data["amount_minor"] == 3500 and entry.data["ip"]

    # The order's screens list it, with a button to cancel it.
    summary = agent.get(url("crm_order_resend", order.number)).content.decode()
    assert f'data-exchange-charge="{charge.pk}"' in summary and "Awaiting payment" in summary
    cancel = url("crm_exchange_payment_cancel", charge.pk)
    assert cancel in summary
    shown, result = confirm(agent, cancel, {})
    assert result.status_code == 302
    charge.refresh_from_db()
    assert charge.status == "cancelled"
    assert entries(order, audit.EXCHANGE_PAYMENT_CANCELLED).count() == 1
    again = agent.post(cancel, {})
    assert "no longer waits for payment" in again.content.decode()


def test_a_cheaper_tier_refunds_the_difference(agent, order, event):
    code = codes(order)[0]
    student = str(event.tiers.get(name="Student").pk)
    shown, result = confirm(agent, url("crm_ticket_exchange", code), {"tier": student})
    assert "costs €10.00 less: €10.00 goes back to the card" in shown.content.decode()
    assert "€10.00 refunded to the customer" in texts(result)[0]
    assert Refund.objects.get(order=order).amount_minor == 1000


def test_a_tier_not_offered_is_refused(agent, order, other_organization):
    elsewhere = make_event(other_organization, "Other", tiers=[("Any", 2500, None)])
    response = agent.post(
        url("crm_ticket_exchange", codes(order)[0]),
        {"tier": str(elsewhere.tiers.get().pk), "confirm": "1", "token": "t"},
    )
    assert response.context["form"].errors["tier"] == [
        "Choose one of the tiers listed: on sale now, with a place left."
    ]


# --- resend credentials -----------------------------------------------------------------


@pytest.fixture
def pre_order(event):
    from tests.fulfilment.dashboard_data import fulfil, make_offer, make_pre_order, make_ticket

    offer = make_offer(event)
    pre_order = make_pre_order(offer)
    fulfil(pre_order, make_ticket(offer))
    return pre_order


def test_fulfilment_resends_a_pre_orders_ticket_credentials(client, pre_order):
    from fulfilment.models import AssignmentLog

    client.force_login(member_of(roles.FULFILMENT, "fay@example.com"))
    address = url("crm_pre_order_resend_credentials", pre_order.pk)
    page = client.get(address)
    assert page.status_code == 200 and pre_order.member.email in page.content.decode()
    shown, result = confirm(client, address, {})
    assert result.status_code == 302
    assert entries(pre_order, audit.CREDENTIALS_RESENT).count() == 1
    assert AssignmentLog.objects.filter(action="resend_requested").count() == 1


def test_a_pre_order_without_credentials_has_nothing_to_resend(agent, event):
    from tests.fulfilment.dashboard_data import make_offer, make_pre_order

    pre_order = make_pre_order(make_offer(event))
    response = agent.post(url("crm_pre_order_resend_credentials", pre_order.pk), {})
    assert response.context["form"].non_field_errors() == [
        "No ticket credentials are assigned to this pre-order yet: nothing to resend."
    ]


def test_another_organizations_pre_order_does_not_exist_for_an_organizer(
    client, other_organization, pre_order
):
    stranger = make_user("north@example.com")
    make_organizer(stranger, other_organization)
    client.force_login(stranger)
    address = url("crm_pre_order_resend_credentials", pre_order.pk)
    assert client.get(address).status_code == 404


def test_the_screens_show_the_admin_layout_with_breadcrumbs(agent, order):
    html = agent.get(url("crm_order_refund", order.number)).content.decode()
    assert "w-breadcrumbs" in html
    assert re.search(r"<h1[^>]*>\s*Refund\s*</h1>", html)
    assert f"Order {order.number}" in html


def test_a_past_events_tickets_are_not_refunded_by_an_organizer(organizer_client, organization):
    past = make_event(organization, "Past", starts_in_days=1)
    order = buy(past, General=1)
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    assert organizer_client.get(url("crm_order_refund", order.number)).status_code == 403


def test_opened_from_the_customer_page_the_screen_returns_there(agent, order):
    try:
        customer = reverse("bilten_customers:search") + "a-customer-key/"
    except NoReverseMatch:
        pytest.skip("the customer screens are not installed")
    address = url("crm_order_refund", order.number)
    page = agent.get(address, HTTP_REFERER=f"http://testserver{customer}")
    assert page.context["next"] == customer
    assert f'name="next" value="{customer}"' in page.content.decode()
    elsewhere = agent.get(address, HTTP_REFERER="https://evil.example/admin/crm/customers/x/")
    assert elsewhere.context["next"] == ""


def test_change_on_the_confirmation_goes_back_to_the_filled_in_form(agent, order):
    address = url("crm_order_refund", order.number)
    data = {"amount": "7.00", "reason": "Parking"}
    shown = agent.post(address, data)
    back = agent.post(address, {**data, "token": shown.context["token"], "edit": "1"})
    assert not back.context["confirming"]
    assert back.context["form"]["reason"].value() == "Parking"
    assert not Refund.objects.exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_confirming_the_same_refund_at_once_refund_it_once(home_page):
    """Two browser tabs (two tokens) send the same ticket refund at the same moment, many
    times over: the order's lock lets one through; the other sees the ticket has ended."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection
    from django.test import Client

    from tests.factories import make_organization

    event = make_event(make_organization(home_page, "Race Hall"), "Race Night", capacity=100)
    agent = member_of(roles.SUPPORT, "racer@example.com")

    def send(address, data, token):
        client = Client()
        client.force_login(agent)
        try:
            return client.post(address, {**data, "confirm": "1", "token": token}).status_code
        finally:
            connection.close()

    for round_number in range(8):
        order = buy(event, session_key=f"race-{round_number}", General=2)
        address = url("crm_order_refund", order.number)
        data = {"tickets": codes(order)[:1], "reason": "race"}
        with ThreadPoolExecutor(max_workers=2) as pool:
            statuses = list(
                pool.map(send, [address] * 2, [data] * 2, [f"a{round_number}", f"b{round_number}"])
            )
        assert sorted(statuses) == [200, 302], statuses
        assert Refund.objects.filter(order=order).count() == 1
        order.refresh_from_db()
        assert order.refunded_minor == 2500


@pytest.mark.parametrize(
    ("language", "label", "confirmation"),
    [
        ("de", "Zu erstattende Tickets", "gehen zurück auf die Karte, für dieses Ticket:"),
        ("fr", "Billets à rembourser", "pour ce billet\u00a0:"),
    ],
)
def test_the_screens_speak_the_agents_admin_language(agent, order, language, label, confirmation):
    from wagtail.users.models import UserProfile

    from accounts.models import User

    profile = UserProfile.get_for_user(User.objects.get(email="agent@example.com"))
    profile.preferred_language = language
    profile.save()
    address = url("crm_order_refund", order.number)
    assert label in agent.get(address).content.decode()
    shown = agent.post(address, {"tickets": codes(order)[:1], "reason": "x"})
    assert confirmation in shown.content.decode()


def test_a_cancelled_pre_orders_credentials_are_not_resent(agent, pre_order):
    from fulfilment.models import PreOrderStatus

    pre_order.status = PreOrderStatus.CANCELLED
    pre_order.save(update_fields=["status"])
    response = agent.post(url("crm_pre_order_resend_credentials", pre_order.pk), {})
    assert response.context["form"].non_field_errors() == [
        "This pre-order is “Cancelled”, so its ticket credentials are not sent."
    ]


def test_an_unexpected_failure_is_a_calm_message_and_can_be_tried_again(agent, order, monkeypatch):
    from crm.services import actions

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(actions, "resend_order", broken)
    address = url("crm_order_resend", order.number)
    shown, result = confirm(agent, address, {"what": "order"})
    assert result.status_code == 200
    assert "Something went wrong and this may not have been done." in result.content.decode()
    assert "database went away" not in result.content.decode()
    # The confirmation's token was given back: the same confirmation may be sent again.
    monkeypatch.undo()
    again = agent.post(address, {"what": "order", "confirm": "1", "token": shown.context["token"]})
    assert again.status_code == 302
