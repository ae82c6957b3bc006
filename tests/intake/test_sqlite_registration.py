"""`make run`'s SQLite: windows registering at the same moment all get their case, numbered in
turn. SQLite lets one transaction write at a time, and one that had read first was refused at
once ("database is locked") when another wrote meanwhile."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SCRIPT = """
import json, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)

from cases.services import CaseData
from intake.services import Attendee, VisitData, visit_register
from tests.factories import (
    CategoryFactory, PetitionerFactory, PlaceFactory, SubjectAreaFactory, UserFactory, WindowFactory,
)

receptionist = UserFactory(role="receptionist")
case = CaseData(
    facts="拖欠工资", request="要求支付", category_id=CategoryFactory().pk,
    subject_area_id=SubjectAreaFactory().pk, place_id=PlaceFactory().pk,
)
window = WindowFactory()
WINDOWS, ROUNDS = 4, 5
people = [PetitionerFactory() for _ in range(WINDOWS * ROUNDS)]
start = threading.Barrier(WINDOWS)
numbers, errors = [], []

def window_at_work(index):
    try:
        for round in range(ROUNDS):
            start.wait()
            # A person registered before: the registration reads before it writes.
            data = VisitData(
                window_id=window.pk, persons=1, case=case,
                attendees=(Attendee(petitioner_id=people[round * WINDOWS + index].pk),),
            )
            try:
                numbers.append(visit_register(data=data, receptionist=receptionist).case.number)
            except Exception as error:
                errors.append(f"{type(error).__name__}: {error}")
    finally:
        connection.close()

threads = [threading.Thread(target=window_at_work, args=(i,)) for i in range(WINDOWS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"numbers": sorted(numbers), "errors": errors}))
"""


def test_windows_registering_at_once_on_sqlite_all_get_their_case(tmp_path):
    celery = tmp_path / "celery"
    for folder in ("queue", "processed", "control"):
        (celery / folder).mkdir(parents=True)
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "petition_desk.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_DATA_DIR": str(celery),
    }

    printed = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert printed.returncode == 0, printed.stderr[-3000:]
    outcome = json.loads(printed.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    year = outcome["numbers"][0][:5]
    assert outcome["numbers"] == [f"{year}{n:06d}" for n in range(1, 21)]
