"""One search box finds a customer by email, name, phone, order number, ticket code or
pre-order id, and each role finds only the customers it may see."""

import base64

import pytest
from django.db import connection

from commerce.models import Order
from crm.customer_search import (
    BadCustomerKey,
    customer_key,
    email_from_key,
    search_customers,
)
from tests.conftest import requires_postgres
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
from tests.fulfilment.dashboard_data import make_offer, make_pre_order

pytestmark = pytest.mark.django_db


def emails(hits) -> list[str]:
    return [hit.email for hit in hits]


@pytest.fixture
def lea(event):
    return buy(event, email="Lea.Lead@Example.com", name="Lea Lead", quantity=2)


def test_an_order_number_finds_its_buyer_in_any_case(support, lea):
    for typed in (lea.number, lea.number.lower(), f"  {lea.number}  "):
        hits = search_customers(support, typed)
        assert emails(hits) == ["lea.lead@example.com"]
        assert hits[0].matched == "order"
        assert hits[0].order_numbers == [lea.number]


def test_a_ticket_code_finds_the_orders_customer_also_after_the_ticket_was_transferred(
    support, lea
):
    ticket = lea.tickets.first()
    new = transfer(ticket)
    for code in (ticket.code, new.code):
        hits = search_customers(support, code)
        assert emails(hits) == ["lea.lead@example.com"]
        assert hits[0].matched == "ticket"
    assert search_customers(support, ticket.code.upper() + "x") == []


def test_a_pre_order_id_finds_the_member(support, event):
    member = make_user("member@example.com", name="Mia Member")
    pre_order = make_pre_order(make_offer(event), member=member)
    hits = search_customers(support, str(pre_order.pk))
    assert emails(hits) == ["member@example.com"]
    assert hits[0].matched == "pre_order"
    assert hits[0].account_id == member.pk


def test_an_email_is_found_exactly_whatever_its_case(support, event):
    buy(event, email="ann@example.com", name="Ann Arbor")
    buy(event, email="joann@example.com", name="Jo Ann")
    hits = search_customers(support, "ANN@example.com")
    assert emails(hits) == ["ann@example.com"]
    assert hits[0].matched == "email"
    # Part of an address is searched as text; a whole address nobody has finds nobody.
    assert sorted(emails(search_customers(support, "nn@exam"))) == [
        "ann@example.com",
        "joann@example.com",
    ]
    assert search_customers(support, "nn@example.com") == []


def test_a_phone_number_finds_the_account(support, event):
    member = make_user("caller@example.com", name="Cal Caller", phone="+49 30 1234567")
    buy(event, email="caller@example.com", name="Cal Caller", buyer=member)
    hits = search_customers(support, "+49 30 1234567")
    assert emails(hits) == ["caller@example.com"]
    assert hits[0].matched == "phone"


def test_names_and_emails_are_found_by_prefix_and_part_without_case(support, event, lea):
    buy(event, email="someone@else.org", name="Greta Leander")
    assert emails(search_customers(support, "lea.l")) == ["lea.lead@example.com"]
    # Prefix matches come before matches inside a name.
    assert emails(search_customers(support, "LEA")) == ["lea.lead@example.com", "someone@else.org"]
    assert emails(search_customers(support, "eander")) == ["someone@else.org"]


def test_an_account_without_orders_is_a_customer_for_support(support):
    make_user("quiet@example.com", name="Quentin Quiet")
    hits = search_customers(support, "quentin")
    assert emails(hits) == ["quiet@example.com"]
    assert hits[0].order_numbers == [] and hits[0].account_id is not None


def test_like_wildcards_in_the_search_are_plain_characters(support, event):
    buy(event, email="percent@example.com", name="100% Fan")
    buy(event, email="plain@example.com", name="1000 Fans")
    buy(event, email="under_score@example.com", name="Uma Under")
    buy(event, email="underxscore@example.com", name="Una Other")
    assert emails(search_customers(support, "0% F")) == ["percent@example.com"]
    assert emails(search_customers(support, "under_sc")) == ["under_score@example.com"]
    assert search_customers(support, "%%%") == []
    assert search_customers(support, "___") == []


def test_short_text_finds_only_exact_identifiers(support, lea):
    assert search_customers(support, "le") == []
    assert search_customers(support, "") == []


def test_a_hit_lists_the_customers_newest_order_numbers_and_counts(support, event):
    first = buy(event, email="twice@example.com", name="Tia Twice")
    second = buy(event, email="twice@example.com", name="Tia Twice")
    hit = search_customers(support, "twice@example.com")[0]
    assert hit.order_numbers == [second.number, first.number]
    assert hit.order_count == 2 and hit.name == "Tia Twice"


def test_organizers_find_only_the_customers_of_their_own_events(
    organizer, other_organizer, event, other_event
):
    shared_a = buy(event, email="shared@example.com", name="Sam Shared")
    shared_b = buy(other_event, email="shared@example.com", name="Sam Shared")
    buy(other_event, email="northwind-only@example.com", name="Sam Northwind")

    hits = search_customers(organizer, "sam")
    assert emails(hits) == ["shared@example.com"]
    assert hits[0].order_numbers == [shared_a.number]  # not the other organization's order
    assert search_customers(organizer, shared_b.number) == []
    assert search_customers(organizer, "northwind-only@example.com") == []

    other_hits = search_customers(other_organizer, "sam")
    assert sorted(emails(other_hits)) == ["northwind-only@example.com", "shared@example.com"]
    shared = next(hit for hit in other_hits if hit.email == "shared@example.com")
    assert shared.order_numbers == [shared_b.number]


def test_support_finds_every_customer(support, event, other_event):
    buy(event, email="a@example.com", name="Sam Aurora")
    buy(other_event, email="b@example.com", name="Sam Northwind")
    assert sorted(emails(search_customers(support, "sam"))) == ["a@example.com", "b@example.com"]


def test_fulfilment_finds_pre_order_members_and_no_order_only_buyer(fulfilment_user, event):
    member = make_user("member@example.com", name="Pat Member")
    pre_order = make_pre_order(make_offer(event), member=member)
    order = buy(event, email="buyer-only@example.com", name="Pat Buyer")

    assert emails(search_customers(fulfilment_user, "pat")) == ["member@example.com"]
    assert emails(search_customers(fulfilment_user, str(pre_order.pk))) == ["member@example.com"]
    assert search_customers(fulfilment_user, order.number) == []
    assert search_customers(fulfilment_user, "buyer-only@example.com") == []


def test_an_organizer_finds_pre_order_members_of_their_events_only(
    organizer, other_organizer, event
):
    member = make_user("member@example.com", name="Pat Member")
    make_pre_order(make_offer(event), member=member)
    assert emails(search_customers(organizer, "pat member")) == ["member@example.com"]
    assert search_customers(other_organizer, "pat member") == []


def test_marketing_and_attendees_find_nobody(marketing, attendee, lea):
    for user in (marketing, attendee):
        assert search_customers(user, lea.number) == []
        assert search_customers(user, "lea") == []
        assert search_customers(user, "lea.lead@example.com") == []


def test_the_customer_key_carries_no_readable_email_and_cannot_be_forged():
    key = customer_key("Lea.Lead@Example.com")
    assert email_from_key(key) == "lea.lead@example.com"
    assert "lea" not in key.lower()
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert b"lea.lead" not in raw and b"example" not in raw
    # Two keys of one customer differ (nothing to compare), both open.
    assert customer_key("lea.lead@example.com") != key
    tampered = key[:-2] + ("A" if key[-2] != "A" else "B") + key[-1]
    for forged in (
        tampered,
        base64.urlsafe_b64encode(b"lea.lead@example.com").decode(),
        "x",
        "",
        key + "AAAA",
    ):
        with pytest.raises(BadCustomerKey):
            email_from_key(forged)


def test_a_key_made_with_another_secret_is_refused(settings):
    key = customer_key("lea@example.com")
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with pytest.raises(BadCustomerKey):
        email_from_key(key)
    settings.SECRET_KEY_FALLBACKS = []
    # A rotated key still opens the keys made before the rotation.
    old = settings.SECRET_KEY
    key = customer_key("lea@example.com")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "the-new-secret-" + "y" * 40, [old]
    assert email_from_key(key) == "lea@example.com"


@requires_postgres
def test_the_substring_search_is_answered_from_the_trigram_indexes(lea):
    """EXPLAIN shows the GIN trigram indexes serving Django's icontains on orders and accounts."""
    from django.contrib.auth import get_user_model

    queries = [
        Order.objects.filter(buyer_email__icontains="lead").order_by(),
        Order.objects.filter(buyer_name__icontains="lead").order_by(),
        get_user_model().objects.filter(email__icontains="lead").order_by(),
        get_user_model().objects.filter(name__istartswith="lea").order_by(),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plans = []
        for queryset in queries:
            sql, params = queryset.values("pk").query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    for plan, index in zip(
        plans,
        ["crm_order_event_buyer_email_trgm", "crm_order_event_buyer_name_trgm"]
        + ["crm_user_email_trgm", "crm_user_name_trgm"],
        strict=True,
    ):
        assert index in plan, plan
