"""Install the locked core of a hold and of a paid sale as PostgreSQL functions.

The full definitions are commerce/sql/*.sql (see commerce/services/sql_core.py for
why they exist). A later change to a .sql file needs a new migration that runs
this installer again; tests/commerce/test_sql_core.py fails until it does.
"""

from django.db import migrations

from commerce.migrations._postgresql import install_sql_core


class Migration(migrations.Migration):
    dependencies = [("commerce", "0014_one_implementation")]

    operations = [migrations.RunPython(install_sql_core, migrations.RunPython.noop)]
