"""Who may see and do what in the support CRM (issue 10): one rule for every view and API.

Roles come from `accounts.roles.roles_of` (a superuser is a Platform admin):
- Support and the Platform admin: every customer, order and case, every agent action;
- Fulfilment: customers with pre-orders, and resending their ticket credentials;
- an organizer (a member of an organization, event_pages.permissions): the cases,
  orders and customers of their own organization's events; replies and notes on
  those cases, resends, and refunds within the organization's refund policy;
- everyone else (Marketing, attendees): nothing.

`allowed_actions(user, event_key)` is the whole rule; everything else asks it.
"""

from django.db.models import QuerySet

from accounts.roles import FULFILMENT, PLATFORM_ADMIN, SUPPORT, roles_of
from commerce.models import Order
from event_pages.permissions import events_of, organization_keys_for

VIEW = "view"
WORK_CASE = "work_case"  # reply, note, status, priority, assignee, tags
OPEN_CASE = "open_case"
REFUND = "refund"  # any amount, any time
REFUND_WITHIN_POLICY = "refund_within_policy"
EXCHANGE = "exchange"
TRANSFER = "transfer"
RESEND = "resend"
CANCEL = "cancel"
RESEND_CREDENTIALS = "resend_credentials"
EXPORT = "export"
CHANGE_SLA = "change_sla"

AGENT_ACTIONS = frozenset(
    {
        VIEW,
        WORK_CASE,
        OPEN_CASE,
        REFUND,
        REFUND_WITHIN_POLICY,
        EXCHANGE,
        TRANSFER,
        RESEND,
        CANCEL,
        RESEND_CREDENTIALS,
        EXPORT,
    }
)
ROLE_ACTIONS = {
    SUPPORT: AGENT_ACTIONS,
    PLATFORM_ADMIN: AGENT_ACTIONS | {CHANGE_SLA},
    FULFILMENT: frozenset({RESEND_CREDENTIALS}),
}
# What an organizer may do on their own organization's events.
MEMBER_ACTIONS = frozenset(
    {VIEW, WORK_CASE, OPEN_CASE, REFUND_WITHIN_POLICY, RESEND, RESEND_CREDENTIALS, EXPORT}
)


def role_actions(user) -> frozenset:
    actions = frozenset()
    for role in roles_of(user):
        actions |= ROLE_ACTIONS.get(role, frozenset())
    return actions


def sees_everything(user) -> bool:
    return VIEW in role_actions(user)


def own_event_keys(user) -> QuerySet:
    """A subquery of the translation keys of the events of `user`'s organizations."""
    return events_of(organization_keys_for(user)).values("translation_key")


def is_own_event(user, event_key) -> bool:
    if event_key is None or not organization_keys_for(user):
        return False
    return events_of(organization_keys_for(user)).filter(translation_key=event_key).exists()


def allowed_actions(user, event_key=None) -> frozenset:
    """Everything `user` may do on an object of the event `event_key` (None: no event)."""
    actions = role_actions(user)
    if is_own_event(user, event_key):
        actions |= MEMBER_ACTIONS
    return actions


def may(user, action: str, event_key=None) -> bool:
    return action in allowed_actions(user, event_key)


def may_use_crm(user) -> bool:
    """Whether the Support menu is for `user` at all."""
    return bool(role_actions(user)) or bool(organization_keys_for(user))


def orders_for(user) -> QuerySet[Order]:
    if sees_everything(user):
        return Order.objects.all()
    if not organization_keys_for(user):
        return Order.objects.none()
    return Order.objects.filter(event_key__in=own_event_keys(user))


def cases_for(user) -> QuerySet:
    from crm.models import SupportCase

    if sees_everything(user):
        return SupportCase.objects.all()
    if not organization_keys_for(user):
        return SupportCase.objects.none()
    return SupportCase.objects.filter(event_key__in=own_event_keys(user))


def may_work_case(user, case) -> bool:
    return may(user, WORK_CASE, case.event_key)


def may_see_order(user, order) -> bool:
    return may(user, VIEW, order.event_key)
