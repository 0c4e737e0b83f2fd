"""Forms of the agent action screens (crm.action_views): what the agent chooses, checked
against the order as it is now, each refusal naming the field and the rule.

The forms only validate input; the rules of money and tickets stay in the services
(crm.services.actions and commerce), which refuse again if the order changed meanwhile.
"""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commerce.models import Order, OrderStatus, Ticket, TicketStatus
from commerce.selectors import availability
from core.money import format_money, to_minor
from event_pages.models import EventIndexPage, EventPage, TicketTier
from event_pages.permissions import events_of

REASON_MAX_LENGTH = 500


def ticket_label(ticket: Ticket) -> str:
    holder = ticket.attendee_name or ticket.attendee_email or ticket.order.buyer_name
    return f"{ticket.code} — {ticket.item.tier_name} — {holder}"


class CodesField(forms.MultipleChoiceField):
    """Ticket codes as checkboxes; codes not offered are refused by the form's own rule
    (clean_tickets), which says why, instead of "not one of the available choices"."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value):
        return True


def _tickets_of(order: Order, codes, *, rule_message) -> list[Ticket]:
    found = {t.code: t for t in order.tickets.filter(code__in=codes).select_related("item")}
    chosen = []
    for code in codes:
        ticket = found.get(code)
        if ticket is None:
            raise forms.ValidationError(
                _("Ticket %(code)s is not a ticket of order %(number)s."),
                code="other_order",
                params={"code": code[:40], "number": order.number},
            )
        if ticket.status != TicketStatus.VALID:
            raise forms.ValidationError(
                rule_message,
                code="not_valid",
                params={"code": code, "status": ticket.get_status_display()},
            )
        ticket.order = order
        chosen.append(ticket)
    return chosen


class RefundForm(forms.Form):
    """Refund chosen tickets (their paid price) or an amount of money, with a reason."""

    tickets = CodesField(label=_("Tickets to refund"), required=False)
    amount = forms.DecimalField(
        label=_("Or an amount"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={
            "invalid": _("Enter the amount as a number such as 12.50."),
            "min_value": _("Enter an amount of at least 0.01."),
            "max_digits": _("Enter an amount no larger than what is left to refund."),
            "max_whole_digits": _("Enter an amount no larger than what is left to refund."),
            "max_decimal_places": _("Enter the amount with at most two decimals."),
        },
        help_text=_("Money only: the tickets stay valid."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the refund and in the order's history."),
    )

    def __init__(self, *args, order: Order, prices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["tickets"].choices = [
            (
                ticket.code,
                f"{ticket_label(ticket)} — {format_money(prices[ticket.code], order.currency)}",
            )
            for ticket in order.tickets.filter(status=TicketStatus.VALID)
            .select_related("item")
            .order_by("pk")
        ]
        self.fields["amount"].label = _("Or an amount (%(currency)s)") % {
            "currency": order.currency
        }

    def clean_tickets(self):
        codes = list(dict.fromkeys(self.cleaned_data.get("tickets") or []))
        return _tickets_of(
            self.order,
            codes,
            rule_message=_(
                "Ticket %(code)s is no longer valid (%(status)s), so it cannot be refunded."
            ),
        )

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is None:
            return None
        minor = to_minor(amount)
        left = self.order.refundable_minor
        if minor > left:
            raise forms.ValidationError(
                _("Enter at most %(left)s: that is what is left to refund on this order."),
                code="too_high",
                params={"left": format_money(left, self.order.currency)},
            )
        return minor

    def clean(self):
        cleaned = super().clean()
        tickets, amount = cleaned.get("tickets"), cleaned.get("amount")
        if "tickets" in self.errors or "amount" in self.errors:
            return cleaned
        if tickets and amount is not None:
            self.add_error(
                "amount", _("Refund either tickets or an amount, not both: clear one of them.")
            )
        elif not tickets and amount is None:
            self.add_error("tickets", _("Choose at least one ticket, or enter an amount."))
        return cleaned


class CancelForm(forms.Form):
    """Cancel the order: every valid ticket ends and its place is on sale again."""

    also_refund = forms.BooleanField(
        label=_("Also refund what is left to refund"),
        required=False,
        initial=True,
        help_text=_("Unticked: the tickets are void and the money stays paid."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order

    def clean(self):
        cleaned = super().clean()
        order = self.order
        if order.status == OrderStatus.CANCELLED:
            left = order.refundable_minor if cleaned.get("also_refund") else 0
            if not left and not order.tickets.filter(status=TicketStatus.VALID).exists():
                raise forms.ValidationError(
                    _("Order %(number)s is already cancelled; nothing is left to cancel."),
                    code="already_cancelled",
                    params={"number": order.number},
                )
        return cleaned


WHOLE_ORDER = "order"


class ResendForm(forms.Form):
    """The whole confirmation (every valid ticket) to the buyer, or one ticket to its holder."""

    what = forms.ChoiceField(label=_("Send"), widget=forms.RadioSelect, initial=WHOLE_ORDER)

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        choices = [
            (
                WHOLE_ORDER,
                _("The order confirmation with every valid ticket, to %(email)s")
                % {"email": order.buyer_email},
            )
        ]
        for ticket in order.tickets.filter(status=TicketStatus.VALID).select_related("item"):
            ticket.order = order
            to = ticket.attendee_email or order.buyer_email
            choices.append(
                (
                    ticket.code,
                    _("Ticket %(ticket)s only, to %(email)s")
                    % {"ticket": ticket_label(ticket), "email": to},
                )
            )
        self.fields["what"].choices = choices
        self.fields["what"].error_messages["invalid_choice"] = _(
            "Choose the whole order or one of its valid tickets."
        )

    def ticket(self) -> Ticket | None:
        code = self.cleaned_data["what"]
        if code == WHOLE_ORDER:
            return None
        return self.order.tickets.get(code=code)


class TransferForm(forms.Form):
    name = forms.CharField(
        label=_("New holder's name"),
        max_length=Ticket._meta.get_field("attendee_name").max_length,
    )
    email = forms.EmailField(label=_("New holder's email"))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the new holder's name."), code="required")
        return name


class TierChoice:
    """A tier an exchange may go to, with what the confirmation shows."""

    def __init__(self, tier: TicketTier, event: EventPage, places: int):
        self.tier, self.event, self.places = tier, event, places

    @property
    def label(self) -> str:
        return _("%(event)s — %(tier)s — %(price)s — %(places)s places left") % {
            "event": self.event.title,
            "tier": self.tier.name,
            "price": format_money(self.tier.price_minor, self.tier.currency),
            "places": self.places,
        }


def exchange_targets(ticket: Ticket, *, now=None) -> list[TierChoice]:
    """Tiers of this event or another upcoming event of its organization that are on sale
    now, in the order's currency, with a place left (one row per tier, any locale)."""
    now = now or timezone.now()
    order = ticket.order
    event = EventPage.objects.filter(translation_key=ticket.held_event_key).order_by("pk").first()
    if event is None:
        return []
    organization_keys = EventIndexPage.objects.ancestor_of(event).values_list(
        "translation_key", flat=True
    )
    events = sorted(
        events_of(list(organization_keys)).filter(live=True),
        key=lambda page: (page.locale_id != event.locale_id, page.pk),
    )
    choices, seen_events, seen_tiers = [], set(), {ticket.tier_key}
    for candidate in events:  # one copy of each event: the order's language first
        if candidate.translation_key in seen_events or candidate.is_over(now):
            continue
        seen_events.add(candidate.translation_key)
        places = availability(candidate, now=now)
        for tier in candidate.tiers.all().order_by("sort_order", "pk"):
            tier.page = candidate
            if tier.translation_key in seen_tiers or tier.currency != order.currency:
                continue
            seen_tiers.add(tier.translation_key)
            left = places.for_tier(tier)
            if tier.on_sale_at(now) and left > 0:
                choices.append(TierChoice(tier, candidate, left))
    choices.sort(key=lambda choice: (choice.event.starts_at, choice.event.pk))
    return choices


CHARGE, WAIVE = "charge", "waive"


class ExchangeForm(forms.Form):
    tier = forms.ChoiceField(label=_("New tier"), widget=forms.RadioSelect)
    difference = forms.ChoiceField(
        label=_("If the new tier costs more"),
        widget=forms.RadioSelect,
        choices=[
            (CHARGE, _("Charge the difference (email a payment link)")),
            (WAIVE, _("Waive the difference")),
        ],
        initial=CHARGE,
        required=False,
        help_text=_(
            "Charging reserves the place now and emails the customer a link to pay; the "
            "tickets change once they have paid. Waiving exchanges at once, at no charge, "
            "recorded in the order's history."
        ),
        error_messages={"invalid_choice": _("Choose to charge or to waive the difference.")},
    )

    def __init__(self, *args, targets: list[TierChoice], difference, **kwargs):
        super().__init__(*args, **kwargs)
        self.difference = difference  # tier -> its price minus what the ticket was paid
        self.targets = {str(choice.tier.pk): choice for choice in targets}
        self.fields["tier"].choices = [(pk, c.label) for pk, c in self.targets.items()]
        self.fields["tier"].error_messages["invalid_choice"] = _(
            "Choose one of the tiers listed: on sale now, with a place left."
        )

    def target(self) -> TierChoice:
        return self.targets[self.cleaned_data["tier"]]

    def clean_difference(self):
        return self.cleaned_data.get("difference") or CHARGE

    def waives(self) -> bool:
        """A dearer tier at no charge (the agent's goodwill)."""
        return self.cleaned_data.get("difference") == WAIVE and self.more() > 0

    def charges(self) -> bool:
        """A dearer tier whose difference the customer pays first."""
        return self.cleaned_data.get("difference") != WAIVE and self.more() > 0

    def more(self) -> int:
        return self.difference(self.target().tier)


class CancelExchangePaymentForm(forms.Form):
    """Nothing to choose: the confirmation that the exchange still waits for payment."""

    def __init__(self, *args, charge, **kwargs):
        super().__init__(*args, **kwargs)
        self.charge = charge

    def clean(self):
        if not self.charge.awaiting:
            raise forms.ValidationError(
                _("This exchange is “%(status)s”: it no longer waits for payment."),
                code="not_awaiting",
                params={"status": self.charge.get_status_display()},
            )
        return super().clean()


class ResendCredentialsForm(forms.Form):
    """Nothing to choose: the form is the confirmation that the pre-order has credentials."""

    def __init__(self, *args, pre_order, **kwargs):
        super().__init__(*args, **kwargs)
        self.pre_order = pre_order

    def clean(self):
        from fulfilment.models import Assignment, PreOrderStatus

        if not Assignment.objects.filter(pre_order=self.pre_order).exists():
            raise forms.ValidationError(
                _("No ticket credentials are assigned to this pre-order yet: nothing to resend."),
                code="no_credentials",
            )
        if self.pre_order.status != PreOrderStatus.FULFILLED:
            raise forms.ValidationError(
                _("This pre-order is “%(status)s”, so its ticket credentials are not sent."),
                code="not_fulfilled",
                params={"status": self.pre_order.get_status_display()},
            )
        return super().clean()
