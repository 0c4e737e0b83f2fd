"""python manage.py seed_demo — demo organizations, events, German pages, one login per role
and, when the sales app is installed, weeks of orders (commerce.demo.sales, through the slot),
then the demo steps other apps add to the slot (fulfilment's pre-order event).

Idempotent: a second run finds everything by slug, name or email and changes
nothing. Refuses to run with production settings, because it creates logins
with a published password.
"""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from event_pages import sales
from event_pages.demo import data
from event_pages.demo.build import DemoSiteError, seed_demo_site


def unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def production_settings_in_use() -> bool:
    modules = (os.environ.get("DJANGO_SETTINGS_MODULE", ""), settings.SETTINGS_MODULE or "")
    return any(m.endswith("production") for m in modules) or getattr(
        settings, "IS_PRODUCTION", False
    )


class Command(BaseCommand):
    help = "Load the demo site: two organizations, a dozen events, German pages, demo logins."

    def handle(self, *args, **options):
        if production_settings_in_use():
            raise CommandError(
                "seed_demo refuses to run with production settings "
                f"({os.environ.get('DJANGO_SETTINGS_MODULE') or settings.SETTINGS_MODULE}): "
                f"it creates demo logins whose password ({data.PASSWORD!r}) is public. "
                "Use bilten.settings.dev or bilten.settings.test."
            )
        if pending := unapplied_migrations():
            raise CommandError(
                f"The database is missing {len(pending)} migrations "
                f"(first: {pending[0]}): run `python manage.py migrate` first."
            )
        started = time.monotonic()
        try:
            report = seed_demo_site()
        except DemoSiteError as error:
            raise CommandError(str(error)) from error
        sales_history = None
        if sales.slot.seed_demo_sales is not None:  # commerce buys the demo's orders
            sales_history = sales.slot.seed_demo_sales(events=report.events)
            report.created.update(sales_history.created)
        extras = [step(events=report.events) for step in sales.slot.seed_demo_steps]
        for extra in extras:  # e.g. fulfilment's pre-order event
            report.created.update(extra.created)
        elapsed = time.monotonic() - started

        created = ", ".join(f"{n} {what}" for what, n in sorted(report.created.items()) if n)
        live = sum(1 for event in report.events if event.live)
        self.stdout.write(
            self.style.SUCCESS(f"Demo site ready in {elapsed:.1f}s ")
            + f"({created or 'nothing new: everything was already there'})."
        )
        self.stdout.write(
            f"  {len(data.ORGANIZATIONS)} organizations, {len(report.events)} events "
            f"({live} published, {len(report.events) - live} draft), "
            f"{sum(e.german for e in data.EVENTS)} events in German, "
            f"{sum(e.french for e in data.EVENTS)} in French."
        )
        if sales_history is not None:
            for line in sales_history.summary:
                self.stdout.write(line)
        for extra in extras:
            for line in extra.summary:
                self.stdout.write(line)
        if report.missing_german:
            self.stdout.write(
                self.style.WARNING(
                    f"  No German text yet for {len(report.missing_german)} strings "
                    "(English kept; add them to event_pages/demo/data.py GERMAN):"
                )
            )
            for text in sorted(report.missing_german):
                self.stdout.write(f"    {text[:90]}")
        if report.missing_french:
            self.stdout.write(
                self.style.WARNING(
                    f"  No French text yet for {len(report.missing_french)} strings "
                    "(English kept; add them to event_pages/demo/french.py FRENCH):"
                )
            )
            for text in sorted(report.missing_french):
                self.stdout.write(f"    {text[:90]}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {data.PASSWORD}), admin at /admin/:")
        for user in data.USERS:
            self.stdout.write(f"  {user.email:<24} {user.name:<16} {user.description}")
        for email, name, description in sales_history.logins if sales_history else ():
            self.stdout.write(f"  {email:<24} {name:<16} {description}")
        for extra in extras:
            for email, name, description in extra.logins:
                self.stdout.write(f"  {email:<24} {name:<16} {description}")
