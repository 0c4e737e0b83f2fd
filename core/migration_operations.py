"""Migration operations shared by the apps."""

from django.contrib.postgres.operations import CreateExtension


class SharedExtension(CreateExtension):
    """CREATE EXTENSION IF NOT EXISTS on PostgreSQL (nothing elsewhere), never dropped
    when a migration is reversed: other apps' indexes may use the same extension
    (pg_trgm serves both the customer search and the event search)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return f"Creates extension {self.name} (kept when reversed)"
