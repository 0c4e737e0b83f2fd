"""The dashboard's filters and bulk-action form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fulfilment.models import PreOrderStatus

EVENT_CHOICES_LIMIT = 300  # the newest offers; an older event is reached by its id in the URL


class DashboardFilterForm(forms.Form):
    event = forms.IntegerField(label=_("Event"), required=False, widget=forms.Select)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status"))] + PreOrderStatus.choices
    )
    member = forms.CharField(label=_("Member (name or email)"), required=False, max_length=254)
    email = forms.CharField(label=_("Ticket login email"), required=False, max_length=254)
    variant = forms.CharField(label=_("Variant"), required=False, max_length=80)

    def __init__(self, *args, offers=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("All events"))]
        if offers is not None:
            choices += [
                (event_id, title)
                for event_id, title in offers.order_by("-created_at").values_list(
                    "event_id", "event__title"
                )[:EVENT_CHOICES_LIMIT]
            ]
            selected = self.data.get("event")
            if selected and selected.isdigit() and int(selected) not in dict(choices):
                offer = offers.filter(event_id=int(selected)).values_list("event__title").first()
                if offer:
                    choices.append((int(selected), offer[0]))
        self.fields["event"].widget.choices = choices
        self.offers = offers

    def clean_event(self):
        event_id = self.cleaned_data["event"]
        if event_id is None:
            return None
        offer = self.offers.filter(event_id=event_id).first() if self.offers is not None else None
        if offer is None:
            raise forms.ValidationError(_("Choose an event with pre-orders that you may see."))
        return offer


BULK_ACTIONS = [
    ("resend", _("Resend the ticket email")),
    ("mark_used", _("Mark the ticket used")),
    ("export", _("Export CSV")),
]


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=BULK_ACTIONS)
    pre_order = forms.Field(label=_("Pre-orders"), required=False, widget=forms.MultipleHiddenInput)
    everything_filtered = forms.BooleanField(
        label=_("Every pre-order matching the filters"), required=False
    )

    def clean_pre_order(self):
        import uuid

        values = self.cleaned_data.get("pre_order") or []
        ids = []
        for value in values:
            try:
                ids.append(uuid.UUID(value))
            except ValueError:
                raise forms.ValidationError(_("A chosen pre-order is not valid.")) from None
        return ids

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("pre_order") and not cleaned.get("everything_filtered"):
            raise forms.ValidationError(
                _("Choose at least one pre-order, or every pre-order matching the filters.")
            )
        return cleaned
