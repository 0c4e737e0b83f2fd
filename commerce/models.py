"""Inventory, keyed to the locale-independent identity of events and tiers.

A translated event page and its source share one `translation_key`, so they
share one EventInventory row and one TierInventory row per tier: one
capacity, one order book (DESIGN.md, "Localization and inventory").

The counters are the hot rows of an on-sale: a hold is a conditional UPDATE
on them. The check constraints make overselling impossible at the database
level (invariants 1 and 2), whatever the code above does.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventInventory(models.Model):
    event_key = models.UUIDField(unique=True, help_text="EventPage.translation_key")
    capacity = models.PositiveIntegerField(default=0)
    sold = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event inventory")
        verbose_name_plural = _("event inventories")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=F("sold") + F("held")),
                name="event_inventory_never_oversold",
            )
        ]

    def __str__(self):
        return f"{self.event_key}: {self.sold} sold, {self.held} held of {self.capacity}"


class TierInventory(models.Model):
    tier_key = models.UUIDField(unique=True, help_text="TicketTier.translation_key")
    event_key = models.UUIDField(db_index=True)
    allocation = models.PositiveIntegerField(null=True, blank=True)
    sold = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tier inventory")
        verbose_name_plural = _("tier inventories")
        constraints = [
            models.CheckConstraint(
                condition=Q(allocation__isnull=True) | Q(allocation__gte=F("sold") + F("held")),
                name="tier_inventory_within_allocation",
            )
        ]

    def __str__(self):
        return f"{self.tier_key}: {self.sold} sold, {self.held} held"


class HoldStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    CONSUMED = "consumed", _("Consumed")
    CANCELLED = "cancelled", _("Cancelled")


class Hold(models.Model):
    """A 15-minute reservation of tickets for one buyer (spec 003 "Reservation").

    Its lines' quantities are counted in the inventory rows' `held` while it is
    ACTIVE. One past `expires_at` no longer counts, even before the cleanup job
    marks it EXPIRED (selectors and services both check the time).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed through the composite indexes in Meta (each lookup filters by status
    # and expiry too); every index less is one write less per hold.
    event_key = models.UUIDField()
    event = models.ForeignKey(
        "event_pages.EventPage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holds",
        db_index=False,
    )
    session_key = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=HoldStatus.choices, default=HoldStatus.ACTIVE)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    currency = models.CharField(max_length=3)
    subtotal_minor = models.PositiveIntegerField(default=0)
    discount_minor = models.PositiveIntegerField(default=0)
    promo_code = models.ForeignKey(
        "commerce.PromoCode", null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )

    class Meta:
        indexes = [
            models.Index(fields=["status", "expires_at"], name="hold_status_expiry"),
            models.Index(
                fields=["event_key", "status", "expires_at"], name="hold_event_status_expiry"
            ),
            # A buyer's open holds (the hoarding limit, checked on every hold): one
            # index scan, whatever the number of other active holds.
            models.Index(fields=["session_key", "status", "expires_at"], name="hold_session_open"),
            models.Index(fields=["buyer", "status", "expires_at"], name="hold_buyer_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(subtotal_minor__gte=F("discount_minor")),
                name="hold_discount_le_subtotal",
            )
        ]

    def __str__(self):
        return f"Hold {self.id} ({self.status})"

    @property
    def amount_minor(self) -> int:
        return self.subtotal_minor - self.discount_minor

    @property
    def total_quantity(self) -> int:
        return sum(line.quantity for line in self.lines.all())

    def is_active_at(self, moment) -> bool:
        return self.status == HoldStatus.ACTIVE and self.expires_at > moment


class HoldLine(models.Model):
    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, related_name="lines")
    tier_key = models.UUIDField()
    tier = models.ForeignKey(
        "event_pages.TicketTier", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    tier_name = models.CharField(max_length=80)
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="hold_line_quantity_positive"),
            models.UniqueConstraint(fields=["hold", "tier_key"], name="hold_line_one_per_tier"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.tier_name}"

    @property
    def line_total_minor(self) -> int:
        return self.quantity * self.unit_price_minor


class PromoKind(models.TextChoices):
    PERCENT = "percent", _("Percent off")
    FIXED = "fixed", _("Fixed amount off")


class PromoCode(models.Model):
    """A discount code of one organization. Usage limits hold under concurrency:
    codes in active holds count against the limit (`held`), like tickets."""

    organization = models.ForeignKey(
        "event_pages.EventIndexPage",
        on_delete=models.CASCADE,
        related_name="promo_codes",
        verbose_name=_("organization"),
    )
    code = models.CharField(_("code"), max_length=40, help_text=_("Buyers type it in any case."))
    kind = models.CharField(
        _("discount type"), max_length=10, choices=PromoKind.choices, default=PromoKind.PERCENT
    )
    percent_off = models.PositiveSmallIntegerField(_("percent off"), null=True, blank=True)
    amount_off_minor = models.PositiveIntegerField(_("amount off"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    tiers = models.ManyToManyField(
        "event_pages.TicketTier",
        blank=True,
        related_name="+",
        verbose_name=_("only for tiers"),
        help_text=_("Leave empty for every tier of the organization's events."),
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("usage limit"), null=True, blank=True)
    max_uses_per_buyer = models.PositiveIntegerField(_("limit per buyer"), null=True, blank=True)
    used = models.PositiveIntegerField(default=0, editable=False)
    held = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("promo code")
        constraints = [
            models.UniqueConstraint(
                "organization", models.functions.Upper("code"), name="promo_code_unique_per_org"
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(max_uses__gte=F("used") + F("held")),
                name="promo_code_within_usage_limit",
            ),
            models.CheckConstraint(
                condition=Q(percent_off__isnull=True) | Q(percent_off__gte=1, percent_off__lte=100),
                name="promo_code_percent_range",
            ),
        ]

    def __str__(self):
        return self.code


class OrderStatus(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


class Order(models.Model):
    """A purchase, created only after a verified payment success (invariant 4)."""

    # Not in Wagtail's reference index ("usage"): six statements on every sale for a
    # list nobody reads (an event's orders are on its sales screen).
    wagtail_reference_index_ignore = True

    number = models.CharField(max_length=16, unique=True)
    hold = models.OneToOneField(Hold, on_delete=models.PROTECT, related_name="order")
    payment = models.OneToOneField(
        "commerce.Payment", on_delete=models.PROTECT, related_name="order"
    )
    event_key = models.UUIDField(db_index=True)
    event = models.ForeignKey(
        "event_pages.EventPage", null=True, on_delete=models.SET_NULL, related_name="orders"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    buyer_email = models.EmailField()
    buyer_name = models.CharField(max_length=150)
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.COMPLETED
    )
    total_quantity = models.PositiveIntegerField()
    subtotal_minor = models.PositiveIntegerField()
    discount_minor = models.PositiveIntegerField(default=0)
    total_minor = models.PositiveIntegerField()
    # Sum of the refunds that succeeded or are pending at the provider (money promised
    # back counts, so nothing is refunded twice; commerce.services.refunds); never more
    # than was paid: the total plus the exchange differences charged since.
    refunded_minor = models.PositiveIntegerField(default=0, db_default=0)
    # Price differences of exchanges into dearer tiers, paid later (ExchangeCharge).
    charged_minor = models.PositiveIntegerField(default=0, db_default=0)
    currency = models.CharField(max_length=3)
    promo_code = models.ForeignKey(
        PromoCode, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    payment_provider = models.CharField(max_length=20)
    payment_reference = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["buyer_email"], name="order_buyer_email")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_quantity__gt=0), name="order_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(refunded_minor__lte=F("total_minor") + F("charged_minor")),
                name="order_refunds_within_paid",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def paid_minor(self) -> int:
        """What the buyer paid in all: the order's total and the exchange differences."""
        return self.total_minor + self.charged_minor

    @property
    def refundable_minor(self) -> int:
        return self.paid_minor - self.refunded_minor


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    tier_key = models.UUIDField(db_index=True)
    tier = models.ForeignKey(
        "event_pages.TicketTier", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    tier_name = models.CharField(max_length=80)
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.PositiveIntegerField()
    line_total_minor = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_item_quantity_positive")
        ]

    def __str__(self):
        return f"{self.quantity} × {self.tier_name}"


class TicketStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    VOID = "void", _("Void")
    REFUNDED = "refunded", _("Refunded")
    TRANSFERRED = "transferred", _("Transferred")
    USED = "used", _("Used")


class Ticket(models.Model):
    """One admitted person. `code` is unguessable; the QR carries a signed payload.

    Only a VALID ticket admits anyone (commerce.services.ticket_checks). A refund,
    cancellation, transfer or exchange ends a ticket (its status says which) and,
    for a transfer or exchange, points to the ticket that replaced it.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tickets")
    item = models.ForeignKey(OrderItem, on_delete=models.CASCADE, related_name="tickets")
    tier_key = models.UUIDField()
    # Set only when an exchange moved the ticket to another event than its order's.
    event_key = models.UUIDField(null=True, blank=True)
    code = models.CharField(max_length=32, unique=True)
    attendee_name = models.CharField(max_length=150, blank=True)
    attendee_email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=12, choices=TicketStatus.choices, default=TicketStatus.VALID, db_default="valid"
    )
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.code

    @property
    def admits(self) -> bool:
        return self.status == TicketStatus.VALID

    @property
    def held_event_key(self):
        """The event this ticket admits to (its order's, unless exchanged elsewhere)."""
        return self.event_key or self.order.event_key


class EmailDelivery(models.Model):
    """An order's confirmation email to one recipient (the buyer, or a named attendee).

    The row exists once sending was attempted; `sent_at` is set in the same
    transaction as the send succeeds, so a retried task skips who already has it.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="email_deliveries")
    recipient = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "recipient"], name="email_delivery_once_per_recipient"
            )
        ]

    def __str__(self):
        return f"{self.order} → {self.recipient} ({'sent' if self.sent_at else 'not sent'})"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")  # at the gateway too: can never be paid


class Payment(models.Model):
    """One payment attempt container per hold (a Stripe PaymentIntent or a demo payment)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hold = models.OneToOneField(Hold, on_delete=models.PROTECT, related_name="payment")
    gateway = models.CharField(max_length=20)
    reference = models.CharField(max_length=255, unique=True, null=True, blank=True)
    client_secret = models.CharField(max_length=255, blank=True)
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    failure_message = models.CharField(max_length=255, blank=True)
    buyer_email = models.EmailField(blank=True)
    buyer_name = models.CharField(max_length=150, blank=True)
    attendee_names = models.JSONField(default=list, blank=True)
    attendee_emails = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.gateway} {self.reference or self.id} ({self.status})"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RefundSource(models.TextChoices):
    AGENT = "agent", _("Support agent")
    POLICY = "policy", _("Refund policy")
    GATEWAY = "gateway", _("Payment provider dashboard")
    SYSTEM = "system", _("System")
    EXCHANGE = "exchange", _("Exchange price difference")


class Refund(models.Model):
    """Money given back on an order, whole or in part (commerce.services.refunds).

    `reference` is the gateway's refund id: a refund made in the provider's
    dashboard arrives by webhook and is matched by it, so it is recorded once.
    """

    wagtail_reference_index_ignore = True

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=12, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    source = models.CharField(max_length=12, choices=RefundSource.choices)
    reference = models.CharField(max_length=255, unique=True, null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    tickets = models.ManyToManyField(Ticket, blank=True, related_name="refunds")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    failure_message = models.CharField(max_length=255, blank=True)
    # The payment the money went back to: None is the order's own payment, else the
    # exchange difference paid later. One refund of an order paid by several payments
    # is one row per payment; the rows after the first point to it (`part_of`).
    exchange_charge = models.ForeignKey(
        "commerce.ExchangeCharge",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    part_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="parts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_positive")
        ]

    def __str__(self):
        return f"Refund {self.amount_minor} {self.currency} on {self.order} ({self.status})"

    @property
    def whole_amount_minor(self) -> int:
        """This refund with its parts (the money given back to other payments of the order)."""
        return self.amount_minor + sum(part.amount_minor for part in self.parts.all())


class ExchangeChargeStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")  # paid too late: the money went back at once


class ExchangeCharge(models.Model):
    """The price difference of exchanging a ticket for a dearer tier, for the customer to
    pay (commerce.services.exchange_charges).

    While it awaits payment one sold place of the target tier is reserved for it (taken
    when it was requested) and the old ticket stays valid; the payment's success swaps
    the tickets. Expired or cancelled, the place is given back.
    """

    wagtail_reference_index_ignore = True

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="exchange_charges")
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="exchange_charges")
    tier = models.ForeignKey(
        "event_pages.TicketTier", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    tier_key = models.UUIDField()
    tier_name = models.CharField(max_length=80)
    event_key = models.UUIDField(help_text="The target event's translation_key")
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    gateway = models.CharField(max_length=20)
    reference = models.CharField(max_length=255, unique=True, null=True, blank=True)
    client_secret = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=20,
        choices=ExchangeChargeStatus.choices,
        default=ExchangeChargeStatus.AWAITING_PAYMENT,
    )
    token = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    new_ticket = models.OneToOneField(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="paid_by_charge"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Why it did not become an exchange (refunded, expired, cancelled).
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("exchange charge")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"], name="exchange_charge_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="exchange_charge_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(status="awaiting_payment"),
                name="exchange_charge_one_awaiting_per_ticket",
            ),
        ]

    def __str__(self):
        return f"Exchange charge {self.pk} on {self.order_id} ({self.status})"

    @property
    def buyer_email(self) -> str:
        return self.order.buyer_email

    @property
    def gateway_metadata(self) -> dict:
        return {"exchange_charge_id": str(self.pk), "order_id": str(self.order_id)}

    @property
    def awaiting(self) -> bool:
        return self.status == ExchangeChargeStatus.AWAITING_PAYMENT


class WebhookEvent(models.Model):
    """Each gateway event id is processed at most once (a replay is acknowledged, ignored)."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=255, blank=True)

    def __str__(self):
        return f"{self.type} {self.event_id}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REFUNDED = "refunded", _("Refunded")
    RESOLVED = "resolved", _("Resolved")


class PaymentFollowUp(models.Model):
    """A payment that succeeded but cannot become an order (paid after its tickets
    were gone, or an amount that does not match the order).

    The money is recorded and refunded automatically at once, and the buyer is
    emailed; only a refund the gateway keeps refusing stays open for support.
    Nothing is oversold, nothing lost.
    """

    wagtail_reference_index_ignore = True

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="follow_up")
    reason = models.CharField(max_length=255)
    status = models.CharField(
        max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    buyer_notified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Follow-up for {self.payment}"


class DemoCharge(models.Model):
    """What the demo gateway knows about a payment (its stand-in for Stripe's records)."""

    reference = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=12, default="pending")
    failure_message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.reference} ({self.status})"


class DemoSavedCard(models.Model):
    """A card the demo gateway keeps for later off-session charges (Stripe: a saved
    PaymentMethod on a Customer). Only the last four digits are kept."""

    reference = models.CharField(max_length=64, unique=True)
    customer_reference = models.CharField(max_length=64, db_index=True)
    last4 = models.CharField(max_length=4)
    # Like Stripe's 4000 0000 0000 0341: saving works, every later charge fails.
    charges_fail = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.reference} (…{self.last4})"


class DemoRefund(models.Model):
    """A refund the demo gateway made (its stand-in for Stripe's Refund objects)."""

    reference = models.CharField(max_length=64, unique=True)
    charge_reference = models.CharField(max_length=64, db_index=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    amount_minor = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.reference} ({self.amount_minor} of {self.charge_reference})"
