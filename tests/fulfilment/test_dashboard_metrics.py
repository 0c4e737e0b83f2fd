"""/metrics: Prometheus text for the Platform admin or an allowed network, 403 for others."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import PLATFORM_ADMIN, SUPPORT
from fulfilment import metrics
from fulfilment.models import TicketStatus
from tests.factories import make_event, make_user
from tests.fulfilment.dashboard_data import make_offer, make_ticket

pytestmark = pytest.mark.django_db
OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.fixture
def unmatched_event(organization):
    offer = make_offer(make_event(organization, "Harbour Night"))
    for _ in range(3):
        make_ticket(offer, status=TicketStatus.UNMATCHED)
    make_ticket(offer, status=TicketStatus.UNASSIGNED)
    return offer


def test_the_platform_admin_reads_the_metrics_from_anywhere(client, unmatched_event):
    admin = make_user("platform@example.com")
    admin.groups.add(Group.objects.get(name=PLATFORM_ADMIN))
    client.force_login(admin)
    metrics.observe_assignment(0.2)
    metrics.count_capture("succeeded")

    response = client.get("/metrics", **OUTSIDE)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert f'unmatched_tickets_total{{event_key="{unmatched_event.event_key}"}} 3.0' in text
    assert 'ticket_assignment_duration_seconds_bucket{le="0.25",status="assigned"}' in text
    assert 'pre_order_capture_outcomes_total{outcome="succeeded"}' in text


def test_an_allowed_network_reads_the_metrics_without_a_session(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="11.1.2.3").status_code == 403


def test_localhost_is_allowed_by_default(client):
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200


@pytest.mark.parametrize("role", [None, SUPPORT])
def test_anyone_else_is_refused(client, role):
    user = make_user("someone@example.com")
    if role:
        user.groups.add(Group.objects.get(name=role))
    assert client.get("/metrics", **OUTSIDE).status_code == 403
    client.force_login(user)
    response = client.get("/metrics", **OUTSIDE)
    assert response.status_code == 403
    assert b"unmatched_tickets_total" not in response.content


def test_a_forged_forwarded_for_header_does_not_open_the_metrics(client):
    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1", **OUTSIDE)
    assert response.status_code == 403


def test_an_assignment_timer_records_its_outcome():
    before = (
        metrics.REGISTRY.get_sample_value(
            "ticket_assignment_duration_seconds_count", {"status": "none"}
        )
        or 0
    )
    with metrics.assignment_timer() as outcome:
        outcome["status"] = "none"
    after = metrics.REGISTRY.get_sample_value(
        "ticket_assignment_duration_seconds_count", {"status": "none"}
    )
    assert after == before + 1
