"""Refresh tokens: each works once, even when two requests race with the same one,
and none outlives a password change.

Every token carries simplejwt's password claim (SIMPLE_JWT CHECK_REVOKE_TOKEN):
JWTAuthentication refuses an access token issued before the password changed,
and the refresh below refuses such a refresh token, so a reset or a change
ends every session an old password opened.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.utils import get_md5_hash_password


class RotatingRefreshSerializer(TokenRefreshSerializer):
    """One new pair per refresh token, by locking the token's row while rotating it.

    simplejwt checks the blacklist, then blacklists with get_or_create: two
    concurrent refreshes both pass the check and both get a pair. Here the
    second waits for the first's lock, then finds the token blacklisted.
    """

    def validate(self, attrs):
        with transaction.atomic():
            refresh = self.token_class(attrs["refresh"])
            lock_outstanding(refresh)
            refresh.check_blacklist()  # again, now that no one else is rotating it
            check_password_unchanged(refresh)
            return super().validate(attrs)


def lock_outstanding(refresh) -> None:
    """SELECT ... FOR UPDATE the token's outstanding row (recorded first if missing)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_outstanding needs a transaction")
    jti = refresh[api_settings.JTI_CLAIM]
    if not OutstandingToken.objects.select_for_update().filter(jti=jti).exists():
        refresh.outstand()
        OutstandingToken.objects.select_for_update().filter(jti=jti).exists()


def check_password_unchanged(token) -> None:
    """Refuse a token issued to a deleted account or before its password changed."""
    user_id = token.get(api_settings.USER_ID_CLAIM)
    user = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
    claim = token.get(api_settings.REVOKE_TOKEN_CLAIM)
    if user is None or claim != get_md5_hash_password(user.password):
        raise InvalidToken("The password has changed since this token was issued.")
