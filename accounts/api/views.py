"""POST /api/v1/auth/register/, /auth/token/, /auth/token/refresh/."""

from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_cool_off
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext, ngettext
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import exceptions as jwt_exceptions
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts.api.tokens import RotatingRefreshSerializer
from accounts.models import User
from accounts.templatetags.account_tags import whole_minutes
from core.throttles import LoginLimit, RegisterLimit


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    name = serializers.CharField(max_length=150)

    def validate_email(self, value):
        value = value.strip().lower()
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError("An account with this email already exists.")
        return value

    def validate(self, attrs):
        candidate = User(email=attrs["email"], name=attrs["name"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from error
        return attrs


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [RegisterLimit]
    serializer_class = RegisterSerializer

    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = User.objects.create_user(**serializer.validated_data)
        return Response(
            {"id": user.pk, "email": user.email, "name": user.name}, status=status.HTTP_201_CREATED
        )


def lockout_message(request) -> str:
    """The wait axes imposes (AXES_COOLOFF_MINUTES), rounded up as the lockout page shows it."""
    cool_off = get_cool_off(request)
    if not cool_off:
        return gettext("Too many failed login attempts. Reset your password to sign in again.")
    minutes = whole_minutes(cool_off)
    return ngettext(
        "Too many failed login attempts. Try again in %(minutes)d minute.",
        "Too many failed login attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class TokenView(TokenObtainPairView):
    """{email, password} -> {access, refresh}; wrong credentials answer 401."""

    throttle_classes = [LoginLimit]

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except AxesBackendPermissionDenied:
            return self._locked_out(request)
        except (drf_exceptions.AuthenticationFailed, jwt_exceptions.InvalidToken):
            # Django's authenticate() swallows the lockout (a PermissionDenied from the
            # axes backend) and answers "no user"; axes marks the request it was given,
            # which here is DRF's wrapper.
            if getattr(request, "axes_locked_out", False):
                return self._locked_out(request)
            return Response(
                {
                    "error": "invalid_credentials",
                    "detail": "That email and password do not match an account.",
                },
                status=status.HTTP_401_UNAUTHORIZED,
            )

    @staticmethod
    def _locked_out(request) -> Response:
        return Response(
            {"error": "locked_out", "detail": lockout_message(request)},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
        )

    def handle_exception(self, exc):
        if isinstance(exc, drf_exceptions.AuthenticationFailed):
            return Response(
                {
                    "error": "invalid_credentials",
                    "detail": "That email and password do not match an account.",
                },
                status=status.HTTP_401_UNAUTHORIZED,
            )
        return super().handle_exception(exc)


class RefreshView(TokenRefreshView):
    """Rotating refresh: each refresh token works once, then it is blacklisted."""

    throttle_classes = [LoginLimit]
    serializer_class = RotatingRefreshSerializer

    def handle_exception(self, exc):
        if isinstance(exc, (jwt_exceptions.InvalidToken, jwt_exceptions.TokenError)):
            return Response(
                {"error": "invalid_token", "detail": "This refresh token is no longer valid."},
                status=status.HTTP_401_UNAUTHORIZED,
            )
        return super().handle_exception(exc)
