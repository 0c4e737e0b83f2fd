"""The order search indexes also serve an organizer's search (PostgreSQL only).

An organizer searches only their own events' orders (`event_key IN ...`). With the
trigram index on the name alone, PostgreSQL preferred the event_key index and read
every order of a large organization (100 ms at 50,000 orders); a GIN index on
(event_key, UPPER(column) gin_trgm_ops) answers both conditions at once, and, being
GIN, any one of them too, so it replaces the single-column one for Support as well.
btree_gin gives GIN its equality operators for the uuid column.
"""

from django.db import migrations

from core.migration_operations import SharedExtension

REPLACED = ["crm_order_buyer_email_trgm", "crm_order_buyer_name_trgm"]
INDEXES = {
    "crm_order_event_buyer_email_trgm": (
        "commerce_order USING gin (event_key, UPPER(buyer_email) gin_trgm_ops)"
    ),
    "crm_order_event_buyer_name_trgm": (
        "commerce_order USING gin (event_key, UPPER(buyer_name) gin_trgm_ops)"
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")
    for name in REPLACED:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def restore_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in zip(REPLACED, ["buyer_email", "buyer_name"], strict=True):
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON commerce_order "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    # CONCURRENTLY: building the indexes does not stop sales on a large orders table
    # (PostgreSQL refuses it inside a transaction, hence not atomic).
    atomic = False
    dependencies = [("crm", "0004_customer_search_indexes")]

    operations = [
        # Does nothing on other databases (CreateExtension checks the vendor itself).
        SharedExtension("btree_gin"),
        migrations.RunPython(create_indexes, restore_indexes, elidable=False),
    ]
