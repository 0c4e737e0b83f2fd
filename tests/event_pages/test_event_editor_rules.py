"""Spec 003 AC A1–A4 and T1–T5, as an organizer meets them in the page editor."""

import pytest

from commerce.models import EventInventory, TierInventory
from event_pages.models import EventPage
from tests.event_pages.editor import (
    ADD_URL,
    EDIT_URL,
    event_form,
    existing_tiers,
    form_errors,
    tier,
)
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


def add_event(editor, organization, **kwargs):
    return editor.post(ADD_URL.format(parent=organization.pk), event_form(**kwargs))


def test_an_event_saved_from_the_editor_is_a_draft(editor, organization):
    response = add_event(editor, organization, tiers=[tier()])
    assert response.status_code == 302
    event = EventPage.objects.get(slug="harbour-lights")
    assert event.live is False
    assert event.tiers.count() == 1


def test_title_and_start_are_required(editor, organization):
    response = add_event(editor, organization, title="", starts_at="")
    errors = form_errors(response)
    assert "title" in errors
    assert "starts_at" in errors
    assert not EventPage.objects.exists()


def test_an_end_before_the_start_is_refused_beside_the_end(editor, organization):
    response = add_event(editor, organization, ends_at="2030-05-31 19:00")
    assert form_errors(response)["ends_at"] == ["The end must not be before the start."]
    assert not EventPage.objects.exists()


def test_a_negative_capacity_is_refused(editor, organization):
    response = add_event(editor, organization, total_capacity="-1")
    assert "total_capacity" in form_errors(response)


def test_an_unknown_time_zone_is_refused(editor, organization):
    response = add_event(editor, organization, time_zone="Mars/Olympus")
    assert "time_zone" in form_errors(response)


def test_an_allocation_above_the_capacity_is_refused_beside_the_tier(editor, organization):
    response = add_event(editor, organization, tiers=[tier(allocation="101")])
    assert form_errors(response)["tiers-0-allocation"] == [
        "The allocation must be between 0 and the total capacity (100)."
    ]
    assert not EventPage.objects.exists()


def test_allocations_adding_up_to_more_than_the_capacity_are_refused(editor, organization):
    response = add_event(
        editor,
        organization,
        tiers=[tier("Early Bird", allocation="60"), tier("VIP", allocation="50")],
    )
    assert form_errors(response)["total_capacity"] == [
        "Tier allocations add up to 110, more than the total capacity of 100."
    ]


def test_a_zero_allocation_beside_a_full_one_is_allowed(editor, organization):
    response = add_event(
        editor,
        organization,
        tiers=[tier("Early Bird", allocation="100"), tier("General", allocation="0"), tier("Door")],
        action="action-publish",
    )
    assert response.status_code == 302
    event = EventPage.objects.get(slug="harbour-lights")
    assert event.live
    assert [t.allocation for t in event.tiers.all()] == [100, 0, None]


def test_a_sales_window_ending_before_it_starts_is_refused_beside_the_end(editor, organization):
    response = add_event(
        editor,
        organization,
        tiers=[tier(sales_start="2030-05-10 10:00", sales_end="2030-05-01 10:00")],
    )
    assert form_errors(response)["tiers-0-sales_end"] == ["Sales must end after they start."]
    assert "Sales must end after they start." in response.content.decode()
    assert not EventPage.objects.exists()


def test_the_editor_types_prices_in_major_units(editor, organization):
    add_event(editor, organization, tiers=[tier(price="25.50")])
    event = EventPage.objects.get(slug="harbour-lights")
    assert event.tiers.get().price_minor == 2550
    page = editor.get(EDIT_URL.format(page=event.pk))
    assert 'value="25.50"' in page.content.decode()


def test_publishing_without_a_capacity_is_refused_with_the_reason(editor, organization):
    response = add_event(
        editor, organization, total_capacity="", tiers=[tier()], action="action-publish"
    )
    assert form_errors(response)["total_capacity"] == [
        "Set the total capacity (X) before publishing."
    ]
    assert not EventPage.objects.filter(live=True).exists()


def test_publishing_without_an_enabled_tier_is_refused_with_the_reason(editor, organization):
    response = add_event(editor, organization, tiers=[tier(enabled=False)], action="action-publish")
    assert form_errors(response)["__all__"] == [
        "Add at least one ticket tier that is on sale before publishing."
    ]
    assert "Add at least one ticket tier that is on sale" in response.content.decode()
    assert not EventPage.objects.exists()


def test_saving_a_draft_without_tiers_or_capacity_is_allowed(editor, organization):
    response = add_event(editor, organization, total_capacity="")
    assert response.status_code == 302
    assert EventPage.objects.get().live is False


def test_publishing_a_valid_event_creates_its_inventory(editor, organization):
    add_event(
        editor,
        organization,
        tiers=[tier("Early", allocation="40"), tier("General")],
        action="action-publish",
    )
    event = EventPage.objects.get()
    assert event.live
    inventory = EventInventory.objects.get(event_key=event.translation_key)
    assert inventory.capacity == 100
    assert {t.allocation for t in TierInventory.objects.all()} == {40, None}


def test_a_tier_with_sales_can_be_disabled_but_not_deleted(editor, organization):
    event = make_event(organization, tiers=[("General", 2500, None), ("VIP", 9000, 10)])
    vip = event.tiers.get(name="VIP")
    TierInventory.objects.filter(tier_key=vip.translation_key).update(sold=3)
    EventInventory.objects.filter(event_key=event.translation_key).update(sold=3)

    rows = existing_tiers(event, VIP={"DELETE": "1"})
    response = editor.post(
        EDIT_URL.format(page=event.pk), event_form(tiers=rows, initial_tiers=2, slug=event.slug)
    )
    assert response.status_code == 200
    assert "has sales and cannot be deleted" in response.content.decode()
    assert event.tiers.filter(name="VIP").exists()

    rows = existing_tiers(event, VIP={"enabled": ""})
    rows[1].pop("enabled")
    response = editor.post(
        EDIT_URL.format(page=event.pk),
        event_form(tiers=rows, initial_tiers=2, slug=event.slug, action="action-publish"),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.tiers.get(name="VIP").enabled is False


def test_a_tier_without_sales_can_be_deleted(editor, organization):
    event = make_event(organization, tiers=[("General", 2500, None), ("VIP", 9000, 10)])
    rows = existing_tiers(event, VIP={"DELETE": "1"})
    response = editor.post(
        EDIT_URL.format(page=event.pk),
        event_form(tiers=rows, initial_tiers=2, slug=event.slug, action="action-publish"),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert [t.name for t in event.tiers.all()] == ["General"]


def test_capacity_cannot_drop_below_tickets_already_sold(editor, organization):
    event = make_event(organization, capacity=100)
    EventInventory.objects.filter(event_key=event.translation_key).update(sold=80)
    response = editor.post(
        EDIT_URL.format(page=event.pk),
        event_form(
            tiers=existing_tiers(event), initial_tiers=1, slug=event.slug, total_capacity="50"
        ),
    )
    assert form_errors(response)["total_capacity"] == [
        "80 tickets are already sold or held; the total capacity cannot be lower."
    ]


# --- AC A4 on every way of publishing, not only the editor's Publish button ------

BULK_PUBLISH_URL = "/admin/bulk/wagtailcore/page/publish/?id={ids}&next=/admin/pages/{parent}/"


def bulk_publish(editor, organization, *pages, include_descendants=False):
    url = BULK_PUBLISH_URL.format(ids="&id=".join(str(p.pk) for p in pages), parent=organization.pk)
    data = {"include_descendants": "on"} if include_descendants else {}
    return editor.post(url, data, follow=True)


def is_live(page):
    return EventPage.objects.get(pk=page.pk).live


def test_bulk_publish_refuses_an_event_without_capacity_and_says_why(editor, organization):
    draft = make_event(organization, "Draft Gala", capacity=None, publish=False)
    ready = make_event(organization, "Ready Concert", publish=False)

    response = bulk_publish(editor, organization, draft, ready)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was published." in page
    assert "“Draft Gala”: Set the total capacity (X) before publishing." in page
    assert not is_live(draft)
    assert not is_live(ready)


def test_bulk_publish_refuses_an_event_without_a_tier_on_sale(editor, organization):
    draft = make_event(organization, "Closed Doors", tiers=(), publish=False)

    page = bulk_publish(editor, organization, draft).content.decode()

    assert "“Closed Doors”: Add at least one ticket tier that is on sale before publishing." in page
    assert not is_live(draft)


def test_bulk_publish_still_publishes_a_ready_event(editor, organization):
    ready = make_event(organization, "Ready Concert", publish=False)

    page = bulk_publish(editor, organization, ready).content.decode()

    assert "1 page has been published" in page
    assert is_live(ready)
    assert EventInventory.objects.filter(event_key=ready.translation_key).exists()


def test_publishing_an_organization_with_its_subpages_keeps_unready_events_drafts(
    client, organization
):
    from accounts.models import User

    admin = User.objects.create_superuser(email="admin@example.com", password="x")
    client.force_login(admin)
    draft = make_event(organization, "Draft Gala", capacity=None, publish=False)
    home = organization.get_parent()

    url = f"/admin/bulk/wagtailcore/page/publish/?id={organization.pk}&next=/admin/pages/{home.pk}/"
    page = client.post(url, {"include_descendants": "on"}, follow=True).content.decode()

    assert "“Draft Gala”: Set the total capacity (X) before publishing." in page
    assert not is_live(draft)


def test_a_revision_of_an_unready_event_cannot_be_published_from_code(organization):
    from event_pages.exceptions import PublishRefused

    draft = make_event(organization, "Draft Gala", capacity=None, publish=False)

    with pytest.raises(PublishRefused) as refusal:
        draft.latest_revision.publish()

    assert refusal.value.problems == {
        "total_capacity": "Set the total capacity (X) before publishing."
    }
    assert not is_live(draft)


def test_approving_an_event_whose_draft_became_unready_says_why_and_keeps_it_in_review(
    client, organization
):
    from django.urls import reverse
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    from accounts.models import User

    moderator = User.objects.create_superuser(email="moderator@example.com", password="x")
    event = make_event(organization, "Harbour Lights", publish=False)
    workflow = Workflow.objects.create(name="Event review")
    WorkflowTask.objects.create(
        workflow=workflow, task=GroupApprovalTask.objects.create(name="Review"), sort_order=0
    )
    review = workflow.start(event, moderator)
    edited = event.get_latest_revision_as_object()  # the organizer edits after submitting
    edited.total_capacity = None
    edited.save_revision()
    client.force_login(moderator)
    edit_url = reverse("wagtailadmin_pages:edit", args=[event.pk])
    approve_url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[event.pk, "approve", review.current_task_state.pk],
    )

    page = client.post(approve_url, headers={"referer": edit_url}, follow=True)

    assert page.redirect_chain == [(edit_url, 302)]
    assert (
        "Nothing was published. Set the total capacity (X) before publishing."
        in page.content.decode()
    )
    assert not is_live(event)
    review.refresh_from_db()
    assert review.status == review.STATUS_IN_PROGRESS


def test_scheduled_publishing_of_an_unready_event_is_cancelled_and_noted(organization):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import PageLogEntry, Revision

    draft = make_event(organization, "Draft Gala", capacity=None, publish=False)
    ready = make_event(organization, "Ready Concert", publish=False)
    due = timezone.now() - dt.timedelta(minutes=1)
    for event in (draft, ready):  # as if scheduled before the rule existed
        Revision.objects.filter(pk=event.latest_revision.pk).update(approved_go_live_at=due)

    call_command("publish_scheduled")

    assert not is_live(draft)
    assert is_live(ready)
    draft.latest_revision.refresh_from_db()
    assert draft.latest_revision.approved_go_live_at is None
    entry = PageLogEntry.objects.get(page=draft, action="event_pages.publish_refused")
    assert "Set the total capacity (X)" in entry.message


def test_publishing_an_unready_event_without_a_revision_leaves_none_behind(organization):
    from wagtail.models import Revision

    from event_pages import services
    from event_pages.exceptions import PublishRefused

    admin = make_user("admin@example.com", is_superuser=True, is_staff=True)
    draft = make_event(organization, "Draft Gala", capacity=None, publish=False)
    Revision.objects.filter(object_id=str(draft.pk)).delete()
    draft = EventPage.objects.get(pk=draft.pk)  # as a page saved without the editor

    with pytest.raises(PublishRefused):
        services.publish_event(user=admin, event=draft)

    assert not Revision.objects.filter(object_id=str(draft.pk)).exists()
    assert not is_live(draft)


def test_another_organizations_venue_is_refused_beside_the_field(
    editor, organization, other_organization
):
    from event_pages.models import Venue

    theirs = Venue.objects.create(
        name="Northwind Forum",
        address="Nordstr. 1",
        city="Hamburg",
        country="DE",
        organization=other_organization,
    )
    response = add_event(editor, organization, venue=str(theirs.pk), tiers=[tier()])
    assert form_errors(response)["venue"] == [
        "This venue belongs to another organization. Choose your own or a shared one."
    ]
    assert not EventPage.objects.exists()
    shared = Venue.objects.create(name="Town Hall", address="Markt 1", city="Bonn", country="DE")
    assert add_event(editor, organization, venue=str(shared.pk), tiers=[tier()]).status_code == 302
