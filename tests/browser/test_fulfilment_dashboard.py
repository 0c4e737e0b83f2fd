"""The fulfilment dashboard at desktop and phone widths: figures, the variant heat-map,
filters and a bulk action, with screenshots kept for a person to look at."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts import roles
from fulfilment.models import PreOrderStatus, TicketStatus
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, make_event, make_organization, make_user
from tests.fulfilment.dashboard_data import fulfil, make_offer, make_pre_order, make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = ARTIFACTS / "fulfilment-dashboard"


@pytest.fixture
def fulfilment_staff(home_page):
    organization = make_organization(home_page, "Aurora Live")
    offer = make_offer(
        make_event(organization, "Harbour Night"),
        variants=("Entry 21:00–21:30", "Entry 21:30–22:00", "Entry 22:00–22:30"),
    )
    first, second, third = offer.variants.all()
    for _n in range(4):
        fulfil(make_pre_order(offer, variant=first), make_ticket(offer, variant=first))
    make_pre_order(offer, variant=second, status=PreOrderStatus.WAITING_FOR_STOCK)
    make_pre_order(offer, variant=second, status=PreOrderStatus.WAITING_FOR_STOCK)
    fulfil(make_pre_order(offer, variant=second), make_ticket(offer, variant=second))
    make_pre_order(offer, variant=third, status=PreOrderStatus.FAILED)
    make_pre_order(offer, variant=third, status=PreOrderStatus.PROCESSING)
    make_ticket(offer, variant=None, status=TicketStatus.UNMATCHED)
    user = make_user("fulfilment@example.com", name="Fay Fulfilment")
    user.groups.add(Group.objects.get(name=roles.FULFILMENT))
    return user


@pytest.mark.parametrize("width", [1366, 390])
def test_fulfilment_staff_read_the_dashboard_and_mark_a_ticket_used(
    page, live_server, login_admin, fulfilment_staff, width, console_errors
):
    page.set_viewport_size({"width": width, "height": 900})
    login_admin(fulfilment_staff.email, PASSWORD)
    page.goto(f"{live_server.url}/admin/fulfilment/")

    expect(page.locator('[data-card="pre_orders"] strong')).to_have_text("9")
    expect(page.locator('[data-card="fulfilled"] strong')).to_have_text("71 %")
    expect(page.locator('[data-card="waiting"] strong')).to_have_text("2")
    matrix = page.locator("[data-matrix]")
    expect(matrix.get_by_role("rowheader", name="Entry 21:30–22:00")).to_be_visible()
    expect(matrix).to_contain_text("2 tickets short")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{width}.png"), full_page=True)

    page.get_by_label("Status").select_option("fulfilled")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("[data-pre-order]")).to_have_count(5)
    page.locator("[data-pre-order] input[type=checkbox]").first.check()
    page.get_by_label("Action").select_option("mark_used")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("1 ticket marked used.")).to_be_visible()
    expect(page.locator("[data-pre-order]").first).to_contain_text("(Used)")
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-filtered-{width}.png"), full_page=True)
    assert console_errors == []
