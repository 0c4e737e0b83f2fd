"""Helper for migrations that install PostgreSQL functions (skipped on other databases)."""


def on_postgresql(*statements):
    """A RunPython callable that executes `statements` on PostgreSQL only."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                # params=None: the SQL holds literal % signs (%ROWTYPE).
                schema_editor.execute(statement, params=None)

    return run
