"""Configuration comes from the environment, with embedded defaults (DESIGN.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], "
    "'cache': s.CACHES['default']['BACKEND'], 'q': sorted(k for k in ('redis', 'orm') "
    "if k in s.Q_CLUSTER), 'gateway': s.PAYMENT_GATEWAY, 'storage': "
    "s.STORAGES['default']['BACKEND'], 'email': s.EMAIL_BACKEND}))"
)
CLEARED = ("DATABASE_URL", "REDIS_URL", "STRIPE_SECRET_KEY", "AWS_STORAGE_BUCKET_NAME", "EMAIL_URL")


def settings_with(**env):
    base = {k: v for k, v in os.environ.items() if k not in CLEARED}
    base["DJANGO_SETTINGS_MODULE"] = env.pop("module", "bilten.settings.dev")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result


def test_without_any_variable_the_embedded_defaults_are_used():
    values = json.loads(settings_with().stdout)
    assert values == {
        "db": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "q": ["orm"],
        "gateway": "demo",
        "storage": "django.core.files.storage.FileSystemStorage",
        "email": "django.core.mail.backends.console.EmailBackend",
    }


def test_production_services_are_switched_on_by_their_variables():
    values = json.loads(
        settings_with(
            DATABASE_URL="postgres://u:p@db.internal:5432/bilten",
            REDIS_URL="redis://cache.internal:6379/0",
            STRIPE_SECRET_KEY="sk_test_x",
            AWS_STORAGE_BUCKET_NAME="media",
            EMAIL_URL="smtp://mailer:secret@smtp.internal:587?tls=1",
        ).stdout
    )
    assert values == {
        "db": "django.db.backends.postgresql",
        "cache": "core.redis_cache.ResilientRedisCache",
        "q": ["redis"],
        "gateway": "stripe",
        "storage": "storages.backends.s3.S3Storage",
        "email": "django.core.mail.backends.smtp.EmailBackend",
    }


def test_production_settings_refuse_to_start_without_secrets():
    result = settings_with(module="bilten.settings.production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_without_ticket_credential_keys():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bilten.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "TICKET_SECRET_KEY": "y",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/bilten",
    }
    env.pop("FULFILMENT_ENCRYPTION_KEYS", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "FULFILMENT_ENCRYPTION_KEYS must be set in production" in result.stderr
