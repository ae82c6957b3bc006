"""The index behind the staff search's free text (cases/search.py), on PostgreSQL only.

pg_trgm does not serve Chinese: a two-character word such as 工资 yields no trigram, so a
`LIKE '%工资%'` reads the whole trigram index and rechecks every row. Instead every two-character
piece of a case's facts and request (lower-case) goes into a GIN index on an expression, with one
key naming the case's department ("department:7", longer than any piece): a search looks up its
words' pieces, and for department staff their department's key, in the index alone, then rechecks
the words with LIKE. The index follows every write, COPY included, without a column or a trigger
to keep in step. SQLite searches with a plain scan and gets nothing here.
"""

from django.db import migrations

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION pd_case_search_keys(facts text, request text, department_id bigint)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(lower(part), i, 2)), '{}')
        || CASE WHEN department_id IS NULL THEN '{}'::text[] ELSE ARRAY['department:' || department_id] END
    FROM unnest(ARRAY[facts, request]) AS part, generate_series(1, char_length(part) - 1) AS i
$$
"""
CREATE_INDEX = (
    "CREATE INDEX case_search_keys ON cases_case "
    "USING gin (pd_case_search_keys(facts, request, department_id))"
)
DROP = [
    "DROP INDEX IF EXISTS case_search_keys",
    "DROP FUNCTION IF EXISTS pd_case_search_keys(text, text, bigint)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    # A million cases index in about 45 s with this; the default 64 MB takes longer.
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(CREATE_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0005_sign_off_queue_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
