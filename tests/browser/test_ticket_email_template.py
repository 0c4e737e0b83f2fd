"""An admin edits the ticket delivery email in Settings: an unknown variable is refused
on the field, the corrected text is saved, and the member's email uses it."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from fulfilment.models import Assignment, TicketEmailTemplate
from fulfilment.services.assignment import assign
from fulfilment.services.delivery import send_delivery
from tests.factories import PASSWORD, make_event, make_user
from tests.fulfilment.assignment_data import make_offer, pre_order, ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_edits_the_ticket_email_and_the_member_gets_it(
    page, live_server, login_admin, home_page, organization
):
    make_user("root@example.com", is_staff=True, is_superuser=True)
    login_admin("root@example.com", PASSWORD)
    page.goto(f"{live_server.url}/admin/settings/fulfilment/ticketemailtemplate/")

    page.get_by_role("textbox", name="Subject (English)").fill("Your door code for {event}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Unknown variable {event}")).to_be_visible()
    page.screenshot(path="var/browser-artifacts/ticket-email-template-error.png", full_page=True)
    assert TicketEmailTemplate.load().subject_en == ""

    page.get_by_role("textbox", name="Subject (English)").fill("Your door code for {event_name}")
    page.get_by_role("textbox", name="Body (English)").fill(
        "Log in as {ticket_email} with {ticket_password}."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Unknown variable")).to_have_count(0)
    assert TicketEmailTemplate.load().subject_en == "Your door code for {event_name}"

    offer = make_offer(make_event(organization, "Club Night"))
    paid = pre_order(offer)
    ticket(offer, email="door@promoter.example", password="pw-123")
    assign(offer.event_key)
    send_delivery(Assignment.objects.get(pre_order=paid).pk)
    (message,) = mail.outbox
    assert message.subject == "Your door code for Club Night"
    assert message.body == "Log in as door@promoter.example with pw-123."
