"""petition_desk.db.planned_afresh: what runs inside is never a prepared statement."""

import pytest
from django.db import connection

from petition_desk.db import planned_afresh

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

STATEMENT = "SELECT count(*) FROM intake_window WHERE id = %s"


def prepared() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
            [STATEMENT.replace("%s", "$1")],
        )
        return cursor.fetchone()[0]


def run_often() -> None:
    with connection.cursor() as cursor:
        for window_id in range(10):
            cursor.execute(STATEMENT, [window_id])


def test_a_statement_run_often_is_prepared():
    run_often()

    assert prepared() == 1


def test_a_statement_run_often_inside_is_planned_each_time():
    with planned_afresh():
        run_often()

    assert prepared() == 0
    # and the connection prepares again afterwards
    run_often()
    assert prepared() == 1
