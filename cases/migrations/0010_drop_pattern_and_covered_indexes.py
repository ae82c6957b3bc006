"""Drop four indexes nothing reads, each written with every new case (and the status's at every
step of a case): 90 MB on a million cases.

- `…_like` on the case number, the tracking code and the status: PostgreSQL gets one for every
  indexed text column from Django, for LIKE 'prefix%' queries. None is made on these columns:
  they are found by equality, which their unique constraint or plain index serves.
- The case–petitioner table's index on case_id: its unique (case_id, petitioner_id) index leads
  with the same column and serves every query on it.

Only the database changes: Django derives these indexes from the fields and does not record
them in its model state (an AlterField that later adds an index to one of these columns would
bring back its `_like` index, which can be dropped again)."""

from django.db import migrations

POSTGRESQL_ONLY = {
    "cases_case_number_980c9551_like": "cases_case (number varchar_pattern_ops)",
    "cases_case_tracking_code_86c901a2_like": "cases_case (tracking_code varchar_pattern_ops)",
    "cases_case_status_95787cb3_like": "cases_case (status varchar_pattern_ops)",
}
EVERYWHERE = {
    "cases_case_petitioners_case_id_31b1b27b": "cases_case_petitioners (case_id)",
}


def drop(apps, schema_editor):
    for name in (*POSTGRESQL_ONLY, *EVERYWHERE):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create(apps, schema_editor):
    indexes = dict(EVERYWHERE)
    if schema_editor.connection.vendor == "postgresql":
        indexes |= POSTGRESQL_ONLY
    for name, columns in indexes.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_drop_indexes_the_composites_cover"),
    ]

    operations = [migrations.RunPython(drop, create, elidable=False)]
