"""Rebuild the autocomplete and "did you mean" words of every live event.

Wagtail's `update_index` rebuilds the full-text index; run this after it when
events were changed without publishing (a bulk import, a restored database).
"""

from django.core.management.base import BaseCommand

from search.indexing import rebuild_terms


class Command(BaseCommand):
    help = "Rebuild the words search suggests (titles, cities, artists) for every live event."

    def handle(self, *args, **options):
        created = rebuild_terms()
        if options["verbosity"]:
            self.stdout.write(f"{created} search words for live events.")
