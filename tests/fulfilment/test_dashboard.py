"""The fulfilment dashboard: its figures, the variant matrix, filters and bulk actions."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import FULFILMENT, SUPPORT
from fulfilment.models import AssignmentLog, PreOrderStatus, TicketStatus
from tests.factories import make_event, make_user
from tests.fulfilment.dashboard_data import fulfil, make_offer, make_pre_order, make_ticket

pytestmark = pytest.mark.django_db
URL = "/admin/fulfilment/"


def staff(role=FULFILMENT, email="fulfilment@example.com"):
    user = make_user(email)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def night(organization):
    """Harbour Night: Early entry 3 ordered / 2 uploaded, Late entry 2 ordered / 0 uploaded."""
    offer = make_offer(make_event(organization, "Harbour Night"))
    early, late = offer.variants.all()
    done = make_pre_order(offer, variant=early, member=make_user("ada@example.com"))
    fulfil(done, make_ticket(offer, variant=early, email="ticket-ada@promoter.example"))
    make_pre_order(offer, variant=early, status=PreOrderStatus.WAITING_FOR_STOCK)
    make_pre_order(offer, variant=early, status=PreOrderStatus.PROCESSING)
    make_pre_order(offer, variant=late, status=PreOrderStatus.WAITING_FOR_STOCK)
    make_pre_order(offer, variant=late, status=PreOrderStatus.CONFIRMED)
    make_pre_order(offer, variant=late, status=PreOrderStatus.FAILED)
    make_pre_order(offer, variant=late, status=PreOrderStatus.CANCELLED)
    make_ticket(offer, variant=early, status=TicketStatus.UNMATCHED)
    return offer


def cards(response):
    return response.context["overview"]


def test_the_overview_cards_count_what_the_rows_say(client, night):
    client.force_login(staff())
    response = client.get(URL)
    assert response.status_code == 200
    overview = cards(response)
    assert overview.pre_orders == 6  # the cancelled one is not a pre-order any more
    assert overview.tickets == 2
    assert overview.paid == 4
    assert overview.fulfilled == 1
    assert overview.fulfilled_percent == 25
    assert overview.unmatched == 1
    assert overview.waiting == 2
    assert overview.failed_payments == 1
    html = response.content.decode()
    assert '<li data-card="fulfilled"><span>Fulfilled</span><strong>25 %</strong>' in html


def test_the_heat_map_shows_ordered_and_uploaded_per_variant_in_words_too(client, night):
    client.force_login(staff())
    response = client.get(URL, {"event": night.event_id})
    cells = {cell.variant: cell for cell in response.context["matrix"].cells}
    assert (cells["Early entry"].ordered, cells["Early entry"].uploaded) == (3, 2)
    assert (cells["Late entry"].ordered, cells["Late entry"].uploaded) == (2, 0)
    assert cells["Late entry"].level == 0 and cells["Early entry"].level == 2
    html = response.content.decode()
    assert 'data-level="0"' in html and "2 tickets short" in html and "1 ticket short" in html


def test_filters_narrow_the_list_by_status_member_ticket_email_and_variant(client, night):
    client.force_login(staff())

    def members(**filters):
        page = client.get(URL, filters).context["page"]
        return sorted(p.member.email for p in page.object_list)

    assert len(members()) == 7
    assert len(members(status="waiting_for_stock")) == 2
    assert members(member="ada@") == ["ada@example.com"]
    assert members(email="ticket-ada") == ["ada@example.com"]
    assert len(members(variant="late")) == 4


def test_a_bad_filter_names_the_field_and_the_rule(client, night):
    client.force_login(staff())
    response = client.get(URL, {"status": "lost", "event": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Status: Select a valid choice." in html
    assert "Event: Enter a whole number." in html
    assert len(response.context["page"].object_list) == 0


def test_mark_used_changes_the_chosen_assigned_tickets_and_logs_it(client, night):
    user = staff()
    client.force_login(user)
    done = night.pre_orders.get(status=PreOrderStatus.FULFILLED)
    response = client.post(URL, {"action": "mark_used", "pre_order": [str(done.pk)]})
    assert response.status_code == 302
    done.assignment.ticket.refresh_from_db()
    assert done.assignment.ticket.status == TicketStatus.USED
    entry = AssignmentLog.objects.get(action="ticket_marked_used")
    assert entry.actor == user and entry.pre_order_id == done.pk


def test_export_is_a_safe_csv_without_passwords(client, night):
    client.force_login(staff())
    done = night.pre_orders.get(status=PreOrderStatus.FULFILLED)
    done.member.email = "=cmd@example.com"
    done.member.save()
    response = client.post(URL, {"action": "export", "everything_filtered": "1"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["pre_order", "event", "member_email"]
    assert len(rows) == 1 + 7
    assert "'=cmd@example.com" in text
    assert "password" not in text.lower() and "secret-" not in text


def test_bulk_actions_without_a_choice_say_what_is_missing(client, night):
    client.force_login(staff())
    response = client.post(URL, {"action": "mark_used"}, follow=True)
    assert "Choose at least one pre-order" in response.content.decode()


def test_resend_goes_through_the_delivery_service_when_it_is_there(client, night):
    from fulfilment.services import bulk_actions

    client.force_login(staff())
    done = night.pre_orders.get(status=PreOrderStatus.FULFILLED)
    response = client.post(URL, {"action": "resend", "pre_order": [str(done.pk)]}, follow=True)
    html = response.content.decode()
    if bulk_actions.resend_available():
        assert "1 ticket email queued again." in html
    else:
        assert "delivery is not set up" in html


def test_members_and_marketing_are_refused(client, night):
    client.force_login(make_user("member@example.com"))
    assert client.get(URL).status_code in (302, 403)
    client.force_login(staff("Marketing", "marketing@example.com"))
    assert client.get(URL).status_code in (302, 403)


def test_an_organizer_sees_and_acts_on_their_own_events_only(
    client, organizer, other_organization, night
):
    other = make_offer(make_event(other_organization, "North Summit"), variants=("Main",))
    foreign = make_pre_order(other, variant=other.variants.get())
    fulfil(foreign, make_ticket(other, variant=other.variants.get()))
    client.force_login(organizer)

    response = client.get(URL)
    assert response.status_code == 200
    assert cards(response).pre_orders == 6
    assert "North Summit" not in response.content.decode()
    assert client.get(URL, {"event": other.event_id}).context["form"].errors["event"]

    client.post(URL, {"action": "mark_used", "pre_order": [str(foreign.pk)]})
    foreign.assignment.ticket.refresh_from_db()
    assert foreign.assignment.ticket.status == TicketStatus.ASSIGNED
    exported = client.post(URL, {"action": "export", "everything_filtered": "1"})
    assert "North Summit" not in exported.content.decode("utf-8-sig")


def test_support_sees_every_organizations_pre_orders(client, night, other_organization):
    other = make_offer(make_event(other_organization, "North Summit"), variants=())
    make_pre_order(other)
    client.force_login(staff(SUPPORT, "support@example.com"))
    assert cards(client.get(URL)).pre_orders == 7


def test_more_events_and_pre_orders_cost_no_more_queries(client, organization, night):
    client.force_login(staff())
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for n in range(6):
        offer = make_offer(make_event(organization, f"Extra {n}"), variants=("A", "B", "C"))
        for variant in offer.variants.all():
            fulfil(make_pre_order(offer, variant=variant), make_ticket(offer, variant=variant))
            make_ticket(offer, variant=variant, status=TicketStatus.UNMATCHED)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) <= len(few), [q["sql"] for q in many.captured_queries]


def test_assign_now_gives_the_waiting_paid_pre_order_the_unmatched_ticket(client, night):
    client.force_login(staff())
    page = client.get(URL, {"event": night.event_id}).content.decode()
    assert "Assign tickets now" in page
    response = client.post(URL, {"assign_now": str(night.pk)})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?event={night.event_id}")
    early = night.variants.get(name="Early entry")
    waiting = night.pre_orders.get(
        variant=early, status=PreOrderStatus.FULFILLED, member__email__startswith="member"
    )
    assert waiting.assignment.ticket.status == TicketStatus.ASSIGNED
    assert AssignmentLog.objects.filter(action__icontains="assign").exists()


def test_assign_now_is_refused_for_another_organizations_event(
    client, organizer, other_organization, night
):
    other = make_offer(make_event(other_organization, "North Summit"), variants=("Main",))
    client.force_login(organizer)
    assert "Assign tickets now" not in client.get(URL).content.decode()  # no event chosen
    refused = client.post(URL, {"assign_now": str(other.pk)})
    assert refused["Location"] == "/admin/"  # Wagtail's answer to PermissionDenied
    assert not AssignmentLog.objects.filter(event_key=other.event_key).exists()
    allowed = client.post(URL, {"assign_now": str(night.pk)})
    assert allowed["Location"].endswith(f"?event={night.event_id}")


def test_figures_for_every_event_are_cached_briefly_and_one_events_are_live(
    client, night, settings
):
    settings.FULFILMENT_DASHBOARD_CACHE_SECONDS = 60
    client.force_login(staff())
    assert cards(client.get(URL)).pre_orders == 6
    make_pre_order(night, variant=night.variants.first())
    assert cards(client.get(URL)).pre_orders == 6  # the all-events view, from the cache
    assert cards(client.get(URL, {"event": night.event_id})).pre_orders == 7  # live
    client.post(URL, {"action": "mark_used", "everything_filtered": "1"})
    assert cards(client.get(URL)).pre_orders == 7  # an action refreshes the figures


def test_an_organizers_figures_are_cached_for_their_organization_alone(
    client, organizer, other_organization, night, settings
):
    settings.FULFILMENT_DASHBOARD_CACHE_SECONDS = 60
    other = make_offer(make_event(other_organization, "North Summit"), variants=("Main",))
    other_organizer = make_user("north@example.com")
    from accounts.roles import make_organizer

    make_organizer(other_organizer, other_organization)
    client.force_login(organizer)
    assert cards(client.get(URL)).pre_orders == 6
    make_pre_order(night, variant=night.variants.first())
    assert cards(client.get(URL)).pre_orders == 6  # their whole organization, from the cache
    assert cards(client.get(URL, {"event": night.event_id})).pre_orders == 7  # live

    client.force_login(other_organizer)  # another organization's figures are its own
    make_pre_order(other, variant=other.variants.first())
    assert cards(client.get(URL)).pre_orders == 1

    client.force_login(organizer)
    client.post(URL, {"action": "mark_used", "everything_filtered": "1"})
    assert cards(client.get(URL)).pre_orders == 7  # an action refreshes the figures


def test_an_uploaded_file_shows_in_the_cached_figures_at_once(
    client, night, settings, django_capture_on_commit_callbacks
):
    from fulfilment.services import csv_import

    settings.FULFILMENT_DASHBOARD_CACHE_SECONDS = 60
    user = staff()
    client.force_login(user)
    assert cards(client.get(URL)).tickets == 2
    variant = night.variants.get(name="Late entry").name
    data = f"Event,Variant,Email,Password\n{night.event_id},{variant},new@promoter.example,pw\n"
    with django_capture_on_commit_callbacks(execute=True):
        report, upload = csv_import.commit(data.encode(), user=user, filename="late.csv")
    assert upload is not None and report.valid == 1
    assert cards(client.get(URL)).tickets == 3
