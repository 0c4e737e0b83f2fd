"""The "Find your order" form: email address and order number."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.forms import AttemptLimitMixin
from commerce.services.order_lookup import normalized_number
from commerce.services.orders import NUMBER_LENGTH


class OrderLookupForm(AttemptLimitMixin, forms.Form):
    """Refused by rate limit before anything is looked up (the view counts the attempt)."""

    email = forms.EmailField(
        label=_("Email used for the order"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter the email address you bought the tickets with."),
            "invalid": _("Enter a valid email address, like name@example.com."),
        },
    )
    number = forms.CharField(
        label=_("Order number"),
        help_text=_("It is in the subject of your confirmation email."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "maxlength": 20}
        ),
        error_messages={
            "required": _("Enter the order number from your confirmation email."),
        },
    )

    def clean_number(self):
        number = normalized_number(self.cleaned_data["number"])
        if len(number) != NUMBER_LENGTH:
            raise forms.ValidationError(
                gettext("An order number has %(n)d letters and digits.") % {"n": NUMBER_LENGTH},
                code="invalid",
            )
        return number
