"""Support → Refund policies in the Wagtail admin (issue 10): what an organization's
attendees may refund on their own (crm.services.policies reads it).

One permission policy decides every view the viewset builds (list, add, edit, delete,
history, inspect): Support and the Platform admin work on every organization's policy,
an organizer sees and edits only their own organization's (and can pick only their own
organizations), Marketing and everyone else nothing. Each save is audited
(crm.audit.REFUND_POLICY_CHANGED, with the values before and after).
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Locale
from wagtail.permissions import policy_registry, register_permission_policy

from crm import audit
from crm import permissions as perms
from crm.models import RefundPolicy
from event_pages.admin_viewsets import OrganizationScopedViewSetMixin
from event_pages.permissions import OrganizationPermissionPolicy

SUPPORT_MENU_HOOK = "register_support_menu_item"  # crm.wagtail_hooks.SUPPORT_MENU_HOOK
MAX_DAYS_BEFORE = 365  # the model's check constraint


class RefundPolicyPermissionPolicy(OrganizationPermissionPolicy):
    """Support and the Platform admin (crm.permissions): every policy; an organization's
    members: view, add and change their own organization's."""

    def __init__(self, model):
        super().__init__(model, member_actions=("view", "add", "change"))

    def organization_filter(self, organization_keys, actions) -> Q:
        return Q(organization__translation_key__in=organization_keys)

    def allows_everywhere(self, user, actions) -> bool:
        return perms.sees_everything(user) or super().allows_everywhere(user, actions)


register_permission_policy(RefundPolicy, RefundPolicyPermissionPolicy(RefundPolicy))


class RefundPolicyForm(WagtailAdminModelForm):
    class Meta:
        model = RefundPolicy
        fields = ["organization", "kind", "days_before"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = policy_registry.get_by_type(RefundPolicy)
        organizations = policy.organizations_for_actions(self.for_user, ["add", "change"])
        self.fields["organization"].queryset = organizations.filter(
            locale=Locale.get_default()
        ).order_by("title")

    def clean_days_before(self):
        days = self.cleaned_data["days_before"]
        if days is not None and days > MAX_DAYS_BEFORE:
            raise forms.ValidationError(
                _("Enter at most %(limit)d days."), params={"limit": MAX_DAYS_BEFORE}
            )
        return days

    def clean(self):
        cleaned = super().clean()
        organization = cleaned.get("organization")
        if organization is not None:
            clash = RefundPolicy.objects.filter(
                organization__translation_key=organization.translation_key
            )
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "organization",
                    _("This organization already has a refund policy: edit that one."),
                )
        return cleaned


def policy_state(policy: RefundPolicy | None) -> dict:
    if policy is None:
        return {}
    return {
        "organization": policy.organization.title,
        "kind": policy.kind,
        "days_before": policy.days_before,
    }


class AuditedSaveMixin:
    """Writes the audit entry of a saved policy in the save's transaction."""

    def save_instance(self):
        pk = getattr(self.form.instance, "pk", None)
        before = RefundPolicy.objects.select_related("organization").filter(pk=pk).first()
        saved = super().save_instance()
        audit.record(
            saved,
            audit.REFUND_POLICY_CHANGED,
            actor=self.request.user,
            ip=audit.request_ip(self.request),
            before=policy_state(before),
            after=policy_state(saved),
        )
        return saved


class RefundPolicyCreateView(AuditedSaveMixin, generic.CreateView):
    pass


class RefundPolicyEditView(AuditedSaveMixin, generic.EditView):
    pass


class RefundPolicyViewSet(OrganizationScopedViewSetMixin, ModelViewSet):
    model = RefundPolicy
    icon = "undo"
    menu_label = gettext_lazy("Refund policies")
    menu_hook = SUPPORT_MENU_HOOK
    menu_order = 400
    url_prefix = "crm/refund-policies"
    url_namespace = "bilten_refund_policies"
    add_view_class = RefundPolicyCreateView
    edit_view_class = RefundPolicyEditView
    form_fields = ["organization", "kind", "days_before"]
    list_display = [
        "organization",
        "kind",
        "days_before",
        DateColumn("updated_at", label=gettext_lazy("Changed")),
    ]
    search_fields = ["organization__title"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_fields = ["organization", "kind", "days_before", "updated_at"]

    def get_form_class(self, for_update=False):
        return RefundPolicyForm

    def get_queryset(self, request):
        return RefundPolicy.objects.select_related("organization")
