"""Cases the system opens, once per cause: late payments refunded (or not), pre-order
captures and ticket emails that failed for good."""

import datetime as dt

import pytest
from django.utils import timezone

from commerce.exceptions import PaymentError
from commerce.models import FollowUpStatus, Hold, PaymentFollowUp
from commerce.services.holds import release_expired_holds
from commerce.services.orders import confirm_payment, refund_follow_up
from crm.models import CasePriority, CaseSource, CaseStatus, MessageKind, SupportCase
from fulfilment.models import Assignment
from fulfilment.services.assignment import assign
from fulfilment.services.capture import capture_due
from fulfilment.services.delivery import deliver
from tests.commerce.payments import checkout, hold_for, mark_charge
from tests.factories import make_event, make_user
from tests.fulfilment.assignment_data import make_offer as make_assignment_offer
from tests.fulfilment.assignment_data import pre_order, ticket, variant
from tests.fulfilment.preorder_data import FAILING_CARD, make_offer, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=2)


def late_payment(event):
    """A payment that arrived after its hold expired, its tickets sold to someone else."""
    payment = checkout(hold_for(event, 2, session_key="late"))
    Hold.objects.filter(pk=payment.hold_id).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    release_expired_holds()
    hold_for(event, 2, session_key="someone-else")
    mark_charge(payment, "succeeded")
    assert confirm_payment(payment=payment) is None
    return payment, PaymentFollowUp.objects.get(payment=payment)


def test_an_automatic_refund_of_a_late_payment_is_recorded_as_a_resolved_case(
    event, django_capture_on_commit_callbacks
):
    payment, follow_up = late_payment(event)
    with django_capture_on_commit_callbacks(execute=True):
        refund_follow_up(follow_up=follow_up)
    case = SupportCase.objects.get()
    assert (case.source, case.status, case.cause) == (
        CaseSource.SYSTEM,
        CaseStatus.RESOLVED,
        f"late-payment:{payment.pk}",
    )
    assert case.resolved_at is not None
    assert case.customer_email == "buyer@example.com"
    assert case.event_key == event.translation_key  # the organizer sees it too
    entry = case.messages.get()
    assert entry.kind == MessageKind.SYSTEM
    assert "Refunded automatically in full" in entry.body and payment.reference in entry.body

    with django_capture_on_commit_callbacks(execute=True):
        refund_follow_up(follow_up=follow_up)  # already refunded: nothing new
    assert SupportCase.objects.count() == 1


def test_a_failed_refund_opens_one_urgent_case_which_a_later_success_resolves(
    event, django_capture_on_commit_callbacks
):
    payment, follow_up = late_payment(event)
    mark_charge(payment, "failed")  # the gateway refuses the refund
    for _attempt in range(3):  # the task, its retry, the sweep
        with pytest.raises(PaymentError):
            refund_follow_up(follow_up=follow_up)
    case = SupportCase.objects.get()
    assert (case.status, case.priority) == (CaseStatus.OPEN, CasePriority.URGENT)
    assert "The automatic refund failed" in case.messages.first().body
    assert "refused the refund" in case.messages.first().body

    mark_charge(payment, "succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        refund_follow_up(follow_up=follow_up)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.REFUNDED
    case = SupportCase.objects.get()  # still one case
    assert case.status == CaseStatus.RESOLVED
    assert case.messages.filter(body__contains="Refunded automatically in full").exists()
    assert case.messages.last().body == "Status changed from Open to Resolved by the system"


def test_a_pre_order_whose_capture_failed_for_good_opens_one_high_case(
    organization, settings, django_capture_on_commit_callbacks
):
    settings.PRE_ORDER_CAPTURE_RETRIES = 0
    offer = make_offer(make_event(organization))
    member = make_user("member@example.com", name="Mia Member")
    placed = place(offer, member, card=FAILING_CARD)
    with django_capture_on_commit_callbacks(execute=True):
        assert capture_due(timezone.now() + dt.timedelta(days=8)).failed == 1
    case = SupportCase.objects.get()
    assert (case.status, case.priority, case.source) == ("open", "high", "system")
    assert (case.pre_order, case.customer, case.event_key) == (placed, member, placed.event_key)
    assert case.cause == f"pre-order-capture:{placed.pk}"
    # The same signal again (a replayed task) opens nothing new.
    from fulfilment.signals import pre_order_capture_failed

    pre_order_capture_failed.send_robust(sender=None, pre_order=placed)
    assert SupportCase.objects.count() == 1


def test_a_ticket_email_that_failed_for_good_opens_one_case(
    organization, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.commerce.mail_server.RefusingBackend"
    settings.TEST_REFUSED_RECIPIENTS = ["member@example.com"]
    offer = make_assignment_offer(make_event(organization, "Club Night"), ["Entry 21:00"])
    entry = variant(offer, "Entry 21:00")
    member = make_user("member@example.com")
    paid = pre_order(offer, variant=entry, member=member)
    ticket(offer, variant=entry, email="door@promoter.example", password="pa55-word")
    assign(offer.event_key)
    assignment = Assignment.objects.get(pre_order=paid)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver([assignment.pk])["failed"] == 1
    case = SupportCase.objects.get()
    assert (case.status, case.priority, case.cause) == (
        "open",
        "normal",
        f"ticket-delivery:{assignment.pk}",
    )
    assert case.pre_order == paid and case.customer_email == "member@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver([assignment.pk])["skipped"] == 1
    from fulfilment.signals import ticket_delivery_failed

    ticket_delivery_failed.send_robust(sender=None, assignment_id=assignment.pk, error="again")
    assert SupportCase.objects.count() == 1


def test_two_workers_reporting_the_same_cause_open_one_case():
    from crm.system_cases import open_system_case

    fields = {
        "subject": "x",
        "customer_email": "a@example.com",
        "priority": CasePriority.LOW,
        "body": "y",
    }
    first, created = open_system_case(cause="test:1", **fields)
    second, created_again = open_system_case(cause="test:1", **fields)
    assert created and not created_again and first == second


def test_a_failing_receiver_never_breaks_the_sender(event, monkeypatch):
    payment, follow_up = late_payment(event)
    monkeypatch.setattr(
        "crm.system_cases.open_system_case", lambda **kw: (_ for _ in ()).throw(RuntimeError)
    )
    from commerce.signals import late_payment_refund_failed

    late_payment_refund_failed.send_robust(sender=None, follow_up=follow_up, error="x")
    assert not SupportCase.objects.exists()
