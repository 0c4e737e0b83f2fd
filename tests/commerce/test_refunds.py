"""Refunds and cancellations: money back, tickets ended, places on sale again at once."""

import pytest

from commerce.exceptions import RefundError
from commerce.models import (
    DemoRefund,
    Order,
    OrderStatus,
    PromoCode,
    PromoKind,
    Refund,
    RefundSource,
    TicketStatus,
)
from commerce.payments.demo import DemoGateway
from commerce.services.refunds import cancel_order, reconcile_gateway_refunds, refund_order
from tests.commerce.refund_data import codes, on_sale, paid_order, sold
from tests.conftest import requires_postgres
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db

VALID, REFUNDED, VOID = TicketStatus.VALID, TicketStatus.REFUNDED, TicketStatus.VOID


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=10, tiers=[("General", 2500, None), ("VIP", 9000, 2)])


@pytest.fixture
def order(event):
    return paid_order(event, ("General", 3), ("VIP", 2))


def nothing_changed(order, *, tickets=5, sold_places=5):
    order.refresh_from_db()
    assert (order.refunded_minor, order.status) == (0, OrderStatus.COMPLETED)
    assert len(codes(order, VALID)) == tickets
    assert not Refund.objects.exists()
    assert sold(Order.objects.get(pk=order.pk).event) == sold_places


def test_refunding_chosen_tickets_returns_exactly_their_places_to_sale(event, order):
    assert (on_sale(event, "General"), on_sale(event, "VIP")) == (5, 0)
    general = order.tickets.filter(item__tier_name="General").order_by("pk").first()
    vip = order.tickets.filter(item__tier_name="VIP").order_by("pk").first()

    refund = refund_order(order=order, tickets=[general, vip.code], reason="Cannot come")

    assert (refund.amount_minor, refund.currency, refund.status) == (11500, "EUR", "succeeded")
    assert refund.source == RefundSource.AGENT and refund.reason == "Cannot come"
    assert refund.reference == DemoRefund.objects.get(amount_minor=11500).reference
    assert sorted(refund.tickets.values_list("code", flat=True)) == sorted([general.code, vip.code])
    order.refresh_from_db()
    assert (order.refunded_minor, order.status) == (11500, OrderStatus.PARTIALLY_REFUNDED)
    assert codes(order, REFUNDED) == sorted([general.code, vip.code])
    assert len(codes(order, VALID)) == 3
    assert all(t.ended_at for t in order.tickets.filter(status=REFUNDED))
    assert (sold(event), sold(event, "General"), sold(event, "VIP")) == (3, 2, 1)
    assert (on_sale(event, "General"), on_sale(event, "VIP")) == (7, 1)


def test_a_ticket_refund_gives_back_its_share_of_a_discounted_order(event, organization):
    PromoCode.objects.create(organization=organization, code="FIFTH", percent_off=20)
    order = paid_order(event, ("General", 2), ("VIP", 1), promo="FIFTH")
    assert order.total_minor == 11200  # (2 × 25.00 + 90.00) less 20 %
    vip = order.tickets.get(item__tier_name="VIP")
    assert refund_order(order=order, tickets=[vip]).amount_minor == 7200
    general = order.tickets.filter(item__tier_name="General").first()
    assert refund_order(order=order, tickets=[general]).amount_minor == 2000


def test_refunding_every_ticket_one_by_one_gives_back_exactly_the_total(organization):
    event = make_event(organization, "Small Hall", capacity=5, tiers=[("General", 1000, None)])
    PromoCode.objects.create(
        organization=organization,
        code="TENOFF",
        kind=PromoKind.FIXED,
        amount_off_minor=100,
        currency="EUR",
    )
    order = paid_order(event, ("General", 3), promo="TENOFF")
    assert order.total_minor == 2900
    amounts = [
        refund_order(order=order, tickets=[ticket]).amount_minor
        for ticket in order.tickets.order_by("pk")
    ]
    assert amounts == [967, 967, 966]
    order.refresh_from_db()
    assert (order.refunded_minor, order.status) == (2900, OrderStatus.REFUNDED)
    assert sold(event) == 0


def test_an_amount_refund_moves_money_only(event, order):
    refund = refund_order(order=order, amount_minor=1000, reason="Goodwill")
    assert refund.amount_minor == 1000 and not refund.tickets.exists()
    order.refresh_from_db()
    assert (order.refunded_minor, order.status) == (1000, OrderStatus.PARTIALLY_REFUNDED)
    assert len(codes(order, VALID)) == 5
    assert sold(event) == 5 and on_sale(event, "VIP") == 0
    assert DemoRefund.objects.get().amount_minor == 1000


def test_a_refund_over_what_is_left_is_refused_and_changes_nothing(order):
    with pytest.raises(RefundError) as refused:
        refund_order(order=order, amount_minor=order.total_minor + 1)
    assert refused.value.code == "amount_too_high"
    assert "€255.00" in refused.value.message
    nothing_changed(order)
    assert not DemoRefund.objects.exists()


def test_a_ticket_already_refunded_or_of_another_order_is_refused_by_its_code(event, order):
    ticket = order.tickets.first()
    refund_order(order=order, tickets=[ticket])
    with pytest.raises(RefundError) as again:
        refund_order(order=order, tickets=[ticket.code])
    assert again.value.code == "ticket_not_refundable" and ticket.code in again.value.message
    other = paid_order(event, ("General", 1), session_key="buyer-2").tickets.get()
    with pytest.raises(RefundError) as foreign:
        refund_order(order=order, tickets=[other])
    assert foreign.value.code == "ticket_not_refundable" and other.code in foreign.value.message
    assert Refund.objects.count() == 1 and other.order.refunds.count() == 0


def test_nothing_left_to_refund_is_refused(order):
    refund_order(order=order)
    order.refresh_from_db()
    assert (order.refunded_minor, order.status) == (order.total_minor, OrderStatus.REFUNDED)
    assert codes(order, VALID) == []
    with pytest.raises(RefundError) as refused:
        refund_order(order=order)
    assert refused.value.code == "nothing_to_refund"
    with pytest.raises(RefundError):
        refund_order(order=order, amount_minor=1)


def test_tickets_and_an_amount_together_are_a_programming_error(order):
    with pytest.raises(ValueError):
        refund_order(order=order, tickets=[order.tickets.first()], amount_minor=100)


def test_the_gateway_refusing_changes_nothing(event, order):
    # The whole payment was refunded at the provider already (we have not heard yet).
    DemoGateway().refund(
        reference=order.payment_reference, amount_minor=order.total_minor, idempotency_key="dash"
    )
    with pytest.raises(RefundError) as refused:
        refund_order(order=order, tickets=[order.tickets.first()])
    assert refused.value.code == "refund_refused"
    nothing_changed(order)
    assert on_sale(event, "General") == 5
    assert DemoRefund.objects.count() == 1


def test_cancelling_without_a_refund_voids_the_tickets_and_frees_their_places(event, order):
    assert cancel_order(order=order, refund=False, reason="Duplicate order") is None
    order.refresh_from_db()
    assert (order.status, order.refunded_minor) == (OrderStatus.CANCELLED, 0)
    assert len(codes(order, VOID)) == 5 and not Refund.objects.exists()
    assert (sold(event), on_sale(event, "VIP")) == (0, 2)
    assert not DemoRefund.objects.exists()
    assert cancel_order(order=order, refund=False) is None  # again: nothing more
    assert sold(event) == 0
    # The money can still go back later; the tickets stay void.
    refund = cancel_order(order=order, refund=True)
    assert refund.amount_minor == order.total_minor
    order.refresh_from_db()
    assert (order.status, order.refunded_minor) == (OrderStatus.CANCELLED, order.total_minor)
    assert len(codes(order, VOID)) == 5 and sold(event) == 0


def test_cancelling_with_a_refund_gives_back_what_is_left(event, order):
    agent = make_user("agent@example.com")
    refund_order(order=order, amount_minor=500)
    refund = cancel_order(order=order, refund=True, reason="Event moved", actor=agent)
    assert refund.amount_minor == order.total_minor - 500
    assert (refund.source, refund.created_by) == (RefundSource.AGENT, agent)
    order.refresh_from_db()
    assert (order.status, order.refunded_minor) == (OrderStatus.CANCELLED, order.total_minor)
    assert len(codes(order, REFUNDED)) == 5
    assert (sold(event), sold(event, "General"), sold(event, "VIP")) == (0, 0, 0)
    assert sum(DemoRefund.objects.values_list("amount_minor", flat=True)) == order.total_minor


def test_an_order_paid_nothing_is_refunded_for_its_tickets_without_a_gateway(event, organization):
    PromoCode.objects.create(organization=organization, code="FREE", percent_off=100)
    order = paid_order(event, ("General", 2), promo="FREE")
    assert order.total_minor == 0
    first, second = order.tickets.order_by("pk")
    assert refund_order(order=order, tickets=[first]) is None
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert codes(order, REFUNDED) == [first.code] and sold(event) == 1
    assert refund_order(order=order) is None
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and sold(event) == 0
    assert not Refund.objects.exists() and not DemoRefund.objects.exists()


# --- through Stripe (the local stand-in) ------------------------------------------------


@pytest.fixture
def stripe_api(settings):
    from tests.commerce.stripe_standin import StripeStandIn

    with StripeStandIn() as stand_in:
        settings.STRIPE_SECRET_KEY = "sk_test_local"
        settings.STRIPE_PUBLISHABLE_KEY = "pk_test_local"
        settings.STRIPE_WEBHOOK_SECRET = "whsec_test_local"
        settings.STRIPE_API_BASE = stand_in.url
        settings.PAYMENT_GATEWAY = "stripe"
        yield stand_in


def stripe_order(stripe_api, event) -> Order:
    from commerce.payments import get_gateway
    from commerce.services.orders import apply_gateway_state
    from tests.commerce.payments import checkout, hold_for

    payment = checkout(hold_for(event, 2))
    stripe_api.succeed(payment.reference)
    assert apply_gateway_state(reference=payment.reference, gateway=get_gateway()) == (
        "order_created"
    )
    return Order.objects.get(payment=payment)


def test_a_partial_refund_goes_through_stripe_once(stripe_api, event):
    order = stripe_order(stripe_api, event)
    refund = refund_order(order=order, amount_minor=1500)
    made = stripe_api.refunds
    assert [(r["payment_intent"], r["amount"]) for r in made] == [(order.payment_reference, 1500)]
    assert refund.reference == made[0]["id"] and refund.status == "succeeded"
    keys = [key for _m, path, _f, key in stripe_api.requests if path == "/v1/refunds"]
    assert len(keys) == 1 and keys[0].startswith("refund-")
    # Stripe lists it; asking again records nothing twice.
    assert reconcile_gateway_refunds(order=order) == 0
    order.refresh_from_db()
    assert (order.refunded_minor, order.status) == (1500, OrderStatus.PARTIALLY_REFUNDED)
    assert Refund.objects.count() == 1


def test_stripe_refusing_a_refund_changes_nothing(stripe_api, event):
    order = stripe_order(stripe_api, event)
    stripe_api.refund(order.payment_reference, 4000)  # in Stripe's dashboard, unknown to us
    with pytest.raises(RefundError) as refused:
        refund_order(order=order, tickets=[order.tickets.first()])
    assert refused.value.code == "refund_refused"
    nothing_changed(order, tickets=2, sold_places=2)


def test_stripe_unreachable_changes_nothing(stripe_api, event, settings):
    order = stripe_order(stripe_api, event)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(RefundError) as refused:
        refund_order(order=order)
    assert refused.value.code == "payment_unavailable"
    nothing_changed(order, tickets=2, sold_places=2)
    assert stripe_api.refunds == []


# --- a refund racing buyers for the last places (PostgreSQL, real transactions) ----------


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_refund_racing_holds_for_the_last_places_never_oversells(home_page):
    from commerce.models import EventInventory, Hold
    from commerce.services.holds import LineRequest, place_hold
    from tests.commerce.test_holds_race import race
    from tests.factories import make_organization

    organization = make_organization(home_page, "Race Org")
    for round_ in range(3):
        event = make_event(organization, f"Last Places {round_}", capacity=6)
        tier = event.tiers.get()
        order = paid_order(event, ("General", 2), session_key=f"first-{round_}")
        paid_order(event, ("General", 4), session_key=f"second-{round_}")
        assert on_sale(event, "General") == 0

        def action(i, event=event, tier=tier, order=order):
            if i == 0:
                return refund_order(order=order)
            return place_hold(
                event=event, lines=[LineRequest(tier.pk, 1)], session_key=f"racer-{round_}-{i}"
            )

        results = race(13, action)
        assert isinstance(results[0], Refund), results[0]
        winners = [r for r in results[1:] if isinstance(r, Hold)]
        assert len(winners) <= 2
        refusals = {getattr(r, "code", r) for r in results[1:] if not isinstance(r, Hold)}
        assert refusals <= {"insufficient_inventory"}
        inventory = EventInventory.objects.get(event_key=event.translation_key)
        assert (inventory.sold, inventory.held) == (4, len(winners))
        assert on_sale(event, "General") == 2 - len(winners)
        assert len(codes(order, REFUNDED)) == 2


# --- what the attendee sees ----------------------------------------------------------------


def signed_in_buyer(client, order):
    buyer = make_user("bea@example.com")
    Order.objects.filter(pk=order.pk).update(buyer=buyer)
    client.force_login(buyer)
    return buyer


def test_the_order_page_shows_each_ticket_s_state_and_hides_a_refunded_ticket_s_qr(client, order):
    signed_in_buyer(client, order)
    refunded, kept = list(order.tickets.filter(item__tier_name="General").order_by("pk"))[:2]
    refund_order(order=order, tickets=[refunded])

    body = client.get(f"/orders/{order.number}/").content.decode()
    assert f"/account/tickets/{kept.code}/qr.png" in body
    assert f"/account/tickets/{refunded.code}/qr.png" not in body
    assert '<p class="ticket-status">\n    Refunded\n</p>' in body
    assert "<li>€25.00 · <time" in body  # the refund, listed with its date
    assert client.get(f"/account/tickets/{refunded.code}/qr.png").status_code == 404
    assert client.get(f"/account/tickets/{kept.code}/qr.png").status_code == 200
    ticket_page = client.get(f"/account/tickets/{refunded.code}/").content.decode()
    assert "qr.png" not in ticket_page and "Refunded" in ticket_page


def test_a_cancelled_order_opened_by_its_link_says_so_without_qr_codes(client, order):
    from commerce.order_links import link_token

    cancel_order(order=order, refund=False)
    token = link_token(order, order.buyer_email)
    page = client.get(f"/orders/{order.number}/{token}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "This order was cancelled" in body and "qr.png" not in body
    code = order.tickets.first().code
    assert client.get(f"/orders/{order.number}/{token}/tickets/{code}/qr.png").status_code == 404


def test_the_api_order_shows_ticket_states_refunds_and_no_qr_for_ended_tickets(client, order):
    signed_in_buyer(client, order)
    refunded = order.tickets.filter(item__tier_name="General").order_by("pk").first()
    refund_order(order=order, tickets=[refunded])

    answer = client.get(f"/api/v1/orders/{order.number}/").json()
    assert (answer["status"], answer["refunded_minor"]) == ("partially_refunded", 2500)
    states = {t["code"]: (t["status"], t["qr_url"]) for t in answer["tickets"]}
    assert states[refunded.code] == ("refunded", None)
    assert sum(1 for status, url in states.values() if status == "valid" and url) == 4
    [listed] = answer["refunds"]
    assert (listed["amount_minor"], listed["currency"], listed["status"]) == (
        2500,
        "EUR",
        "succeeded",
    )
    assert client.get(f"/api/v1/tickets/{refunded.code}/qr.png").status_code == 404
