"""Create a fresh published event for the on-sale benchmark and print its id."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from event_pages.models import EventIndexPage, EventPage, TicketTier


class Command(BaseCommand):
    help = "Create a published benchmark event with one big tier; prints the event id."

    def add_arguments(self, parser):
        parser.add_argument("--capacity", type=int, default=2000)

    def handle(self, *args, capacity, **options):
        organization = EventIndexPage.objects.filter(locale__language_code="en").first()
        if organization is None:
            self.stderr.write("No organization: run `manage.py seed_demo` first.")
            return
        starts = timezone.now() + dt.timedelta(days=60)
        event = EventPage(
            title=f"On-sale benchmark {timezone.now():%H%M%S}",
            starts_at=starts,
            time_zone="Europe/Berlin",
            total_capacity=capacity,
            live=False,
        )
        event.tiers.add(TicketTier(name="General", price_minor=4900, currency="EUR"))
        event.tiers.add(
            TicketTier(name="Front", price_minor=8900, currency="EUR", allocation=capacity // 4)
        )
        organization.add_child(instance=event)
        event.save_revision().publish()
        self.stdout.write(str(event.pk))
