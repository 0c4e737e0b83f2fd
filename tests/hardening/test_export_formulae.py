"""Exports open safely in a spreadsheet: no formula runs, umlauts survive."""

import csv
import io

import openpyxl
import pytest

from accounts import roles
from commerce.exports import neutralise
from commerce.services.checkout import start_checkout
from commerce.services.demo_payments import confirm_demo_payment
from tests.commerce.payments import hold_for
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil")'


@pytest.fixture
def event(organization):
    event = make_event(organization, "Formula Night", capacity=10)
    hold = hold_for(event, 2, session_key="evil")
    payment = start_checkout(
        hold=hold, buyer_email="e@example.com", buyer_name=EVIL, attendee_names=["", "Jörg Müß"]
    )
    confirm_demo_payment(payment=payment, card_number="4242424242424242")
    return event


@pytest.fixture
def organizer_client(client, organization):
    user = make_user("org@example.com")
    roles.make_organizer(user, organization)
    client.force_login(user)
    return client


def test_a_formula_name_comes_out_as_text_in_the_check_in_csv(organizer_client, event):
    response = organizer_client.get(f"/admin/sales/events/{event.pk}/check-in/")
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row["attendee"] for row in rows) == ["'" + EVIL, "Jörg Müß"]


def test_a_formula_name_comes_out_as_text_in_the_check_in_xlsx(organizer_client, event):
    response = organizer_client.get(f"/admin/sales/events/{event.pk}/check-in/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert sorted(cell.value for cell in cells) == [EVIL, "Jörg Müß"]
    assert {cell.data_type for cell in cells} == {"s"}  # text, never "f" (a formula)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"])
def test_every_formula_start_is_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("Ann") == "Ann" and neutralise(5) == 5


def test_the_orders_export_neutralises_formulas_and_starts_with_a_bom(organizer_client, event):
    response = organizer_client.get("/admin/sales/orders/", {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert any("'" + EVIL in row for row in rows)
    assert not any(EVIL in row for row in rows)
