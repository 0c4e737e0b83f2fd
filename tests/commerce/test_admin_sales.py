"""Organizers see their own sales in the admin, and only their own."""

import csv
import io

import openpyxl
import pytest

from commerce.models import DemoCharge, PromoCode
from commerce.services.demo_payments import confirm_demo_payment
from tests.commerce.payments import checkout, hold_for
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organization):
    return make_event(
        organization,
        "Sales Night",
        capacity=20,
        tiers=[("Early", 1500, 5), ("General", 2500, None)],
    )


def sell(event, tier_name, quantity, session_key, email="buyer@example.com"):
    from commerce.services.checkout import start_checkout

    hold = hold_for(event, quantity, tier_name=tier_name, session_key=session_key)
    payment = start_checkout(
        hold=hold, buyer_email=email, buyer_name="Buyer " + session_key, attendee_names=["Ann"]
    )
    confirm_demo_payment(payment=payment, card_number="4242424242424242")
    return payment.order


def test_the_sales_screen_shows_sold_held_and_remaining_per_tier(client, organizer, event):
    sell(event, "Early", 2, "a")
    hold_for(event, 3, tier_name="General", session_key="b")
    client.force_login(organizer)
    response = client.get(f"/admin/sales/events/{event.pk}/")
    assert response.status_code == 200
    rows = {row["tier"].name: row for row in response.context["rows"]}
    assert (rows["Early"]["sold"], rows["Early"]["held"], rows["Early"]["available"]) == (2, 0, 3)
    assert (rows["General"]["sold"], rows["General"]["held"]) == (0, 3)
    assert response.context["remaining"] == 15


def body(response) -> str:
    """The text of a response, streamed (Wagtail's CSV export) or not."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def listed_orders(response) -> list[str]:
    return [order.number for order in response.context["object_list"]]


def test_orders_can_be_filtered_by_event_and_status_and_found_by_email_or_number(
    client, organizer, organization, event
):
    first = sell(event, "General", 1, "a", email="ann@example.com")
    second = sell(event, "General", 1, "b", email="bob@example.com")
    elsewhere = sell(make_event(organization, "Other Night"), "General", 1, "c")
    client.force_login(organizer)
    url = "/admin/sales/orders/"
    this_event = {"event": event.pk}
    assert sorted(listed_orders(client.get(url, this_event))) == sorted(
        [first.number, second.number]
    )
    assert elsewhere.number in listed_orders(client.get(url))
    assert listed_orders(client.get(url, {**this_event, "q": "ann@"})) == [first.number]
    assert listed_orders(client.get(url, {**this_event, "q": first.number})) == [first.number]
    assert len(listed_orders(client.get(url, {**this_event, "status": "completed"}))) == 2


def test_the_sales_screen_links_to_the_events_orders(client, organizer, event):
    client.force_login(organizer)
    content = client.get(f"/admin/sales/events/{event.pk}/").content.decode()
    assert f"/admin/sales/orders/?event={event.pk}" in content


def test_the_orders_export_has_one_row_per_order(client, organizer, event):
    sell(event, "General", 2, "a")
    sell(event, "Early", 1, "b")
    client.force_login(organizer)
    url = "/admin/sales/orders/"
    response = client.get(url, {"event": event.pk, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert len(rows) == 2
    assert {row["total"] for row in rows} == {"50.00", "15.00"}
    assert {row["items"] for row in rows} == {"2 × General", "1 × Early"}
    xlsx = client.get(url, {"event": event.pk, "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row == 3


def test_the_check_in_list_has_one_row_per_ticket(client, organizer, event):
    sell(event, "General", 3, "a")
    client.force_login(organizer)
    response = client.get(f"/admin/sales/events/{event.pk}/check-in/")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 3
    assert sorted(row["attendee"] for row in rows) == ["Ann", "Buyer a", "Buyer a"]


def test_the_check_in_list_downloads_as_a_spreadsheet(client, organizer, event):
    order = sell(event, "General", 2, "a")
    sell(event, "Early", 1, "b", email="bo@example.com")
    client.force_login(organizer)
    response = client.get(f"/admin/sales/events/{event.pk}/check-in/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f"check-in-{event.slug}.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == ["ticket", "attendee", "tier", "order", "buyer email"]
    assert len(rows) == 3
    by_ticket = {row[0]: row for row in rows}
    first = order.tickets.order_by("pk").first()
    expected = [first.code, "Ann", "General", order.number, "buyer@example.com"]
    assert by_ticket[first.code] == expected
    assert sorted(row[2] for row in rows) == ["Early", "General", "General"]


def test_an_organizer_cannot_see_another_organizations_sales(client, organizer, other_organization):
    theirs = make_event(other_organization, "Their Night")
    order = sell(theirs, "General", 1, "z")
    client.force_login(organizer)
    assert client.get(f"/admin/sales/events/{theirs.pk}/").status_code in (302, 403)
    assert client.get(f"/admin/sales/events/{theirs.pk}/check-in/").status_code in (302, 403)
    assert order.number not in client.get("/admin/sales/orders/").content.decode()
    assert order.number not in body(client.get("/admin/sales/orders/", {"export": "csv"}))


def test_the_orders_menu_lists_the_organizers_orders(client, organizer, event):
    order = sell(event, "General", 1, "a")
    client.force_login(organizer)
    assert order.number in client.get("/admin/sales/orders/").content.decode()


def test_promo_code_errors_name_the_field(client, organizer, organization):
    client.force_login(organizer)
    response = client.post(
        "/admin/snippets/commerce/promocode/add/",
        {
            "organization": organization.pk,
            "code": "no spaces!",
            "kind": "percent",
            "percent_off": "150",
            "currency": "",
        },
    )
    errors = response.context["form"].errors
    assert "code" in errors and "percent_off" in errors
    assert not PromoCode.objects.exists()


def test_an_organizer_creates_a_promo_code_only_for_their_organization(
    client, organizer, organization, other_organization
):
    client.force_login(organizer)
    response = client.post(
        "/admin/snippets/commerce/promocode/add/",
        {
            "organization": other_organization.pk,
            "code": "STEAL",
            "kind": "percent",
            "percent_off": "50",
        },
    )
    assert "organization" in response.context["form"].errors
    response = client.post(
        "/admin/snippets/commerce/promocode/add/",
        {
            "organization": organization.pk,
            "code": "summer-10",
            "kind": "percent",
            "percent_off": "10",
        },
    )
    assert response.status_code == 302
    assert PromoCode.objects.get().code == "SUMMER-10"


def test_an_organizer_cannot_open_another_organizations_promo_code(
    client, organizer, other_organization
):
    promo = PromoCode.objects.create(organization=other_organization, code="THEIRS", percent_off=10)
    client.force_login(organizer)
    assert client.get(f"/admin/snippets/commerce/promocode/edit/{promo.pk}/").status_code == 404
    assert "THEIRS" not in client.get("/admin/snippets/commerce/promocode/").content.decode()


def test_support_refunds_a_follow_up_after_confirming(client, event):
    from commerce.models import FollowUpStatus, PaymentFollowUp

    support = make_user("support@example.com")
    from django.contrib.auth.models import Group

    support.groups.add(Group.objects.get(name="Support"))
    payment = checkout(hold_for(event, 1, session_key="late"))
    DemoCharge.objects.filter(reference=payment.reference).update(status="succeeded")  # paid
    follow_up = PaymentFollowUp.objects.create(payment=payment, reason="Paid late")
    client.force_login(support)
    listing = client.get("/admin/sales/follow-ups/").content.decode()
    assert "Paid late" in listing
    refund_url = f"/admin/sales/follow-ups/{follow_up.pk}/refund/"
    assert refund_url in listing
    confirmation = client.get(refund_url)
    assert confirmation.status_code == 200
    assert "Yes, refund" in confirmation.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN  # asking is not refunding
    client.post(refund_url)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.REFUNDED


def test_a_refund_the_gateway_refuses_is_a_message_and_stays_open_with_the_reason(
    client, event, monkeypatch
):
    from django.contrib.auth.models import Group

    from commerce.models import FollowUpStatus, PaymentFollowUp
    from commerce.payments.demo import DemoGateway

    def refuse(self, *, reference, amount_minor):
        raise ConnectionError("gateway unreachable")

    monkeypatch.setattr(DemoGateway, "refund", refuse)
    support = make_user("support@example.com")
    support.groups.add(Group.objects.get(name="Support"))
    payment = checkout(hold_for(event, 1, session_key="late"))
    follow_up = PaymentFollowUp.objects.create(payment=payment, reason="Paid late")
    client.force_login(support)
    response = client.post(f"/admin/sales/follow-ups/{follow_up.pk}/refund/", follow=True)
    assert response.status_code == 200
    assert "did not take the refund" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN
    assert "gateway unreachable" in follow_up.last_error
