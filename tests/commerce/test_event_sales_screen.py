"""An event's sales screen in plain words: sold of capacity, revenue per tier and currency,
orders that open; the orders export names each order's event."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from event_pages.models import TicketTier
from tests.commerce.test_admin_sales import body, sell
from tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organization):
    return make_event(
        organization,
        "Sales Night",
        capacity=20,
        tiers=[("Early", 1500, 5), ("General", 2500, None)],
    )


def test_the_sales_screen_says_how_many_of_the_capacity_are_sold(client, organizer, event):
    sell(event, "Early", 2, "a")
    sell(event, "General", 3, "b")
    client.force_login(organizer)
    page = client.get(f"/admin/sales/events/{event.pk}/").content.decode()
    assert "5 of 20 sold (25 %)" in page
    assert "2 of 5 sold (40 %)" in page  # Early has its own allocation
    assert "3 of 20 sold (15 %)" in page  # General shares the event's capacity
    assert "shares the event's capacity" in page
    assert "Capacity (X)" not in page and "shares X" not in page


def test_the_sales_screen_shows_revenue_per_tier_and_per_currency(client, organizer, event):
    TicketTier.objects.filter(page=event, name="General").update(currency="CHF")
    sell(event, "Early", 2, "a")
    sell(event, "General", 3, "b")
    client.force_login(organizer)
    response = client.get(f"/admin/sales/events/{event.pk}/")
    revenue = {row["tier"].name: row["revenue"] for row in response.context["rows"]}
    assert revenue == {"Early": {"EUR": 3000}, "General": {"CHF": 7500}}
    overview = response.context["overview"]
    assert overview.totals.revenue == {"CHF": 7500, "EUR": 3000}
    assert (overview.totals.orders, overview.sold) == (2, 5)
    page = response.content.decode()
    assert "€30.00" in page
    assert "CHF\xa075.00" in page


def test_each_order_on_the_sales_screen_opens_its_order(client, organizer, event):
    order = sell(event, "General", 2, "a")
    client.force_login(organizer)
    page = client.get(f"/admin/sales/events/{event.pk}/").content.decode()
    detail = reverse("bilten_orders:inspect", args=[order.pk])
    assert detail in page
    opened = client.get(detail)
    assert opened.status_code == 200
    assert order.buyer_email in opened.content.decode()


def test_the_orders_export_names_each_orders_event(client, organizer, organization, event):
    sell(event, "General", 1, "a")
    sell(make_event(organization, "Other Night"), "General", 1, "b")
    client.force_login(organizer)
    response = client.get("/admin/sales/orders/", {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(body(response).lstrip("\ufeff"))))
    assert sorted(row["Event"] for row in rows) == ["Other Night", "Sales Night"]
    xlsx = client.get("/admin/sales/orders/", {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    header, *values = list(sheet.iter_rows(values_only=True))
    column = header.index("Event")
    assert sorted(row[column] for row in values) == ["Other Night", "Sales Night"]
