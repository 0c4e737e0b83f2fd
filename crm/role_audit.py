"""Role changes are audited (issue 10): when a user's groups change (the Wagtail admin's
user editor, or anywhere else), one crm.audit.ROLE_CHANGED entry on the user says which
groups they had before and after, and who changed them.

The actor is the user of Wagtail's active log context (the admin sets it for every
admin request), None when the system changed the groups; the IP address is the
request's (core.client_address.ClientAddressMiddleware), empty outside a request.
A `set()` of the groups removes and adds in two steps: inside one transaction they
update one entry, which the commit closes, so an edit in the admin is one entry.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from wagtail.log_actions import get_active_log_context

from core.client_address import current_client_address
from crm import audit

PENDING = "_bilten_role_change"  # on the user object: its open entry until the commit


def _group_names(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


@receiver(m2m_changed, sender=get_user_model().groups.through)
def record_role_change(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse:
        _changed_from_group(instance, action, pk_set)
    elif action.startswith("pre_"):
        if getattr(instance, PENDING, None) is None:
            instance._bilten_groups_before = _group_names(instance)
    else:
        _recorded(instance, before=getattr(instance, "_bilten_groups_before", None))


def _changed_from_group(group, action, pk_set) -> None:
    """`group.user_set.add/remove/clear(...)`: each user's entry, before worked out."""
    if action == "pre_clear":
        group._bilten_clearing = list(group.user_set.values_list("pk", flat=True))
        return
    if action == "post_clear":
        pk_set, added = group.__dict__.pop("_bilten_clearing", []), False
    elif action in ("post_add", "post_remove"):
        added = action == "post_add"
    else:
        return
    for user in get_user_model().objects.filter(pk__in=list(pk_set or ())):
        after = set(_group_names(user))
        before = after - {group.name} if added else after | {group.name}
        _recorded(user, before=sorted(before))


def _recorded(user, *, before) -> None:
    after = _group_names(user)
    pending = getattr(user, PENDING, None)
    if pending is not None:
        entry = pending
        entry.data["after"] = {"groups": after}
        entry.save(update_fields=["data"])
        return
    if before is None or before == after:
        return
    actor = get_active_log_context().user
    entry = audit.record(
        user,
        audit.ROLE_CHANGED,
        actor=actor if getattr(actor, "pk", None) else None,
        ip=current_client_address(),
        before={"groups": before},
        after={"groups": after},
    )
    setattr(user, PENDING, entry)
    transaction.on_commit(lambda: _close(user))


def _close(user) -> None:
    for name in (PENDING, "_bilten_groups_before"):
        if hasattr(user, name):
            delattr(user, name)
