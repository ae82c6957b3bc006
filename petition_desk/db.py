"""What the project asks of the database connection beyond the ORM."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def planned_afresh() -> Iterator[None]:
    """Statements run inside are planned for the values they are given.

    With prepared statements (DB_PREPARED_STATEMENTS), PostgreSQL may settle on one plan for a
    statement, whatever its values. For a look-up by id that is the same plan every time; for the
    staff search's words it is not: a plan chosen without knowing the word would walk a common
    word's hundreds of thousands of matches. psycopg does not prepare what runs while its
    connection's prepare threshold is unset."""
    connection.ensure_connection()
    driver = connection.connection
    if not hasattr(driver, "prepare_threshold"):  # SQLite
        yield
        return
    threshold = driver.prepare_threshold
    driver.prepare_threshold = None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold
