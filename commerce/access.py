"""Who may see a hold, a payment, an order or a ticket: only the person who made it.

A signed-in buyer owns what carries their user id; a guest owns what was made
in their browser session. Everyone else gets a 404, never a hint.
"""

from django.db.models import Q
from django.http import Http404

from commerce.models import Hold, Order, Ticket


def session_key_of(request) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def owner_filter(request, *, prefix: str = "") -> Q:
    """Q matching holds (or, with prefix "hold__", orders) made by this visitor."""
    mine = Q(pk__in=[])
    if request.user.is_authenticated:
        mine |= Q(**{f"{prefix}buyer_id": request.user.pk})
    session = request.session.session_key
    if session:
        mine |= Q(**{f"{prefix}session_key": session, f"{prefix}buyer__isnull": True})
    return mine


def made_by(request, hold: Hold) -> bool:
    """The same rule as owner_filter, for a hold already in hand."""
    if request.user.is_authenticated and hold.buyer_id == request.user.pk:
        return True
    session = request.session.session_key
    return bool(session) and hold.buyer_id is None and hold.session_key == session


def owned_hold(request, hold_id) -> Hold:
    hold = Hold.objects.filter(owner_filter(request), pk=hold_id).first()
    if hold is None:
        raise Http404
    return hold


def owned_orders(request):
    """Orders of this visitor: placed with their account, or as a guest in this session.

    Never matched by email address alone: typing someone's email at checkout
    must not reveal their orders.
    """
    mine = owner_filter(request, prefix="hold__")
    if request.user.is_authenticated:
        mine |= Q(buyer_id=request.user.pk)
    return Order.objects.filter(mine).distinct()


def owned_order(request, number) -> Order:
    order = owned_orders(request).filter(number=number).first()
    if order is None:
        raise Http404
    return order


def owned_ticket(request, code) -> Ticket:
    ticket = Ticket.objects.filter(order__in=owned_orders(request), code=code).first()
    if ticket is None:
        raise Http404
    return ticket


def claim_guest_purchases(*, session_key: str, user) -> int:
    """Give a guest's holds and orders made in session `session_key` to `user`; returns how many.

    Only what no account owns yet (buyer is null). Called when the guest signs
    in: signing in gives them a new session key, which would otherwise leave
    their hold and order behind in the old one.
    """
    if not session_key or user is None or not user.pk:
        return 0
    holds = Hold.objects.filter(session_key=session_key, buyer__isnull=True)
    orders = Order.objects.filter(hold__session_key=session_key, buyer__isnull=True)
    return orders.update(buyer=user) + holds.update(buyer=user)
