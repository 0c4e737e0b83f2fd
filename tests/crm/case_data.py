"""Orders, cases and files for the support case tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from commerce.models import Order
from commerce.services.checkout import start_checkout
from commerce.services.demo_payments import confirm_demo_payment
from commerce.services.holds import LineRequest, place_hold
from tests.commerce.payments import hold_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def paid_order(event, *, email="buyer@example.com", name="Bea Buyer", buyer=None, session="s1"):
    """A completed order, bought through the real hold, checkout and demo payment."""
    if buyer is None:
        hold = hold_for(event, 1, session_key=session)
    else:
        tier = event.tiers.first()
        hold = place_hold(event=event, lines=[LineRequest(tier.pk, 1)], buyer=buyer)
    payment = start_checkout(hold=hold, buyer_email=email, buyer_name=name)
    assert confirm_demo_payment(payment=payment, card_number="4242424242424242") == "succeeded"
    return Order.objects.get(payment=payment)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def big_pdf(megabytes: float):
    data = io.BytesIO()
    data.write(PDF)
    data.write(b"0" * int(megabytes * 1024 * 1024))
    return upload("big.pdf", data.getvalue(), "application/pdf")
