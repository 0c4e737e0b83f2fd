"""The venue editor: a member picks one of their organizations; only the Platform admin shares."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permissions import policy_registry


class VenueForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("organization")
        if field is None:
            return
        policy = policy_registry.get_by_type(self._meta.model)
        organizations = policy.organizations_for_actions(self.for_user, ["add", "change"])
        if self.instance.locale_id:
            organizations = organizations.filter(locale_id=self.instance.locale_id)
        field.queryset = organizations
        if not policy.allows_everywhere(self.for_user, ["add", "change"]):
            field.required = True
            field.empty_label = None
            field.help_text = _("The organization whose events use this venue.")
