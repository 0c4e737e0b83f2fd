"""manage.py seed_catalogue --events 10000: a large multilingual catalogue for search.

See search.catalogue. Run after `migrate` (and optionally `seed_demo`); each run adds
another batch of events (different ones with another --seed).
"""

from django.core.management.base import BaseCommand, CommandError

from search.catalogue import build_catalogue


class Command(BaseCommand):
    help = "Add a large, realistic, multilingual event catalogue (real pages, indexed)."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=11)

    def handle(self, *args, events, seed, **options):
        if events < 1:
            raise CommandError("--events must be at least 1.")
        try:
            summary = build_catalogue(events=events, seed=seed, log=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Catalogue: {summary}."))
