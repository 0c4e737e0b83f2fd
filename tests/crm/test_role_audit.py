"""Role changes are audited: a user's groups before and after, and who changed them."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts import roles
from crm import audit
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def role_changes(user):
    return ModelLogEntry.objects.filter(
        action=audit.ROLE_CHANGED, content_type__model="user", object_id=str(user.pk)
    ).order_by("pk")


def group(name):
    return Group.objects.get(name=name)


def test_the_platform_admin_changing_roles_in_the_user_editor_is_one_audit_entry(
    client, home_page, django_capture_on_commit_callbacks
):
    admin = make_user("admin@example.com", is_superuser=True)
    agent = make_user("agent@example.com", name="Ada Agent")
    agent.groups.add(group(roles.MARKETING))
    earlier = role_changes(agent).count()
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailusers_users:edit", args=[agent.pk]),
            {
                "email": agent.email,
                "name": "Ada Agent",
                "is_active": "on",
                "groups": [group(roles.SUPPORT).pk, group(roles.FULFILMENT).pk],
            },
            REMOTE_ADDR="203.0.113.9",
        )

    assert response.status_code == 302, response.context["form"].errors
    assert role_changes(agent).count() == earlier + 1
    entry = role_changes(agent).last()
    assert entry.user == admin
    assert entry.data["before"] == {"groups": ["Marketing"]}
    assert entry.data["after"] == {"groups": ["Fulfilment", "Support"]}
    assert entry.data["ip"] == "203.0.113.9"  # from where the admin changed them


def test_saving_the_user_without_changing_roles_writes_no_entry(
    client, home_page, django_capture_on_commit_callbacks
):
    admin = make_user("admin@example.com", is_superuser=True)
    agent = make_user("agent@example.com", name="Ada Agent")
    agent.groups.add(group(roles.SUPPORT))
    before = role_changes(agent).count()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("wagtailusers_users:edit", args=[agent.pk]),
            {
                "email": agent.email,
                "name": "Ada Agent",
                "is_active": "on",
                "groups": [group(roles.SUPPORT).pk],
            },
        )
    assert role_changes(agent).count() == before


def test_a_role_given_outside_the_admin_is_recorded_without_an_actor(home_page):
    user = make_user("someone@example.com")
    with_fresh = type(user).objects.get(pk=user.pk)
    with_fresh.groups.add(group(roles.ORGANIZER))
    entry = role_changes(user).get()
    assert entry.user is None
    assert (entry.data["before"], entry.data["after"]) == (
        {"groups": []},
        {"groups": ["Organizer"]},
    )


def test_users_added_to_a_group_from_the_groups_side_are_recorded(home_page):
    first, second = make_user("a@example.com"), make_user("b@example.com")
    group(roles.SUPPORT).user_set.add(first, second)
    for user in (first, second):
        entry = role_changes(user).get()
        assert entry.data["after"] == {"groups": ["Support"]}
        assert entry.data["before"] == {"groups": []}
