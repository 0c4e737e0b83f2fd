"""The assignment engine: first paid first served, one ticket per paid pre-order, audited."""

import pytest

from fulfilment.models import (
    Assignment,
    AssignmentLog,
    PreOrderStatus,
    TicketStatus,
)
from fulfilment.services.assignment import assign, on_pre_order_paid
from tests.factories import make_event, make_user
from tests.fulfilment.assignment_data import holder, make_offer, pre_order, ticket, variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organization):
    return make_event(organization, "Club Night")


def status_of(obj):
    obj.refresh_from_db()
    return obj.status


def test_tickets_go_to_the_pre_orders_paid_first_within_each_variant(event):
    offer = make_offer(event, ["Early", "Late"])
    early, late = variant(offer, "Early"), variant(offer, "Late")
    # Placed in one order, paid in another: payment order decides.
    third = pre_order(offer, variant=early, paid_minute=30)
    first = pre_order(offer, variant=early, paid_minute=10)
    second = pre_order(offer, variant=early, paid_minute=20)
    late_one = pre_order(offer, variant=late, paid_minute=40)
    tickets = [ticket(offer, variant=early), ticket(offer, variant=early)]
    late_ticket = ticket(offer, variant=late)

    stats = assign(offer.event_key)

    assert [holder(t) for t in tickets] == [first, second]
    assert holder(late_ticket) == late_one
    assert status_of(third) == PreOrderStatus.WAITING_FOR_STOCK
    assert {status_of(first), status_of(second), status_of(late_one)} == {"fulfilled"}
    assert {status_of(t) for t in [*tickets, late_ticket]} == {TicketStatus.ASSIGNED}
    assert (stats.assigned, stats.waiting, stats.unmatched, stats.fallback) == (3, 1, 0, 0)


def test_unpaid_pre_orders_never_get_a_ticket(event):
    offer = make_offer(event)
    processing = pre_order(offer, status=PreOrderStatus.PROCESSING)
    failed = pre_order(offer, status=PreOrderStatus.FAILED)
    cancelled = pre_order(offer, status=PreOrderStatus.CANCELLED)
    tickets = [ticket(offer) for _ in range(3)]

    stats = assign(offer.event_key)

    assert stats.assigned == 0
    assert not Assignment.objects.exists()
    assert [status_of(t) for t in tickets] == [TicketStatus.UNMATCHED] * 3
    assert [status_of(p) for p in (processing, failed, cancelled)] == [
        "processing",
        "failed",
        "cancelled",
    ]


def test_a_waiting_pre_order_is_filled_when_stock_arrives_and_unmatched_tickets_stay_usable(event):
    offer = make_offer(event, ["Early", "Late"])
    early, late = variant(offer, "Early"), variant(offer, "Late")
    waiting = pre_order(offer, variant=early)
    spare = ticket(offer, variant=late)
    assign(offer.event_key)
    assert status_of(waiting) == PreOrderStatus.WAITING_FOR_STOCK
    assert status_of(spare) == TicketStatus.UNMATCHED

    arrived = ticket(offer, variant=early)
    assign(offer.event_key)
    assert holder(arrived) == waiting
    assert status_of(waiting) == PreOrderStatus.FULFILLED

    # The unmatched ticket goes to the next pre-order of its variant that is paid.
    latecomer = pre_order(offer, variant=late)
    assign(offer.event_key)
    assert holder(spare) == latecomer
    assert status_of(spare) == TicketStatus.ASSIGNED


def test_a_second_run_changes_nothing(event):
    offer = make_offer(event)
    buyer = pre_order(offer)
    only = ticket(offer)
    assign(offer.event_key)
    again = assign(offer.event_key)
    assert (again.assigned, again.waiting, again.unmatched) == (0, 0, 0)
    assert Assignment.objects.get().ticket == only
    assert Assignment.objects.get().pre_order == buyer


def test_the_closest_variant_by_time_fills_in_when_the_offer_falls_back(event):
    offer = make_offer(
        event,
        [("21:00", "21:00", "21:30"), ("21:15", "21:15", "21:45"), ("23:00", "23:00", "23:30")],
        fallback="closest",
    )
    nine, quarter, eleven = (variant(offer, n) for n in ("21:00", "21:15", "23:00"))
    wants_nine = pre_order(offer, variant=nine, paid_minute=1)
    wants_nine_too = pre_order(offer, variant=nine, paid_minute=2)
    own_quarter = pre_order(offer, variant=quarter, paid_minute=3)
    t_quarter = ticket(offer, variant=quarter)
    t_eleven = ticket(offer, variant=eleven)
    t_quarter_2 = ticket(offer, variant=quarter)

    stats = assign(offer.event_key)

    # Exact matches first (own_quarter keeps its 21:15), then the fallback in paid order:
    # 21:15 overlaps 21:00 by half (Jaccard 1/3), 23:00 not at all.
    assert holder(t_quarter) == own_quarter
    assert holder(t_quarter_2) == wants_nine
    assert holder(t_eleven) == wants_nine_too
    assert stats.fallback == 2
    fallback = Assignment.objects.get(pre_order=wants_nine)
    assert fallback.fallback is True
    assert Assignment.objects.get(pre_order=own_quarter).fallback is False
    log = AssignmentLog.objects.get(action="assigned", pre_order_id=wants_nine.pk)
    assert log.data["fallback"] is True


def test_without_fallback_a_pre_order_waits_for_its_own_variant(event):
    offer = make_offer(event, [("21:00", "21:00", "21:30"), ("21:15", "21:15", "21:45")])
    wants_nine = pre_order(offer, variant=variant(offer, "21:00"))
    other = ticket(offer, variant=variant(offer, "21:15"))
    assign(offer.event_key)
    assert holder(other) is None
    assert status_of(wants_nine) == PreOrderStatus.WAITING_FOR_STOCK
    assert status_of(other) == TicketStatus.UNMATCHED


def test_every_state_change_is_logged_with_actor_and_address(event):
    offer = make_offer(event, ["Early", "Late"])
    buyer = pre_order(offer, variant=variant(offer, "Early"))
    waiting = pre_order(offer, variant=variant(offer, "Early"))
    given = ticket(offer, variant=variant(offer, "Early"))
    spare = ticket(offer, variant=variant(offer, "Late"))
    staff = make_user("fulfil@example.com")

    assign(offer.event_key, actor=staff, ip="203.0.113.9", reason="reconcile")

    logs = {(log.action, log.pre_order_id, log.ticket_id) for log in AssignmentLog.objects.all()}
    assert logs == {
        ("assigned", buyer.pk, given.pk),
        ("waiting_for_stock", waiting.pk, None),
        ("ticket_unmatched", None, spare.pk),
    }
    for log in AssignmentLog.objects.all():
        assert (log.actor, log.actor_label, log.ip_address) == (
            staff,
            "f***@example.com",
            "203.0.113.9",
        )
        assert log.event_key == offer.event_key
        assert log.data["reason"] == "reconcile"

    latecomer = pre_order(offer, variant=variant(offer, "Late"))
    assign(offer.event_key)  # the queue's run: no user
    by_system = AssignmentLog.objects.get(actor_label="system")
    assert (by_system.action, by_system.pre_order_id, by_system.actor) == (
        "assigned",
        latecomer.pk,
        None,
    )


def test_a_payment_fills_the_pre_order_from_waiting_tickets(
    event, django_capture_on_commit_callbacks
):
    offer = make_offer(event)
    spare = ticket(offer)
    assign(offer.event_key)
    assert status_of(spare) == TicketStatus.UNMATCHED

    paid = pre_order(offer)
    with django_capture_on_commit_callbacks(execute=True):
        on_pre_order_paid(paid)
    assert holder(spare) == paid
    assert AssignmentLog.objects.get(action="assigned").data["reason"] == "payment"


def test_a_payment_without_tickets_waits_for_stock(event, django_capture_on_commit_callbacks):
    offer = make_offer(event)
    paid = pre_order(offer)
    with django_capture_on_commit_callbacks(execute=True):
        on_pre_order_paid(paid)
    assert status_of(paid) == PreOrderStatus.WAITING_FOR_STOCK
    assert AssignmentLog.objects.get().action == "waiting_for_stock"


def test_a_run_writes_one_structured_log_line(event, caplog):
    offer = make_offer(event)
    pre_order(offer)
    ticket(offer)
    with caplog.at_level("INFO", logger="fulfilment.services.assignment"):
        assign(offer.event_key, reason="upload-1")
    lines = [r.getMessage() for r in caplog.records if "assignment_run" in r.getMessage()]
    assert len(lines) == 1
    assert '"assigned": 1' in lines[0] and '"duration_ms"' in lines[0]
    assert '"reason": "upload-1"' in lines[0]
