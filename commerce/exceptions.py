"""Business refusals of the sales side, each with a stable code and one wording."""

from django.utils.translation import gettext_lazy as _

from core.exceptions import UserFacingError

error_messages = {
    "insufficient_inventory": _("Not enough tickets are left for your selection."),
    "tier_not_on_sale": _("This ticket tier is not on sale."),
    "event_not_on_sale": _("This event is not on sale."),
    "event_over": _("This event has already taken place; tickets are no longer sold."),
    "tier_requires_another": _(
        "“%(addon)s” can only be bought together with a “%(required)s” ticket."
    ),
    "invalid_quantity": _("Choose at least one ticket."),
    "too_many_tickets": _("You can buy at most %(limit)d tickets in one order."),
    "too_many_holds": _(
        "You already have %(limit)d reservations open. Finish or let one expire first."
    ),
    "too_many_tickets_held": _(
        "You can hold at most %(limit)d tickets for this event at a time. "
        "Finish your purchase or wait until a reservation expires."
    ),
    "mixed_currencies": _("Tiers in one order must share a currency."),
    "hold_not_active": _("Your reservation has expired. Please choose your tickets again."),
    "promo_unknown": _("This promo code does not exist."),
    "promo_expired": _("This promo code is not valid at this time."),
    "promo_used_up": _("This promo code has been used up."),
    "promo_not_for_tier": _("This promo code is not valid for the tickets you chose."),
    "promo_buyer_limit": _("You have already used this promo code as often as allowed."),
    "payment_unavailable": _("Payment is unavailable right now. Please try again."),
    "payment_in_progress": _(
        "Your payment is already being processed, so your order can no longer change."
    ),
    "payment_cancelled": _("This payment was cancelled. Please choose your tickets again."),
    "mixed_events": _("All tickets in one hold must be for the same event."),
    # Transfers and exchanges (commerce.services.ticket_changes).
    "invalid_attendee_name": _("Enter the new holder’s name (at most %(limit)d characters)."),
    "attendee_email_required": _("Enter the new holder’s email address."),
    "ticket_not_valid": _("This ticket is no longer valid, so it cannot be changed."),
    "ticket_event_over": _("This event has already taken place; its tickets can no longer change."),
    "exchange_same_tier": _("The ticket is already of this tier."),
    "exchange_other_organization": _(
        "A ticket can only be exchanged for an event of the same organizer."
    ),
    "exchange_other_currency": _("The new ticket must be priced in %(currency)s, like the order."),
    "exchange_costs_more": _(
        "The new ticket costs more: ask the customer to pay the difference, or waive it."
    ),
    "exchange_not_dearer": _(
        "The new ticket costs no more than was paid: exchange it directly, nothing to pay."
    ),
    "exchange_payment_pending": _(
        "This ticket already has an exchange waiting for payment: cancel that one first."
    ),
    "exchange_charge_not_awaiting": _("This exchange is no longer waiting for payment."),
    "exchange_breaks_requirement": _(
        "“%(addon)s” in this order needs its “%(required)s” ticket, so that ticket "
        "cannot be exchanged."
    ),
    "invalid_card": _("Enter a valid 16-digit card number."),
    "credentials_not_assigned": _(
        "This pre-order has no ticket sent to it yet, so there is nothing to resend."
    ),
    "invalid_email": _("Enter a valid email address for your tickets."),
    "invalid_name": _("Enter the name the order should be under."),
    "invalid_attendee_email": _(
        "Enter a valid email address for each attendee, or leave it empty."
    ),
    "nothing_to_refund": _("Nothing is left to refund on this order."),
    "amount_too_high": _("At most %(limit)s can still be refunded on this order."),
    "ticket_not_refundable": _(
        "Ticket %(ticket)s is not valid on this order, so it cannot be refunded."
    ),
    "refund_refused": _("The payment provider refused the refund."),
}


class CommerceError(UserFacingError):
    code = "commerce_error"
    status = 400

    def __init__(self, code: str | None = None, *, detail: dict | None = None, **params):
        self.code = code or self.code
        self.params = params
        self.detail = detail or {}
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = str(error_messages.get(self.code, self.code))
        return text % self.params if self.params else text

    def api_body(self) -> dict:
        return {"error": self.code, "detail": self.message}


class HoldError(CommerceError):
    code = "hold_error"
    status = 400


class InsufficientInventory(HoldError):
    """Carries what is still available, per tier id, in `detail`."""

    code = "insufficient_inventory"
    status = 409

    def api_body(self) -> dict:
        return {**super().api_body(), "available": self.detail}


class HoldLimitReached(HoldError):
    """One client already holds MAX_TICKETS_HELD_PER_ADDRESS tickets of the event."""

    code = "too_many_tickets_held"
    status = 429


class PromoCodeError(CommerceError):
    code = "promo_unknown"
    status = 400


class PaymentError(CommerceError):
    code = "payment_unavailable"
    status = 402


class RefundError(CommerceError):
    """A refund or cancellation refused; nothing changed (commerce.services.refunds)."""

    code = "refund_refused"
    status = 409
