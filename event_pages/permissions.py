"""Who belongs to which organization, and the one permission rule for what organizations own.

An organization is an EventIndexPage; its members are the users whose groups
hold Wagtail page permissions on that index page itself (the organizer group
`accounts.roles.grant_organization` creates). A grant on an ancestor (Marketing
edits every page from the home page down) makes nobody a member.

`OrganizationPermissionPolicy` is the permission policy of every model an
organization owns (promo codes, venues, orders). One rule:

- a Django model permission (`app.change_model`, held by a role group such as
  Platform admin, or by a superuser) allows that action on every instance;
- membership allows the policy's `member_actions` on the organization's own
  instances, and nothing on anyone else's.

Wagtail asks the registered policy in its views, bulk actions and reports;
`event_pages.admin_viewsets.OrganizationScopedViewSetMixin` makes every view
of a viewset ask it for the object in hand too.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from wagtail.models import GroupPagePermission
from wagtail.permission_policies.base import ModelPermissionPolicy

from event_pages.models import EventIndexPage, EventPage

MEMBERSHIP_PERMISSION = "change_page"
KEYS_CACHE = "_bilten_organization_keys"

# Every organization-owned model's policy, for screens that cover many models
# (the site history report). Filled once at import time, never changed after.
ORGANIZATION_POLICIES: list["OrganizationPermissionPolicy"] = []


def _membership_grants(user) -> QuerySet:
    return GroupPagePermission.objects.filter(
        group__user=user,
        permission__codename=MEMBERSHIP_PERMISSION,
        page_id__in=EventIndexPage.objects.values("pk"),
    )


def organizations_for(user) -> QuerySet[EventIndexPage]:
    """The organizations `user` belongs to, every locale's copy of each (all for superusers).

    One query, keyed to the index pages' `translation_key`: a grant on the
    English or on the German index page is membership of the organization.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return EventIndexPage.objects.none()
    if user.is_superuser:
        return EventIndexPage.objects.all()
    keys = _membership_grants(user).values("page__translation_key")
    return EventIndexPage.objects.filter(translation_key__in=keys)


def organization_keys_for(user) -> frozenset:
    """`translation_key`s of the user's organizations, asked once per user object (request)."""
    keys = getattr(user, KEYS_CACHE, None)
    if keys is None:
        keys = frozenset(
            organizations_for(user).values_list("translation_key", flat=True).distinct()
        )
        if user is not None and user.is_authenticated:
            setattr(user, KEYS_CACHE, keys)
    return keys


def events_of(organization_keys) -> QuerySet[EventPage]:
    """Events (every locale) under the index pages of these organizations, as one query."""
    index_pages = EventIndexPage.objects.filter(
        translation_key__in=organization_keys,
        path=Substr(OuterRef("path"), 1, Length("path")),
    )
    return EventPage.objects.filter(Exists(index_pages))


class OrganizationPermissionPolicy(ModelPermissionPolicy):
    """Model permission: every instance; organization membership: the organization's own.

    `organization_field` names the model's EventIndexPage foreign key; a model
    that reaches its organization another way overrides `organization_filter`.
    """

    def __init__(
        self,
        model,
        *,
        member_actions=("view", "add", "change", "delete"),
        organization_field="organization",
    ):
        super().__init__(model)
        self.member_actions = frozenset(member_actions)
        self.organization_field = organization_field
        ORGANIZATION_POLICIES.append(self)

    def organization_filter(self, organization_keys, actions) -> Q:
        """Instances of these organizations on which members may take these actions."""
        return Q(**{f"{self.organization_field}__translation_key__in": organization_keys})

    def allows_everywhere(self, user, actions) -> bool:
        """The user holds the model permission of one of `actions`: every instance."""
        return any(user.has_perm(self._get_permission_name(action)) for action in actions)

    def _as_member(self, user, actions) -> tuple[set, frozenset]:
        actions = set(actions) & self.member_actions
        return actions, (organization_keys_for(user) if actions else frozenset())

    def user_has_permission(self, user, action):
        if self.allows_everywhere(user, [action]):
            return True
        return bool(self._as_member(user, [action])[1])

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if self.allows_everywhere(user, actions):
            return True
        return (
            self.instances_user_has_any_permission_for(user, actions)
            .filter(pk=instance.pk)
            .exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        manager = self.model._default_manager
        if self.allows_everywhere(user, actions):
            return manager.all()
        actions, keys = self._as_member(user, actions)
        if not keys:
            return manager.none()
        return manager.filter(self.organization_filter(keys, actions))

    def organizations_for_actions(self, user, actions) -> QuerySet[EventIndexPage]:
        """Organizations whose objects `user` may take these actions on (for form choices)."""
        if self.allows_everywhere(user, actions):
            return EventIndexPage.objects.all()
        if set(actions) & self.member_actions:
            return organizations_for(user)
        return EventIndexPage.objects.none()

    def users_with_any_permission(self, actions):
        everywhere = self._get_users_with_any_permission_codenames_filter(
            self._get_permission_codenames(actions)
        )
        if not set(actions) & self.member_actions:
            return get_user_model().objects.filter(everywhere).distinct()
        members = Q(
            is_active=True,
            groups__page_permissions__permission__codename=MEMBERSHIP_PERMISSION,
            groups__page_permissions__page_id__in=EventIndexPage.objects.values("pk"),
        )
        return get_user_model().objects.filter(everywhere | members).distinct()


class VenuePermissionPolicy(OrganizationPermissionPolicy):
    """Members see their own venues and the shared ones, and change only their own."""

    def organization_filter(self, organization_keys, actions) -> Q:
        own = super().organization_filter(organization_keys, actions)
        if "view" in actions:
            return own | Q(organization__isnull=True)
        return own
