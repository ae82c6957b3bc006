"""A sign-off is committed before its message goes to the broker: whatever the broker answers
then, the leader's sign-off stands and the relay sends the case on later. `make run`'s embedded
broker (a folder on disk) refuses every message once its folders are gone, and not with the
connection error a Redis outage raises."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SCRIPT = """
import json
import django
django.setup()
from django.core.management import call_command
from django.db import transaction
call_command("migrate", verbosity=0)

from cases.models import Decision, OutboxMessage
from cases.services import CaseData
from cases.sign_off import SignOffData, case_sign_off
from tests.factories import (
    CategoryFactory, DepartmentFactory, PetitionerFactory, PlaceFactory, SubjectAreaFactory,
    UserFactory, case_create,
)

receptionist = UserFactory(role="receptionist")
leader = UserFactory(role="leader")
with transaction.atomic():
    case = case_create(
        data=CaseData(
            facts="拖欠工资", request="要求支付", category_id=CategoryFactory().pk,
            subject_area_id=SubjectAreaFactory().pk, place_id=PlaceFactory().pk,
        ),
        registered_by=receptionist, petitioner_ids=[PetitionerFactory().pk], is_group=False,
        submit=True,
    )
try:
    case = case_sign_off(
        case_id=case.pk, leader=leader,
        data=SignOffData(
            decision=Decision.FORWARD, department_id=DepartmentFactory().pk, instruction="请研究处理"
        ),
    )
    outcome = {"status": case.status, "outbox": OutboxMessage.objects.get().state}
except Exception as error:
    outcome = {"error": f"{type(error).__name__}: {error}"}
print(json.dumps(outcome))
"""


def test_a_sign_off_stands_when_the_broker_refuses_its_message(tmp_path):
    # given make_run's embedded broker whose folders are gone
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "petition_desk.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_DATA_DIR": str(tmp_path / "celery-folders-gone"),
    }

    # when the leader forwards a case
    printed = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    # then the sign-off stands, its message waits for the relay, and the refusal is logged
    assert printed.returncode == 0, printed.stderr[-3000:]
    outcome = json.loads(printed.stdout.strip().splitlines()[-1])
    assert outcome == {"status": "signed_off", "outbox": "pending"}
    assert "The broker refused cases.tasks.forward_case" in printed.stderr
