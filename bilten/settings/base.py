"""Settings shared by every environment.

All reading of the environment happens here (12-factor). Every variable is
optional: without any of them Bilten runs on its embedded defaults (SQLite,
local-memory cache, the django-q2 ORM broker, local media files, console email
and the demo payment gateway). See the configuration table in README.md.
"""

import base64
import datetime as dt
import hashlib
import ipaddress
import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import dj_database_url
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "bilten"


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-insecure-bilten-secret-key-change-me-in-production")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "core",
    "accounts",
    "event_pages",
    "commerce",
    "fulfilment",
    "crm",
    "search",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.wagtail_users.BiltenUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "import_export",
    "django_q",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The client's address for audit entries written away from the view (role changes).
    "core.client_address.ClientAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.security_headers.ContentSecurityPolicyMiddleware",
    "core.security_headers.PermissionsPolicyMiddleware",
    "core.middleware.DatabaseBusyMiddleware",
    # A publishing refusal is a message beside the page, never a 500 (the API has its own).
    "event_pages.middleware.PublishRefusalMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Must be last: turns lockouts into the friendly lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bilten.urls"
WSGI_APPLICATION = "bilten.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "core.context_processors.site_context",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        # A `SELECT 1` before each request's first query costs a round trip on every
        # request; off by default (a connection broken by a database restart fails
        # one request and is then replaced). DB_HEALTH_CHECKS=1 switches it on.
        conn_health_checks=env("DB_HEALTH_CHECKS", "0") == "1",
    )
}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if IS_POSTGRES:
    # A stalled database answers "busy, try again" (503) instead of a worker timeout:
    # every statement and lock wait is bounded (core/database.py). 0 switches one off
    # (e.g. DB_STATEMENT_TIMEOUT_MS=0 for a long migration on a large table).
    from core.database import session_timeouts  # noqa: E402

    DATABASES["default"].setdefault("OPTIONS", {})["options"] = session_timeouts(
        statement_ms=int(env("DB_STATEMENT_TIMEOUT_MS", "15000")),
        lock_ms=int(env("DB_LOCK_TIMEOUT_MS", "5000")),
    )
if not IS_POSTGRES:
    # SQLite: wait for the writer instead of failing at once (dev server + worker), and
    # take the write lock when a transaction begins (IMMEDIATE), so counting then
    # writing (a buyer's open holds) cannot race: SQLite's one writer at a time.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, queue ---------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # Sessions live in Redis (persist it in production): no database round
    # trips per request, and guest buyers cost no session row. While Redis is
    # unreachable the cache answers misses and sessions fall back to the
    # database (core/redis_cache.py, core/sessions.py): pages keep serving.
    SESSION_ENGINE = "core.sessions"
    REDIS_TIMEOUT = float(env("REDIS_TIMEOUT", "0.5"))  # seconds, per connect and per call
    CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bilten",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    SESSION_ENGINE = "core.database_sessions"  # Django's, remembering the key before login
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

Q_CLUSTER = {
    "name": "bilten",
    "workers": int(env("Q_WORKERS", "2")),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 5,
    "catch_up": False,
    "label": "Background tasks",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
    # An enqueue Redis cannot take is logged, not raised to the buyer (core/queue.py).
    Q_CLUSTER["broker_class"] = "core.queue.ResilientRedisBroker"
else:
    Q_CLUSTER["orm"] = "default"

# --- Auth ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login brute-force protection (django-axes): lock an email + address pair
# after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = int(env("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.axes_identity.username_from_credentials"
# The same client address as every rate limit (X-Forwarded-For only from TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_ip_for_axes"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# --- Internationalization --------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
# A page submitted for translation stays a draft until its translation is published
# (wagtail-localize would otherwise publish the untranslated copy at once).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "var" / "media"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)
    AWS_S3_FILE_OVERWRITE = False

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# django-import-export's own formats drop a leading "=" on export (4.4: Format.export_data).
# The check-in list goes through commerce.exports, which neutralises = + - @ itself.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True


# --- Email -------------------------------------------------------------------
def _email_settings(url: str) -> dict:
    """Map EMAIL_URL (smtp://user:pass@host:587?tls=1, console:, file:/path) to settings."""
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parsed.path or str(BASE_DIR / "var" / "mail"),
        }
    if parsed.scheme in {"smtp", "smtps"}:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": parsed.username or "",
            "EMAIL_HOST_PASSWORD": parsed.password or "",
            "EMAIL_USE_SSL": parsed.scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
        }
    if parsed.scheme in {"postmark", "sendgrid"}:
        return {"EMAIL_BACKEND": f"anymail.backends.{parsed.scheme}.EmailBackend"}
    raise ValueError(f"EMAIL_URL: unsupported scheme {parsed.scheme!r}")


globals().update(_email_settings(env("EMAIL_URL")))
ANYMAIL = {
    "POSTMARK_SERVER_TOKEN": env("POSTMARK_SERVER_TOKEN"),
    "SENDGRID_API_KEY": env("SENDGRID_API_KEY"),
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Bilten <tickets@bilten.example>")
# A mail server that hangs fails the send after this many seconds (the sweep retries),
# instead of holding a worker until django-q's task timeout.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "20"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Payments ----------------------------------------------------------------
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env("STRIPE_API_BASE")  # tests point this at a local fake
PAYMENT_GATEWAY = "stripe" if STRIPE_SECRET_KEY else "demo"
# The demo gateway signs its webhook-shaped events like Stripe does, with this secret.
DEMO_WEBHOOK_SECRET = "whsec_demo_" + hashlib.sha256(f"demo:{SECRET_KEY}".encode()).hexdigest()

# --- Tickets -------------------------------------------------------------------
# Signs QR tickets and encrypts ticket credentials. Derived from SECRET_KEY in
# development; production.py refuses to start without it.
TICKET_SECRET_KEY = (
    env("TICKET_SECRET_KEY") or hashlib.sha256(f"bilten-ticket:{SECRET_KEY}".encode()).hexdigest()
)


# --- Pre-order fulfilment ------------------------------------------------------
def _encryption_keys(value: str) -> list[tuple[str, bytes]]:
    """Parse "new-id:base64key,old-id:base64key" into [(id, 32 bytes)]; the first encrypts."""
    keys = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        key_id, _, encoded = item.partition(":")
        key = base64.b64decode(encoded)
        if not key_id or len(key) != 32:
            raise ValueError("FULFILMENT_ENCRYPTION_KEYS: each item is id:base64(32 bytes)")
        keys.append((key_id, key))
    return keys


# Encrypts ticket credentials (AES-256-GCM). Derived from SECRET_KEY in development;
# production.py refuses to start without it. Rotate by putting a new key first.
FULFILMENT_ENCRYPTION_KEYS = _encryption_keys(env("FULFILMENT_ENCRYPTION_KEYS")) or [
    ("dev", hashlib.sha256(f"bilten-credentials:{SECRET_KEY}".encode()).digest())
]

# Who may read /metrics without a Platform admin session (CIDRs, comma-separated).
METRICS_ALLOWED_NETWORKS = [
    str(ipaddress.ip_network(cidr.strip(), strict=False))
    for cidr in env("METRICS_ALLOWED_NETWORKS", "127.0.0.1/32").split(",")
    if cidr.strip()
]

# Pre-orders are captured off-session once a week (day 0 = Monday ... 6 = Sunday, at
# this time in this zone); a refused card is retried every PRE_ORDER_RETRY_HOURS, up to
# PRE_ORDER_CAPTURE_RETRIES more times, before the pre-order fails.
PRE_ORDER_CAPTURE_DAY = int(env("PRE_ORDER_CAPTURE_DAY", "1"))
PRE_ORDER_CAPTURE_TIME = env("PRE_ORDER_CAPTURE_TIME", "19:00")
PRE_ORDER_CAPTURE_TIME_ZONE = env("PRE_ORDER_CAPTURE_TIME_ZONE", "Europe/Berlin")
PRE_ORDER_CAPTURE_RETRIES = int(env("PRE_ORDER_CAPTURE_RETRIES", "3"))
PRE_ORDER_RETRY_HOURS = int(env("PRE_ORDER_RETRY_HOURS", "24"))

# The fulfilment dashboard's figures across every event (whole-table counts) are
# cached this long; one event's or one organization's are always counted afresh.
FULFILMENT_DASHBOARD_CACHE_SECONDS = int(env("FULFILMENT_DASHBOARD_CACHE_SECONDS", "15"))

# --- Search ------------------------------------------------------------------
SEARCH_BACKEND = env("SEARCH_BACKEND", "database")
if SEARCH_BACKEND == "database":
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
else:
    # e.g. SEARCH_BACKEND=https://search.internal:9200 (OpenSearch 2)
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.opensearch2",
            "URLS": [SEARCH_BACKEND],
            "INDEX": "bilten",
        }
    }

# --- Wagtail -------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Bilten"
# Wagtail's background autosave is off: saving an event in the background while the
# organizer saves it too wrote its new ticket tiers twice, and a "new event" the
# organizer abandoned stayed behind as a draft that took the address (slug) on the
# next try. Tiers are unique per event in the database as well (event_pages 0006).
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "webp", "gif": "webp", "jpeg": "webp", "png": "webp"}
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt", "xlsx"]
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party requests from the admin
WAGTAIL_ENABLE_UPDATE_CHECK = False  # (nor this one; the admin's policy would refuse it)

# --- REST API ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.api_exception_handler",
    # Bounded in size (DATA_UPLOAD_MAX_MEMORY_SIZE) and JSON nesting: bad input is a 4xx.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "core.api.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bilten API",
    "VERSION": "1.0.0",
    # Only REST API v1 is published, not the Wagtail admin's internal APIs.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["core.api.schema.public_api_only"],
    "SERVE_INCLUDE_SCHEMA": False,
    # One name per status enum used in several answers (the support API's orders, tickets,
    # refunds and cases), instead of hashed names and a warning.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "commerce.models.OrderStatus",
        "TicketStatusEnum": "commerce.models.TicketStatus",
        "RefundStatusEnum": "commerce.models.RefundStatus",
        "CaseStatusEnum": "crm.models.CaseStatus",
    },
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": dt.timedelta(minutes=int(env("JWT_ACCESS_MINUTES", "15"))),
    "REFRESH_TOKEN_LIFETIME": dt.timedelta(days=int(env("JWT_REFRESH_DAYS", "14"))),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    # Tokens carry a hash of the password hash: a password reset or change ends them
    # (access: JWTAuthentication; refresh: accounts.api.tokens).
    "CHECK_REVOKE_TOKEN": True,
    "UPDATE_LAST_LOGIN": False,
    "USER_ID_FIELD": "id",
    "SIGNING_KEY": env("JWT_SIGNING_KEY") or SECRET_KEY,
}

# Rate limits: "<count>/<period>" per client; RATE_LIMITS=off switches them off
# (load tests only).
RATE_LIMITS_ENABLED = env("RATE_LIMITS", "on").lower() not in {"off", "0", "false"}
RATE_LIMITS = {
    "holds": env("RATE_LIMIT_HOLDS", "20/min"),
    "register": env("RATE_LIMIT_REGISTER", "10/hour"),
    "login": env("RATE_LIMIT_LOGIN", "20/min"),
    # The web forms count apart from the API, at the same rates.
    "web_signup": env("RATE_LIMIT_REGISTER", "10/hour"),
    "web_login": env("RATE_LIMIT_LOGIN", "20/min"),
    # Reset emails: per client address, and per email address asked for.
    "password_reset": env("RATE_LIMIT_PASSWORD_RESET", "10/hour"),
    "password_reset_email": env("RATE_LIMIT_PASSWORD_RESET_EMAIL", "3/hour"),
    # "Find your order": per client address, and links emailed per address asked for.
    "order_lookup": env("RATE_LIMIT_ORDER_LOOKUP", "10/hour"),
    "order_lookup_email": env("RATE_LIMIT_ORDER_LOOKUP_EMAIL", "3/hour"),
    # An attendee's refund requests (API), per account.
    "refund_request": env("RATE_LIMIT_REFUND_REQUEST", "10/hour"),
    # The support contact form (and "Get help with this order"): per client address and per email.
    "support_contact": env("RATE_LIMIT_SUPPORT_CONTACT", "10/hour"),
    "support_contact_email": env("RATE_LIMIT_SUPPORT_CONTACT_EMAIL", "5/hour"),
}
# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
# Empty: the connecting address (REMOTE_ADDR) is the client.
TRUSTED_PROXIES = [p.strip() for p in env("TRUSTED_PROXIES").split(",") if p.strip()]

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Wagtail's preview panel allows its own frame (xframe_options_sameorigin_override).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp; core/security_headers.py). Public pages:
# scripts and styles from this site only, inline <script> only with the request's
# nonce ({{ request.csp_nonce }}), no inline style="" at all; Stripe and the video
# hosts are the only third parties. CSP_REPORT_ONLY=1 sends it as a report-only
# policy while trying a change; CSP_REPORT_URI collects violation reports.
_MEDIA_HOSTS = [
    f"https://{host}"
    for host in (env("AWS_S3_CUSTOM_DOMAIN"), urlparse(env("AWS_S3_ENDPOINT_URL")).netloc)
    if host
]
_CSP_REPORT_URI = [env("CSP_REPORT_URI")] if env("CSP_REPORT_URI") else None
_STRIPE_JS = "https://js.stripe.com"
_PUBLIC_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE, _STRIPE_JS],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:", *_MEDIA_HOSTS],
        "font-src": ["'self'"],
        "connect-src": ["'self'", "https://api.stripe.com"],
        "frame-src": [
            _STRIPE_JS,
            "https://hooks.stripe.com",
            "https://www.youtube.com",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
            *[h for h in env("CSP_FRAME_SRC").split(",") if h],
        ],
        "media-src": ["'self'", *_MEDIA_HOSTS],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": _CSP_REPORT_URI,
    }
}
if env_bool("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _PUBLIC_CSP
else:
    CONTENT_SECURITY_POLICY = _PUBLIC_CSP
# The Wagtail admin runs inline scripts and styles of its own: same origin only, inline
# allowed, framed only by itself (the preview panel).
ADMIN_PATH_PREFIXES = ["/admin/"]
ADMIN_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", *_MEDIA_HOSTS],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'", *_PUBLIC_CSP["DIRECTIVES"]["frame-src"]],
    "media-src": ["'self'", "blob:", *_MEDIA_HOSTS],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
    "report-uri": _CSP_REPORT_URI,
}
# Permissions-Policy: browser features no page here needs are off; payment only for
# this site and Stripe's frames (wallets in the Payment Element).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "usb": [],
    "payment": ["self", f'"{_STRIPE_JS}"'],
}

# --- Sales -------------------------------------------------------------------------
HOLD_MINUTES = int(env("HOLD_MINUTES", "15"))
# An exchange into a dearer tier waits this long for the customer to pay the difference.
EXCHANGE_PAYMENT_HOURS = int(env("EXCHANGE_PAYMENT_HOURS", "48"))
MAX_TICKETS_PER_ORDER = int(env("MAX_TICKETS_PER_ORDER", "10"))
MAX_ACTIVE_HOLDS_PER_BUYER = int(env("MAX_ACTIVE_HOLDS_PER_BUYER", "3"))
# Tickets one client (account, else address) may hold of one event within HOLD_MINUTES.
MAX_TICKETS_HELD_PER_ADDRESS = int(env("MAX_TICKETS_HELD_PER_ADDRESS", "20"))
# A payment still pending this long after its last change is asked of the gateway
# and settled (commerce.tasks.reconcile_payments, every 2 minutes); one whose hold
# expired PAYMENT_ABANDON_AFTER_MINUTES ago and was never paid is cancelled there.
# PostgreSQL: the locked core of a hold and of a paid sale as one function call each
# (commerce/services/sql_core.py); off runs the Python path there too (CI does both).
COMMERCE_SQL_CORE = env_bool("COMMERCE_SQL_CORE", True)
PAYMENT_RECONCILE_AFTER_MINUTES = int(env("PAYMENT_RECONCILE_AFTER_MINUTES", "3"))
PAYMENT_ABANDON_AFTER_MINUTES = int(env("PAYMENT_ABANDON_AFTER_MINUTES", "60"))
