"""Indexes for the customer search (crm.customer_search), on PostgreSQL only.

The search's substring and prefix lookups are Django's icontains/istartswith,
which PostgreSQL runs as `UPPER(column::text) LIKE UPPER(%s)`: GIN trigram
indexes (pg_trgm) on exactly those expressions answer them without reading the
table. Cases are found by the customer's email without case. SQLite needs none.
"""

from django.db import migrations

from core.migration_operations import SharedExtension

INDEXES = {
    "crm_order_buyer_email_trgm": "commerce_order USING gin (UPPER(buyer_email) gin_trgm_ops)",
    "crm_order_buyer_name_trgm": "commerce_order USING gin (UPPER(buyer_name) gin_trgm_ops)",
    "crm_user_email_trgm": "accounts_user USING gin (UPPER(email) gin_trgm_ops)",
    "crm_user_name_trgm": "accounts_user USING gin (UPPER(name) gin_trgm_ops)",
    "crm_case_customer_email_lower": "crm_supportcase (LOWER(customer_email))",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    # CONCURRENTLY: building the indexes does not stop sales on a large orders table
    # (PostgreSQL refuses it inside a transaction, hence not atomic).
    atomic = False
    dependencies = [
        ("crm", "0003_support_role_permissions"),
        ("commerce", "0018_refunds_and_ticket_states"),
        ("accounts", "0006_user_phone"),
    ]

    operations = [
        # Does nothing on other databases (CreateExtension checks the vendor itself).
        SharedExtension("pg_trgm"),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
