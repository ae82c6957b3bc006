"""What the project asks of the database connection beyond the ORM."""

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model


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


def insert(objs: Sequence[Model]) -> Sequence[Model]:
    """Write new rows of one model as `bulk_create` does (defaults and `auto_now_add` filled in,
    the ids and generated columns read back, no signals), in one statement. The ORM compiles its
    INSERT anew for every call, and that compiling was a fifth of a visit's registration, which
    writes eight rows (bench/README.md, session 16); here the statement is built once per model
    and number of rows. The objects either all carry their ids or none does."""
    if not objs:
        return objs
    # The thread's own connection, looked up once: each use of the `connection` proxy looks it up.
    db = connections[DEFAULT_DB_ALIAS]
    statement, fields, returned = _insert_statement(
        type(objs[0]), db.vendor, with_pk=objs[0].pk is not None, rows=len(objs)
    )
    params = [field.get_db_prep_save(field.pre_save(obj, True), db) for obj in objs for field in fields]
    with db.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    converters = [[*db.ops.get_db_converters(column), *column.get_db_converters(db)] for column in returned]
    for obj, row in zip(objs, rows, strict=True):
        for column, column_converters, value in zip(returned, converters, row, strict=True):
            for converter in column_converters:
                value = converter(value, column, db)
            setattr(obj, column.target.attname, value)
        obj._state.adding = False
        obj._state.db = db.alias
    return objs


@functools.lru_cache(maxsize=128)
def _insert_statement(model: type[Model], vendor: str, *, with_pk: bool, rows: int):
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated and (with_pk or f is not meta.pk)]
    returned = [field.get_col(meta.db_table) for field in meta.db_returning_fields]
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    statement = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES {', '.join([row] * rows)}"
        f" RETURNING {', '.join(quote(column.target.column) for column in returned)}"
    )
    return statement, fields, returned
