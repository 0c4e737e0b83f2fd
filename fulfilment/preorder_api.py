"""Pre-order API: a member places and reads their own; staff run the capture of an event.

POST /api/v1/events/{id}/pre-orders/   {"variant_id": int|null, "card_number": str}
    (Stripe mode: "payment_method", a PaymentMethod id from Stripe.js)
    -> 201 {"id", "status", "variant_id"}; a second one -> 409 already_pre_ordered
GET  /api/v1/me/pre-orders/            -> the member's own, with credentials when fulfilled
POST /api/v1/admin/events/{id}/capture/ -> the capture run, now, for that event
    (the Fulfilment group or the event's organizer; others 403)
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import FULFILMENT, PLATFORM_ADMIN, roles_of
from core.api.schema import ErrorSerializer
from core.client_address import client_ip_for_axes
from event_pages.models import EventPage
from event_pages.permissions import events_of, organization_keys_for
from fulfilment.preorder_forms import ERRORS
from fulfilment.services.capture import capture_due
from fulfilment.services.placement import PreOrderError, place_pre_order
from fulfilment.services.portal import credentials_for, member_status, pre_orders_of

STATUS_OF_ERROR = {
    "already_pre_ordered": 409,
    "pre_orders_closed": 409,
}


class PreOrderRequestSerializer(serializers.Serializer):
    variant_id = serializers.IntegerField(required=False, allow_null=True)
    card_number = serializers.CharField(max_length=40, required=False)
    payment_method = serializers.CharField(max_length=255, required=False)

    def validate(self, attrs):
        if not attrs.get("card_number") and not attrs.get("payment_method"):
            raise serializers.ValidationError(
                {"card_number": ["Give card_number (demo) or payment_method (Stripe)."]}
            )
        return attrs


class PreOrderCreatedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    variant_id = serializers.IntegerField(allow_null=True)


class CredentialsSerializer(serializers.Serializer):
    email = serializers.CharField()
    password = serializers.CharField()


class MemberPreOrderSerializer(PreOrderCreatedSerializer):
    event = serializers.DictField()
    variant = serializers.CharField(allow_null=True)
    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()
    created_at = serializers.DateTimeField()
    credentials = CredentialsSerializer(required=False, help_text="Only when fulfilled.")


class MemberPreOrderListSerializer(serializers.Serializer):
    results = MemberPreOrderSerializer(many=True)


class CaptureSummarySerializer(serializers.Serializer):
    captured = serializers.IntegerField()
    retrying = serializers.IntegerField()
    failed = serializers.IntegerField()
    unavailable = serializers.IntegerField()


def _refusal(error: PreOrderError) -> Response:
    body = {"error": error.code, "detail": str(ERRORS.get(error.code, error.code))}
    if error.field:
        body["field"] = error.field
    return Response(body, status=STATUS_OF_ERROR.get(error.code, 400))


@extend_schema(
    responses={
        201: PreOrderCreatedSerializer,
        400: OpenApiResponse(ErrorSerializer, description="Bad input, named by `field`."),
        409: OpenApiResponse(ErrorSerializer, description="already_pre_ordered"),
    }
)
class PreOrderCreateView(APIView):
    permission_classes = [IsAuthenticated]
    serializer_class = PreOrderRequestSerializer

    def post(self, request, pk):
        event = get_object_or_404(EventPage.objects.live().public(), pk=pk)
        serializer = PreOrderRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            pre_order = place_pre_order(
                member=request.user,
                event=event,
                variant_id=data.get("variant_id"),
                card=data.get("payment_method") or data["card_number"],
                language=get_language(),
                ip=client_ip_for_axes(request),
            )
        except PreOrderError as error:
            return _refusal(error)
        return Response(
            {
                "id": str(pre_order.pk),
                "status": member_status(pre_order),
                "variant_id": pre_order.variant_id,
            },
            status=status.HTTP_201_CREATED,
        )


@extend_schema(responses=MemberPreOrderListSerializer)
class MyPreOrdersView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        results = []
        for pre_order in pre_orders_of(request.user):
            event = pre_order.offer.event
            body = {
                "id": str(pre_order.pk),
                "event": {"id": event.pk, "title": event.title},
                "variant_id": pre_order.variant_id,
                "variant": pre_order.variant.name if pre_order.variant_id else None,
                "status": member_status(pre_order),
                "amount_minor": pre_order.amount_minor,
                "currency": pre_order.currency,
                "created_at": pre_order.created_at.isoformat(),
            }
            credentials = credentials_for(pre_order, request.user)
            if credentials:
                body["credentials"] = credentials
            results.append(body)
        return Response({"results": results})


def may_capture(user, event: EventPage) -> bool:
    """The Fulfilment group (and the Platform admin), or an organizer of the event's
    organization."""
    if roles_of(user) & {FULFILMENT, PLATFORM_ADMIN}:
        return True
    keys = organization_keys_for(user)
    return bool(keys) and events_of(keys).filter(pk=event.pk).exists()


@extend_schema(
    request=None,
    responses={
        200: CaptureSummarySerializer,
        403: OpenApiResponse(ErrorSerializer, description="Not your event."),
    },
)
class EventCaptureView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        event = get_object_or_404(EventPage, pk=pk)
        if not may_capture(request.user, event):
            return Response({"error": "permission_denied", "detail": "Not your event."}, status=403)
        summary = capture_due(
            event_key=event.translation_key,
            actor=request.user,
            ip=client_ip_for_axes(request),
            not_yet_due=True,
        )
        return Response(summary.as_dict())
