"""Staff API of the assignment engine and delivery (issue 9, part 6):

- GET  /api/v1/admin/tickets/assignments/?event={id}  the event's assignments, paginated;
  never a password;
- POST /api/v1/admin/tickets/{id}/resend/             email ticket {id} to its member again;
- POST /api/v1/admin/events/{id}/reconcile/           run the assignment now, answer its counts.

`{id}` of an event is any language's page id (they share one set of tickets). Who:
the roles of fulfilment.permissions (Fulfilment, Support, Platform admin) on every
event, an organizer on their organization's events; everyone else 403, signed-out
callers 401; an unknown event or ticket 404. Errors have the API's one shape.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import ErrorSerializer
from core.client_address import client_address
from event_pages.models import EventPage
from fulfilment.models import Assignment, TicketCredential
from fulfilment.permissions import may_act
from fulfilment.services.assignment import assign
from fulfilment.services.delivery import resend

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
    403: OpenApiResponse(ErrorSerializer, description="Not staff of this event."),
    404: OpenApiResponse(ErrorSerializer, description="No such event or ticket."),
}


def _require(request, event_key, action: str) -> None:
    if not may_act(request.user, event_key, action):
        raise PermissionDenied("Only fulfilment staff and the event's organizer may do this.")


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ticket_id = serializers.IntegerField()
    ticket_email = serializers.CharField(help_text="The ticket's login email (never a password).")
    ticket_status = serializers.CharField()
    ticket_variant = serializers.CharField(allow_blank=True)
    pre_order_id = serializers.UUIDField()
    member_email = serializers.EmailField()
    variant = serializers.CharField(allow_blank=True, help_text="The variant the member chose.")
    fallback = serializers.BooleanField(help_text="The closest variant, not the chosen one.")
    assigned_at = serializers.DateTimeField()
    delivery_status = serializers.ChoiceField(choices=["pending", "sent", "delivery_failed"])
    delivery_attempts = serializers.IntegerField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    last_delivery_error = serializers.CharField(allow_blank=True)


class AssignmentPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AssignmentSerializer(many=True)


def assignment_body(assignment) -> dict:
    ticket, pre_order = assignment.ticket, assignment.pre_order
    return {
        "id": assignment.pk,
        "ticket_id": ticket.pk,
        "ticket_email": ticket.login_email,
        "ticket_status": ticket.status,
        "ticket_variant": ticket.variant.name if ticket.variant else ticket.variant_label,
        "pre_order_id": str(pre_order.pk),
        "member_email": pre_order.member.email,
        "variant": pre_order.variant.name if pre_order.variant else "",
        "fallback": assignment.fallback,
        "assigned_at": assignment.assigned_at.isoformat(),
        "delivery_status": assignment.delivery_status,
        "delivery_attempts": assignment.delivery_attempts,
        "delivered_at": assignment.delivered_at.isoformat() if assignment.delivered_at else None,
        "last_delivery_error": assignment.last_delivery_error,
    }


class AssignmentPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


@extend_schema(
    parameters=[OpenApiParameter("event", int, required=True, description="The event's page id")],
    responses={200: AssignmentPageSerializer, 400: ErrorSerializer, **ERRORS},
)
class AssignmentListView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        raw = request.query_params.get("event", "")
        if not raw.isdigit():
            raise ValidationError({"event": ["Required: the event's id (a whole number)."]})
        event = get_object_or_404(EventPage, pk=int(raw))
        _require(request, event.translation_key, "view")
        assignments = (
            Assignment.objects.filter(pre_order__event_key=event.translation_key)
            .select_related("ticket__variant", "pre_order__member", "pre_order__variant")
            .defer("ticket__password_encrypted", "ticket__fingerprint")
            .order_by("assigned_at", "pk")
        )
        paginator = AssignmentPagination()
        page = paginator.paginate_queryset(assignments, request, view=self)
        return paginator.get_paginated_response([assignment_body(a) for a in page])


class ResendSerializer(serializers.Serializer):
    ticket_id = serializers.IntegerField()
    delivery_status = serializers.CharField()


@extend_schema(
    request=None,
    responses={
        202: ResendSerializer,
        409: OpenApiResponse(ErrorSerializer, description="The ticket is not assigned."),
        **ERRORS,
    },
)
class TicketResendView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        ticket = get_object_or_404(TicketCredential.objects.only("pk", "event_key"), pk=pk)
        _require(request, ticket.event_key, "resend")
        assignment = Assignment.objects.filter(ticket=ticket).first()
        chosen = assignment and resend(assignment, actor=request.user, ip=client_address(request))
        if not chosen:
            return Response(
                {
                    "error": "not_assigned",
                    "detail": "This ticket is not assigned to a paid pre-order: nothing to send.",
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(
            {"ticket_id": ticket.pk, "delivery_status": chosen.delivery_status},
            status=status.HTTP_202_ACCEPTED,
        )


class ReconcileSerializer(serializers.Serializer):
    event_key = serializers.UUIDField()
    assigned = serializers.IntegerField()
    fallback = serializers.IntegerField(help_text="Of those, given the closest variant.")
    waiting = serializers.IntegerField(help_text="Paid pre-orders still without a ticket.")
    unmatched = serializers.IntegerField(help_text="Tickets still without a pre-order.")
    duration_ms = serializers.IntegerField()
    actor = serializers.CharField()


@extend_schema(request=None, responses={200: ReconcileSerializer, **ERRORS})
class EventReconcileView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        event = get_object_or_404(EventPage.objects.only("pk", "translation_key"), pk=pk)
        _require(request, event.translation_key, "resend")
        stats = assign(
            event.translation_key,
            actor=request.user,
            ip=client_address(request),
            reason="reconcile",
        )
        return Response(stats.as_dict())
