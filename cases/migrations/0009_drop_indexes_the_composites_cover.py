"""Drop three foreign-key indexes whose column leads a composite index: case_place_status,
case_department_status and caseevent_case_time serve every query on the column alone. On a
million cases they were 100 MB, written on every registration and every step of a case.

Django's AlterField would also drop and re-add each foreign key, and re-adding one checks every
row (nine million events) under a lock that stops the desk; dropping the index alone is enough."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "cases_case_department_id_c5b7309d": "cases_case (department_id)",
    "cases_case_place_id_bb1f10d2": "cases_case (place_id)",
    "cases_caseevent_case_id_6c6031ac": "cases_caseevent (case_id)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_case_search_keys_plpgsql"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    reverse_sql=f"CREATE INDEX IF NOT EXISTS {name} ON {columns}",
                )
                for name, columns in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="department",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="cases.department",
                        verbose_name="receiving department",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="place",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="cases.place",
                        verbose_name="place",
                    ),
                ),
                migrations.AlterField(
                    model_name="caseevent",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="cases.case",
                    ),
                ),
            ],
        ),
    ]
