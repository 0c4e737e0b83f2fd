"""Every CRM admin screen and support API endpoint, asked by every role (issue 10, 4).

The rule (crm/permissions.py): Support and the Platform admin see and do everything;
an organizer sees their own events' customers, orders and cases — another
organization's are a 404 — and may not cancel, transfer or exchange; Fulfilment,
Marketing and attendees get no customer, order or case; anonymous visitors are sent
to the login (admin) or answered 401 (API). Only GET requests: what each screen
does on POST is tested beside it (test_action_screens, test_case_admin, ...).
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.roles import make_organizer
from commerce.services.exchange_charges import request_exchange_payment
from crm.customer_search import customer_key
from crm.models import CasePriority, CaseSource, RefundPolicy
from crm.services.cases import open_case
from tests.crm.test_action_screens import buy
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db

ROLES = [
    "support",
    "platform_admin",
    "organizer",
    "other_organizer",
    "fulfilment",
    "marketing",
    "attendee",
    "anonymous",
]
DENIED = {403, 302}  # a Wagtail admin refusal: 403, or back to the dashboard/login


@pytest.fixture
def world(organization, other_organization):
    event = make_event(
        organization,
        "Harbour Night",
        capacity=10,
        starts_in_days=30,
        tiers=(("General", 2500, None), ("VIP", 6000, None)),
    )
    make_event(other_organization, "Elsewhere", capacity=10, starts_in_days=30)
    order = buy(event, General=2)
    ticket, upgraded = order.tickets.order_by("pk")
    exchange = request_exchange_payment(ticket=upgraded, tier=event.tiers.get(name="VIP"))
    case = open_case(
        subject="Where are my tickets?",
        customer_email=order.buyer_email,
        order=order,
        priority=CasePriority.NORMAL,
        source=CaseSource.CUSTOMER,
        body="Please help",
    )
    policy = RefundPolicy.objects.create(organization=organization)
    users = {"anonymous": None}
    for role, group in [
        ("support", roles.SUPPORT),
        ("fulfilment", roles.FULFILMENT),
        ("marketing", roles.MARKETING),
    ]:
        users[role] = make_user(f"{role}@example.com", is_staff=True)
        users[role].groups.add(Group.objects.get(name=group))
    users["platform_admin"] = make_user("root@example.com", is_staff=True, is_superuser=True)
    users["organizer"] = make_user("org-a@example.com", is_staff=True)
    make_organizer(users["organizer"], organization)
    users["other_organizer"] = make_user("org-b@example.com", is_staff=True)
    make_organizer(users["other_organizer"], other_organization)
    users["attendee"] = make_user("bea-account@example.com")
    return {
        "order": order,
        "ticket": ticket,
        "exchange": exchange,
        "case": case,
        "policy": policy,
        "users": users,
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def admin_screens(world) -> dict[str, str]:
    order, ticket, case = world["order"], world["ticket"], world["case"]
    key = customer_key(order.buyer_email)
    return {
        "case list": reverse("crm_cases:index"),
        "case export": reverse("crm_cases:export") + "?format=csv",
        "new case": reverse("crm_cases:add"),
        "case": reverse("crm_case_detail", args=[case.pk]),
        "case history": reverse("crm_cases:history", args=[case.pk]),
        "case list results": reverse("crm_cases:index_results") + "?q=tickets",
        "customer search": reverse("bilten_customers:search") + f"?q={order.number}",
        "customer": reverse("bilten_customers:detail", args=[key]),
        "customer export": reverse("bilten_customers:export") + "?q=bea&format=csv",
        "refund": reverse("crm_order_refund", args=[order.number]),
        "cancel": reverse("crm_order_cancel", args=[order.number]),
        "resend": reverse("crm_order_resend", args=[order.number]),
        "transfer": reverse("crm_ticket_transfer", args=[ticket.code]),
        "exchange": reverse("crm_ticket_exchange", args=[ticket.code]),
        "cancel exchange payment": reverse(
            "crm_exchange_payment_cancel", args=[world["exchange"].pk]
        ),
        "refund policies": "/admin/crm/refund-policies/",
        "refund policy": f"/admin/crm/refund-policies/edit/{world['policy'].pk}/",
        "SLA settings": "/admin/settings/crm/supportsettings/",
    }


def api_endpoints(world) -> dict[str, str]:
    order, case = world["order"], world["case"]
    return {
        "API customers": f"/api/v1/support/customers/?q={order.buyer_email}",
        "API order": f"/api/v1/support/orders/{order.number}/",
        "API cases": "/api/v1/support/cases/",
        "API case replies": f"/api/v1/support/cases/{case.pk}/replies/",
    }


OBJECT_SCREENS = {
    "case",
    "cancel exchange payment",
    "case history",
    "customer",
    "refund",
    "cancel",
    "resend",
    "transfer",
    "exchange",
}
ORGANIZER_MAY_NOT = {
    "cancel",
    "transfer",
    "exchange",
    "cancel exchange payment",
    "SLA settings",
}
LISTS = {
    "case list",
    "case list results",
    "case export",
    "customer search",
    "customer export",
    "refund policies",
}


def expected(role: str, name: str) -> set[int]:
    api = name.startswith("API")
    if role == "anonymous":
        return {401} if api else {302}
    if role in ("attendee", "marketing"):
        return {403} if api else DENIED
    if name == "API case replies":  # GET is not a method of it; whoever may reach it: 405
        return (
            {405}
            if role in ("support", "platform_admin", "organizer", "other_organizer")
            else {403}
        )
    if role == "platform_admin":
        return {200}
    if role == "support":
        return DENIED if name == "SLA settings" else {200}
    if role == "organizer":
        return DENIED if name in ORGANIZER_MAY_NOT else {200}
    if role == "other_organizer":
        if name in OBJECT_SCREENS or name in ("refund policy", "API order"):
            return {404}
        return DENIED if name == "SLA settings" else {200}
    # Fulfilment: customers with pre-orders only (this one has none), nothing else.
    if name in LISTS or name == "API customers":
        return {200} | DENIED
    return DENIED | {404} if not api else {403, 404}


def secrets_of(world) -> list[str]:
    order = world["order"]
    return [order.number, order.buyer_email, world["case"].subject, world["ticket"].code]


def test_every_role_gets_exactly_what_the_rule_allows_and_lists_leak_nothing(world):
    addresses = {**admin_screens(world), **api_endpoints(world)}
    # An order number found exactly opens the customer: search by name for the list.
    addresses["customer search"] = reverse("bilten_customers:search") + "?q=Bea"
    wrong, leaks = [], []
    for role in ROLES:
        client = client_for(world["users"][role])
        for name, address in addresses.items():
            response = client.get(
                address, follow=name == "SLA settings" and role == "platform_admin"
            )
            if response.status_code not in expected(role, name):
                wrong.append(f"{role} {name}: {response.status_code}")
            if (
                role in ("other_organizer", "fulfilment", "marketing")
                and response.status_code == 200
            ):
                body = response.content.decode(errors="replace")
                leaks += [f"{role} {name}: {s}" for s in secrets_of(world) if s in body]
    assert wrong == []
    assert leaks == []


def test_the_agent_and_the_events_organizer_find_the_customer_by_order_number(world):
    order = world["order"]
    search = reverse("bilten_customers:search") + f"?q={order.number}"
    for role in ("support", "organizer"):
        response = client_for(world["users"][role]).get(search, follow=True)
        assert response.status_code == 200
        assert order.buyer_email in response.content.decode()
