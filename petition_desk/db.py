"""What the project asks of the database connection beyond the ORM."""

import functools
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from threading import local

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import BooleanField, CharField, Field, ForeignKey, Model, TextField
from django.db.models.fields import AutoFieldMixin
from psycopg import RawCursor

# Django's own logger of the statements it sends.
logger = logging.getLogger("django.db.backends")


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


# The statements a `batched` block holds back, per thread; None outside such a block.
_held = local()


@contextmanager
def batched() -> Iterator[None]:
    """Rows that nothing is read back from (`insert_without_ids`, and `insert` of rows with their
    ids reserved) are written on PostgreSQL together, in one statement (`_together`), when the
    block ends or just before any other statement runs, so that statements still run in the order
    given. Each
    statement sent on its own is a wait for PostgreSQL's answer and a wake-up of its process: a
    registration's dozen rows cost more in those than in writing them (bench/README.md, session
    17). psycopg's pipeline mode does not save them, since it sends each statement as it is
    executed. An error in a held-back row is raised by the statement that sends it, or at the
    block's end. SQLite answers in-process: there every statement runs at once.

    Within the caller's transaction: Django commits without a statement that would send them."""
    db = connections[DEFAULT_DB_ALIAS]
    if not db.in_atomic_block:
        raise RuntimeError("batched runs inside the caller's transaction.")
    if db.vendor != "postgresql" or getattr(_held, "statements", None) is not None:
        yield
        return
    held: list[tuple[str, list]] = []

    def send_held_first(execute, sql, params, many, context):
        if sql.startswith("ROLLBACK TO SAVEPOINT"):
            # Rows held before the savepoint went when it was made: these were written inside
            # it, and are undone with it.
            held.clear()
        else:
            _send(db, held)
        return execute(sql, params, many, context)

    _held.statements = held
    try:
        with db.execute_wrapper(send_held_first):
            yield
        _send(db, held)
    finally:
        _held.statements = None


def _send(db, held: list[tuple[str, list]]) -> None:
    # In as few statements as PostgreSQL takes values for, usually one.
    while held:
        count, values = 0, 0
        while count < len(held) and (not count or values + len(held[count][1]) <= MAX_VALUES):
            values += len(held[count][1])
            count += 1
        statements, params = held[:count], [value for _, row_values in held[:count] for value in row_values]
        del held[:count]
        numbered, logged = _together(tuple(statement for statement, _ in statements))
        started = time.monotonic()
        # Raw: the statement's $1, $2, … are numbered here once per shape of registration, not
        # by psycopg for every call, which it does afresh for a statement of over 50 values.
        with db.wrap_database_errors, RawCursor(db.connection) as cursor:
            cursor.execute(numbered, params)
        if db.queries_logged:
            # Shown where Django's own cursor shows what it sends (DEBUG, CaptureQueriesContext).
            duration = time.monotonic() - started
            sql = db.ops.compose_sql(logged, params)
            db.queries_log.append({"sql": sql, "time": f"{duration:.3f}"})
            logger.debug(
                "(%.3f) %s; args=%s; alias=%s",
                duration,
                sql,
                params,
                db.alias,
                extra={"duration": duration, "sql": sql, "params": params, "alias": db.alias},
            )


# What PostgreSQL takes for one statement (its protocol counts values in 16 bits).
MAX_VALUES = 65535


@functools.lru_cache(maxsize=256)
def _together(statements: tuple[str, ...]) -> tuple[str, str]:
    """The INSERTs as one statement, each but the last in a WITH clause of its own: PostgreSQL
    parses and plans one statement instead of each of them, and, prepared (DB_PREPARED_STATEMENTS),
    not even that once a registration of the same shape has been sent five times; that parsing
    and planning was a tenth of its work for a registration. PostgreSQL runs them in an order of
    its own (the last first), on one snapshot; none reads another's rows and the foreign keys are
    checked at commit, so the rows written are those of the INSERTs one after another. Only the
    ids drawn from a sequence by different INSERTs may come in another order, and nothing orders
    by them across tables or people. Returned with $1, $2, … for the values, and with %s for the
    log."""
    *first, last = statements
    logged = (
        "".join(
            f"{'WITH' if index == 0 else ','} held_{index} AS ({statement}) "
            for index, statement in enumerate(first)
        )
        + last
    )
    parts = logged.split("%s")
    numbered = parts[0] + "".join(f"${number}{part}" for number, part in enumerate(parts[1:], start=1))
    return numbered, logged


def reserve_ids(wanted: dict[type[Model], int]) -> dict[type[Model], list[int]]:
    """Within the caller's transaction: ids for `wanted[model]` new rows of each model, in one
    statement, to be written later in it by `insert` with their ids set. Rows that refer to each
    other's ids can then be sent together in a `batched` block instead of each waiting for the
    id of the one before. Ids reserved and not used are skipped, as PostgreSQL's sequences skip
    those of rolled-back inserts."""
    db = connections[DEFAULT_DB_ALIAS]
    models = [model for model, count in wanted.items() if count]
    ids: dict[type[Model], list[int]] = {model: [] for model in wanted}
    if not models:
        return ids
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(_reservation_statement(tuple((model, wanted[model]) for model in models)))
            for index, pk in cursor.fetchall():
                ids[models[index]].append(pk)
            return ids
        # SQLite's AUTOINCREMENT never gives an id at or below the highest it has recorded in
        # sqlite_sequence: raising that record reserves the ids. Its transactions are IMMEDIATE
        # (settings): no other one writes before this one commits.
        for model in models:
            table, count = model._meta.db_table, wanted[model]
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s RETURNING seq", [count, table]
            )
            row = cursor.fetchone()
            if row is None:  # no row of the table was ever written
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, count])
            last = row[0] if row else count
            ids[model] = list(range(last - count + 1, last + 1))
    return ids


@functools.lru_cache(maxsize=64)
def _reservation_statement(wanted: tuple[tuple[type[Model], int], ...]) -> str:
    # The counts written in, not passed as values: with them unknown PostgreSQL planned the
    # prepared statement anew on every call (as intake.selectors._limit says of a LIMIT).
    sequence = "pg_get_serial_sequence('{0._meta.db_table}', '{0._meta.pk.column}')"
    return " UNION ALL ".join(
        f"SELECT {index}, nextval({sequence.format(model)}) FROM generate_series(1, {int(count)})"
        for index, (model, count) in enumerate(wanted)
    )


def insert_without_ids(objs: Sequence[Model]) -> None:
    """Write new rows as `insert` does, for rows nobody refers to afterwards: nothing is read back,
    and in a `batched` block they are sent with the block's other rows. The objects stay unsaved
    (no id)."""
    if objs:
        _write(objs, read_back=False)


def insert(objs: Sequence[Model]) -> Sequence[Model]:
    """Write new rows of one model as `bulk_create` does (defaults and `auto_now_add` filled in,
    the ids and generated columns read back, no signals), in one statement. The ORM compiles its
    INSERT anew for every call, and that compiling was a fifth of a visit's registration, which
    writes eight rows (bench/README.md, session 16); here the statement is built once per model
    and number of rows. The objects either all carry their ids (`reserve_ids`) or none does; with
    their ids, nothing but generated columns is read back, and a row without any is held back
    in a `batched` block."""
    if not objs:
        return objs
    db, rows, returned = _write(objs, read_back=True)
    if not returned:
        rows = [()] * len(objs)
    converters = [[*db.ops.get_db_converters(column), *column.get_db_converters(db)] for column in returned]
    for obj, row in zip(objs, rows, strict=True):
        for column, column_converters, value in zip(returned, converters, row, strict=True):
            for converter in column_converters:
                value = converter(value, column, db)
            setattr(obj, column.target.attname, value)
        obj._state.adding = False
        obj._state.db = db.alias
    return objs


def _write(objs: Sequence[Model], *, read_back: bool):
    # The thread's own connection, looked up once: each use of the `connection` proxy looks it up.
    db = connections[DEFAULT_DB_ALIAS]
    statement, fields, returned = _insert_statement(
        type(objs[0]), db.vendor, with_pk=objs[0].pk is not None, rows=len(objs), read_back=read_back
    )
    params = []
    for obj in objs:
        for field, attname, unchanged in fields:
            value = getattr(obj, attname)
            if type(value) not in unchanged:
                value = field.get_db_prep_save(field.pre_save(obj, True), db)
            params.append(value)
    read_back = read_back and bool(returned)
    held = getattr(_held, "statements", None)
    if held is not None and not read_back:
        held.append((statement, params))
        return db, None, returned
    with db.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall() if read_back else None
    return db, rows, returned


@functools.lru_cache(maxsize=128)
def _insert_statement(model: type[Model], vendor: str, *, with_pk: bool, rows: int, read_back: bool):
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated and (with_pk or f is not meta.pk)]
    returned = [
        field.get_col(meta.db_table)
        for field in meta.db_returning_fields
        if not (with_pk and field is meta.pk)
    ]
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    statement = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES {', '.join([row] * rows)}"
    )
    if read_back and returned:
        statement += f" RETURNING {', '.join(quote(column.target.column) for column in returned)}"
    return statement, [(field, field.attname, _saved_unchanged(field)) for field in fields], returned


_NONE = type(None)


def _saved_unchanged(field: Field) -> tuple[type, ...]:
    """The types of value that `field` saves as they are: its `pre_save` reads the attribute and
    its `get_db_prep_save` hands back a value of these types untouched (text as text, a bool, an
    id of an auto-numbered row), as Django 5.2's code shows. Preparing each value took a tenth of
    a registration, which writes some eighty. Any other field, or value, goes the ORM's way."""
    kind = type(field)
    if kind in (CharField, TextField):
        return (str, _NONE)
    if kind is BooleanField:
        return (bool, _NONE)
    if isinstance(field, AutoFieldMixin) or (
        kind is ForeignKey and isinstance(field.target_field, AutoFieldMixin)
    ):
        # An auto-numbered id is prepared by int() alone: PostgreSQL's sized integers
        # (`adapt_integerfield_value`) are made for the other integer fields only.
        return (int, _NONE)
    return ()


def columns_of(model: type[Model], alias: str) -> str:
    """The model's columns, in the order `one` reads them, of the table named `alias` in a query."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def one(model: type[Model], sql: str, params: Sequence) -> Model | None:
    """The model instance of the first row `sql` returns, which selects `columns_of(model, …)`:
    built as the ORM builds it (each column's converters, then `Model.from_db`), without a
    queryset. `Model.objects.raw` works out on every call which column is which field; for the
    signed-in user, read on every request, that took longer than the statement."""
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    names, converters = _reading(model, db)
    values = list(row)
    for index, column, column_converters in converters:
        for converter in column_converters:
            values[index] = converter(values[index], column, db)
    return model.from_db(db.alias, names, values)


@functools.lru_cache(maxsize=64)
def _reading(model: type[Model], db):
    """The field names `from_db` takes, and the converters of the columns that have any, for the
    connection `db` (a thread's own, which lives as long as the thread)."""
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        if found := [*db.ops.get_db_converters(column), *column.get_db_converters(db)]:
            converters.append((index, column, found))
    return [field.attname for field in fields], converters
