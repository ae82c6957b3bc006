"""Migration cases/0016 keys the cases registered before it, over more cases than one batch
(BATCH = 5,000) read and updated in the same pass, on PostgreSQL and on `make run`'s SQLite."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases.matching import organisation_key
from tests.sqlite_process import run_on_sqlite

BEFORE, AFTER = [("cases", "0015_verbose_names")], [("cases", "0016_case_organisation_key")]
NAMES = ["汾湖 某纺织有限公司", "", "——", "ＡＢＣ（苏州）有限公司", "某公司一厂", "某公司二厂", "㍿" * 200]
COUNT = 12_003  # two whole batches and a part


def fill_old_cases(apps, count):
    leader = apps.get_model("accounts", "User").objects.create(username="leader")
    reference = {
        "category": apps.get_model("cases", "Category").objects.create(name="申诉", code="appeal"),
        "subject_area": apps.get_model("cases", "SubjectArea").objects.create(name="劳动", code="labour"),
        "place": apps.get_model("cases", "Place").objects.create(name="黎里镇"),
    }
    OldCase = apps.get_model("cases", "Case")
    now = timezone.now()
    OldCase.objects.bulk_create(
        OldCase(
            number=f"2019-{index:06d}",
            tracking_code=f"R{index:07d}",
            status="awaiting_sign_off" if index % 3 else "closed",
            facts="拖欠工资",
            request="支付工资",
            organisation=NAMES[index % len(NAMES)],
            registered_by=leader,
            registered_at=now,
            **reference,
        )
        for index in range(count)
    )


@pytest.fixture
def latest_schema_afterwards():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_every_batch_of_old_cases_gets_its_key_on_postgresql(latest_schema_afterwards):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    fill_old_cases(executor.loader.project_state(BEFORE).apps, COUNT)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    Case = executor.loader.project_state(AFTER).apps.get_model("cases", "Case")
    rows = list(Case.objects.values_list("organisation", "organisation_key"))
    assert len(rows) == COUNT
    assert all(key == organisation_key(organisation) for organisation, key in rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_open_organisation'")
        [(definition,)] = cursor.fetchall()
    assert "WHERE is_open" in definition


SQLITE_SCRIPT = f"""
import json
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from cases.matching import organisation_key
from tests.cases.test_matching_migration import fill_old_cases

executor = MigrationExecutor(connection)
executor.migrate({BEFORE!r})
fill_old_cases(executor.loader.project_state({BEFORE!r}).apps, {COUNT})
executor = MigrationExecutor(connection)
executor.migrate({AFTER!r})
Case = executor.loader.project_state({AFTER!r}).apps.get_model("cases", "Case")
rows = list(Case.objects.values_list("organisation", "organisation_key"))
with connection.cursor() as cursor:
    cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'case_open_organisation'")
    index = cursor.fetchone()[0]
print(json.dumps({{
    "count": len(rows),
    "wrong": [row for row in rows if row[1] != organisation_key(row[0])][:5],
    "index": index,
}}))
"""


def test_every_batch_of_old_cases_gets_its_key_on_sqlite(tmp_path):
    outcome = run_on_sqlite(SQLITE_SCRIPT, tmp_path)

    assert outcome["count"] == COUNT
    assert outcome["wrong"] == []
    assert "is_open" in outcome["index"]
