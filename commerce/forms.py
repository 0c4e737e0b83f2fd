from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from commerce.services.holds import LineRequest


class TicketSelectionForm(forms.Form):
    """Quantities per tier on the event page: one number field per tier on sale."""

    def __init__(self, *args, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.tiers = list(tiers)
        for tier in self.tiers:
            self.fields[f"tier_{tier.pk}"] = forms.IntegerField(
                label=tier.name,
                min_value=0,
                max_value=settings.MAX_TICKETS_PER_ORDER,
                initial=0,
                required=False,
            )

    def lines(self) -> list[LineRequest]:
        return [
            LineRequest(tier.pk, self.cleaned_data.get(f"tier_{tier.pk}") or 0)
            for tier in self.tiers
            if self.cleaned_data.get(f"tier_{tier.pk}")
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.lines():
            raise forms.ValidationError(_("Choose at least one ticket."), code="empty")
        return cleaned


def hold_again_form(hold, *, now) -> TicketSelectionForm | None:
    """The picker for an ended hold's event, prefilled with the quantities it held.

    None when none of its tiers is on sale any more (the event page says why).
    """
    event = hold.event
    if event is None:
        return None
    tiers = [tier for tier in event.tiers.all() if tier.enabled and tier.on_sale_at(now)]
    held = {line.tier_id: line.quantity for line in hold.lines.all()}
    if not any(tier.pk in held for tier in tiers):
        return None
    return TicketSelectionForm(
        tiers=tiers, initial={f"tier_{tier.pk}": held.get(tier.pk, 0) for tier in tiers}
    )


class CheckoutForm(forms.Form):
    buyer_name = forms.CharField(label=_("Your name"), max_length=150)
    # 254: the longest address email allows, and the database column's length.
    buyer_email = forms.EmailField(label=_("Email for your tickets"), max_length=254)

    def __init__(self, *args, ticket_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(ticket_count):
            self.fields[f"attendee_{index}"] = forms.CharField(
                label=_("Ticket %(n)d: attendee name (optional)") % {"n": index + 1},
                max_length=150,
                required=False,
            )
            self.fields[f"attendee_email_{index}"] = forms.EmailField(
                label=_("Ticket %(n)d: attendee email, to send them their ticket (optional)")
                % {"n": index + 1},
                max_length=254,
                required=False,
            )

    def attendee_names(self) -> list[str]:
        return self._per_ticket("attendee_")

    def attendee_emails(self) -> list[str]:
        return self._per_ticket("attendee_email_")

    def _per_ticket(self, prefix: str) -> list[str]:
        count = sum(1 for name in self.fields if name.startswith("attendee_email_"))
        return [self.cleaned_data.get(f"{prefix}{index}", "") or "" for index in range(count)]


class PromoForm(forms.Form):
    promo_code = forms.CharField(label=_("Promo code"), max_length=40, required=False)


class DemoCardForm(forms.Form):
    """The demo gateway's test card form. No real card data is ever processed."""

    card_number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    expiry = forms.RegexField(
        label=_("Expiry (MM/YY)"),
        regex=r"^(0[1-9]|1[0-2])\s*/\s*\d{2}$",
        error_messages={"invalid": _("Enter the expiry as MM/YY.")},
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "12/30"}),
    )
    cvc = forms.RegexField(
        label=_("CVC"),
        regex=r"^\d{3,4}$",
        error_messages={"invalid": _("Enter the 3 or 4 digits on the back of the card.")},
        widget=forms.TextInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )
