"""A visitor buys tickets in demo mode, end to end, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from commerce.models import Order
from tests.factories import make_event, make_organization, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pay_by_card(page, number):
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry (MM/YY)").fill("12/30")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name=re.compile("Pay")).click()


@pytest.fixture
def concert(home_page):
    organization = make_organization(home_page, "Aurora Live")
    return make_event(
        organization,
        "Harbour Lights",
        capacity=50,
        tiers=[("Early Bird", 1900, 20), ("General", 2900, None), ("VIP", 9900, 0)],
    )


def test_full_purchase_with_a_declined_card_then_a_good_one(
    page, live_server, concert, console_errors
):
    user = make_user("fan@example.com", name="Fan Person")
    page.goto(f"{live_server.url}/account/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", "correct-horse-battery")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/events/")
    page.get_by_role("link", name="Harbour Lights").first.click()
    expect(page.locator("[data-tier]").filter(has_text="VIP")).to_contain_text("Sold out")
    page.get_by_label("Number of Early Bird tickets").fill("1")
    page.get_by_label("Number of General tickets").fill("2")
    page.get_by_role("button", name="Get tickets").click()

    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.locator("[data-countdown-value]")).to_have_text(re.compile(r"1[45]:\d\d"))
    expect(page.get_by_text("€77.00")).to_be_visible()
    expect(page.get_by_label("Email for your tickets")).to_have_value("fan@example.com")
    page.get_by_label("Ticket 1: attendee name (optional)").fill("Ada")
    page.get_by_role("button", name="Continue to payment").click()

    pay_by_card(page, "4000 0000 0000 0002")
    expect(page.get_by_text("Your card was declined")).to_be_visible()

    pay_by_card(page, "4242 4242 4242 4242")

    expect(page.get_by_role("heading", name="You're going!")).to_be_visible()
    order = Order.objects.get()
    assert order.total_minor == 7700
    expect(page.get_by_text(order.number).first).to_be_visible()
    qr = page.locator(".ticket-card img").first
    expect(qr).to_be_visible()
    assert page.locator(".ticket-card").count() == 3
    # The QR image really loads (a broken one is visible too, with naturalWidth 0);
    # waited for, since "visible" does not mean "decoded" on a busy machine.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=qr.element_handle(), timeout=10_000
    )

    page.get_by_role("link", name="My tickets").click()
    expect(page.get_by_text(order.number)).to_be_visible()
    page.screenshot(path="var/browser-artifacts/purchase-orders.png", full_page=True)
    assert console_errors == []


def test_a_code_cleared_after_continuing_to_payment_charges_what_the_order_says(
    page, live_server, concert, console_errors
):
    from commerce.models import DemoCharge, PromoCode, PromoKind

    code = PromoCode.objects.create(
        organization=concert.get_parent().specific,
        code="ONCE50",
        kind=PromoKind.PERCENT,
        percent_off=50,
        max_uses=1,
    )
    page.goto(concert.full_url.replace("http://localhost", live_server.url))
    page.get_by_label("Number of General tickets").fill("2")
    page.get_by_role("button", name="Get tickets").click()
    page.get_by_label("Promo code").fill("once50")
    page.get_by_role("button", name="Apply code").click()
    expect(page.get_by_text("€29.00").first).to_be_visible()
    page.get_by_label("Email for your tickets").fill("guest@example.com")
    page.get_by_label("Your name").fill("Gus Guest")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_label("Card number")).to_be_visible()

    page.go_back()  # back to the basket: the buyer changes their mind about the code
    page.reload()
    page.get_by_label("Promo code").fill("")
    page.get_by_role("button", name="Apply code").click()
    expect(page.get_by_text("Promo code removed.")).to_be_visible()
    page.get_by_label("Email for your tickets").fill("guest@example.com")
    page.get_by_label("Your name").fill("Gus Guest")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_text("€58.00").first).to_be_visible()
    pay_by_card(page, "4242 4242 4242 4242")

    expect(page.get_by_role("heading", name="You're going!")).to_be_visible()
    order = Order.objects.get()
    assert order.total_minor == 5800 and order.promo_code is None
    assert DemoCharge.objects.get(reference=order.payment_reference).amount_minor == 5800
    code.refresh_from_db()
    assert (code.used, code.held) == (0, 0)
    assert console_errors == []
