"""A member pre-orders an event with a variant on its page and, once paid and given a
ticket, reads the ticket's login in their pre-orders (spec 002, 5.1)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fulfilment.models import PreOrder, PreOrderStatus
from fulfilment.services.capture import capture_due
from tests.factories import PASSWORD, make_event, make_organization, make_user
from tests.fulfilment.preorder_data import fulfil, make_offer, make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_pre_orders_with_a_variant_and_later_sees_the_credentials(
    page, live_server, home_page, console_errors
):
    organization = make_organization(home_page, "Aurora Live")
    offer = make_offer(make_event(organization, "Harbour Lights"), price=3500)
    member = make_user("fan@example.com")

    page.goto(f"{live_server.url}{offer.event.url}")
    box = page.locator("#pre-order")
    expect(box).to_contain_text("€35.00")
    box.get_by_role("link", name="Log in to pre-order").click()
    page.fill("#id_username", member.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}{offer.event.url}")

    box = page.locator("#pre-order")
    box.get_by_label("Variant").select_option(label="Entry 22:00")
    box.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.screenshot(path="var/browser-artifacts/pre_order_box.png", full_page=True)
    box.get_by_role("button", name="Pre-order for €35.00").click()

    expect(page.get_by_role("heading", name="My pre-orders")).to_be_visible()
    expect(page.get_by_text("Your pre-order is placed.")).to_be_visible()
    expect(page.locator("[data-status]")).to_have_text("Processing")
    pre_order = PreOrder.objects.get(member=member)
    assert pre_order.variant.name == "Entry 22:00"

    # Tuesday's capture, then the promoter's ticket, assigned to the paid pre-order.
    assert capture_due(timezone.now() + dt.timedelta(days=8)).captured == 1
    pre_order.refresh_from_db()
    assert pre_order.status in (PreOrderStatus.CONFIRMED, PreOrderStatus.WAITING_FOR_STOCK)
    fulfil(pre_order, make_ticket(offer, pre_order.variant, password="Harbour-22-pass"))

    page.get_by_role("link", name="My pre-orders").click()
    expect(page.locator("[data-status]")).to_have_text("Fulfilled")
    expect(page.get_by_text("Harbour-22-pass")).to_be_visible()
    expect(page.get_by_text("ticket1@promoter.example")).to_be_visible()
    page.screenshot(path="var/browser-artifacts/pre_order_portal.png", full_page=True)
    assert console_errors == []
