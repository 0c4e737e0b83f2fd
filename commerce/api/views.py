"""Buyer API: holds, checkout, demo payments, orders and ticket QR codes.

Only the buyer who made a hold (same account, or same browser session for a
guest) can see it, pay it, or see the order and tickets it became: everyone
else gets 404.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.access import (
    made_by,
    owned_hold,
    owned_order,
    owned_orders,
    owned_ticket,
)
from commerce.api.schema import (
    demo_confirm_schema,
    hold_checkout_schema,
    hold_create_schema,
    order_detail_schema,
    order_list_schema,
    ticket_qr_schema,
    ticket_verify_schema,
)
from commerce.exceptions import HoldError
from commerce.hold_limits import hold_allowance
from commerce.models import Hold, Payment
from commerce.selectors import tiers_for_sale
from commerce.services.holds import LineRequest, place_hold
from core.throttles import HoldLimit


class LineSerializer(serializers.Serializer):
    tier_id = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, max_value=100)


class HoldRequestSerializer(serializers.Serializer):
    lines = LineSerializer(many=True, allow_empty=False)


class CheckoutRequestSerializer(serializers.Serializer):
    # 254: the longest address email allows, and the database column's length.
    buyer_email = serializers.EmailField(max_length=254, required=False)
    buyer_name = serializers.CharField(max_length=150, required=False)
    attendee_names = serializers.ListField(
        child=serializers.CharField(max_length=150, allow_blank=True), required=False
    )
    attendee_emails = serializers.ListField(
        child=serializers.EmailField(max_length=254, allow_blank=True), required=False
    )
    promo_code = serializers.CharField(max_length=40, required=False, allow_blank=True)


class DemoConfirmSerializer(serializers.Serializer):
    card_number = serializers.CharField(max_length=30)


def hold_body(hold: Hold) -> dict:
    return {
        "id": str(hold.pk),
        "status": hold.status,
        "expires_at": hold.expires_at.isoformat(),
        "amount_minor": hold.amount_minor,
        "currency": hold.currency,
        "discount_minor": hold.discount_minor,
        "lines": [
            {
                "tier_id": line.tier_id,
                "tier_name": line.tier_name,
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor,
            }
            for line in getattr(hold, "placed_lines", None) or hold.lines.all()
        ],
    }


def _session_key(request) -> str:
    session = request._request.session
    if not session.session_key:
        session.save()
    return session.session_key


@hold_create_schema
class HoldCreateView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [HoldLimit]
    serializer_class = HoldRequestSerializer

    def post(self, request):
        serializer = HoldRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lines = serializer.validated_data["lines"]
        by_id = tiers_for_sale(line["tier_id"] for line in lines)
        missing = [line["tier_id"] for line in lines if line["tier_id"] not in by_id]
        if missing:
            raise serializers.ValidationError({"lines": [f"Unknown tier id {missing[0]}."]})
        events = {tier.page_id for tier in by_id.values()}
        if len(events) != 1:
            raise HoldError("mixed_events")
        event = by_id[lines[0]["tier_id"]].event
        with hold_allowance(request, event=event, tickets=sum(x["quantity"] for x in lines)):
            hold = place_hold(
                event=event,
                lines=[LineRequest(line["tier_id"], line["quantity"]) for line in lines],
                buyer=request.user if request.user.is_authenticated else None,
                session_key=_session_key(request),
                tiers=by_id,
            )
        return Response(hold_body(hold), status=status.HTTP_201_CREATED)


@hold_checkout_schema
class HoldCheckoutView(APIView):
    permission_classes = [AllowAny]
    serializer_class = CheckoutRequestSerializer

    def post(self, request, pk):
        from commerce.services.checkout import checkout_details, start_checkout
        from commerce.services.promos import apply_promo_code

        hold = owned_hold(request._request, pk)
        serializer = CheckoutRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user if request.user.is_authenticated else None
        email = data.get("buyer_email") or getattr(user, "email", "")
        name = data.get("buyer_name") or getattr(user, "name", "") or email
        if "promo_code" in data:
            hold = apply_promo_code(hold=hold, code=data["promo_code"], buyer_email=email)
        payment = start_checkout(
            hold=hold,
            buyer_email=email,
            buyer_name=name,
            attendee_names=data.get("attendee_names"),
            attendee_emails=data.get("attendee_emails"),
        )
        return Response(checkout_details(payment))


@demo_confirm_schema
class DemoPaymentConfirmView(APIView):
    permission_classes = [AllowAny]
    serializer_class = DemoConfirmSerializer

    def post(self, request, pk):
        from commerce.models import Order
        from commerce.services.demo_payments import confirm_demo_payment

        if settings.PAYMENT_GATEWAY != "demo":
            raise Http404
        payment = Payment.objects.filter(pk=pk, gateway="demo").select_related("hold")[:1]
        payment = payment[0] if payment else None
        if payment is None or not made_by(request._request, payment.hold):
            raise Http404
        serializer = DemoConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = confirm_demo_payment(
            payment=payment, card_number=serializer.validated_data["card_number"]
        )
        body = {"status": outcome}
        number = Order.objects.filter(payment=payment).values_list("number", flat=True)[:1]
        if number:
            body["order_number"] = number[0]
        return Response(body)


def order_body(order, request) -> dict:
    def qr_url(ticket):
        if not ticket.admits:
            return None
        return request.build_absolute_uri(f"/api/v1/tickets/{ticket.code}/qr.png")

    tier_ids = {item.pk: item.tier_id for item in order.items.all()}
    return {
        "number": order.number,
        "status": order.status,
        "event": {
            "id": order.event_id,
            "title": order.event.title if order.event else "",
            "starts_at": order.event.starts_at.isoformat() if order.event else None,
        },
        "total_minor": order.total_minor,
        "discount_minor": order.discount_minor,
        "refunded_minor": order.refunded_minor,
        "currency": order.currency,
        "created_at": order.created_at.isoformat(),
        "items": [
            {
                "tier_id": item.tier_id,
                "tier_name": item.tier_name,
                "quantity": item.quantity,
                "unit_price_minor": item.unit_price_minor,
                "line_total_minor": item.line_total_minor,
            }
            for item in order.items.all()
        ],
        "tickets": [
            {
                "code": ticket.code,
                "tier_id": tier_ids.get(ticket.item_id),
                "attendee_name": ticket.attendee_name,
                "status": ticket.status,
                "qr_url": qr_url(ticket),
            }
            for ticket in order.tickets.all()
        ],
        "refunds": [
            {
                "amount_minor": refund.amount_minor,
                "currency": refund.currency,
                "status": refund.status,
                "created_at": refund.created_at.isoformat(),
            }
            for refund in order.refunds.all()
        ],
    }


@order_list_schema
class OrderListView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        orders = (
            owned_orders(request._request)
            .select_related("event")
            .prefetch_related("items", "tickets", "refunds")
        )
        return Response({"results": [order_body(order, request) for order in orders]})


@order_detail_schema
class OrderDetailView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, number):
        return Response(order_body(owned_order(request._request, number), request))


@ticket_qr_schema
class TicketQRView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, code):
        from commerce.tickets import qr_png

        ticket = owned_ticket(request._request, code)
        if not ticket.admits:  # refunded, cancelled, transferred: no QR code to show
            raise Http404
        return HttpResponse(qr_png(ticket), content_type="image/png")


@ticket_verify_schema
class TicketVerifyView(APIView):
    """Staff: does this QR code admit someone? For users who may see the event's sales."""

    permission_classes = [AllowAny]

    def post(self, request):
        from commerce.api.schema import TicketVerifyRequestSerializer
        from commerce.permissions import may_see_sales
        from commerce.services.ticket_checks import event_of, verify_ticket
        from commerce.tickets import InvalidTicket

        if not _sees_some_sales(request.user):
            raise PermissionDenied
        serializer = TicketVerifyRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            ticket, reason = verify_ticket(serializer.validated_data["payload"]), ""
        except InvalidTicket as refusal:
            ticket, reason = refusal.ticket, refusal.reason
        if ticket is not None:
            event = event_of(ticket)
            if event is None or not may_see_sales(request.user, event):
                raise PermissionDenied
        if reason:
            return Response({"valid": False, "reason": reason})
        return Response(
            {
                "valid": True,
                "code": ticket.code,
                "tier_id": ticket.item.tier_id,
                "attendee_name": ticket.attendee_name,
            }
        )


def _sees_some_sales(user) -> bool:
    """Staff who may see the sales of at least one event (the model permission, or
    membership of an organization)."""
    from wagtail.permissions import policy_registry

    from commerce.models import Order
    from event_pages.permissions import organization_keys_for

    if not user.is_authenticated:
        return False
    policy = policy_registry.get_by_type(Order)
    return policy.allows_everywhere(user, ("view",)) or bool(organization_keys_for(user))
