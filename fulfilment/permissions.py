"""Who may see and act on pre-orders, tickets and their log in the admin (issue 9).

The rule of this issue: the Fulfilment group, Support and the Platform admin work on
every event's pre-orders; an organizer on their own organization's events only
(membership: event_pages.permissions); nobody else. Revealing a ticket password is
Support's alone; erasing a member's credentials is Support's or the Platform admin's.

Roles are asked through `accounts.roles.roles_of` (one query per request), so no
model permission has to be granted to the role groups. A Django model permission
(`fulfilment.view_preorder`, ...) still allows its action everywhere, like every
other organization-owned model.
"""

import hashlib

from django.db.models import Q, QuerySet
from wagtail.permissions import policy_registry

from accounts.roles import FULFILMENT, PLATFORM_ADMIN, SUPPORT, roles_of
from event_pages.models import EventPage
from event_pages.permissions import (
    OrganizationPermissionPolicy,
    events_of,
    organization_keys_for,
)

EVERY_EVENT_ROLES = frozenset({FULFILMENT, SUPPORT, PLATFORM_ADMIN})
# What each role may do on every event's objects; organizers do MEMBER_ACTIONS on theirs.
ROLE_ACTIONS = {
    FULFILMENT: {"view", "resend", "mark_used", "export"},
    SUPPORT: {"view", "resend", "mark_used", "export", "reveal", "erase"},
    PLATFORM_ADMIN: {"view", "resend", "mark_used", "export", "erase"},
}
MEMBER_ACTIONS = ("view", "resend", "mark_used", "export")


def role_actions(user) -> set:
    actions = set()
    for role in roles_of(user):
        actions |= ROLE_ACTIONS.get(role, set())
    return actions


def may_use_fulfilment(user) -> bool:
    """Whether the Fulfilment menu and dashboard are for `user` at all."""
    if roles_of(user) & EVERY_EVENT_ROLES:
        return True
    return bool(organization_keys_for(user))


def may_reveal(user) -> bool:
    """Only Support reveals a ticket password in the admin (the member in their portal)."""
    return SUPPORT in roles_of(user)


def may_erase(user) -> bool:
    return "erase" in role_actions(user)


def visible_event_keys(user):
    """None when `user` sees every event's pre-orders, else a subquery of event keys."""
    if roles_of(user) & EVERY_EVENT_ROLES:
        return None
    keys = organization_keys_for(user)
    if not keys:
        return EventPage.objects.none().values("translation_key")
    return events_of(keys).values("translation_key")


def visible_scope(user) -> str:
    """A short name for whose events `user` sees (as visible_event_keys): "" for every
    event, else a digest of the organization keys; a cache key part, the same for
    every organizer of the same organizations."""
    if roles_of(user) & EVERY_EVENT_ROLES:
        return ""
    keys = ",".join(sorted(str(key) for key in organization_keys_for(user)))
    return "organizations:" + hashlib.sha256(keys.encode()).hexdigest()[:32]


def visible_events(user) -> QuerySet[EventPage]:
    """The events (one row per locale copy) whose fulfilment `user` may see."""
    keys = visible_event_keys(user)
    events = EventPage.objects.all()
    return events if keys is None else events.filter(translation_key__in=keys)


def may_act(user, event_key, action: str) -> bool:
    """A role with `action` on every event, or an organizer of the event's organization."""
    if action in role_actions(user):
        return True
    if action not in MEMBER_ACTIONS:
        return False
    keys = organization_keys_for(user)
    return bool(keys) and events_of(keys).filter(translation_key=event_key).exists()


def may_see_event(user, event_key) -> bool:
    keys = visible_event_keys(user)
    return (
        keys is None
        or EventPage.objects.filter(translation_key=event_key, translation_key__in=keys).exists()
    )


class FulfilmentPermissionPolicy(OrganizationPermissionPolicy):
    """Pre-orders, ticket credentials and log entries, each keyed to its event (`event_key`)."""

    def __init__(self, model):
        super().__init__(model, member_actions=MEMBER_ACTIONS)

    def organization_filter(self, organization_keys, actions) -> Q:
        return Q(event_key__in=events_of(organization_keys).values("translation_key"))

    def allows_everywhere(self, user, actions) -> bool:
        if set(actions) & role_actions(user):
            return True
        # Nobody adds, edits or deletes these rows in the admin, a superuser neither:
        # they come from members, uploads and the services.
        return "view" in actions and user.has_perm(self._get_permission_name("view"))


def allowed(user, model, actions=("view",)):
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, actions)
