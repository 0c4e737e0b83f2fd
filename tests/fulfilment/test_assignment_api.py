"""Staff API of assignments: list (no passwords), resend, reconcile; staff of the event only."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from rest_framework.test import APIClient

from accounts.roles import FULFILMENT
from fulfilment.models import Assignment, AssignmentLog
from fulfilment.services.assignment import assign
from tests.factories import make_event, make_user
from tests.fulfilment.assignment_data import make_offer, pre_order, ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(organization):
    return make_offer(make_event(organization, "Club Night"))


@pytest.fixture
def fulfilment_staff():
    user = make_user("fulfilment@example.com")
    user.groups.add(Group.objects.get(name=FULFILMENT))
    return user


def api_as(user):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def test_staff_list_an_events_assignments_without_passwords(offer, fulfilment_staff, organizer):
    buyers = [pre_order(offer) for _ in range(3)]
    for _ in buyers:
        ticket(offer, password="never-shown-pw")
    assign(offer.event_key)

    for user in (fulfilment_staff, organizer):
        response = api_as(user).get(
            "/api/v1/admin/tickets/assignments/", {"event": offer.event_id, "page_size": 2}
        )
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
        first = body["results"][0]
        assert first["member_email"] == buyers[0].member.email  # paid first, listed first
        assert first["delivery_status"] == "pending"
        assert "never-shown-pw" not in response.content.decode()
        assert not any("password" in key for key in first)


def test_the_event_is_required_and_must_exist(fulfilment_staff):
    api = api_as(fulfilment_staff)
    missing = api.get("/api/v1/admin/tickets/assignments/")
    assert missing.status_code == 400
    assert missing.json()["error"] == "validation_error"
    assert "event" in missing.json()["detail"]
    assert api.get("/api/v1/admin/tickets/assignments/", {"event": 999999}).status_code == 404


def test_others_are_refused(offer, other_organization):
    from accounts.roles import make_organizer

    stranger = make_user("member@example.com")
    other_org = make_user("other-org@example.com")
    make_organizer(other_org, other_organization)
    paid = pre_order(offer)
    given = ticket(offer)
    assign(offer.event_key)
    assert Assignment.objects.get().pre_order == paid

    calls = [
        ("get", "/api/v1/admin/tickets/assignments/", {"event": offer.event_id}),
        ("post", f"/api/v1/admin/tickets/{given.pk}/resend/", None),
        ("post", f"/api/v1/admin/events/{offer.event_id}/reconcile/", None),
    ]
    for method, url, data in calls:
        assert getattr(api_as(None), method)(url, data).status_code == 401
        for user in (stranger, other_org):
            refused = getattr(api_as(user), method)(url, data)
            assert refused.status_code == 403, (url, user)
            assert refused.json()["error"] == "permission_denied"
    assert not AssignmentLog.objects.filter(action="resend_requested").exists()


def test_resend_emails_the_ticket_again(offer, organizer, django_capture_on_commit_callbacks):
    paid = pre_order(offer)
    given = ticket(offer)
    assign(offer.event_key)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(organizer).post(f"/api/v1/admin/tickets/{given.pk}/resend/")
    assert response.status_code == 202
    assert response.json() == {"ticket_id": given.pk, "delivery_status": "pending"}
    assert [m.to for m in mail.outbox] == [[paid.member.email]]
    assert AssignmentLog.objects.get(action="resend_requested").actor == organizer


def test_resending_an_unassigned_ticket_is_a_conflict(offer, fulfilment_staff):
    spare = ticket(offer)
    response = api_as(fulfilment_staff).post(f"/api/v1/admin/tickets/{spare.pk}/resend/")
    assert response.status_code == 409
    assert response.json()["error"] == "not_assigned"
    assert api_as(fulfilment_staff).post("/api/v1/admin/tickets/999999/resend/").status_code == 404


def test_reconcile_runs_the_assignment_and_answers_its_counts(offer, fulfilment_staff):
    paid = pre_order(offer)
    waiting = pre_order(offer)
    given = ticket(offer)
    response = api_as(fulfilment_staff).post(
        f"/api/v1/admin/events/{offer.event_id}/reconcile/", REMOTE_ADDR="192.0.2.7"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["assigned"], body["waiting"], body["unmatched"]) == (1, 1, 0)
    assert body["actor"] == "f***@example.com"
    assert Assignment.objects.get().ticket == given
    assert Assignment.objects.get().pre_order == paid
    log = AssignmentLog.objects.get(action="waiting_for_stock")
    assert (log.pre_order_id, log.actor, log.ip_address) == (
        waiting.pk,
        fulfilment_staff,
        "192.0.2.7",
    )
