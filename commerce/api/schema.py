"""Documentation serializers: the bodies the buyer API answers with, for the OpenAPI schema.

The views build these bodies by hand (hold_body, order_body, checkout_details)
because the on-sale path must stay cheap; these serializers only describe them.
tests/api/test_schema.py compares real answers with these shapes, so a field
added to a body and not here (or the reverse) fails a test.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers

from commerce.models import HoldStatus, OrderStatus, RefundStatus, TicketStatus
from core.api.schema import ErrorSerializer

# --- Holds -------------------------------------------------------------------


class HoldLineSerializer(serializers.Serializer):
    tier_id = serializers.IntegerField(allow_null=True)
    tier_name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price_minor = serializers.IntegerField()


class HoldSerializer(serializers.Serializer):
    """201 of POST /holds/: the tickets are held until `expires_at`."""

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=HoldStatus.choices)
    expires_at = serializers.DateTimeField()
    amount_minor = serializers.IntegerField(help_text="To pay, after any discount.")
    currency = serializers.CharField(help_text="ISO 4217 code.")
    discount_minor = serializers.IntegerField()
    lines = HoldLineSerializer(many=True)


class InsufficientInventorySerializer(ErrorSerializer):
    """409 of POST /holds/: what is still available, by tier id."""

    available = serializers.DictField(
        child=serializers.IntegerField(), help_text="{tier_id: tickets still available}"
    )


# --- Checkout and demo payments ------------------------------------------------


class CheckoutSerializer(serializers.Serializer):
    """POST /holds/{id}/checkout/: how to take the payment with this site's gateway."""

    payment_id = serializers.UUIDField()
    gateway = serializers.ChoiceField(choices=["stripe", "demo"])
    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()
    expires_at = serializers.DateTimeField()
    client_secret = serializers.CharField(
        required=False, help_text="Stripe only: for the Payment Element."
    )
    publishable_key = serializers.CharField(required=False, help_text="Stripe only.")
    confirm_url = serializers.CharField(
        required=False, help_text="Demo only: POST {card_number} here."
    )


class DemoConfirmResultSerializer(serializers.Serializer):
    """POST /demo-payments/{id}/confirm/: the card's outcome, and the order once paid."""

    status = serializers.ChoiceField(choices=["succeeded", "declined"])
    order_number = serializers.CharField(required=False)


# --- Orders --------------------------------------------------------------------


class OrderEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    starts_at = serializers.DateTimeField(allow_null=True)


class OrderItemSerializer(serializers.Serializer):
    tier_id = serializers.IntegerField(allow_null=True)
    tier_name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price_minor = serializers.IntegerField()
    line_total_minor = serializers.IntegerField()


class OrderTicketSerializer(serializers.Serializer):
    code = serializers.CharField()
    tier_id = serializers.IntegerField(allow_null=True)
    attendee_name = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(
        choices=TicketStatus.choices, help_text="Only a valid ticket admits anyone."
    )
    qr_url = serializers.URLField(
        allow_null=True, help_text="PNG of the signed QR code (owner only); null unless valid."
    )


class OrderRefundSerializer(serializers.Serializer):
    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=RefundStatus.choices)
    created_at = serializers.DateTimeField()


class OrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    event = OrderEventSerializer()
    total_minor = serializers.IntegerField()
    discount_minor = serializers.IntegerField()
    refunded_minor = serializers.IntegerField(help_text="Given back so far.")
    currency = serializers.CharField()
    created_at = serializers.DateTimeField()
    items = OrderItemSerializer(many=True)
    tickets = OrderTicketSerializer(many=True)
    refunds = OrderRefundSerializer(many=True)


class OrderListSerializer(serializers.Serializer):
    results = OrderSerializer(many=True)


NOT_YOURS = OpenApiResponse(ErrorSerializer, description="Not found, or not yours.")
RATE_LIMITED = OpenApiResponse(ErrorSerializer, description="Too many requests.")

# --- Ready to apply to a view: @hold_create_schema above `class ...View` ------

hold_create_schema = extend_schema_view(
    post=extend_schema(
        responses={
            201: HoldSerializer,
            400: ErrorSerializer,
            409: InsufficientInventorySerializer,
            429: RATE_LIMITED,
        }
    )
)
hold_checkout_schema = extend_schema_view(
    post=extend_schema(responses={200: CheckoutSerializer, 400: ErrorSerializer, 404: NOT_YOURS})
)
demo_confirm_schema = extend_schema_view(
    post=extend_schema(
        responses={200: DemoConfirmResultSerializer, 400: ErrorSerializer, 404: NOT_YOURS}
    )
)
order_list_schema = extend_schema_view(
    get=extend_schema(operation_id="orders_list", responses={200: OrderListSerializer})
)
order_detail_schema = extend_schema_view(
    get=extend_schema(responses={200: OrderSerializer, 404: NOT_YOURS})
)
ticket_qr_schema = extend_schema_view(
    get=extend_schema(
        operation_id="tickets_qr",
        responses={
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="The QR code."),
            404: NOT_YOURS,
        },
    )
)


# --- Ticket checks (staff) ------------------------------------------------------


class TicketVerifyRequestSerializer(serializers.Serializer):
    payload = serializers.CharField(max_length=2000, help_text="The text of the ticket's QR code.")


class TicketVerifySerializer(serializers.Serializer):
    """200 of POST /tickets/verify/: whether the QR code admits someone, and if not, why."""

    valid = serializers.BooleanField()
    code = serializers.CharField(required=False)
    tier_id = serializers.IntegerField(required=False, allow_null=True)
    attendee_name = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.ChoiceField(
        choices=["void", "refunded", "transferred", "used", "unknown", "forged"],
        required=False,
    )


ticket_verify_schema = extend_schema_view(
    post=extend_schema(
        operation_id="tickets_verify",
        request=TicketVerifyRequestSerializer,
        responses={
            200: TicketVerifySerializer,
            400: ErrorSerializer,
            403: OpenApiResponse(
                ErrorSerializer, description="Only staff who may see the event's sales."
            ),
        },
    )
)
