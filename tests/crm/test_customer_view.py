"""The customer 360 page in the admin: everything about one customer, for those who may see it."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.log_actions import log

from commerce.models import EmailDelivery, Refund, RefundSource, RefundStatus
from crm.customer_search import customer_key
from crm.customers import CustomerNotFound, customer_profile
from crm.models import CaseStatus, SupportCase
from tests.crm.customer_data import (  # noqa: F401  (fixtures by name)
    attendee_fixture,
    buy,
    event_fixture,
    fulfilment_user_fixture,
    marketing_fixture,
    other_event_fixture,
    other_organizer_fixture,
    support_fixture,
    transfer,
)
from tests.factories import make_user
from tests.fulfilment.dashboard_data import fulfil, make_offer, make_pre_order, make_ticket

pytestmark = pytest.mark.django_db

SEARCH = "/admin/crm/customers/"


def page_of(email: str) -> str:
    return f"{SEARCH}{customer_key(email)}/"


@pytest.fixture
def lea(event):
    member = make_user("lea@example.com", name="Lea Lead", phone="+49 30 555", language="de")
    order = buy(event, email="lea@example.com", name="Lea Lead", quantity=2, buyer=member)
    return member, order


@pytest.fixture
def full_customer(lea, event, support):
    """Lea with an order (one ticket transferred, a refund, an email), a fulfilled
    pre-order, a breached case and log entries."""
    member, order = lea
    first, _second = order.tickets.order_by("pk")
    transfer(first)
    Refund.objects.create(
        order=order,
        amount_minor=1000,
        currency=order.currency,
        status=RefundStatus.SUCCEEDED,
        source=RefundSource.AGENT,
        reason="Goodwill",
    )
    EmailDelivery.objects.create(order=order, recipient="lea@example.com", sent_at=timezone.now())
    offer = make_offer(event)
    pre_order = make_pre_order(offer, member=member, variant=offer.variants.first())
    fulfil(pre_order, make_ticket(offer, password="hunter2-secret", email="door@promoter.example"))
    case = SupportCase.objects.create(
        subject="Where is my ticket?",
        customer=member,
        customer_email="Lea@Example.com",
        order=order,
        event_key=order.event_key,
        status=CaseStatus.OPEN,
        resolution_due_at=timezone.now() - dt.timedelta(hours=2),
    )
    log(instance=order, action="wagtail.edit", user=support)
    log(instance=case, action="wagtail.edit", user=support)
    return member, order, pre_order, case


def test_support_sees_the_whole_customer_on_one_page(client, support, full_customer):
    member, order, pre_order, case = full_customer
    client.force_login(support)
    response = client.get(page_of("lea@example.com"))
    assert response.status_code == 200
    html = response.content.decode()
    profile = response.context["profile"]
    assert profile.account == member and profile.private_details_visible
    assert "+49 30 555" in html  # phone, for Support
    assert f'id="order-{order.number}"' in html
    statuses = [ticket.status for ticket in profile.orders[0].tickets.all()]
    assert sorted(statuses) == ["transferred", "valid", "valid"]
    assert 'data-status="transferred"' in html and "replaced by" in html
    assert 'data-refund="' in html and "Goodwill" in html
    assert f'data-pre-order="{pre_order.pk}"' in html
    assert "hunter2-secret" not in html  # never the password ...
    assert f"/admin/fulfilment/tickets/{pre_order.assignment.ticket_id}/reveal/" in html
    assert f'data-case="{case.pk}"' in html and 'data-sla="breached"' in html
    assert "SLA breached" in html
    assert [row.kind for row in profile.emails].count("order") == 1
    assert {row.kind for row in profile.emails} >= {"order", "credentials"}
    assert [entry.content_type.model for entry in profile.history] == ["supportcase", "order"]


def test_the_reveal_link_is_only_for_those_who_may_reveal(client, organizer, full_customer):
    _member, _order, pre_order, _case = full_customer
    client.force_login(organizer)
    html = client.get(page_of("lea@example.com")).content.decode()
    assert f'data-pre-order="{pre_order.pk}"' in html
    assert "/reveal/" not in html


def test_a_guest_is_a_customer_too(client, support, event):
    order = buy(event, email="guest@example.com", name="Gus Guest")
    client.force_login(support)
    response = client.get(page_of("guest@example.com"))
    assert response.status_code == 200
    assert response.context["profile"].account is None
    assert order.number in response.content.decode()


def test_an_organizer_sees_only_their_own_orders_of_a_shared_customer(
    client, organizer, other_organizer, event, other_event
):
    own = buy(event, email="shared@example.com", name="Sam Shared")
    theirs = buy(other_event, email="shared@example.com", name="Sam Shared")
    client.force_login(organizer)
    response = client.get(page_of("shared@example.com"))
    assert response.status_code == 200
    html = response.content.decode()
    assert own.number in html and theirs.number not in html
    assert not response.context["profile"].private_details_visible


def test_an_organizer_opening_another_organizations_customer_gets_404(
    client, organizer, other_event
):
    buy(other_event, email="northwind@example.org", name="Nora North")
    client.force_login(organizer)
    assert client.get(page_of("northwind@example.org")).status_code == 404
    with pytest.raises(CustomerNotFound):
        customer_profile(organizer, "northwind@example.org")


def test_fulfilment_sees_pre_orders_but_not_orders(client, fulfilment_user, full_customer):
    _member, order, pre_order, _case = full_customer
    client.force_login(fulfilment_user)
    response = client.get(page_of("lea@example.com"))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(pre_order.pk) in html
    assert order.number not in html
    assert response.context["profile"].cases == []


@pytest.mark.parametrize("who", ["marketing", "attendee"])
def test_marketing_and_attendees_are_refused_every_customer_screen(
    client, request, who, full_customer
):
    """Wagtail's way: refused admin screens send the user away (to the dashboard with
    "Sorry, you do not have permission", or to the login), showing nothing."""
    client.force_login(request.getfixturevalue(who))
    for url in (SEARCH, f"{SEARCH}?q=lea", f"{SEARCH}export/?q=lea", page_of("lea@example.com")):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "lea@example.com" not in response.content.decode()
        if response.status_code == 302:
            assert not response.url.startswith(SEARCH)


def test_a_forged_or_broken_key_is_not_found(client, support, lea):
    client.force_login(support)
    key = customer_key("lea@example.com")
    for bad in (key[:-3] + "abc", "lea@example.com", "bGVhQGV4YW1wbGUuY29t"):
        assert client.get(f"{SEARCH}{bad}/").status_code == 404


def test_the_search_page_lists_customers_and_an_order_number_opens_the_customer(
    client, support, lea, event
):
    _member, order = lea
    buy(event, email="leander@example.com", name="Lea Nder")
    client.force_login(support)
    response = client.get(SEARCH, {"q": "lea"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-customer="lea@example.com"' in html
    assert 'data-customer="leander@example.com"' in html

    response = client.get(SEARCH, {"q": order.number.lower()})
    assert response.status_code == 302
    assert response.url.endswith(f"#order-{order.number}")
    assert client.get(response.url).context["profile"].email == "lea@example.com"

    ticket = order.tickets.first()
    response = client.get(SEARCH, {"q": ticket.code})
    assert response.status_code == 302
    assert "lea@example.com" not in response.url


def test_the_support_menu_offers_customers_to_support_only(client, support, marketing):
    client.force_login(support)
    assert SEARCH in client.get("/admin/").content.decode()
    client.force_login(marketing)
    assert SEARCH not in client.get("/admin/").content.decode()


def test_the_360_view_costs_the_same_queries_for_1_and_20_orders(
    support, event, django_assert_max_num_queries
):
    buy(event, email="one@example.com", name="One Order")
    for _ in range(20):
        buy(event, email="many@example.com", name="Many Orders", quantity=2)

    def queries(email):
        support_fresh = type(support).objects.get(pk=support.pk)  # no cached roles
        with CaptureQueriesContext(connection) as captured:
            profile = customer_profile(support_fresh, email)
        return len(captured), profile

    one, _profile = queries("one@example.com")
    many, profile = queries("many@example.com")
    assert len(profile.orders) == 20
    assert many == one
    with django_assert_max_num_queries(16):
        customer_profile(support, "many@example.com")


def test_the_export_neutralises_formulas(client, support, event):
    buy(event, email="evil@example.com", name='=HYPERLINK("http://evil.example","Evil")')
    buy(event, email="plus@example.com", name="+Evil Plus")
    client.force_login(support)
    response = client.get(f"{SEARCH}export/", {"q": "evil"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["name", "email"]
    names = sorted(row[0] for row in rows[1:])
    assert names == ["'+Evil Plus", '\'=HYPERLINK("http://evil.example","Evil")']

    response = client.get(f"{SEARCH}export/", {"q": "evil", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row[:1]]
    assert {cell.data_type for cell in cells} == {"s"}  # text, never a formula


def test_an_action_button_shows_only_once_its_url_exists():
    template = Template(
        "{% load crm_customers %}"
        '{% optional_url "crm_no_such_action" "X1" as url %}[{{ url }}]'
        '{% optional_url "bilten_customers:search" q="a b" as search %}[{{ search }}]'
    )
    assert template.render(Context()) == "[][/admin/crm/customers/?q=a+b]"


def test_the_customer_page_lists_exchanges_waiting_for_payment(client, support, organization, lea):
    from commerce.services.exchange_charges import request_exchange_payment
    from tests.factories import make_event

    _member, order = lea
    later = make_event(organization, "Aurora Late Show", tiers=[("VIP", 6000, None)])
    charge = request_exchange_payment(ticket=order.tickets.first(), tier=later.tiers.get())
    client.force_login(support)

    html = client.get(page_of("lea@example.com")).content.decode()

    assert f'data-exchange-charge="{charge.pk}"' in html
    assert 'data-status="awaiting_payment"' in html and "Awaiting payment" in html
    assert "€35.00" in html and f"/admin/crm/exchanges/{charge.pk}/cancel/" in html
