"""An admin of the Fulfilment group uploads the promoter's ticket CSV: the progress bar
fills, the review shows the rows with masked passwords, the totals and the coverage of
paid pre-orders, and "Confirm and store" stores the tickets."""

import pytest
from playwright.sync_api import expect

from fulfilment.models import TicketCredential
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD
from tests.fulfilment.csv_upload_data import (
    CSV_FIXTURES,
    make_fulfilment_staff,
    make_paid_pre_order,
    make_upload_events,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = ARTIFACTS / "ticket-upload"


@pytest.fixture
def upload_setup(organization, other_organization):
    offers = make_upload_events(organization, other_organization)
    first = offers["summer"].variants.first()
    make_paid_pre_order(offers["summer"], first)
    make_paid_pre_order(offers["summer"], first)
    return make_fulfilment_staff("fulfilment@example.com")


def test_admin_uploads_checks_and_confirms_a_ticket_csv(
    page, live_server, login_admin, upload_setup, console_errors
):
    login_admin("fulfilment@example.com", PASSWORD)
    page.get_by_role("button", name="Fulfilment", exact=True).click()
    page.get_by_role("link", name="Ticket upload").click()
    expect(page.get_by_text("is the event's id or its slug")).to_be_visible()

    # Every value the bar shows is reported here, across the navigation that follows.
    seen = []
    page.expose_function("reportProgress", lambda value, words: seen.append((value, words)))
    page.evaluate(
        """() => {
            const bar = document.querySelector("[data-progress-bar]");
            const words = document.querySelector("[data-progress-words]");
            new MutationObserver(() => window.reportProgress(bar.value, words.textContent))
                .observe(bar, {attributes: true});
        }"""
    )
    page.get_by_label("Choose a CSV file").set_input_files(str(CSV_FIXTURES / "malformed.csv"))
    expect(page.locator("[data-file-name]")).to_have_text("malformed.csv")
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/admin/fulfilment/tickets/upload/*/")
    assert seen[-1] == (100, "100 %"), seen
    preview = page.locator("[data-preview]")
    expect(preview).to_contain_text("g1@tickets.example")
    expect(preview).to_contain_text("••••••••")
    expect(preview).not_to_contain_text("pw-g3")
    expect(page.locator('[data-total="rows"]')).to_have_text("11")
    expect(page.locator('[data-total="valid"]')).to_have_text("1")
    expect(page.locator('[data-total="malformed"]')).to_have_text("10")
    expect(page.locator("[data-errors]")).to_contain_text("Password is empty.")
    coverage = page.locator("[data-coverage] tbody tr").filter(has_text="Entry 21:00")
    expect(coverage.locator("td").nth(2)).to_have_text("2")  # ordered
    expect(coverage.locator("td").nth(4)).to_have_text("1")  # in this file
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "review.png"), full_page=True)
    assert TicketCredential.objects.count() == 0

    page.get_by_role("button", name="Confirm and store 1 ticket").click()
    expect(page.get_by_text("1 ticket from malformed.csv stored")).to_be_visible()
    assert list(TicketCredential.objects.values_list("login_email", flat=True)) == [
        "g11@tickets.example"
    ]
    assert console_errors == []
