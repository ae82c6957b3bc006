"""Data migrations of workdays, run forward over rows as the code before them wrote them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_package_s_english_holiday_names_become_chinese_and_the_administrator_s_stay():
    before, after = [("workdays", "0002_load_package_years")], [("workdays", "0003_holiday_names_in_chinese")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    SpecialDay = executor.loader.project_state(before).apps.get_model("workdays", "SpecialDay")
    SpecialDay.objects.update_or_create(
        date=datetime.date(2026, 2, 17), defaults={"is_working_day": False, "name": "Spring Festival"}
    )
    SpecialDay.objects.update_or_create(
        date=datetime.date(2026, 10, 12), defaults={"is_working_day": False, "name": "台风停工"}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    SpecialDay = executor.loader.project_state(after).apps.get_model("workdays", "SpecialDay")
    names = dict(SpecialDay.objects.values_list("date", "name"))
    assert names[datetime.date(2026, 2, 17)] == "春节"
    assert names[datetime.date(2026, 10, 12)] == "台风停工"
    assert not SpecialDay.objects.filter(name="National Day").exists()
