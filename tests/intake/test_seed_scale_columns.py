"""`manage.py seed_scale` (the benchmarks' million petitioners) writes its tables with COPY, column
by column: a column added to a model must be added to it too, or the command refuses to run."""

from intake.management.commands.seed_scale import COLUMNS


def test_seed_scale_writes_every_column_of_the_tables_it_loads():
    for model, columns in COLUMNS.items():
        # The database writes generated columns (Case.is_open) itself.
        names = {field.column for field in model._meta.concrete_fields if not field.generated}
        assert names - set(columns.split()) <= {"id"}, (model.__name__, names - set(columns.split()))
        assert set(columns.split()) <= names, (model.__name__, set(columns.split()) - names)
