"""Promo codes: clear reasons for a bad code, and limits that hold under a race."""

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from commerce.exceptions import CommerceError
from commerce.models import Hold, PromoCode, PromoKind
from commerce.services.checkout import start_checkout
from commerce.services.holds import LineRequest, cancel_hold, place_hold, release_expired_holds
from commerce.services.promos import apply_promo_code
from tests.conftest import requires_postgres
from tests.factories import make_event


def new_hold(event, name="General", quantity=2, session_key="s1", now=None):
    tier = event.tiers.get(name=name)
    return place_hold(
        event=event, lines=[LineRequest(tier.pk, quantity)], session_key=session_key, now=now
    )


def reason(hold, code, **kwargs):
    with pytest.raises(CommerceError) as refusal:
        apply_promo_code(hold=hold, code=code, **kwargs)
    return refusal.value.code


def apply_all_at_once(holds, code, **kwargs) -> list[str]:
    """Apply `code` to every hold at the same moment, each from its own thread and connection.

    Each outcome is "applied", the refusal's code, or the repr of anything unexpected.
    """
    barrier = threading.Barrier(len(holds))
    outcomes = []

    def run(hold):
        close_old_connections()
        try:
            barrier.wait()
            apply_promo_code(hold=hold, code=code, **kwargs)
            outcomes.append("applied")
        except CommerceError as refusal:
            outcomes.append(refusal.code)
        except Exception as error:  # surfaced in the assertion, not lost in a thread
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(hold,)) for hold in holds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def event(organization):
    return make_event(
        organization, capacity=100, tiers=[("General", 2500, None), ("VIP", 10000, 10)]
    )


@pytest.fixture
def promo(organization):
    return PromoCode.objects.create(
        organization=organization, code="SUMMER", kind=PromoKind.PERCENT, percent_off=20
    )


@pytest.mark.django_db
def test_a_percent_code_typed_in_any_case_discounts_the_hold(event, promo):
    hold = apply_promo_code(hold=new_hold(event), code=" summer ")
    assert hold.discount_minor == 1000
    assert hold.amount_minor == 4000
    promo.refresh_from_db()
    assert promo.held == 1


@pytest.mark.django_db
def test_a_fixed_code_never_discounts_below_zero(event, organization):
    PromoCode.objects.create(
        organization=organization,
        code="TENNER",
        kind=PromoKind.FIXED,
        amount_off_minor=100000,
        currency="EUR",
    )
    hold = apply_promo_code(hold=new_hold(event, quantity=1), code="TENNER")
    assert hold.amount_minor == 0


@pytest.mark.django_db
def test_an_unknown_code_is_named_as_unknown(event, promo):
    assert reason(new_hold(event), "WINTER") == "promo_unknown"


@pytest.mark.django_db
def test_another_organizations_code_is_unknown_here(event, other_organization):
    PromoCode.objects.create(organization=other_organization, code="THEIRS", percent_off=50)
    assert reason(new_hold(event), "THEIRS") == "promo_unknown"


@pytest.mark.django_db
def test_an_expired_code_says_so(event, promo):
    promo.valid_until = timezone.now() - dt.timedelta(days=1)
    promo.save()
    assert reason(new_hold(event), "SUMMER") == "promo_expired"


@pytest.mark.django_db
def test_a_code_for_other_tiers_says_it_does_not_apply(event, promo):
    promo.tiers.set([event.tiers.get(name="VIP")])
    assert reason(new_hold(event, "General"), "SUMMER") == "promo_not_for_tier"
    vip_hold = apply_promo_code(hold=new_hold(event, "VIP", 1, session_key="s2"), code="SUMMER")
    assert vip_hold.discount_minor == 2000


@pytest.mark.django_db
def test_a_used_up_code_says_so_and_counts_codes_in_open_holds(event, promo):
    promo.max_uses = 1
    promo.save()
    apply_promo_code(hold=new_hold(event, session_key="a"), code="SUMMER")
    assert reason(new_hold(event, session_key="b"), "SUMMER") == "promo_used_up"


@pytest.mark.django_db
def test_a_cancelled_or_expired_hold_gives_its_code_use_back(event, promo):
    promo.max_uses = 1
    promo.save()
    first = apply_promo_code(hold=new_hold(event, session_key="a"), code="SUMMER")
    cancel_hold(hold=first)
    stale = new_hold(event, session_key="b", now=timezone.now() - dt.timedelta(minutes=14))
    apply_promo_code(hold=stale, code="SUMMER")
    Hold.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    release_expired_holds()
    promo.refresh_from_db()
    assert (promo.held, promo.used) == (0, 0)
    apply_promo_code(hold=new_hold(event, session_key="c"), code="SUMMER")


@pytest.mark.django_db
def test_the_per_buyer_limit_is_enforced(event, promo):
    promo.max_uses_per_buyer = 1
    promo.save()
    apply_promo_code(hold=new_hold(event, session_key="same"), code="SUMMER")
    assert reason(new_hold(event, session_key="same"), "SUMMER") == "promo_buyer_limit"
    promo.refresh_from_db()
    assert promo.held == 1


@pytest.mark.django_db
def test_an_empty_code_removes_the_discount(event, promo):
    hold = apply_promo_code(hold=new_hold(event), code="SUMMER")
    hold = apply_promo_code(hold=hold, code="")
    promo.refresh_from_db()
    assert (hold.discount_minor, hold.promo_code, promo.held) == (0, None, 0)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_usage_limit_holds_when_buyers_race_for_the_last_uses(home_page):
    from tests.factories import make_organization

    organization = make_organization(home_page, "Promo Race")
    event = make_event(organization, capacity=500)
    PromoCode.objects.create(organization=organization, code="RACE", percent_off=10, max_uses=5)
    holds = [new_hold(event, quantity=1, session_key=f"racer-{i}") for i in range(30)]
    outcomes = apply_all_at_once(holds, "RACE")
    assert outcomes.count("applied") == 5
    assert outcomes.count("promo_used_up") == 25
    assert PromoCode.objects.get(code="RACE").held == 5


@pytest.mark.django_db
def test_the_per_buyer_limit_counts_the_same_email_from_another_session(event, promo):
    promo.max_uses_per_buyer = 1
    promo.save()
    laptop = apply_promo_code(
        hold=new_hold(event, session_key="laptop"), code="SUMMER", buyer_email="gia@example.com"
    )
    start_checkout(hold=laptop, buyer_email="gia@example.com", buyer_name="Gia")

    phone = new_hold(event, session_key="phone")
    assert reason(phone, "SUMMER", buyer_email="GIA@example.com") == "promo_buyer_limit"
    start_checkout(hold=phone, buyer_email="gia@example.com", buyer_name="Gia")
    assert reason(phone, "SUMMER") == "promo_buyer_limit"  # the checkout's email counts too


def one_buyers_holds(event, round_: int) -> tuple[list[Hold], str]:
    """Six holds of one buyer: a member's, or (odd rounds) a guest's checkouts in six sessions."""
    from tests.factories import make_user

    tier = event.tiers.get()
    email = f"buyer{round_}@example.com"
    if round_ % 2 == 0:
        member = make_user(email)
        holds = [
            place_hold(event=event, lines=[LineRequest(tier.pk, 1)], buyer=member) for _ in range(6)
        ]
        return holds, email
    holds = [new_hold(event, quantity=1, session_key=f"tab-{round_}-{i}") for i in range(6)]
    for hold in holds:
        start_checkout(hold=hold, buyer_email=email, buyer_name="Gia Guest")
    return holds, email


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_one_buyer_applying_a_once_per_buyer_code_to_several_holds_at_once_gets_it_once(
    home_page, settings
):
    from tests.factories import make_organization

    settings.MAX_ACTIVE_HOLDS_PER_BUYER = 6
    organization = make_organization(home_page, "Promo Race")
    event = make_event(organization, capacity=500)
    for round_ in range(6):
        code = f"ONCE{round_}"
        PromoCode.objects.create(
            organization=organization, code=code, percent_off=10, max_uses_per_buyer=1
        )
        holds, email = one_buyers_holds(event, round_)
        outcomes = apply_all_at_once(holds, code, buyer_email=email)
        assert sorted(outcomes) == ["applied"] + ["promo_buyer_limit"] * 5, round_
        assert Hold.objects.filter(promo_code__code=code).count() == 1
        assert PromoCode.objects.get(code=code).held == 1
