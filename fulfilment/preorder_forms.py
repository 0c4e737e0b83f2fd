"""The member's pre-order form (a variant when the event has variants, the demo card)."""

from django import forms
from django.utils.translation import gettext_lazy as _

ERRORS = {
    "already_pre_ordered": _("You have already pre-ordered this event."),
    "pre_orders_closed": _("This event is not taking pre-orders."),
    "variant_required": _("Choose a variant."),
    "unknown_variant": _("Choose one of the listed variants."),
    "invalid_card": _("Enter a valid 16-digit card number."),
    "card_not_saved": _("The card could not be saved; try another card."),
    "not_replaceable": _("This pre-order's card cannot be changed any more."),
}
FIELDS = {"variant_id": "variant", "card": "card_number"}


class CardField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Card number"),
            max_length=23,
            widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
            **kwargs,
        )


class PreOrderForm(forms.Form):
    variant = forms.TypedChoiceField(label=_("Variant"), coerce=int, required=True)
    card_number = CardField()

    def __init__(self, *args, variants=(), **kwargs):
        super().__init__(*args, **kwargs)
        if variants:
            self.fields["variant"].choices = [("", _("Choose a variant"))] + [
                (variant.pk, variant.name) for variant in variants
            ]
        else:
            del self.fields["variant"]

    def add_service_error(self, error) -> None:
        """Show a PreOrderError on the field it is about (or above the form)."""
        field = FIELDS.get(error.field)
        self.add_error(field if field in self.fields else None, ERRORS.get(error.code, error.code))


class ReplaceCardForm(forms.Form):
    card_number = CardField()

    def add_service_error(self, error) -> None:
        field = "card_number" if error.field == "card" else None
        self.add_error(field, ERRORS.get(error.code, error.code))
