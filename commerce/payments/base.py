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


@dataclass(frozen=True)
class GatewayRefund:
    """One refund the provider made on a payment (Stripe: a Refund object)."""

    reference: str
    amount_minor: int
    status: str  # "succeeded" | "pending" | "failed"


@dataclass(frozen=True)
class SavedCard:
    """A card kept by the provider for off-session charges (Stripe: Customer + PaymentMethod)."""

    customer_reference: str
    payment_method_reference: str
    last4: str = ""


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
    def refund(
        self, *, reference: str, amount_minor: int, idempotency_key: str = ""
    ) -> GatewayRefund:
        """Refund `amount_minor` of a succeeded payment (all of it or a part); the same
        idempotency key answers the refund made first. Raises PaymentError when the
        provider refuses or cannot be reached."""

    @abc.abstractmethod
    def refunds(self, reference: str) -> list[GatewayRefund]:
        """Every refund the provider holds for a payment, made here or in its dashboard."""

    @abc.abstractmethod
    def parse_webhook(self, *, payload: bytes, signature: str) -> dict:
        """Verify the signature and return the event; raises InvalidSignature."""

    @abc.abstractmethod
    def save_card(self, *, card: str, email: str, customer_reference: str = "") -> SavedCard:
        """Keep a card for later off-session charges (Stripe: a SetupIntent confirmed with
        `card`, a PaymentMethod id; the demo: a test card number). Raises
        CommerceError("invalid_card") or PaymentError("card_not_saved")."""

    @abc.abstractmethod
    def charge_saved_card(
        self,
        *,
        card: SavedCard,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        metadata: dict | None = None,
    ) -> GatewayPayment:
        """Charge a saved card without the customer (off-session). A refused card is a
        GatewayPayment with status "failed" (its reference and message); raises
        PaymentError("payment_unavailable") when the provider cannot be reached."""
