"""The payment gateway interface. Stripe in production, the demo gateway by default."""

import abc
from dataclasses import dataclass


class InvalidSignature(Exception):
    """A webhook whose signature is missing, wrong or too old."""


class InvalidPayload(ValueError):
    """A correctly signed webhook whose body is not the shape of a gateway event."""


@dataclass(frozen=True)
class GatewayPayment:
    reference: str
    status: str  # "succeeded" | "failed" | "pending" | "refunded"
    amount_minor: int
    currency: str
    failure_message: str = ""


class PaymentGateway(abc.ABC):
    name: str

    @abc.abstractmethod
    def create_payment(self, *, payment, idempotency_key: str) -> tuple[str, str]:
        """Create (or update) the provider's payment; returns (reference, client_secret)."""

    @abc.abstractmethod
    def update_amount(self, *, reference: str, amount_minor: int) -> None:
        """Change what a payment not yet made will charge; raises PaymentError when the
        provider refuses (the buyer already paid, or the payment is being processed)."""

    @abc.abstractmethod
    def cancel(self, *, reference: str) -> None:
        """Make a payment not yet made impossible to complete; raises PaymentError when
        the buyer already paid."""

    @abc.abstractmethod
    def retrieve(self, reference: str) -> GatewayPayment:
        """The provider's current truth about a payment (never trust a webhook payload)."""

    @abc.abstractmethod
    def refund(self, *, reference: str, amount_minor: int) -> None:
        """Refund a succeeded payment."""

    @abc.abstractmethod
    def parse_webhook(self, *, payload: bytes, signature: str) -> dict:
        """Verify the signature and return the event; raises InvalidSignature."""
