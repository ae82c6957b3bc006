"""`make run`'s SQLite: the desk's two lists are plain SQL, which SQLite answers in its own types
(text for a time, 0 and 1 for yes and no)."""

from tests.sqlite_process import run_on_sqlite

SCRIPT = """
import datetime, json
from django.utils import timezone
from cases.services import CaseData
from intake.selectors import desk_cases_missing_contact, desk_visits
from intake.services import Attendee, ContactData, PetitionerData, VisitData, visit_register
from tests.factories import CategoryFactory, PlaceFactory, SubjectAreaFactory, UserFactory, WindowFactory

receptionist = UserFactory(role="receptionist")
window = WindowFactory()
case = CaseData(
    facts="拖欠工资", request="要求支付", category_id=CategoryFactory().pk,
    subject_area_id=SubjectAreaFactory().pk, place_id=PlaceFactory().pk,
)
# Noon of the day before: minutes before the real now would cross midnight in the first half hour
# of a day, and the lists are of one day.
now = timezone.make_aware(
    datetime.datetime.combine(timezone.localdate() - datetime.timedelta(days=1), datetime.time(12))
).astimezone(datetime.timezone.utc)

def register(*names, persons=None, minutes_ago, phone=""):
    contacts = (ContactData(kind="mobile", value=phone),) if phone else ()
    people = tuple(Attendee(new=PetitionerData(name=name, contacts=contacts)) for name in names)
    return visit_register(
        data=VisitData(
            window_id=window.pk, persons=persons or len(names), attendees=people, case=case,
            visited_at=now - datetime.timedelta(minutes=minutes_ago),
        ),
        receptionist=receptionist,
    )

alone = register("沈桂英", minutes_ago=30)
group = register("工人乙", "工人甲", persons=32, minutes_ago=20)
register("赵六", minutes_ago=10, phone="13800001111")
visits = desk_visits(day=timezone.localdate(now), window_id=window.pk, limit=2)
print(json.dumps({
    "visits": [
        [visit.visited_at.isoformat(), visit.case_number, visit.persons, visit.is_group,
         visit.is_repeat, visit.names]
        for visit in visits
    ],
    "expected_times": [(now - datetime.timedelta(minutes=m)).isoformat() for m in (10, 20)],
    "missing": [
        [case.number, [name for _id, name in case.petitioners]]
        for case in desk_cases_missing_contact(limit=10)
    ],
    "numbers": [alone.case.number, group.case.number],
}))
"""


def test_the_desks_lists_read_sqlites_answers(tmp_path):
    outcome = run_on_sqlite(SCRIPT, tmp_path)

    alone, group = outcome["numbers"]
    [latest, before] = outcome["visits"]
    assert [latest[0], before[0]] == outcome["expected_times"]
    assert latest[2:] == [1, False, False, ["赵六"]]
    assert before[1:] == [group, 32, True, False, ["工人乙", "工人甲"]]
    assert outcome["missing"] == [[alone, ["沈桂英"]], [group, ["工人乙", "工人甲"]]]


MATTER_SCRIPT = """
import json
from cases.services import CaseData
from intake.selectors import matter_candidates
from intake.services import Attendee, PetitionerData, VisitData, visit_register
from tests.factories import CategoryFactory, PlaceFactory, SubjectAreaFactory, UserFactory, WindowFactory

receptionist = UserFactory(role="receptionist")
window = WindowFactory()
case = CaseData(
    facts="拖欠工资", request="要求支付", category_id=CategoryFactory().pk,
    subject_area_id=SubjectAreaFactory().pk, place_id=PlaceFactory(name="黎里镇").pk,
    organisation="汾湖某纺织有限公司",
)

def register(persons):
    people = (Attendee(new=PetitionerData(name="工人甲")),)
    data = VisitData(window_id=window.pk, persons=persons, attendees=people, case=case)
    return visit_register(data=data, receptionist=receptionist).case

group, alone = register(32), register(1)
print(json.dumps({
    "found": [
        [found.number, found.is_group, found.registered_at == registered.registered_at, str(found.place)]
        for found, registered in zip(matter_candidates("汾湖 某纺织有限公司", exclude=[]), [alone, group])
    ],
    "without_the_first": [
        found.number for found in matter_candidates("汾湖某纺织有限公司", exclude=[alone.pk])
    ],
    "numbers": [group.number, alone.number],
}))
"""


def test_the_matter_look_up_reads_sqlites_answers(tmp_path):
    outcome = run_on_sqlite(MATTER_SCRIPT, tmp_path)

    group, alone = outcome["numbers"]
    assert outcome["found"] == [[alone, False, True, "黎里镇"], [group, True, True, "黎里镇"]]
    assert outcome["without_the_first"] == [group]
