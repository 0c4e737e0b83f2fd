"""Request and documentation serializers of the support API and the refund request.

The views build their answers by hand (crm.api.bodies); the answer serializers
here only describe them for the OpenAPI schema, and the tests compare real answers
with them, so a field added on one side only fails a test.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from commerce.models import OrderStatus, RefundStatus, TicketStatus
from core.api.schema import ErrorSerializer
from crm.models import CasePriority, CaseStatus, MessageKind

# --- requests ---------------------------------------------------------------------------


class SupportCustomerQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=200, help_text="Order number, ticket code, email, phone or a name."
    )
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=25)


class SupportRefundInputSerializer(serializers.Serializer):
    """Give `tickets` (codes of this order) or `amount_minor`; neither refunds all that is left."""

    tickets = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, allow_empty=False
    )
    amount_minor = serializers.IntegerField(min_value=1, required=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if "tickets" in attrs and "amount_minor" in attrs:
            raise serializers.ValidationError(
                {"amount_minor": [_("Give tickets or amount_minor, not both.")]}
            )
        return attrs


class SupportTransferSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150, help_text="The new holder's name.")
    email = serializers.EmailField(max_length=254, help_text="Where the new ticket is sent.")


class SupportExchangeSerializer(serializers.Serializer):
    tier_id = serializers.IntegerField(help_text="The TicketTier to exchange into.")
    waive_difference = serializers.BooleanField(
        required=False, default=False, help_text="Support only: a dearer tier at no charge."
    )


class SupportCancelSerializer(serializers.Serializer):
    refund = serializers.BooleanField(help_text="Give back what is left of the money too.")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SupportResendSerializer(serializers.Serializer):
    ticket = serializers.CharField(
        max_length=32, required=False, help_text="Only this ticket, to its holder."
    )


class SupportCaseFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    priority = serializers.ChoiceField(choices=CasePriority.choices, required=False)
    page = serializers.IntegerField(min_value=1, required=False, default=1)


class SupportCaseCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    customer_email = serializers.EmailField(max_length=254)
    customer_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    priority = serializers.ChoiceField(
        choices=CasePriority.choices, required=False, default=CasePriority.NORMAL
    )
    order = serializers.CharField(
        max_length=16, required=False, allow_blank=True, help_text="An order number."
    )
    body = serializers.CharField(max_length=20000, help_text="The first entry (a note).")


class SupportCaseReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    internal = serializers.BooleanField(
        required=False, default=False, help_text="An internal note, not sent to the customer."
    )


class AttendeeRefundRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


# --- answers ----------------------------------------------------------------------------


class SupportCustomerSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="The account id; null: a guest.")
    email = serializers.EmailField()
    name = serializers.CharField(allow_blank=True)
    orders = serializers.ListField(child=serializers.CharField(), help_text="Order numbers.")


class SupportCustomerListSerializer(serializers.Serializer):
    results = SupportCustomerSerializer(many=True)


class SupportEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField(allow_blank=True)


class SupportBuyerSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(allow_blank=True)


class SupportTicketSerializer(serializers.Serializer):
    code = serializers.CharField()
    tier_id = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=TicketStatus.choices)


class SupportPaymentSerializer(serializers.Serializer):
    reference = serializers.CharField(allow_null=True)
    gateway = serializers.CharField()
    amount_minor = serializers.IntegerField()
    status = serializers.CharField()


class SupportRefundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount_minor = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RefundStatus.choices)


class SupportOrderRefundSerializer(SupportRefundSerializer):
    reason = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    tickets = serializers.ListField(child=serializers.CharField(), help_text="Ticket codes.")


class SupportOrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    event = SupportEventSerializer()
    buyer = SupportBuyerSerializer()
    total_minor = serializers.IntegerField()
    refunded_minor = serializers.IntegerField()
    currency = serializers.CharField()
    created_at = serializers.DateTimeField()
    tickets = SupportTicketSerializer(many=True)
    payments = SupportPaymentSerializer(many=True)
    refunds = SupportOrderRefundSerializer(many=True)


class SupportRefundResultSerializer(serializers.Serializer):
    refund = SupportRefundSerializer(
        allow_null=True, help_text="null: nothing was paid to give back."
    )


class SupportNewTicketCodeSerializer(serializers.Serializer):
    code = serializers.CharField()


class SupportTransferResultSerializer(serializers.Serializer):
    ticket = SupportNewTicketCodeSerializer()


class SupportExchangeResultSerializer(serializers.Serializer):
    ticket = SupportTicketSerializer()
    difference_minor = serializers.IntegerField(
        help_text="New price minus what was paid: negative was refunded, positive waived."
    )
    refund = SupportRefundSerializer(allow_null=True)


class SupportExchangeChargeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=["awaiting_payment", "paid", "expired", "cancelled", "refunded"]
    )
    amount_minor = serializers.IntegerField(help_text="The difference the customer pays.")
    currency = serializers.CharField()
    pay_url = serializers.URLField(help_text="The customer's payment page (emailed to them).")
    expires_at = serializers.DateTimeField()


class SupportExchangePendingSerializer(serializers.Serializer):
    exchange = SupportExchangeChargeSerializer()


class SupportCancelResultSerializer(serializers.Serializer):
    order = SupportOrderSerializer()
    refund = SupportRefundSerializer(allow_null=True)


class SupportResentSerializer(serializers.Serializer):
    resent = serializers.BooleanField()


class SupportCaseCustomerSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    email = serializers.EmailField()
    name = serializers.CharField(allow_blank=True)


class SupportCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    priority = serializers.ChoiceField(choices=CasePriority.choices)
    source = serializers.CharField()
    customer = SupportCaseCustomerSerializer()
    order = serializers.CharField(allow_null=True, help_text="The order number.")
    created_at = serializers.DateTimeField()
    first_response_due_at = serializers.DateTimeField(allow_null=True)
    resolution_due_at = serializers.DateTimeField(allow_null=True)


class SupportCaseListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True, help_text="The next page's URL.")
    previous = serializers.CharField(allow_null=True)
    results = SupportCaseSerializer(many=True)


class SupportCaseMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MessageKind.choices)
    internal = serializers.BooleanField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class SupportCaseReplyResultSerializer(serializers.Serializer):
    message = SupportCaseMessageSerializer()
    case = SupportCaseSerializer()


class RefundRequestCaseIdSerializer(serializers.Serializer):
    id = serializers.IntegerField()


class RefundRequestRefundedSerializer(serializers.Serializer):
    """200: refunded within the organizer's refund policy."""

    refunded = serializers.BooleanField()
    refund = SupportRefundSerializer(allow_null=True)


class RefundRequestCaseSerializer(serializers.Serializer):
    """202: outside the policy; a support case was opened for an agent to decide."""

    refunded = serializers.BooleanField()
    case = RefundRequestCaseIdSerializer()


BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Bad input, naming the field.")
NOT_SIGNED_IN = OpenApiResponse(ErrorSerializer, description="Not signed in.")
NOT_ALLOWED = OpenApiResponse(ErrorSerializer, description="Not a support role, or not allowed.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Unknown, or another organization's.")
REFUSED = OpenApiResponse(ErrorSerializer, description="Refused by a rule; nothing changed.")
RATE_LIMITED = OpenApiResponse(ErrorSerializer, description="Too many requests.")
