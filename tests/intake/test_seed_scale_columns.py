"""`manage.py seed_scale` (the benchmarks' million petitioners) writes its tables with COPY, column
by column: a column added to a model must be added to it too, or the command refuses to run."""

from intake.management.commands.seed_scale import check_columns


def test_seed_scale_writes_every_column_of_the_tables_it_loads():
    check_columns()
