"""The attendee asks for their money back: POST /api/v1/orders/{number}/refund-request/.

{"reason"} -> 200 {"refunded": true, "refund"} within the organizer's refund policy,
202 {"refunded": false, "case": {"id"}} outside it (a support case for an agent).
Only the signed-in buyer of the order (guests use their order link on the website);
anyone else gets 404, as from the order API. Rate-limited per account.
"""

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.models import Order
from core.api.schema import ErrorSerializer
from core.throttles import ScopedLimit
from crm import audit
from crm.api import bodies
from crm.api import schema as docs
from crm.services.refund_requests import request_refund


class RefundRequestLimit(ScopedLimit):
    """settings.RATE_LIMITS["refund_request"] (RATE_LIMIT_REFUND_REQUEST), 10 an hour unset."""

    scope = "refund_request"

    def get_rate(self):
        return settings.RATE_LIMITS.get(self.scope, "10/hour")


@extend_schema_view(
    post=extend_schema(
        operation_id="orders_refund_request",
        request=docs.AttendeeRefundRequestSerializer,
        responses={
            200: docs.RefundRequestRefundedSerializer,
            202: docs.RefundRequestCaseSerializer,
            400: ErrorSerializer,
            401: docs.NOT_SIGNED_IN,
            404: docs.NOT_FOUND,
            429: docs.RATE_LIMITED,
        },
    )
)
class RefundRequestView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [RefundRequestLimit]

    def post(self, request, number):
        order = Order.objects.filter(number=number, buyer_id=request.user.pk).first()
        if order is None:
            raise Http404
        data = docs.AttendeeRefundRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = request_refund(
            order=order,
            requester=request.user,
            reason=data.validated_data["reason"],
            ip=audit.request_ip(request),
        )
        if outcome.refunded:
            return Response({"refunded": True, "refund": bodies.refund_body(outcome.refund)})
        return Response(
            {"refunded": False, "case": {"id": outcome.case.pk}}, status=status.HTTP_202_ACCEPTED
        )
