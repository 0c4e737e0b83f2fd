"""Helper for migrations that install PostgreSQL functions (skipped on other databases)."""


def on_postgresql(*statements):
    """A RunPython callable that executes `statements` on PostgreSQL only."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                # params=None: the SQL holds literal % signs (%ROWTYPE).
                schema_editor.execute(statement, params=None)

    return run


def install_sql_core(apps, schema_editor):
    """Create or replace the functions of commerce/sql/ from their files (PostgreSQL)."""
    from commerce.services.sql_core import FUNCTIONS, definition

    on_postgresql(*(definition(name) for name in FUNCTIONS))(apps, schema_editor)
