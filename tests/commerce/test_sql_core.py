"""The PostgreSQL functions in the database are exactly the files in commerce/sql/."""

import re

import pytest
from django.db import connection

from commerce.services.sql_core import FUNCTIONS, definition
from tests.conftest import requires_postgres

pytestmark = [pytest.mark.django_db, requires_postgres]


def body(sql: str) -> str:
    return re.search(r"AS \$\$(.*)\$\$;", sql, re.S).group(1)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_installed_function_is_the_file(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])
        installed = [row[0] for row in cursor.fetchall()]
    assert installed == [body(definition(name))], (
        f"{name} in the database differs from commerce/sql/{name}.sql: "
        "add a migration that runs install_sql_core"
    )


def test_every_file_is_installed_by_the_seam():
    from commerce.services.sql_core import SQL_DIR

    assert {path.stem for path in SQL_DIR.glob("*.sql")} == set(FUNCTIONS)
