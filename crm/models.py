"""Support cases, their timeline, SLA settings and the organizations' refund policies.

A case belongs to a customer (an account, or a guest known by email) and may
concern one order, ticket or pre-order; `event_key` (the event's
translation_key) is what lets an organizer see the cases of their own events
and nothing else (crm.permissions). Due times are computed from the SLA
settings when a case is opened or its priority changes (crm.sla).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING)


class CasePriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class CaseSource(models.TextChoices):
    AGENT = "agent", _("Opened by an agent")
    CUSTOMER = "customer", _("Opened by the customer")
    SYSTEM = "system", _("Opened by the system")


class TaggedCase(TaggedItemBase):
    content_object = models.ForeignKey(
        "crm.SupportCase", on_delete=models.CASCADE, related_name="tagged_items"
    )


class SupportCase(models.Model):
    subject = models.CharField(_("subject"), max_length=200)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_cases",
        verbose_name=_("customer account"),
    )
    customer_email = models.EmailField(_("customer email"))
    customer_name = models.CharField(_("customer name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    order = models.ForeignKey(
        "commerce.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_cases",
        verbose_name=_("order"),
    )
    ticket = models.ForeignKey(
        "commerce.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_cases",
        verbose_name=_("ticket"),
    )
    pre_order = models.ForeignKey(
        "fulfilment.PreOrder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_cases",
        verbose_name=_("pre-order"),
    )
    event_key = models.UUIDField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=CasePriority.choices, default=CasePriority.NORMAL
    )
    source = models.CharField(
        _("opened by"), max_length=10, choices=CaseSource.choices, default=CaseSource.AGENT
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("assigned agent"),
    )
    tags = TaggableManager(through=TaggedCase, blank=True, verbose_name=_("tags"))
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # What made the system open this case ("late-payment:<payment id>", ...): one case per cause.
    cause = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("support case")
        verbose_name_plural = _("support cases")
        ordering = ["resolution_due_at", "pk"]
        indexes = [
            models.Index(fields=["status", "resolution_due_at"], name="case_status_due"),
            models.Index(fields=["customer_email"], name="case_customer_email"),
            models.Index(fields=["event_key", "status"], name="case_event_status"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def first_response_breached(self, now=None) -> bool:
        due = self.first_response_due_at
        if due is None:
            return False
        return (self.first_responded_at or now or timezone.now()) > due

    def resolution_breached(self, now=None) -> bool:
        due = self.resolution_due_at
        if due is None:
            return False
        return (self.resolved_at or now or timezone.now()) > due

    def is_breached(self, now=None) -> bool:
        return self.first_response_breached(now) or self.resolution_breached(now)


class MessageKind(models.TextChoices):
    NOTE = "note", _("Internal note")
    REPLY = "reply", _("Reply to the customer")
    CUSTOMER = "customer", _("Message from the customer")
    SYSTEM = "system", _("System")


class CaseMessage(models.Model):
    """One entry of a case's timeline. Notes stay internal; replies are emailed."""

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on case #{self.case_id}"

    @property
    def is_public(self) -> bool:
        return self.kind in (MessageKind.REPLY, MessageKind.CUSTOMER)


class CaseAttachment(models.Model):
    """A file on a case message, in Django's storage (S3 in production)."""

    message = models.ForeignKey(CaseMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="case-attachments/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name


def _hours(label, default):
    return models.PositiveSmallIntegerField(label, default=default)


def validate_time_zone(value):
    import zoneinfo

    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Berlin."), params={"value": value}
        )


@register_setting(icon="help")
class SupportSettings(BaseGenericSetting):
    """SLA targets per priority, counted in business hours (crm.sla). Platform admin only."""

    first_response_hours_urgent = _hours(_("urgent"), 1)
    first_response_hours_high = _hours(_("high"), 4)
    first_response_hours_normal = _hours(_("normal"), 8)
    first_response_hours_low = _hours(_("low"), 24)
    resolution_hours_urgent = _hours(_("urgent"), 8)
    resolution_hours_high = _hours(_("high"), 24)
    resolution_hours_normal = _hours(_("normal"), 40)
    resolution_hours_low = _hours(_("low"), 80)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    day_starts = models.TimeField(_("business day starts"), default="09:00")
    day_ends = models.TimeField(_("business day ends"), default="17:00")
    monday = models.BooleanField(_("Monday"), default=True)
    tuesday = models.BooleanField(_("Tuesday"), default=True)
    wednesday = models.BooleanField(_("Wednesday"), default=True)
    thursday = models.BooleanField(_("Thursday"), default=True)
    friday = models.BooleanField(_("Friday"), default=True)
    saturday = models.BooleanField(_("Saturday"), default=False)
    sunday = models.BooleanField(_("Sunday"), default=False)

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("first_response_hours_urgent"),
                        FieldPanel("first_response_hours_high"),
                        FieldPanel("first_response_hours_normal"),
                        FieldPanel("first_response_hours_low"),
                    ]
                )
            ],
            heading=_("First response within (business hours)"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("resolution_hours_urgent"),
                        FieldPanel("resolution_hours_high"),
                        FieldPanel("resolution_hours_normal"),
                        FieldPanel("resolution_hours_low"),
                    ]
                )
            ],
            heading=_("Resolution within (business hours)"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("time_zone"),
                FieldRowPanel([FieldPanel("day_starts"), FieldPanel("day_ends")]),
                FieldRowPanel(
                    [
                        FieldPanel("monday"),
                        FieldPanel("tuesday"),
                        FieldPanel("wednesday"),
                        FieldPanel("thursday"),
                        FieldPanel("friday"),
                        FieldPanel("saturday"),
                        FieldPanel("sunday"),
                    ]
                ),
            ],
            heading=_("Business hours"),
        ),
    ]

    class Meta:
        verbose_name = _("support SLA")

    def clean(self):
        if self.day_ends <= self.day_starts:
            raise ValidationError({"day_ends": _("The business day must end after it starts.")})
        if not self.business_weekdays():
            raise ValidationError({"monday": _("Choose at least one business day.")})

    def business_weekdays(self) -> set[int]:
        """Python weekday numbers (Monday 0) that are business days."""
        days = [
            self.monday,
            self.tuesday,
            self.wednesday,
            self.thursday,
            self.friday,
            self.saturday,
            self.sunday,
        ]
        return {number for number, on in enumerate(days) if on}

    def targets(self, priority: str) -> tuple[int, int]:
        """(first response, resolution) in business hours for a priority."""
        return (
            getattr(self, f"first_response_hours_{priority}"),
            getattr(self, f"resolution_hours_{priority}"),
        )


class RefundPolicyKind(models.TextChoices):
    NO_REFUNDS = "none", _("No refunds")
    UNTIL_DAYS_BEFORE = "until", _("Refunds until a number of days before the event")


class RefundPolicy(models.Model):
    """An organization's refund policy: what an attendee may refund without asking."""

    organization = models.OneToOneField(
        "event_pages.EventIndexPage",
        on_delete=models.CASCADE,
        related_name="refund_policy",
        verbose_name=_("organization"),
    )
    kind = models.CharField(
        _("policy"),
        max_length=8,
        choices=RefundPolicyKind.choices,
        default=RefundPolicyKind.UNTIL_DAYS_BEFORE,
    )
    days_before = models.PositiveSmallIntegerField(
        _("days before the event"),
        default=7,
        help_text=_("Attendees may refund on their own until this many days before the start."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("refund policy")
        verbose_name_plural = _("refund policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(days_before__lte=365), name="refund_policy_days_within_a_year"
            )
        ]

    def __str__(self):
        return f"{self.organization}: {self.get_kind_display()}"
