"""Drop three indexes nothing reads, written whenever a petitioner, a contact or an attendance is:
85 MB on a million petitioners.

- `…_like` on the petitioner's name and the contact's phone key: PostgreSQL gets one for every
  indexed text column from Django, for LIKE 'prefix%' queries. None is made on these columns:
  names and phones are found by equality, which their plain index serves.
- The attendance's index on visit_id: its unique (visit_id, petitioner_id) index leads with the
  same column and serves every query on it. Only that index goes, as in cases 0009: Django's
  AlterField would also drop and re-add the foreign key, checking every row under a lock.

Django derives the `_like` indexes from the fields and does not record them in its model state
(an AlterField that later adds an index to one of these columns would bring one back, which can
be dropped again)."""

import django.db.models.deletion
from django.db import migrations, models

POSTGRESQL_ONLY = {
    "intake_petitioner_name_7467cd82_like": "intake_petitioner (name varchar_pattern_ops)",
    "intake_contactpoint_lookup_key_c7fe9f50_like": "intake_contactpoint (lookup_key varchar_pattern_ops)",
}
EVERYWHERE = {
    "intake_attendance_visit_id_59e5fc6e": "intake_attendance (visit_id)",
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
        ("intake", "0003_mask_short_documents"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    model_name="attendance",
                    name="visit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendances",
                        to="intake.visit",
                    ),
                ),
            ],
        ),
    ]
