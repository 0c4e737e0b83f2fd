"""Receivers commerce connects in CommerceConfig.ready(), and the signals commerce sends
for higher layers (the CRM opens support cases on them; commerce never imports crm)."""

from django.dispatch import Signal

from commerce.access import claim_guest_purchases

# A payment that arrived after its hold expired and could not become an order was
# refunded automatically (sent after commit; follow_up=PaymentFollowUp).
late_payment_refunded = Signal()
# Refunding such a payment failed (follow_up=PaymentFollowUp, error=the exception);
# the reconciliation sweep keeps trying, support should look at it now.
late_payment_refund_failed = Signal()


def claim_guest_purchases_on_login(sender, request, user, **kwargs):
    """A guest who signs in keeps the holds and orders of the session they had.

    Django's login() gives the session a new key (against session fixation)
    before this signal is sent; the session store remembers the key it had
    (core.sessions.RemembersPreviousKey), and only if it was a live session:
    a stale or made-up cookie claims nothing. That session already gave its
    holder the guest's holds, so handing them to the account reveals nothing
    new. Logins without a request (API tokens) have no guest session.
    """
    if request is None:
        return
    previous = getattr(request.session, "previous_key", None)
    claim_guest_purchases(session_key=previous, user=user)
