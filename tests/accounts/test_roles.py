"""Roles are groups; organizers are kept apart by Wagtail page permissions."""

import pytest
from django.contrib.auth.models import Group
from wagtail.test.utils.form_data import rich_text

from accounts import roles
from event_pages.models import EventPage
from tests.event_pages.editor import ADD_URL, EDIT_URL, event_form, tier
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


def test_the_five_role_groups_exist_with_admin_access():
    for name in roles.ROLE_NAMES:
        group = Group.objects.get(name=name)
        assert group.permissions.filter(codename="access_admin").exists(), name


def test_an_organizer_can_open_the_admin(client, organizer):
    client.force_login(organizer)
    assert client.get("/admin/").status_code == 200


def test_an_attendee_cannot_open_the_admin(client):
    client.force_login(make_user("fan@example.com"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_organizer_can_edit_their_own_events(client, organizer, organization):
    event = make_event(organization, "Own Show")
    client.force_login(organizer)
    assert client.get(EDIT_URL.format(page=event.pk)).status_code == 200


def test_an_organizer_cannot_edit_another_organizations_event(
    client, organizer, other_organization
):
    event = make_event(other_organization, "Their Show")
    client.force_login(organizer)
    response = client.get(EDIT_URL.format(page=event.pk))
    assert response.status_code in (302, 403)
    response = client.post(
        EDIT_URL.format(page=event.pk),
        event_form(tiers=[tier()], title="Hijacked", slug=event.slug, action="action-publish"),
    )
    assert response.status_code in (302, 403)
    event.refresh_from_db()
    assert event.title == "Their Show"


def test_an_organizer_cannot_add_events_to_another_organization(
    client, organizer, other_organization
):
    client.force_login(organizer)
    response = client.post(ADD_URL.format(parent=other_organization.pk), event_form(tiers=[tier()]))
    assert response.status_code in (302, 403)
    assert not EventPage.objects.filter(slug="harbour-lights").exists()


def test_an_organizer_does_not_see_another_organizations_events_in_the_explorer(
    client, organizer, organization, other_organization
):
    make_event(organization, "Own Show")
    make_event(other_organization, "Their Show")
    client.force_login(organizer)
    own = client.get(f"/admin/pages/{organization.pk}/").content.decode()
    assert "Own Show" in own
    response = client.get(f"/admin/pages/{other_organization.pk}/")
    assert "Their Show" not in response.content.decode()
    search = client.get("/admin/pages/search/", {"q": "Show"}).content.decode()
    assert "Own Show" in search
    assert "Their Show" not in search


def test_creating_an_organization_in_the_admin_creates_its_organizer_group(client, home_page):
    admin = make_user("root@example.com", is_superuser=True)
    client.force_login(admin)
    response = client.post(
        f"/admin/pages/add/event_pages/eventindexpage/{home_page.pk}/",
        {
            "title": "Harbour Events",
            "slug": "harbour-events",
            "about": rich_text("<p>Shows by the sea.</p>"),
            "action-publish": "1",
        },
    )
    assert response.status_code == 302
    group = Group.objects.get(name="Organizer: Harbour Events")
    assert group.page_permissions.filter(page__slug="harbour-events").count() == len(
        roles.ORGANIZER_PAGE_PERMISSIONS
    )
