"""Permission policies of the sales objects in the admin (the rule: event_pages.permissions).

Promo codes and orders belong to an organization. Its members (organizers)
see its orders and manage its promo codes; a role with the model permission
(Support: `commerce.view_order`) sees every organization's. Orders and
payment follow-ups are made by payments, never typed into the admin, so
nobody adds, edits or deletes them there.
"""

from django.db.models import Q
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import policy_registry

from commerce.models import Order
from event_pages.models import EventPage
from event_pages.permissions import (
    OrganizationPermissionPolicy,
    events_of,
    organization_keys_for,
)

READ_ONLY = ("view",)


class OrderPermissionPolicy(OrganizationPermissionPolicy):
    """An order belongs to the organization of its event (any locale's copy of it)."""

    def __init__(self, model):
        super().__init__(model, member_actions=READ_ONLY)

    def organization_filter(self, organization_keys, actions) -> Q:
        return Q(event_key__in=events_of(organization_keys).values("translation_key"))

    def allows_everywhere(self, user, actions) -> bool:
        return super().allows_everywhere(user, [a for a in actions if a in READ_ONLY])


class FollowUpPermissionPolicy(ModelPermissionPolicy):
    """Support views follow-ups and refunds them (the "change" permission); nothing else.

    A follow-up is settled only by the refund action, so there is no edit, add
    or delete for anyone.
    """

    def user_has_permission(self, user, action):
        if action == "refund":
            return super().user_has_permission(user, "change")
        return action == "view" and super().user_has_permission(user, "view")

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model._default_manager.all()
        return self.model._default_manager.none()


def may_see_sales(user, event: EventPage) -> bool:
    """Whether `user` may see the sales (orders, check-in list) of `event`."""
    policy = policy_registry.get_by_type(Order)
    if policy.allows_everywhere(user, READ_ONLY):
        return True
    keys = organization_keys_for(user)
    return bool(keys) and events_of(keys).filter(pk=event.pk).exists()
