"""Roles are Django groups with Wagtail permissions.

`ensure_role_groups` creates the five role groups (idempotent; run by a data
migration and by seed_demo). `grant_organization` gives one organization's
organizer group page permissions on that organization's subtree only, plus an
image collection of its own: Wagtail's page permissions, not hand-written
tenancy filters, keep organizers apart.

What an organization owns (its venues, promo codes and orders) follows one
permission policy (event_pages.permissions): a model permission below allows
an action on every organization's objects, membership of an organization
(its page permissions) allows it on that organization's objects only. So the
Organizer role holds no model permission on them, and Marketing, which edits
every page, is a member of no organization and sees no orders.

Page permissions follow a page into its translations: when wagtail-localize
copies a page into another language (the page translated, or a parent copied
for it), the copy gets its source's group page permissions
(`grant_on_translation`), so Marketing edits every language's tree and an
organizer their organization's tree in every language.
"""

ORGANIZER = "Organizer"
SUPPORT = "Support"
FULFILMENT = "Fulfilment"
MARKETING = "Marketing"
PLATFORM_ADMIN = "Platform admin"
ROLE_NAMES = [ORGANIZER, SUPPORT, FULFILMENT, MARKETING, PLATFORM_ADMIN]

ORGANIZER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
MARKETING_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
IMAGE_PERMISSIONS = ["add_image", "change_image", "choose_image"]

# Every organization's refund policy (crm.refund_policy_admin); organizers keep their own
# through membership, without these.
REFUND_POLICY_PERMISSIONS = [
    "crm.view_refundpolicy",
    "crm.add_refundpolicy",
    "crm.change_refundpolicy",
    "crm.delete_refundpolicy",
]

# app_label.codename granted to each role group (model permissions).
ROLE_PERMISSIONS = {
    ORGANIZER: [
        "wagtailadmin.access_admin",
        "wagtail_localize.submit_translation",
        "event_pages.view_category",
    ],
    SUPPORT: [
        "wagtailadmin.access_admin",
        "commerce.view_order",
        "commerce.view_paymentfollowup",
        "commerce.change_paymentfollowup",
        "crm.view_supportcase",
        "crm.add_supportcase",
        "crm.change_supportcase",
        *REFUND_POLICY_PERMISSIONS,
    ],
    FULFILMENT: ["wagtailadmin.access_admin"],
    MARKETING: [
        "wagtailadmin.access_admin",
        "wagtail_localize.submit_translation",
        "event_pages.view_venue",
        "event_pages.view_category",
        "event_pages.add_category",
        "event_pages.change_category",
    ],
    PLATFORM_ADMIN: [
        "wagtailadmin.access_admin",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.delete_user",
        "auth.add_group",
        "auth.change_group",
        "auth.delete_group",
        "wagtailcore.add_site",
        "wagtailcore.change_site",
        "wagtailcore.add_locale",
        "wagtailcore.change_locale",
        "event_pages.view_venue",
        "event_pages.add_venue",
        "event_pages.change_venue",
        "event_pages.delete_venue",
        "event_pages.add_category",
        "event_pages.change_category",
        "event_pages.delete_category",
        "crm.view_supportcase",
        "crm.add_supportcase",
        "crm.change_supportcase",
        "crm.change_supportsettings",
        *REFUND_POLICY_PERMISSIONS,
        # The pre-order ticket email (Settings → Ticket delivery email).
        "fulfilment.change_ticketemailtemplate",
    ],
}


# Granted by earlier versions of ROLE_PERMISSIONS and taken away again: with them
# an organizer edited every organization's venues and promo codes, and
# Marketing every venue.
WITHDRAWN_PERMISSIONS = {
    ORGANIZER: [
        "event_pages.view_venue",
        "event_pages.add_venue",
        "event_pages.change_venue",
        "commerce.view_promocode",
        "commerce.add_promocode",
        "commerce.change_promocode",
        "commerce.delete_promocode",
    ],
    MARKETING: ["event_pages.change_venue"],
}


def _permission(apps, dotted: str):
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _migrated(apps, dotted: str) -> bool:
    """Whether the permission's app has models in this (migration) state yet. A later app's
    permissions (crm) are granted by that app's own data migration, which runs this again."""
    return bool(apps.all_models.get(dotted.split(".")[0]))


def ensure_role_groups(apps) -> dict:
    """Create the role groups with their model permissions; returns {name: group}."""
    Group = apps.get_model("auth", "Group")
    groups = {}
    for name in ROLE_NAMES:
        group, _created = Group.objects.get_or_create(name=name)
        granted = [p for p in ROLE_PERMISSIONS[name] if _migrated(apps, p)]
        group.permissions.add(*[_permission(apps, p) for p in granted])
        withdrawn = WITHDRAWN_PERMISSIONS.get(name, [])
        group.permissions.remove(*[_permission(apps, p) for p in withdrawn])
        groups[name] = group
    return groups


def _grant_pages(apps, group, page, codenames):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_permission(apps, f"wagtailcore.{codename}")
        )


def _grant_collection(apps, group, collection):
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    for codename in IMAGE_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group,
            collection=collection,
            permission=_permission(apps, f"wagtailimages.{codename}"),
        )


def grant_marketing(apps, *, home_page) -> None:
    """Marketing edits and translates pages under the home page and uses all images."""
    group = apps.get_model("auth", "Group").objects.get(name=MARKETING)
    root_collection = apps.get_model("wagtailcore", "Collection").objects.get(depth=1)
    _grant_pages(apps, group, home_page, MARKETING_PAGE_PERMISSIONS)
    _grant_collection(apps, group, root_collection)


def grant_on_translation(apps, *, source, translation) -> None:
    """A page's translation gets the group page permissions of its source: a role (Marketing,
    an organization's organizers) holds the same tree in every language."""
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    for group_id, permission_id in GroupPagePermission.objects.filter(
        page_id=source.pk
    ).values_list("group_id", "permission_id"):
        GroupPagePermission.objects.get_or_create(
            group_id=group_id, page_id=translation.pk, permission_id=permission_id
        )


def grant_translated_trees(apps) -> None:
    """Every translation of a page with group page permissions gets them too (idempotent)."""
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Page = apps.get_model("wagtailcore", "Page")
    for page_id, translation_key in GroupPagePermission.objects.values_list(
        "page_id", "page__translation_key"
    ).distinct():
        for translation in Page.objects.filter(translation_key=translation_key).exclude(pk=page_id):
            grant_on_translation(apps, source=Page(pk=page_id), translation=translation)


def organization_group_name(index_page) -> str:
    return f"{ORGANIZER}: {index_page.title}"[:150]


def grant_organization(index_page):
    """The organizer group of one organization: its subtree and its image collection."""
    from django.apps import apps
    from django.contrib.auth.models import Group
    from wagtail.models import Collection

    group, _created = Group.objects.get_or_create(name=organization_group_name(index_page))
    _grant_pages(apps, group, index_page, ORGANIZER_PAGE_PERMISSIONS)
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=index_page.title).first()
    if collection is None:
        collection = root.add_child(name=index_page.title)
    _grant_collection(apps, group, collection)
    return group


def make_organizer(user, index_page) -> None:
    """Put a user in the Organizer role for one organization."""
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=ORGANIZER), grant_organization(index_page))


ROLES_CACHE = "_bilten_roles"


def roles_of(user) -> frozenset:
    """The role names `user` holds (a superuser is a Platform admin), asked once per user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    roles = getattr(user, ROLES_CACHE, None)
    if roles is None:
        roles = set(user.groups.filter(name__in=ROLE_NAMES).values_list("name", flat=True))
        if user.is_superuser:
            roles.add(PLATFORM_ADMIN)
        roles = frozenset(roles)
        setattr(user, ROLES_CACHE, roles)
    return roles
