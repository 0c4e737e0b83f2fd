"""Payment gateways behind one interface (DESIGN.md, "Payments")."""

from django.conf import settings

from commerce.payments.base import GatewayPayment, InvalidSignature, PaymentGateway

__all__ = ["GatewayPayment", "InvalidSignature", "PaymentGateway", "get_gateway"]


def get_gateway(name: str | None = None) -> PaymentGateway:
    name = name or settings.PAYMENT_GATEWAY
    if name == "stripe":
        from commerce.payments.stripe_gateway import StripeGateway

        return StripeGateway()
    if name == "demo":
        from commerce.payments.demo import DemoGateway

        return DemoGateway()
    raise ValueError(f"unknown payment gateway {name!r}")
