"""Parallel buyers against PostgreSQL: real threads, separate connections, real locks."""

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from commerce.exceptions import HoldError
from commerce.models import EventInventory, Hold, HoldStatus, TierInventory
from commerce.services.holds import LineRequest, place_hold, release_expired_holds
from tests.conftest import requires_postgres
from tests.factories import make_event

pytestmark = [
    requires_postgres,
    pytest.mark.django_db(transaction=True),
]


def race(workers: int, action) -> list:
    """Run `action(i)` in `workers` threads released at the same moment."""
    start = threading.Barrier(workers)
    results = [None] * workers

    def run(index):
        close_old_connections()
        try:
            start.wait()
            results[index] = action(index)
        except HoldError as refusal:
            results[index] = refusal
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


def buy(event, tier, quantity, session_key=""):
    return lambda i: place_hold(
        event=event,
        lines=[LineRequest(tier.pk, quantity)],
        session_key=session_key or f"buyer-{event.pk}-{i}",
    )


def test_sixty_buyers_racing_for_ten_tickets_get_exactly_ten(home_page):
    from tests.factories import make_organization

    organization = make_organization(home_page, "Race Org")
    for round_ in range(5):
        event = make_event(organization, f"Hot Show {round_}", capacity=10)
        tier = event.tiers.get()
        results = race(60, buy(event, tier, 1))
        winners = [r for r in results if isinstance(r, Hold)]
        assert len(winners) == 10
        refusals = [r for r in results if not isinstance(r, Hold)]
        assert {getattr(r, "code", r) for r in refusals} == {"insufficient_inventory"}
        inventory = EventInventory.objects.get(event_key=event.translation_key)
        assert inventory.held == 10
        assert Hold.objects.filter(event_key=event.translation_key).count() == 10


def test_a_tier_allocation_holds_while_other_tiers_share_the_capacity(home_page):
    from tests.factories import make_organization

    organization = make_organization(home_page, "Race Org")
    for round_ in range(3):
        event = make_event(
            organization,
            f"Mixed {round_}",
            capacity=20,
            tiers=[("Early", 1000, 5), ("General", 2000, None)],
        )
        early, general = event.tiers.get(name="Early"), event.tiers.get(name="General")
        results = race(40, lambda i: buy(event, early if i % 2 else general, 1)(i))
        winners = [r for r in results if isinstance(r, Hold)]
        assert len(winners) == 20
        early_row = TierInventory.objects.get(tier_key=early.translation_key)
        assert early_row.held == 5
        assert EventInventory.objects.get(event_key=event.translation_key).held == 20


def test_buyers_of_several_tickets_never_push_past_capacity(home_page):
    from tests.factories import make_organization

    organization = make_organization(home_page, "Race Org")
    for round_ in range(3):
        event = make_event(organization, f"Groups {round_}", capacity=25)
        tier = event.tiers.get()
        results = race(30, lambda i: buy(event, tier, 1 + i % 4)(i))
        held = sum(r.lines.get().quantity for r in results if isinstance(r, Hold))
        inventory = EventInventory.objects.get(event_key=event.translation_key)
        assert inventory.held == held
        assert held <= 25
        assert held >= 22  # only a group larger than what was left can be refused


def test_expired_holds_free_their_tickets_for_racing_buyers_while_the_sweeper_runs(home_page):
    from tests.factories import make_organization

    organization = make_organization(home_page, "Race Org")
    event = make_event(organization, "Second Wave", capacity=10)
    tier = event.tiers.get()
    past = timezone.now() - dt.timedelta(minutes=20)
    for i in range(10):
        place_hold(event=event, lines=[LineRequest(tier.pk, 1)], session_key=f"old{i}", now=past)

    def action(i):
        if i == 0:
            return release_expired_holds()
        return buy(event, tier, 1)(i)

    results = race(30, action)
    winners = [r for r in results[1:] if isinstance(r, Hold)]
    assert len(winners) == 10
    assert Hold.objects.filter(status=HoldStatus.EXPIRED).count() == 10
    inventory = EventInventory.objects.get(event_key=event.translation_key)
    assert inventory.held == 10


def test_the_database_itself_refuses_an_oversell(home_page):
    from django.db import IntegrityError

    from tests.factories import make_organization

    event = make_event(make_organization(home_page, "Race Org"), "Guarded", capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventInventory.objects.filter(event_key=event.translation_key).update(sold=3)


def test_one_buyer_clicking_many_times_at_once_gets_no_more_holds_than_allowed(home_page, settings):
    from tests.factories import make_organization

    settings.MAX_ACTIVE_HOLDS_PER_BUYER = 3
    organization = make_organization(home_page, "Race Org")
    for round_ in range(4):
        event = make_event(organization, f"Impatient {round_}", capacity=100)
        tier = event.tiers.get()
        results = race(12, buy(event, tier, 1, session_key=f"one-guest-{round_}"))
        winners = [r for r in results if isinstance(r, Hold)]
        assert len(winners) == 3
        assert {getattr(r, "code", r) for r in results if r not in winners} == {"too_many_holds"}
        assert EventInventory.objects.get(event_key=event.translation_key).held == 3
