from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False

for _name in (
    "DJANGO_SECRET_KEY",
    "TICKET_SECRET_KEY",
    "FULFILMENT_ENCRYPTION_KEYS",
    "DATABASE_URL",
):
    if not env(_name):  # noqa: F405
        raise ImproperlyConfigured(f"{_name} must be set in production")

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
# HTTPS: the TLS-terminating proxy says which scheme the client used in this header
# (SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto; empty when the app itself serves TLS).
_ssl_header = env("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")  # noqa: F405
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _ssl_header.upper().replace("-", "_"), "https") if _ssl_header else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
# The health check answers the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)  # noqa: F405
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)  # noqa: F405
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)  # noqa: F405
IS_PRODUCTION = True
