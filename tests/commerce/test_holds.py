"""Availability (spec 003 AC T6) and holds, as a buyer meets them."""

import datetime as dt

import pytest
from django.utils import timezone

from commerce.exceptions import HoldError, InsufficientInventory
from commerce.models import EventInventory, Hold, HoldStatus, TierInventory
from commerce.selectors import availability
from commerce.services.holds import (
    LineRequest,
    cancel_hold,
    convert_hold_to_sale,
    place_hold,
    release_expired_holds,
)
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def tiers_of(event):
    return {t.name: t for t in event.tiers.all()}


def hold(event, now=None, session_key="", **quantities):
    tiers = tiers_of(event)
    return place_hold(
        event=event,
        lines=[LineRequest(tiers[name].pk, qty) for name, qty in quantities.items()],
        session_key=session_key,
        now=now,
    )


@pytest.fixture
def concert(organization):
    return make_event(
        organization,
        capacity=10,
        tiers=[("Early", 1500, 4), ("General", 2500, None), ("Crew", 0, 0)],
    )


def available(event, now=None):
    current = availability(event, now=now)
    return {name: current.for_tier(tier) for name, tier in tiers_of(event).items()}


def test_availability_is_the_smaller_of_tier_and_event_remaining(concert):
    assert available(concert) == {"Early": 4, "General": 10, "Crew": 0}
    hold(concert, General=7)
    assert available(concert) == {"Early": 3, "General": 3, "Crew": 0}


def test_an_allocation_caps_its_tier_but_reserves_nothing(concert):
    hold(concert, General=10)
    assert available(concert) == {"Early": 0, "General": 0, "Crew": 0}


def test_a_hold_reduces_availability_and_counts_on_the_shared_rows(concert):
    placed = hold(concert, Early=2, General=1)
    assert placed.status == HoldStatus.ACTIVE
    assert placed.amount_minor == 2 * 1500 + 2500
    assert EventInventory.objects.get().held == 3
    assert available(concert) == {"Early": 2, "General": 7, "Crew": 0}


def test_a_hold_lasts_fifteen_minutes(concert, settings):
    now = timezone.now()
    placed = hold(concert, now=now, General=1)
    assert placed.expires_at == now + dt.timedelta(minutes=settings.HOLD_MINUTES)
    assert settings.HOLD_MINUTES == 15


def test_asking_for_more_than_is_left_is_refused_with_what_is_left(concert):
    hold(concert, General=8)
    with pytest.raises(InsufficientInventory) as refusal:
        hold(concert, Early=3)
    early = tiers_of(concert)["Early"]
    assert refusal.value.code == "insufficient_inventory"
    assert refusal.value.detail == {str(early.pk): 2}
    assert Hold.objects.count() == 1


def test_a_hold_is_all_or_nothing_across_tiers(concert):
    with pytest.raises(InsufficientInventory):
        hold(concert, Early=5, General=1)
    assert EventInventory.objects.get().held == 0
    assert set(TierInventory.objects.values_list("held", flat=True)) == {0}


def test_an_expired_hold_no_longer_reduces_availability(concert):
    past = timezone.now() - dt.timedelta(minutes=16)
    hold(concert, now=past, General=10)
    assert Hold.objects.get().status == HoldStatus.ACTIVE  # the sweeper has not run
    assert available(concert) == {"Early": 4, "General": 10, "Crew": 0}


def test_tickets_of_an_expired_hold_can_be_held_again_before_cleanup_runs(concert):
    hold(concert, now=timezone.now() - dt.timedelta(minutes=20), General=10)
    again = hold(concert, General=10)
    assert again.status == HoldStatus.ACTIVE
    assert Hold.objects.filter(status=HoldStatus.EXPIRED).count() == 1
    assert EventInventory.objects.get().held == 10


def test_the_cleanup_job_marks_expired_holds_and_frees_their_tickets(concert):
    hold(concert, now=timezone.now() - dt.timedelta(minutes=20), General=3)
    live = hold(concert, General=2)
    assert release_expired_holds() == 1
    assert EventInventory.objects.get().held == 2
    live.refresh_from_db()
    assert live.status == HoldStatus.ACTIVE
    assert release_expired_holds() == 0


def test_a_cancelled_hold_frees_its_tickets(concert):
    placed = hold(concert, Early=4)
    cancel_hold(hold=placed)
    assert available(concert)["Early"] == 4
    assert Hold.objects.get().status == HoldStatus.CANCELLED


def test_a_disabled_tier_cannot_be_held(concert):
    concert.tiers.filter(name="General").update(enabled=False)
    with pytest.raises(HoldError) as refusal:
        hold(concert, General=1)
    assert refusal.value.code == "tier_not_on_sale"


def test_a_tier_outside_its_sales_window_cannot_be_held(concert):
    concert.tiers.filter(name="Early").update(sales_end=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(HoldError) as refusal:
        hold(concert, Early=1)
    assert refusal.value.code == "tier_not_on_sale"


def test_a_draft_event_cannot_be_held(organization):
    draft = make_event(organization, publish=False)
    with pytest.raises(HoldError) as refusal:
        hold(draft, General=1)
    assert refusal.value.code == "event_not_on_sale"


def test_a_tier_of_another_event_cannot_be_held(concert, organization):
    other = make_event(organization, "Other")
    with pytest.raises(HoldError):
        place_hold(event=concert, lines=[LineRequest(other.tiers.get().pk, 1)])


def test_one_order_is_capped_at_the_ticket_limit(organization, settings):
    big = make_event(organization, capacity=1000)
    with pytest.raises(HoldError) as refusal:
        hold(big, General=settings.MAX_TICKETS_PER_ORDER + 1)
    assert refusal.value.code == "too_many_tickets"


def test_a_buyer_cannot_hoard_with_many_open_holds(organization, settings):
    big = make_event(organization, capacity=1000)
    for _ in range(settings.MAX_ACTIVE_HOLDS_PER_BUYER):
        hold(big, session_key="abc", General=1)
    with pytest.raises(HoldError) as refusal:
        hold(big, session_key="abc", General=1)
    assert refusal.value.code == "too_many_holds"
    hold(big, session_key="someone-else", General=1)


def test_zero_quantities_are_refused(concert):
    with pytest.raises(HoldError) as refusal:
        hold(concert, General=0)
    assert refusal.value.code == "invalid_quantity"


def test_a_paid_hold_turns_its_tickets_into_sold_ones(concert, django_capture_on_commit_callbacks):
    from django.db import transaction

    placed = hold(concert, Early=2)
    with transaction.atomic():
        assert convert_hold_to_sale(hold=placed)
    inventory = EventInventory.objects.get()
    assert (inventory.sold, inventory.held) == (2, 0)
    assert available(concert)["Early"] == 2


def test_a_payment_after_the_hold_was_released_sells_only_if_capacity_allows(concert):
    from django.db import transaction

    late = hold(concert, now=timezone.now() - dt.timedelta(minutes=30), General=6)
    release_expired_holds()
    with transaction.atomic():
        assert convert_hold_to_sale(hold=late)  # still room: sold normally
    assert EventInventory.objects.get().sold == 6

    later = hold(concert, now=timezone.now() - dt.timedelta(minutes=30), General=4)
    release_expired_holds()
    hold(concert, General=4)  # someone else took the last four
    with transaction.atomic():
        assert convert_hold_to_sale(hold=later) is False
    inventory = EventInventory.objects.get()
    assert (inventory.sold, inventory.held, inventory.capacity) == (6, 4, 10)


def test_a_schedule_sweeps_expired_holds_every_minute():
    from django_q.models import Schedule

    from commerce.tasks import expire_holds

    schedule = Schedule.objects.get(name="expire holds")
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (
        "commerce.tasks.expire_holds",
        Schedule.MINUTES,
        1,
    )
    assert expire_holds() == 0


@pytest.mark.parametrize("sql_core", [True, False], ids=["database functions", "python path"])
def test_a_hold_is_stamped_with_the_moment_it_was_placed_on_every_path(concert, settings, sql_core):
    settings.COMMERCE_SQL_CORE = sql_core
    placed_at = timezone.now() - dt.timedelta(seconds=30)
    held = hold(concert, now=placed_at, session_key="stamp", General=1)
    stored = Hold.objects.get(pk=held.pk)
    assert stored.created_at == placed_at
    assert stored.expires_at == placed_at + dt.timedelta(minutes=settings.HOLD_MINUTES)
