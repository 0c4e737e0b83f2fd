"""The promo-code editor: an organizer picks only their own organizations and tiers."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale
from wagtail.permissions import policy_registry

from commerce.models import PromoCode, PromoKind
from core.money import MajorUnitsFormField
from event_pages.models import TicketTier
from event_pages.permissions import events_of

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{3,40}$")


class PromoCodeForm(WagtailAdminModelForm):
    amount_off_minor = MajorUnitsFormField(label=_("Amount off"), required=False)

    class Meta:
        model = PromoCode
        fields = [
            "organization",
            "code",
            "kind",
            "percent_off",
            "amount_off_minor",
            "currency",
            "tiers",
            "valid_from",
            "valid_until",
            "max_uses",
            "max_uses_per_buyer",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = policy_registry.get_by_type(PromoCode)
        organizations = policy.organizations_for_actions(self.for_user, ["add", "change"])
        self.fields["organization"].queryset = organizations.filter(locale=Locale.get_default())
        keys = organizations.values("translation_key")
        self.fields["tiers"].queryset = TicketTier.objects.filter(
            page__in=events_of(keys)
        ).select_related("page")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError(
                _("Use 3–40 letters, digits, hyphens or underscores."), code="invalid_code"
            )
        return code.upper()

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == PromoKind.PERCENT:
            percent = cleaned.get("percent_off")
            if percent is None or not 1 <= percent <= 100:
                self.add_error("percent_off", _("Enter a percentage from 1 to 100."))
        elif kind == PromoKind.FIXED:
            if not cleaned.get("amount_off_minor"):
                self.add_error("amount_off_minor", _("Enter the amount to take off."))
            if not cleaned.get("currency"):
                self.add_error("currency", _("Choose the currency of the amount."))
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("The end must be after the start."))
        organization, code = cleaned.get("organization"), cleaned.get("code")
        if organization and code:
            clash = PromoCode.objects.filter(organization=organization, code__iexact=code)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("code", _("This organization already has this code."))
        return cleaned
