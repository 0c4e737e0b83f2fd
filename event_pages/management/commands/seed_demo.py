"""python manage.py seed_demo — demo organizations, events, translations and logins.

Idempotent: a second run finds everything by slug, name or email and changes nothing.
"""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from event_pages.demo import build, data


class Command(BaseCommand):
    help = "Load the demo data (two organizations, a dozen events, one login per role)."

    def handle(self, *args, **options):
        module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if module.endswith("production") or getattr(settings, "IS_PRODUCTION", False):
            raise CommandError(
                "seed_demo refuses to run with production settings: it creates demo logins "
                "with a published password."
            )
        started = time.monotonic()
        with transaction.atomic():
            categories, venues = build.build_snippets()
            organizations = build.build_organizations()
            events = build.build_events(organizations, categories, venues)
        translated = build.build_translations(organizations, events)
        with transaction.atomic():
            created = build.build_users(organizations)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {time.monotonic() - started:.1f}s: {len(organizations)} "
                f"organizations, {len(events)} events, {translated} new translations, "
                f"{len(created)} new users."
            )
        )
        self.stdout.write(f"Demo logins (password: {data.PASSWORD}):")
        for email, _name, role, _superuser in data.USERS:
            self.stdout.write(f"  {email:<26} {role or 'attendee'}")
