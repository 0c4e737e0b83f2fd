"""Pre-order fulfilment (spec 002): members pay for a place at an event, the promoter
later uploads the real ticket credentials as a CSV, and each paid pre-order gets
exactly one ticket, first paid first served.

Everything is keyed to the event's locale-independent `translation_key`, like the
inventory in commerce: the German and French pages of an event share its offer,
variants, pre-orders and tickets.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from core.money import CURRENCIES, MoneyMinorField
from fulfilment import crypto
from fulfilment.email_variables import validate_template_text


class Fallback(models.TextChoices):
    NONE = "none", _("Only the chosen variant")
    CLOSEST = "closest", _("The closest variant by time when the chosen one has no ticket")


class PreOrderOffer(ClusterableModel):
    """An event's pre-order settings: price, currency and whether to fall back (its
    variants are edited inline in the admin, hence a ClusterableModel)."""

    event = models.OneToOneField(
        "event_pages.EventPage",
        on_delete=models.PROTECT,
        related_name="pre_order_offer",
        verbose_name=_("event"),
    )
    event_key = models.UUIDField(unique=True, editable=False)
    enabled = models.BooleanField(_("taking pre-orders"), default=True)
    price_minor = MoneyMinorField(_("price"), default=0)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    fallback = models.CharField(
        _("when the chosen variant has no ticket"),
        max_length=8,
        choices=Fallback.choices,
        default=Fallback.NONE,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pre-order offer")

    def __str__(self):
        return str(self.event)

    def save(self, *args, **kwargs):
        self.event_key = self.event.translation_key
        super().save(*args, **kwargs)


class Variant(models.Model):
    """A kind of place inside an event ("Entry 21:00–21:30"), optionally a time window."""

    offer = ParentalKey(PreOrderOffer, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(_("name"), max_length=80)
    starts_at = models.DateTimeField(_("window starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("window ends"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("variant")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint("offer", Lower("name"), name="variant_name_unique_per_offer"),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(starts_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="variant_window_order",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # Next to the field, before the database constraint's generic message.
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The window must not end before it starts.")})


class PreOrderStatus(models.TextChoices):
    # The card is saved; the amount is captured off-session on the weekly run.
    PROCESSING = "processing", _("Processing")
    # Paid (payment_intent.succeeded); waiting to be matched with a ticket.
    CONFIRMED = "confirmed", _("Paid")
    # Paid, and no ticket of its variant is in stock yet: filled when one arrives.
    WAITING_FOR_STOCK = "waiting_for_stock", _("Waiting for ticket")
    # Paid and assigned a ticket.
    FULFILLED = "fulfilled", _("Fulfilled")
    # Every capture attempt failed; the member can replace the card (which retries).
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


PAID_STATUSES = (
    PreOrderStatus.CONFIRMED,
    PreOrderStatus.WAITING_FOR_STOCK,
    PreOrderStatus.FULFILLED,
)


class PreOrder(models.Model):
    """A member's paid reservation of one place at an event (at most one per event)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(PreOrderOffer, on_delete=models.PROTECT, related_name="pre_orders")
    event_key = models.UUIDField(db_index=True, editable=False)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pre_orders"
    )
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.PROTECT, related_name="pre_orders"
    )
    status = models.CharField(
        max_length=20, choices=PreOrderStatus.choices, default=PreOrderStatus.PROCESSING
    )
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE)
    # The gateway's saved card (a Stripe PaymentMethod, or the demo's) and the capture.
    gateway = models.CharField(max_length=20)
    customer_reference = models.CharField(max_length=255, blank=True)
    payment_method_reference = models.CharField(max_length=255, blank=True)
    payment_reference = models.CharField(max_length=255, blank=True, db_index=True)
    capture_attempts = models.PositiveSmallIntegerField(default=0)
    last_capture_error = models.CharField(max_length=255, blank=True)
    next_capture_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pre-order")
        constraints = [
            # One pre-order per member and event, whatever sends the request twice.
            models.UniqueConstraint(
                fields=["member", "event_key"],
                condition=~models.Q(status="cancelled"),
                name="one_pre_order_per_member_and_event",
            )
        ]
        indexes = [
            # The FIFO queue of the assignment engine.
            models.Index(fields=["event_key", "variant", "status", "confirmed_at"]),
        ]

    def __str__(self):
        return f"{self.member} · {self.offer}"


class TicketStatus(models.TextChoices):
    UNASSIGNED = "unassigned", _("Unassigned")
    ASSIGNED = "assigned", _("Assigned")
    UNMATCHED = "unmatched", _("Unmatched")
    USED = "used", _("Used")


class TicketUpload(models.Model):
    """One committed CSV file (its report, never its passwords)."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    rows = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ticket upload")

    def __str__(self):
        return self.filename


class TicketCredential(models.Model):
    """A ticket from the promoter's CSV: a login (email + password) for one place.

    The password is stored encrypted (fulfilment/crypto.py); `fingerprint` is a keyed
    hash of (event, email, password) that finds duplicates without the plaintext.
    """

    event = models.ForeignKey("event_pages.EventPage", on_delete=models.PROTECT, related_name="+")
    event_key = models.UUIDField(db_index=True)
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    variant_label = models.CharField(max_length=80, blank=True)  # as uploaded
    login_email = models.CharField(max_length=254)
    password_encrypted = models.TextField()
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        max_length=12, choices=TicketStatus.choices, default=TicketStatus.UNASSIGNED
    )
    upload = models.ForeignKey(
        TicketUpload, null=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ticket credential")
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "fingerprint"], name="ticket_credential_unique_per_event"
            )
        ]
        indexes = [models.Index(fields=["event_key", "variant", "status"])]

    def __str__(self):
        return f"{self.login_email} ({self.get_status_display()})"

    @staticmethod
    def fingerprint_of(event_key, login_email: str, password: str) -> str:
        """The duplicate key of (event, email, password): email compared without case."""
        return crypto.fingerprint(str(event_key), login_email.lower(), password)

    @property
    def _sealing_context(self) -> str:
        # Binds the ciphertext to this row's event and login (see fulfilment/crypto.py).
        return f"{self.event_key}:{self.login_email}"

    def seal_password(self, password: str) -> None:
        """Store `password` encrypted (after event_key and login_email are set), with its
        fingerprint."""
        self.password_encrypted = crypto.encrypt(password, context=self._sealing_context)
        self.fingerprint = self.fingerprint_of(self.event_key, self.login_email, password)

    def password(self) -> str:
        """The plaintext password; raises crypto.CredentialError when no key opens it."""
        return crypto.decrypt(self.password_encrypted, context=self._sealing_context)

    def reseal_with_current_key(self) -> None:
        """Re-encrypt under the first key of FULFILMENT_ENCRYPTION_KEYS (rotation)."""
        self.password_encrypted = crypto.encrypt(self.password(), context=self._sealing_context)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "delivery_failed", _("Delivery failed")


class Assignment(models.Model):
    """A ticket given to a pre-order: one-to-one on both sides, by construction."""

    ticket = models.OneToOneField(
        TicketCredential, on_delete=models.CASCADE, related_name="assignment"
    )
    pre_order = models.OneToOneField(PreOrder, on_delete=models.CASCADE, related_name="assignment")
    fallback = models.BooleanField(default=False)  # the closest variant, not the chosen one
    assigned_at = models.DateTimeField(auto_now_add=True)
    delivery_status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_delivery_error = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("assignment")

    def __str__(self):
        return f"{self.ticket} → {self.pre_order}"


class AssignmentLog(models.Model):
    """Every state change of a pre-order, ticket or assignment: who, from where, when."""

    action = models.CharField(max_length=40)
    event_key = models.UUIDField(null=True, db_index=True)
    pre_order_id = models.UUIDField(null=True, db_index=True)
    ticket_id = models.BigIntegerField(null=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)  # "system" or a masked email
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("assignment log entry")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


@register_setting(icon="mail")
class TicketEmailTemplate(BaseGenericSetting):
    """The ticket delivery email, editable in Settings (spec 002, 5.5), per language.

    Variables: {event_name}, {variant}, {ticket_email}, {ticket_password}
    (fulfilment.email_variables). A blank subject or body sends the built-in,
    translated text of that language.
    """

    subject_en = models.CharField(
        _("subject (English)"), max_length=200, blank=True, validators=[validate_template_text]
    )
    body_en = models.TextField(_("body (English)"), blank=True, validators=[validate_template_text])
    subject_de = models.CharField(
        _("subject (German)"), max_length=200, blank=True, validators=[validate_template_text]
    )
    body_de = models.TextField(_("body (German)"), blank=True, validators=[validate_template_text])
    subject_fr = models.CharField(
        _("subject (French)"), max_length=200, blank=True, validators=[validate_template_text]
    )
    body_fr = models.TextField(_("body (French)"), blank=True, validators=[validate_template_text])

    class Meta:
        verbose_name = _("ticket delivery email")
