"""Receivers commerce connects in CommerceConfig.ready()."""

from django.conf import settings

from commerce.access import claim_guest_purchases


def claim_guest_purchases_on_login(sender, request, user, **kwargs):
    """A guest who signs in keeps the holds and orders of the session they had.

    Django's login() gives the session a new key (against session fixation)
    before this signal is sent; the key the guest had is still the session
    cookie their browser sent with this request. Knowing it already gave its
    holder the guest's holds, so handing them to the account reveals nothing
    new. Logins without a request (API tokens) have no guest session.
    """
    if request is None:
        return
    previous = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    claim_guest_purchases(session_key=previous, user=user)
