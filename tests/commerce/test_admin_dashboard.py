"""The admin dashboard shows each role its sales panel first, within its permissions."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from commerce.models import Order, PaymentFollowUp
from commerce.services.demo_payments import confirm_demo_payment
from tests.commerce.payments import checkout, hold_for
from tests.commerce.test_admin_sales import sell
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


def in_role(email, role):
    user = make_user(email)
    user.groups.add(Group.objects.get(name=role))
    return user


def panel(response, name):
    """The context of the dashboard panel called `name`, or None when it is not shown."""
    for component in response.context["panels"]:
        if component.name == name:
            return component.get_context_data({"request": response.wsgi_request})
    return None


def placed_yesterday(order):
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - dt.timedelta(days=1))


def test_an_organizer_sees_their_upcoming_events_with_sold_of_capacity_and_todays_sales(
    client, organizer, organization, other_organization
):
    soon = make_event(organization, "Soon Night", capacity=120, starts_in_days=5)
    later = make_event(organization, "Later Night", capacity=40, starts_in_days=50)
    theirs = make_event(other_organization, "Their Night", starts_in_days=3)
    sell(soon, "General", 3, "a")
    placed_yesterday(sell(soon, "General", 2, "b"))
    sell(theirs, "General", 4, "c")
    client.force_login(organizer)

    response = client.get("/admin/")
    sales = panel(response, "bilten_upcoming_sales")

    rows = {row.event.title: row for row in sales["events"]}
    assert list(rows) == ["Soon Night", "Later Night"]  # the next first, nobody else's
    assert (rows["Soon Night"].sold, rows["Soon Night"].capacity) == (5, 120)
    assert (rows["Soon Night"].sold_today, rows["Soon Night"].revenue_today) == (3, {"EUR": 7500})
    assert (rows["Later Night"].sold, rows["Later Night"].sold_today) == (0, 0)
    assert (sales["today"].orders, sales["today"].tickets) == (1, 3)
    assert sales["today"].revenue == {"EUR": 7500}
    page = response.content.decode()
    assert "5 of 120 sold (4 %)" in page
    assert f"/admin/sales/events/{soon.pk}/" in page
    assert "Their Night" not in page
    assert later.title in page


def test_a_past_or_unpublished_event_is_not_among_the_upcoming(client, organizer, organization):
    make_event(organization, "Yesterday Night", starts_in_days=-1)
    make_event(organization, "Draft Night", publish=False)
    make_event(organization, "Next Night", starts_in_days=2)
    client.force_login(organizer)
    sales = panel(client.get("/admin/"), "bilten_upcoming_sales")
    assert [row.event.title for row in sales["events"]] == ["Next Night"]


def test_support_sees_the_open_follow_ups_and_not_the_organizer_panel(client, organization):
    event = make_event(organization, "Late Night")
    waiting = PaymentFollowUp.objects.create(
        payment=checkout(hold_for(event, 1, session_key="late")), reason="Paid after sell-out"
    )
    PaymentFollowUp.objects.create(
        payment=checkout(hold_for(event, 1, session_key="done")),
        reason="Settled one",
        status="refunded",
    )
    client.force_login(in_role("support@example.com", roles.SUPPORT))

    response = client.get("/admin/")
    follow_ups = panel(response, "bilten_open_follow_ups")

    assert follow_ups["count"] == 1
    assert follow_ups["follow_ups"] == [waiting]
    page = response.content.decode()
    assert "Paid after sell-out" in page
    assert f"/admin/sales/follow-ups/{waiting.pk}/refund/" in page
    assert "Settled one" not in page
    assert panel(response, "bilten_upcoming_sales") is None
    assert panel(response, "bilten_platform_today") is None


def test_the_platform_admin_sees_todays_orders_and_failures(client, organization):
    event = make_event(organization, "Big Night")
    today = sell(event, "General", 2, "a")
    placed_yesterday(sell(event, "General", 1, "b"))
    declined = checkout(hold_for(event, 1, session_key="declined"))
    assert confirm_demo_payment(payment=declined, card_number="4000000000000002") == "declined"
    PaymentFollowUp.objects.create(
        payment=checkout(hold_for(event, 1, session_key="late")), reason="Paid after sell-out"
    )
    admin = make_user("admin@example.com", is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.get("/admin/")
    platform = panel(response, "bilten_platform_today")

    assert (platform["today"].orders, platform["today"].tickets) == (1, 2)
    assert platform["latest_orders"] == [today]
    assert platform["failed_count"] == 1
    assert platform["failed"][0].pk == declined.pk
    assert platform["follow_up_count"] == 1
    page = response.content.decode()
    assert reverse("bilten_orders:inspect", args=[today.pk]) in page
    assert "Paid after sell-out" in page


def test_no_sales_panel_for_marketing_or_fulfilment(client, organization):
    make_event(organization, "Some Night")
    for email, role in [("m@example.com", roles.MARKETING), ("f@example.com", roles.FULFILMENT)]:
        client.force_login(in_role(email, role))
        response = client.get("/admin/")
        assert response.status_code == 200
        assert not [p for p in response.context["panels"] if p.name.startswith("bilten_")]


def dashboard_queries(client) -> int:
    client.get("/admin/")  # warm per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/admin/").status_code == 200
    return len(captured)


def test_the_organizer_dashboard_costs_the_same_queries_with_more_events_and_orders(
    client, organizer, organization, django_assert_max_num_queries
):
    first = make_event(organization, "Night 0", starts_in_days=2)
    sell(first, "General", 1, "s0")
    client.force_login(organizer)
    few = dashboard_queries(client)
    for i in range(1, 6):
        sell(make_event(organization, f"Night {i}", starts_in_days=2 + i), "General", 1, f"s{i}")
    with django_assert_max_num_queries(few):
        client.get("/admin/")
