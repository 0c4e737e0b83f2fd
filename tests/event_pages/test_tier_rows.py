"""Tier rows are unique per event by construction, and an add-on names the tier it
needs among the event's own tiers."""

import pytest
from django.db import IntegrityError, transaction

from event_pages.models import EventPage, TicketTier
from tests.event_pages.editor import (
    ADD_URL,
    EDIT_URL,
    event_form,
    existing_tiers,
    form_errors,
    tier,
)
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_two_tiers_with_one_name_are_refused_beside_the_second(editor, organization):
    response = editor.post(
        ADD_URL.format(parent=organization.pk),
        event_form(tiers=[tier("VIP"), tier("vip", price="90.00")]),
    )
    assert form_errors(response)["tiers-1-name"] == [
        "Another tier of this event is already called “vip”."
    ]
    assert not EventPage.objects.exists()


def test_the_database_refuses_a_second_row_for_the_same_tier(organization):
    event = make_event(organization, tiers=[("VIP", 9000, None)])
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketTier.objects.create(page=event, name="VIP", price_minor=9000, locale=event.locale)


def test_an_add_on_chooses_the_tier_it_needs_among_the_saved_tiers(editor, organization):
    event = make_event(organization, tiers=[("Conference", 30000, None), ("Workshop", 9000, 20)])
    page = editor.get(EDIT_URL.format(page=event.pk)).content.decode()
    conference = event.tiers.get(name="Conference")
    assert f'<option value="{conference.translation_key}">Conference</option>' in page
    rows = existing_tiers(event, Workshop={"requires_tier_key": str(conference.translation_key)})
    response = editor.post(
        EDIT_URL.format(page=event.pk),
        event_form(slug=event.slug, tiers=rows, initial_tiers=len(rows)),
    )
    assert response.status_code == 302, form_errors(response)
    draft = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    workshop = next(t for t in draft.tiers.all() if t.name == "Workshop")
    assert workshop.requires_tier_key == conference.translation_key


def test_an_add_on_cannot_need_itself_or_a_tier_of_another_event(editor, organization):
    event = make_event(organization, tiers=[("Conference", 30000, None), ("Workshop", 9000, 20)])
    other = make_event(organization, "Other", tiers=[("Day pass", 5000, None)])
    workshop = event.tiers.get(name="Workshop")
    for key in (workshop.translation_key, other.tiers.get().translation_key):
        rows = existing_tiers(event, Workshop={"requires_tier_key": str(key)})
        response = editor.post(
            EDIT_URL.format(page=event.pk),
            event_form(slug=event.slug, tiers=rows, initial_tiers=len(rows)),
        )
        assert form_errors(response)["tiers-1-requires_tier_key"] == [
            "Choose another saved tier of this event (or nothing)."
        ]
