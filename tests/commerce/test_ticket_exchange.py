"""A support agent exchanges a sold ticket for another tier or event of the same organizer:
one sold place moves, never past capacity, and a cheaper ticket's difference goes back."""

import threading

import pytest
from django.db import close_old_connections, connection

from commerce.exceptions import CommerceError, InsufficientInventory
from commerce.models import (
    DemoCharge,
    DemoRefund,
    EventInventory,
    OrderItem,
    PromoCode,
    PromoKind,
    Refund,
    Ticket,
    TicketStatus,
    TierInventory,
)
from commerce.selectors import availability
from commerce.services.ticket_changes import Exchange, exchange_ticket, paid_for
from commerce.tickets import InvalidTicket, ticket_payload, verify_ticket_payload
from event_pages.models import TicketTier
from tests.commerce.test_ticket_transfer import buy, counters
from tests.conftest import requires_postgres
from tests.factories import make_event, make_organization

TIERS = [
    ("General", 2500, 5),
    ("Seated", 2500, 5),
    ("VIP", 5000, 1),
    ("Student", 1500, None),
]


@pytest.fixture
def event(organization):
    return make_event(organization, "Night Concert", capacity=10, tiers=TIERS)


def tier(event, name) -> TicketTier:
    return event.tiers.get(name=name)


def first_ticket(order) -> Ticket:
    return order.tickets.order_by("pk").first()


def left(event) -> dict:
    """What the public page offers per tier (commerce.selectors.availability)."""
    now = availability(event)
    return {t.name: now.for_tier(t) for t in event.tiers.all()} | {"event": now.event_remaining}


def refused(ticket, target, **kwargs) -> CommerceError:
    with pytest.raises(CommerceError) as refusal:
        exchange_ticket(ticket=ticket, tier=target, **kwargs)
    return refusal.value


def unchanged(ticket, before_counters, event):
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.VALID and ticket.replaced_by is None
    assert counters(event) == before_counters
    assert ticket.order.tickets.count() == ticket.order.total_quantity
    assert not ticket.order.refunds.exists()


@pytest.mark.django_db
def test_an_exchange_to_another_tier_moves_one_sold_place(event):
    order = buy(event, General=2)
    ticket = first_ticket(order)
    assert left(event) == {"General": 3, "Seated": 5, "VIP": 1, "Student": 8, "event": 8}

    result = exchange_ticket(ticket=ticket, tier=tier(event, "Seated"))

    assert isinstance(result, Exchange)
    assert (result.difference_minor, result.refund) == (0, None)
    new, old = result.new, Ticket.objects.get(pk=ticket.pk)
    assert old.status == TicketStatus.VOID and old.replaced_by == new and old.ended_at
    assert ticket.status == TicketStatus.VOID  # the caller's object says so too
    assert new.admits and new.code != old.code and new.order == order
    assert new.tier_key == tier(event, "Seated").translation_key
    assert (new.item.tier_name, new.item.unit_price_minor) == ("Seated", 2500)
    assert new.attendee_name == old.attendee_name == "Bea"
    assert new.event_key is None and new.held_event_key == event.translation_key
    assert left(event) == {"General": 4, "Seated": 4, "VIP": 1, "Student": 8, "event": 8}
    assert counters(event) == (2, {"General": 1, "Seated": 1, "VIP": 0, "Student": 0})
    assert verify_ticket_payload(ticket_payload(new))["t"] == str(new.tier_key)


@pytest.mark.django_db
def test_the_exchanged_tickets_old_qr_code_no_longer_admits(event, organization):
    checks = pytest.importorskip("commerce.services.ticket_checks")
    matinee = make_event(organization, "Matinee", tiers=[("General", 2500, None)])
    ticket = first_ticket(buy(event, General=1))
    payload = ticket_payload(ticket)
    new = exchange_ticket(ticket=ticket, tier=tier(matinee, "General")).new
    with pytest.raises(InvalidTicket) as refusal:
        checks.verify_ticket(payload)
    assert refusal.value.reason == "void"
    # The new QR admits at the event it was exchanged to, not the order's.
    assert verify_ticket_payload(ticket_payload(new))["e"] == str(matinee.translation_key)
    assert checks.verify_ticket(ticket_payload(new)) == new


@pytest.mark.django_db
def test_the_exchange_line_keeps_the_order_lines_adding_up_to_what_was_paid(event):
    order = buy(event, General=2)
    exchange_ticket(ticket=first_ticket(order), tier=tier(event, "Seated"))
    lines = OrderItem.objects.filter(order=order)
    assert sum(line.line_total_minor for line in lines) == order.subtotal_minor == 5000
    # Both tickets still count as paid 25.00: the kept one and the exchanged-in one.
    assert [paid_for(t) for t in order.tickets.filter(status="valid").order_by("pk")] == [
        2500,
        2500,
    ]


@pytest.mark.django_db
def test_an_exchange_into_a_sold_out_tier_is_refused_and_changes_nothing(event):
    buy(event, session_key="first", VIP=1)
    order = buy(event, session_key="second", General=1)
    ticket = first_ticket(order)
    before, offered, lines = counters(event), left(event), order.items.count()

    with pytest.raises(InsufficientInventory) as refusal:
        exchange_ticket(ticket=ticket, tier=tier(event, "VIP"), waive_difference=True)

    assert refusal.value.code == "insufficient_inventory" and refusal.value.status == 409
    assert refusal.value.api_body()["available"] == {str(tier(event, "VIP").pk): 0}
    unchanged(ticket, before, event)
    assert left(event) == offered and order.items.count() == lines


@pytest.mark.django_db
def test_a_full_event_still_lets_a_ticket_move_to_a_tier_with_room(organization):
    event = make_event(organization, "Full House", capacity=3, tiers=TIERS)
    order = buy(event, General=3)
    assert left(event)["event"] == 0
    result = exchange_ticket(ticket=first_ticket(order), tier=tier(event, "Seated"))
    assert result.new.admits
    assert counters(event) == (3, {"General": 2, "Seated": 1, "VIP": 0, "Student": 0})


@pytest.mark.django_db
def test_an_exchange_for_another_organizations_event_is_refused(event, other_organization):
    elsewhere = make_event(other_organization, "Their Show", tiers=[("General", 2500, None)])
    ticket = first_ticket(buy(event, General=1))
    before = counters(event)
    refusal = refused(ticket, tier(elsewhere, "General"))
    assert refusal.code == "exchange_other_organization"
    unchanged(ticket, before, event)
    assert counters(elsewhere) == (0, {"General": 0})


@pytest.mark.django_db
def test_an_exchange_for_another_event_of_the_same_organizer_moves_the_place_there(
    event, organization
):
    matinee = make_event(organization, "Matinee", capacity=5, tiers=[("General", 2500, None)])
    order = buy(event, General=2)

    new = exchange_ticket(ticket=first_ticket(order), tier=tier(matinee, "General")).new

    assert new.order == order and order.event_key == event.translation_key
    assert new.event_key == new.held_event_key == matinee.translation_key
    assert counters(event)[0] == 1 and counters(matinee) == (1, {"General": 1})
    assert left(matinee)["General"] == 4 and left(event)["event"] == 9
    # And it can go back: exchanged tickets are tickets like any other.
    back = exchange_ticket(ticket=new, tier=tier(event, "Seated")).new
    assert back.event_key is None and back.held_event_key == event.translation_key
    assert counters(matinee) == (0, {"General": 0}) and counters(event)[0] == 2


@pytest.mark.django_db
def test_a_cheaper_tier_refunds_the_difference_through_the_gateway(event):
    order = buy(event, General=1)
    ticket = first_ticket(order)

    result = exchange_ticket(ticket=ticket, tier=tier(event, "Student"))

    assert result.difference_minor == -1000
    refund = Refund.objects.get(order=order)
    assert result.refund == refund
    assert (refund.amount_minor, refund.source, refund.currency) == (1000, "exchange", "EUR")
    assert list(refund.tickets.all()) == [Ticket.objects.get(pk=ticket.pk)]
    made = DemoRefund.objects.get(charge_reference=order.payment_reference)
    assert made.amount_minor == 1000 and refund.reference == made.reference
    order.refresh_from_db()
    assert order.refunded_minor == 1000
    assert paid_for(result.new) == 1500
    # Back to the dearer tier would cost 10.00 more: refused unless waived.
    assert refused(result.new, tier(event, "General")).code == "exchange_costs_more"


@pytest.mark.django_db
def test_the_difference_refund_never_exceeds_what_is_left_on_the_order(event):
    from commerce.services.refunds import refund_order

    order = buy(event, General=1)
    refund_order(order=order, amount_minor=2000, reason="goodwill")

    result = exchange_ticket(ticket=first_ticket(order), tier=tier(event, "Student"))

    assert result.difference_minor == -1000 and result.refund.amount_minor == 500
    order.refresh_from_db()
    assert order.refunded_minor == order.total_minor == 2500


@pytest.mark.django_db
def test_a_refund_the_gateway_refuses_undoes_the_whole_exchange(event):
    order = buy(event, General=1)
    ticket = first_ticket(order)
    before = counters(event)
    DemoCharge.objects.filter(reference=order.payment_reference).update(status="pending")

    with pytest.raises(CommerceError) as refusal:
        exchange_ticket(ticket=ticket, tier=tier(event, "Student"))

    assert refusal.value.code == "refund_refused"
    unchanged(ticket, before, event)
    assert order.items.count() == 1


@pytest.mark.django_db
def test_with_a_promo_code_the_difference_is_against_what_the_ticket_was_paid(event, organization):
    PromoCode.objects.create(
        organization=organization, code="FRIENDS", kind=PromoKind.PERCENT, percent_off=20
    )
    order = buy(event, promo="FRIENDS", General=2)
    assert order.total_minor == 4000
    ticket = first_ticket(order)
    assert paid_for(ticket) == 2000

    result = exchange_ticket(ticket=ticket, tier=tier(event, "Student"))

    assert result.difference_minor == -500 and result.refund.amount_minor == 500
    assert DemoRefund.objects.get().amount_minor == 500


@pytest.mark.django_db
def test_a_dearer_tier_is_refused_unless_the_difference_is_waived(event):
    order = buy(event, General=1)
    ticket = first_ticket(order)
    before = counters(event)

    refusal = refused(ticket, tier(event, "VIP"))
    assert refusal.code == "exchange_costs_more"
    assert "pay the difference" in refusal.message
    unchanged(ticket, before, event)

    result = exchange_ticket(ticket=ticket, tier=tier(event, "VIP"), waive_difference=True)
    assert (result.difference_minor, result.refund) == (2500, None)
    assert not DemoRefund.objects.exists()
    assert paid_for(result.new) == 2500  # the goodwill was not paid for
    assert counters(event)[1]["VIP"] == 1


@pytest.mark.django_db
def test_an_ended_ticket_cannot_be_exchanged(event):
    ticket = first_ticket(buy(event, General=1))
    exchange_ticket(ticket=ticket, tier=tier(event, "Seated"))
    stale = Ticket.objects.get(pk=ticket.pk)
    assert refused(stale, tier(event, "General")).code == "ticket_not_valid"


@pytest.mark.django_db
def test_a_tier_not_on_sale_or_in_another_currency_or_the_same_tier_is_refused(event):
    ticket = first_ticket(buy(event, General=1))
    before = counters(event)
    assert refused(ticket, tier(event, "General")).code == "exchange_same_tier"
    TicketTier.objects.filter(pk=tier(event, "Seated").pk).update(enabled=False)
    assert refused(ticket, tier(event, "Seated")).code == "tier_not_on_sale"
    TicketTier.objects.filter(pk=tier(event, "Student").pk).update(currency="USD")
    refusal = refused(ticket, tier(event, "Student"))
    assert refusal.code == "exchange_other_currency" and "EUR" in refusal.message
    unchanged(ticket, before, event)


@pytest.mark.django_db
def test_add_on_tickets_keep_the_ticket_they_need(organization):
    event = make_event(
        organization,
        "Conference",
        tiers=[("Pass", 10000, None), ("Workshop", 10000, None), ("Day", 10000, None)],
    )
    TicketTier.objects.filter(pk=tier(event, "Workshop").pk).update(
        requires_tier_key=tier(event, "Pass").translation_key
    )
    alone = first_ticket(buy(event, session_key="a", Pass=1))
    refusal = refused(alone, tier(event, "Workshop"))
    assert refusal.code == "tier_requires_another"
    assert "Workshop" in refusal.message and "Pass" in refusal.message

    pair = buy(event, session_key="b", Pass=1, Workshop=1)
    pass_ticket = pair.tickets.get(tier_key=tier(event, "Pass").translation_key)
    assert refused(pass_ticket, tier(event, "Day")).code == "exchange_breaks_requirement"

    two = buy(event, session_key="c", Pass=2)
    assert exchange_ticket(ticket=first_ticket(two), tier=tier(event, "Workshop")).new.admits


def race(workers: int, action) -> list:
    """Run `action(i)` in `workers` threads released at the same moment."""
    start = threading.Barrier(workers)
    results = [None] * workers

    def run(index):
        close_old_connections()
        try:
            start.wait()
            results[index] = action(index)
        except CommerceError as refusal:
            results[index] = refusal.code
        except Exception as error:  # surfaced in the assertion, not lost in a thread
            results[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_agents_exchanging_at_once_into_the_last_place_get_it_once(home_page):
    organization = make_organization(home_page, "Race Org")
    for round_ in range(3):
        event = make_event(organization, f"Last Seat {round_}", capacity=20, tiers=TIERS)
        buy(event, session_key="early", Seated=4)
        # Five buyers' tickets (five orders: nothing but the inventory row orders them).
        tickets = [first_ticket(buy(event, session_key=f"b{i}", General=1)) for i in range(5)]
        seated = tier(event, "Seated")

        results = race(5, lambda i: exchange_ticket(ticket=tickets[i], tier=seated))

        winners = [r for r in results if isinstance(r, Exchange)]
        assert len(winners) == 1, results
        assert sorted(r for r in results if r not in winners) == ["insufficient_inventory"] * 4
        assert counters(event) == (9, {"General": 4, "Seated": 5, "VIP": 0, "Student": 0})
        assert EventInventory.objects.get(event_key=event.translation_key).held == 0
        assert Ticket.objects.filter(order__event_key=event.translation_key).count() == 10
        assert TierInventory.objects.get(tier_key=seated.translation_key).sold == 5


@pytest.mark.django_db
def test_refunding_an_exchanged_in_ticket_gives_back_what_was_paid_for_it(event):
    from commerce.services.refunds import refund_order

    order = buy(event, General=2)
    kept, swapped = order.tickets.order_by("pk")
    new = exchange_ticket(ticket=swapped, tier=tier(event, "Seated")).new
    assert paid_for(new) == 2500

    made = refund_order(order=order, tickets=[new], reason="cannot come")

    assert made is not None and made.amount_minor == 2500
    assert DemoRefund.objects.get().amount_minor == 2500
    new.refresh_from_db()
    assert new.status == TicketStatus.REFUNDED
    # The other ticket is still worth its own share: the whole order comes back exactly.
    rest = refund_order(order=order, tickets=[kept], reason="cannot come either")
    assert rest.amount_minor == 2500
    order.refresh_from_db()
    assert order.refunded_minor == order.total_minor == 5000


@pytest.mark.django_db
def test_refunding_a_ticket_exchanged_for_a_cheaper_one_gives_back_the_rest(event):
    from commerce.services.refunds import refund_order

    order = buy(event, General=1)
    new = exchange_ticket(ticket=first_ticket(order), tier=tier(event, "Student")).new

    made = refund_order(order=order, tickets=[new], reason="cannot come")

    assert made.amount_minor == 1500  # 25.00 paid, 10.00 given back by the exchange
    order.refresh_from_db()
    assert order.refunded_minor == order.total_minor == 2500
