"""`make run`'s SQLite: windows registering at the same moment all get their case, numbered in
turn. SQLite lets one transaction write at a time, and one that had read first was refused at
once ("database is locked") when another wrote meanwhile."""

from tests.sqlite_process import run_on_sqlite

SCRIPT = """
import json, threading
from django.db import connection

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
    outcome = run_on_sqlite(SCRIPT, tmp_path)

    assert outcome["errors"] == []
    year = outcome["numbers"][0][:5]
    assert outcome["numbers"] == [f"{year}{n:06d}" for n in range(1, 21)]
