"""The member's pre-order form (a variant when the event has variants, the demo card)."""

from django import forms
from django.conf import settings
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


def card_field() -> forms.CharField:
    """The demo card's number; with Stripe, the PaymentMethod id that Stripe.js puts in a
    hidden field from its card form (static/js/stripe-card.js). Chosen per form, when it
    is made, so the gateway in use decides."""
    if settings.PAYMENT_GATEWAY == "stripe":
        return forms.CharField(
            label=_("Card"),
            max_length=255,
            widget=forms.HiddenInput(attrs={"data-stripe-payment-method": ""}),
            error_messages={"required": _("Enter your card details.")},
        )
    return forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )


class StripeCardMixin:
    """Adds `card_number` for the gateway in use; `uses_stripe`: the template shows
    Stripe's card form instead of a number field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["card_number"] = card_field()

    @property
    def uses_stripe(self) -> bool:
        return settings.PAYMENT_GATEWAY == "stripe"

    @property
    def stripe_publishable_key(self) -> str:
        return settings.STRIPE_PUBLISHABLE_KEY


class PreOrderForm(StripeCardMixin, forms.Form):
    variant = forms.TypedChoiceField(label=_("Variant"), coerce=int, required=True)

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


class ReplaceCardForm(StripeCardMixin, forms.Form):
    def add_service_error(self, error) -> None:
        field = "card_number" if error.field == "card" else None
        self.add_error(field, ERRORS.get(error.code, error.code))
