"""Support API: customers, orders and the agent actions on them, and support cases.

GET  /api/v1/support/customers/?q=                 customers the user may see
GET  /api/v1/support/orders/{number}/              an order with tickets, payments, refunds
POST /api/v1/support/orders/{number}/refund/       {"tickets": [code]} | {"amount_minor"}, "reason"
POST /api/v1/support/orders/{number}/cancel/       {"refund": bool, "reason"}
POST /api/v1/support/orders/{number}/resend/       optional {"ticket": code}
POST /api/v1/support/tickets/{code}/transfer/      {"name", "email"}
POST /api/v1/support/tickets/{code}/exchange/      {"tier_id", "waive_difference"} (202: pay first)
GET/POST /api/v1/support/cases/                    ?status=&priority=; open a case
POST /api/v1/support/cases/{id}/replies/           {"body", "internal"}

Who: crm.permissions. Not signed in: 401. No part in support work (attendees,
Marketing): 403. An order, ticket or case the user may not see (another
organization's): 404, so numbers cannot be probed. Seen but not theirs to act on
(an organizer's transfer, a refund outside the policy): 403. A rule of the sale
refusing (no place left, nothing to refund): the commerce error, nothing changed.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.exceptions import CommerceError
from commerce.models import Order, Ticket
from crm import audit
from crm import permissions as perms
from crm.api import bodies
from crm.api import schema as docs
from crm.customer_search import search_customers
from crm.models import CasePriority, CaseSource, CaseStatus
from crm.services import actions
from event_pages.models import TicketTier
from event_pages.permissions import organization_keys_for

# --- who may use which endpoint -------------------------------------------------------


class SupportWork(BasePermission):
    """Signed in (else 401) and with a part in support work (else 403)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and perms.may_use_crm(user))


class SeesOrdersAndCases(SupportWork):
    """Support, the Platform admin, or an organizer: Fulfilment has no orders or cases here."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return perms.sees_everything(request.user) or bool(organization_keys_for(request.user))


def visible_order(user, number: str) -> Order:
    order = perms.orders_for(user).filter(number=number).select_related("event", "payment")
    order = order.first()
    if order is None:
        raise Http404
    return order


def visible_ticket(user, code: str) -> Ticket:
    ticket = (
        Ticket.objects.filter(code=code, order__in=perms.orders_for(user))
        .select_related("order", "item")
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def visible_case(user, pk: int):
    case = perms.cases_for(user).filter(pk=pk).select_related("order").first()
    if case is None:
        raise Http404
    return case


def valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def field_error(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


class SupportView(APIView):
    permission_classes = [SeesOrdersAndCases]


# --- customers ------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="support_customers_list",
        parameters=[docs.SupportCustomerQuerySerializer],
        responses={
            200: docs.SupportCustomerListSerializer,
            400: docs.BAD_INPUT,
            401: docs.NOT_SIGNED_IN,
            403: docs.NOT_ALLOWED,
        },
    )
)
class CustomerSearchView(APIView):
    """Customers matching `q` (exact identifiers first, then names and emails)."""

    permission_classes = [SupportWork]

    def get(self, request):
        query = valid(docs.SupportCustomerQuerySerializer, request.query_params)
        hits = search_customers(request.user, query["q"], limit=query["limit"])
        return Response(
            {
                "results": [
                    {
                        "id": hit.account_id,
                        "email": hit.email,
                        "name": hit.name,
                        "orders": list(hit.order_numbers),
                    }
                    for hit in hits
                ]
            }
        )


# --- orders ---------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="support_order_detail",
        responses={
            200: docs.SupportOrderSerializer,
            401: docs.NOT_SIGNED_IN,
            403: docs.NOT_ALLOWED,
            404: docs.NOT_FOUND,
        },
    )
)
class OrderView(SupportView):
    def get(self, request, number):
        return Response(bodies.order_body(visible_order(request.user, number)))


ACTION_ERRORS = {
    400: docs.BAD_INPUT,
    401: docs.NOT_SIGNED_IN,
    403: docs.NOT_ALLOWED,
    404: docs.NOT_FOUND,
    409: docs.REFUSED,
}


@extend_schema_view(
    post=extend_schema(
        operation_id="support_order_refund",
        request=docs.SupportRefundInputSerializer,
        responses={200: docs.SupportRefundResultSerializer, **ACTION_ERRORS},
    )
)
class OrderRefundView(SupportView):
    """Refund chosen tickets (their places go on sale again), an amount, or all that is left."""

    def post(self, request, number):
        order = visible_order(request.user, number)
        data = valid(docs.SupportRefundInputSerializer, request.data)
        tickets = None
        if "tickets" in data:
            codes = list(dict.fromkeys(data["tickets"]))
            tickets = list(order.tickets.filter(code__in=codes))
            unknown = sorted(set(codes) - {ticket.code for ticket in tickets})
            if unknown:
                raise field_error(
                    "tickets",
                    _("Not a ticket of this order: %(codes)s.") % {"codes": ", ".join(unknown)},
                )
        made = actions.refund(
            actor=request.user,
            order=order,
            tickets=tickets,
            amount_minor=data.get("amount_minor"),
            reason=data["reason"],
            ip=audit.request_ip(request),
        )
        return Response({"refund": bodies.refund_body(made)})


@extend_schema_view(
    post=extend_schema(
        operation_id="support_order_cancel",
        request=docs.SupportCancelSerializer,
        responses={200: docs.SupportCancelResultSerializer, **ACTION_ERRORS},
    )
)
class OrderCancelView(SupportView):
    """Cancel the order: every ticket ends and its place is on sale again; optionally refund."""

    def post(self, request, number):
        order = visible_order(request.user, number)
        data = valid(docs.SupportCancelSerializer, request.data)
        made = actions.cancel(
            actor=request.user,
            order=order,
            refund=data["refund"],
            reason=data["reason"],
            ip=audit.request_ip(request),
        )
        order.refresh_from_db()
        return Response({"order": bodies.order_body(order), "refund": bodies.refund_body(made)})


@extend_schema_view(
    post=extend_schema(
        operation_id="support_order_resend",
        request=docs.SupportResendSerializer,
        responses={200: docs.SupportResentSerializer, **ACTION_ERRORS},
    )
)
class OrderResendView(SupportView):
    """Send the order confirmation again, or one ticket to its holder."""

    def post(self, request, number):
        order = visible_order(request.user, number)
        data = valid(docs.SupportResendSerializer, request.data)
        ticket = None
        if data.get("ticket"):
            ticket = order.tickets.filter(code=data["ticket"]).first()
            if ticket is None:
                raise field_error("ticket", _("Not a ticket of this order."))
            if not ticket.admits:
                raise field_error("ticket", _("This ticket no longer admits anyone."))
        actions.resend_order(
            actor=request.user, order=order, ticket=ticket, ip=audit.request_ip(request)
        )
        return Response({"resent": True})


# --- tickets --------------------------------------------------------------------------


@extend_schema_view(
    post=extend_schema(
        operation_id="support_ticket_transfer",
        request=docs.SupportTransferSerializer,
        responses={200: docs.SupportTransferResultSerializer, **ACTION_ERRORS},
    )
)
class TicketTransferView(SupportView):
    """Give the ticket to another person: a new code; the old QR stops admitting."""

    def post(self, request, code):
        ticket = visible_ticket(request.user, code)
        data = valid(docs.SupportTransferSerializer, request.data)
        new = actions.transfer(
            actor=request.user,
            ticket=ticket,
            name=data["name"],
            email=data["email"],
            ip=audit.request_ip(request),
        )
        return Response({"ticket": {"code": new.code}})


@extend_schema_view(
    post=extend_schema(
        operation_id="support_ticket_exchange",
        request=docs.SupportExchangeSerializer,
        responses={
            200: docs.SupportExchangeResultSerializer,
            202: docs.SupportExchangePendingSerializer,
            **ACTION_ERRORS,
        },
    )
)
class TicketExchangeView(SupportView):
    """Exchange the ticket for another tier (this event or another of the organization).

    A dearer tier without `waive_difference` is not exchanged yet: one place is reserved,
    the customer is emailed a link to pay the difference (202 with the pending exchange),
    and the payment swaps the tickets."""

    def post(self, request, code):
        ticket = visible_ticket(request.user, code)
        data = valid(docs.SupportExchangeSerializer, request.data)
        tier = TicketTier.objects.filter(pk=data["tier_id"]).first()
        if tier is None:
            raise field_error("tier_id", _("There is no ticket tier with this id."))
        try:
            result = actions.exchange(
                actor=request.user,
                ticket=ticket,
                tier=tier,
                waive_difference=data["waive_difference"],
                ip=audit.request_ip(request),
            )
        except CommerceError as refusal:
            if refusal.code != "exchange_costs_more":
                raise
            # A dearer tier, not waived: the place is reserved and the customer pays first.
            charge = actions.request_exchange_payment(
                actor=request.user, ticket=ticket, tier=tier, ip=audit.request_ip(request)
            )
            return Response({"exchange": bodies.exchange_charge_body(charge)}, status=202)
        new = result.new
        tier_id = bodies.tier_ids(new.order, [new])[new.pk]
        return Response(
            {
                "ticket": bodies.ticket_body(new, tier_id),
                "difference_minor": result.difference_minor,
                "refund": bodies.refund_body(result.refund),
            }
        )


# --- cases ----------------------------------------------------------------------------


class CasePages(PageNumberPagination):
    page_size = 50


@extend_schema_view(
    get=extend_schema(
        operation_id="support_cases_list",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=CaseStatus.values),
            OpenApiParameter("priority", OpenApiTypes.STR, enum=CasePriority.values),
            OpenApiParameter("page", OpenApiTypes.INT),
        ],
        responses={
            200: docs.SupportCaseListSerializer,
            400: docs.BAD_INPUT,
            401: docs.NOT_SIGNED_IN,
            403: docs.NOT_ALLOWED,
        },
    ),
    post=extend_schema(
        operation_id="support_cases_create",
        request=docs.SupportCaseCreateSerializer,
        responses={201: docs.SupportCaseSerializer, **ACTION_ERRORS},
    ),
)
class CaseListView(SupportView):
    """The cases the user may see, soonest due first; or open one."""

    def get(self, request):
        query = valid(docs.SupportCaseFilterSerializer, request.query_params)
        cases = perms.cases_for(request.user).select_related("order")
        if query.get("status"):
            cases = cases.filter(status=query["status"])
        if query.get("priority"):
            cases = cases.filter(priority=query["priority"])
        pages = CasePages()
        page = pages.paginate_queryset(cases.order_by("resolution_due_at", "pk"), request, self)
        return pages.get_paginated_response([bodies.case_body(case) for case in page])

    def post(self, request):
        from crm.services.cases import open_case

        data = valid(docs.SupportCaseCreateSerializer, request.data)
        order = None
        if data.get("order"):
            order = perms.orders_for(request.user).filter(number=data["order"]).first()
            if order is None:
                raise field_error("order", _("There is no order with this number."))
        elif not perms.sees_everything(request.user):
            raise field_error(
                "order", _("Name the order of one of your events this case is about.")
            )
        if not perms.may(request.user, perms.OPEN_CASE, order.event_key if order else None):
            raise PermissionDenied(perms.OPEN_CASE)
        try:
            case = open_case(
                subject=data["subject"],
                customer_email=data["customer_email"],
                customer_name=data.get("customer_name", ""),
                order=order,
                priority=data["priority"],
                source=CaseSource.AGENT,
                body=data["body"],
                actor=request.user,
            )
        except DjangoValidationError as error:
            raise field_error("body", " ".join(error.messages)) from None
        return Response(bodies.case_body(case), status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        operation_id="support_case_reply",
        request=docs.SupportCaseReplySerializer,
        responses={201: docs.SupportCaseReplyResultSerializer, **ACTION_ERRORS},
    )
)
class CaseReplyView(SupportView):
    """Reply to the customer (emailed), or add an internal note."""

    def post(self, request, pk):
        from crm.services.cases import add_note, reply

        case = visible_case(request.user, pk)
        if not perms.may_work_case(request.user, case):
            raise PermissionDenied(perms.WORK_CASE)
        data = valid(docs.SupportCaseReplySerializer, request.data)
        write = add_note if data["internal"] else reply
        try:
            message = write(case=case, author=request.user, body=data["body"])
        except DjangoValidationError as error:
            raise field_error("body", " ".join(error.messages)) from None
        case.refresh_from_db()
        return Response(
            {"message": bodies.message_body(message), "case": bodies.case_body(case)},
            status=status.HTTP_201_CREATED,
        )
