"""pg_trgm for "did you mean" (trigram similarity) and a GIN trigram index on the folded
words, so autocomplete's substring lookups (`folded LIKE '%kol%'`) need no table scan.
PostgreSQL only; SQLite needs none (search.suggestions uses difflib there)."""

from django.db import migrations

from core.migration_operations import SharedExtension

INDEX = "search_term_folded_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON search_suggestionterm "
            "USING gin (folded gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_suggestion_terms")]

    operations = [
        # Does nothing on other databases (CreateExtension checks the vendor itself).
        SharedExtension("pg_trgm"),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
