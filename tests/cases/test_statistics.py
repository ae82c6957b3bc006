import datetime

import pytest
from django.utils import timezone

from cases.models import (
    Case,
    CaseEvent,
    Clock,
    ClockKind,
    Decision,
    Forwarding,
    Satisfaction,
    SignOff,
    Status,
    SupervisionNotice,
)
from cases.services import CaseData
from cases.statistics import Measure, OnTime, Period, summary
from intake.services import Attendee, PetitionerData, VisitData, visit_register
from tests.factories import CategoryFactory, DepartmentFactory, PlaceFactory, SubjectAreaFactory

MARCH = Period(start=datetime.date(2025, 3, 1), end=datetime.date(2025, 3, 31))


def local(day: tuple[int, int], hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A local time in 2025 on (month, day)."""
    return timezone.make_aware(datetime.datetime(2025, *day, hour, minute))


def seed_march(*, receptionist, leader, reference) -> dict[str, Case]:
    """A March counted by hand (the figures are in test_the_month_counted_by_hand).

    Visits: A on 1 March 00:00 (1 person), B on the 10th (2), C a group of 32 on the 12th, a repeat
    of A on the 20th, D on 31 March 23:30; outside, E on 28 Feb 23:59 and F on 1 April 00:00.
    Categories: A, C, D 申诉求决; B 建议意见. Places: A 黎里镇; B, C, D 盛泽镇. Subject areas: A, B
    城乡建设/拆迁安置; C, D 劳动社保/拖欠工资. Departments: A, B, E, F 住建局; C 人社局; D none."""
    suggestion = CategoryFactory(name="建议意见", code="suggestion")
    shengze = PlaceFactory(name="盛泽镇")
    wages = SubjectAreaFactory(name="劳动社保/拖欠工资", code="wages")

    def visit(at, *, persons=1, repeat_of=None, **case_fields):
        case = None
        if repeat_of is None:
            fields = {
                "category_id": reference["category"].pk,
                "subject_area_id": reference["subject_area"].pk,
                "place_id": reference["place"].pk,
                **case_fields,
            }
            case = CaseData(facts="拖欠工资数月", request="支付工资", **fields)
        return visit_register(
            data=VisitData(
                window_id=reference["window"].pk,
                persons=persons,
                attendees=(Attendee(new=PetitionerData(name="王秀英")),),
                case=case,
                repeat_of=repeat_of.pk if repeat_of else None,
                visited_at=at,
            ),
            receptionist=receptionist,
        ).case

    cases = {
        "A": visit(local((3, 1), 0)),
        "B": visit(local((3, 10)), persons=2, category_id=suggestion.pk, place_id=shengze.pk),
        "C": visit(local((3, 12), 15), persons=32, place_id=shengze.pk, subject_area_id=wages.pk),
        "D": visit(local((3, 31), 23, 30), place_id=shengze.pk, subject_area_id=wages.pk),
        "E": visit(local((2, 28), 23, 59)),
        "F": visit(local((4, 1), 0)),
    }
    visit(local((3, 20)), repeat_of=cases["A"])
    housing = DepartmentFactory(name="住建局", code="housing")
    labour = DepartmentFactory(name="人社局", code="labour")
    Case.objects.filter(pk__in=[cases[key].pk for key in "ABEF"]).update(department=housing)
    Case.objects.filter(pk=cases["C"].pk).update(department=labour)

    # Registration started a forwarding clock on each case; the clocks below replace them so
    # that every one is counted by hand.
    Clock.objects.all().delete()

    def clock(case, kind, department, due, stopped=None):
        Clock.objects.create(
            case=cases[case],
            kind=kind,
            department=department,
            started_on=datetime.date(2025, 3, 1),
            due_on=datetime.date(2025, *due) if isinstance(due, tuple) else due,
            stopped_at=stopped,
        )

    # 住建局: a receipt notice on its due day at 23:00 (on time); handling a day late, and early;
    # a receipt notice stopped the day after March; the five days to object kept; handling still
    # running past due.
    clock("A", ClockKind.NOTIFY_RECEIPT, housing, (3, 5), local((3, 5), 23))
    clock("A", ClockKind.HANDLING, housing, (3, 20), local((3, 21), 9))
    clock("B", ClockKind.HANDLING, housing, (4, 30), local((3, 31), 23, 59))
    clock("B", ClockKind.NOTIFY_RECEIPT, housing, (3, 20), local((4, 1), 0))
    clock("B", ClockKind.RETURN, housing, (3, 20), local((3, 12)))
    clock("E", ClockKind.HANDLING, housing, (3, 1))
    # 人社局: a receipt notice a day late, accepted four days after the five working days.
    clock("C", ClockKind.NOTIFY_RECEIPT, labour, (3, 10), local((3, 11)))
    clock("C", ClockKind.RETURN, labour, (3, 7), local((3, 11)))
    # The bureau's forwarding: A's on time, stopped by its delivery to 住建局 (a later delivery
    # to 人社局 after a return stopped nothing); C's a day late, stopped by its delivery to
    # 人社局; B's on time, answered at the window, so no department's; one stopped in February,
    # one running past due, one running and not yet due; a review window past due is not chased.
    clock("A", ClockKind.FORWARD, None, (3, 16), local((3, 2)))
    clock("C", ClockKind.FORWARD, None, (3, 27), local((3, 28)))
    clock("B", ClockKind.FORWARD, None, (3, 25), local((3, 11)))
    clock("E", ClockKind.FORWARD, None, (3, 15), local((2, 28), 23, 59))
    clock("D", ClockKind.FORWARD, None, (4, 15))
    clock("F", ClockKind.FORWARD, None, timezone.localdate() + datetime.timedelta(days=5))
    clock("A", ClockKind.REVIEW, None, (4, 1))

    def delivered(case, department, at):
        sign_off = SignOff.objects.create(
            case=cases[case], leader=leader, decision=Decision.FORWARD, department=department, created_at=at
        )
        Forwarding.objects.create(sign_off=sign_off, case=cases[case], department=department, created_at=at)

    delivered("A", housing, local((3, 2), 9, 59))
    delivered("A", labour, local((3, 25)))
    delivered("C", labour, local((3, 28), 9, 59))

    def follow_up(case, rating, *days, action="follow_up"):
        Case.objects.filter(pk=cases[case].pk).update(satisfaction_department=rating)
        for day in days:
            CaseEvent.objects.create(
                case=cases[case], action=action, to_status=Status.CONCLUDED, created_at=local(*day)
            )

    # 住建局: satisfied, dissatisfied (called twice in March, counted once), basically satisfied
    # (registered in February, called on the last evening of March).
    follow_up("A", Satisfaction.SATISFIED, ((3, 25),))
    follow_up("B", Satisfaction.DISSATISFIED, ((3, 15),), ((3, 28),))
    follow_up("E", Satisfaction.BASICALLY_SATISFIED, ((3, 31), 23))
    # 人社局: called on 1 April; its March event is not a follow-up.
    follow_up("C", Satisfaction.BASICALLY_SATISFIED, ((4, 1), 0))
    follow_up("C", Satisfaction.BASICALLY_SATISFIED, ((3, 20),), action="reply")

    for sent_at in (local((3, 15)), local((3, 31), 12), local((4, 1), 8)):
        SupervisionNotice.objects.create(case=cases["A"], text="请加快办理", sent_by=leader, sent_at=sent_at)
    return cases


@pytest.fixture
def march(receptionist, leader, reference):
    return seed_march(receptionist=receptionist, leader=leader, reference=reference)


@pytest.mark.django_db
def test_the_month_counted_by_hand(march, reference, django_assert_num_queries):
    with django_assert_num_queries(11):
        figures = summary(MARCH)

    visits = figures.visits
    assert (visits.ordinary_batches, visits.ordinary_persons) == (4, 5)
    assert (visits.group_batches, visits.group_persons) == (1, 32)
    assert (visits.repeat_visits, visits.repeat_rate) == (1, 0.2)
    assert figures.new_cases == 4
    assert [(row.name, row.cases) for row in figures.by_category] == [("申诉求决", 3), ("建议意见", 1)]
    # A tie is broken by name.
    assert [(row.name, row.cases) for row in figures.by_subject_area] == [
        ("劳动社保/拖欠工资", 2),
        ("城乡建设/拆迁安置", 2),
    ]
    assert [(row.id, row.name, row.cases) for row in figures.by_place] == [
        (march["B"].place_id, "盛泽镇", 3),
        (reference["place"].pk, "黎里镇", 1),
    ]
    assert [(row.name, row.cases) for row in figures.by_department] == [("住建局", 2), ("人社局", 1)]
    assert [(row.department_name, row.clocks, row.on_time, row.rate) for row in figures.on_time] == [
        ("人社局", 1, 0, 0.0),
        ("住建局", 3, 2, 0.667),
    ]
    assert figures.forward == OnTime(clocks=3, on_time=2)
    assert [
        (row.department_name, row.satisfied, row.basically_satisfied, row.dissatisfied, row.rate)
        for row in figures.satisfaction
    ] == [("住建局", 1, 1, 1, 0.667)]
    assert figures.overdue == 2
    assert figures.supervision_notices == 2


@pytest.mark.django_db
def test_the_on_time_rates_per_measure_counted_by_hand(march):
    figures = summary(MARCH)

    assert {row.department_name: row.measures for row in figures.on_time} == {
        "人社局": {
            Measure.FORWARDING: OnTime(clocks=1, on_time=0),
            Measure.RECEIPT_NOTICE: OnTime(clocks=1, on_time=0),
            Measure.ACCEPTANCE: OnTime(clocks=1, on_time=0),
            Measure.CONCLUSION: OnTime(),
        },
        "住建局": {
            Measure.FORWARDING: OnTime(clocks=1, on_time=1),
            Measure.RECEIPT_NOTICE: OnTime(clocks=1, on_time=1),
            Measure.ACCEPTANCE: OnTime(clocks=1, on_time=1),
            Measure.CONCLUSION: OnTime(clocks=2, on_time=1),
        },
    }
    assert [row.measures[Measure.CONCLUSION].rate for row in figures.on_time] == [0.0, 0.5]
    # The whole bureau's forwarding also counts B, answered at the window.
    assert figures.on_time_whole_bureau == {
        Measure.FORWARDING: OnTime(clocks=3, on_time=2),
        Measure.RECEIPT_NOTICE: OnTime(clocks=2, on_time=1),
        Measure.ACCEPTANCE: OnTime(clocks=2, on_time=1),
        Measure.CONCLUSION: OnTime(clocks=2, on_time=1),
    }


@pytest.mark.django_db
def test_a_department_with_only_forwarded_cases_has_a_row(march):
    """The forwarding clock that reached a department is its figure even before the department
    did anything: the day C arrived at 人社局, 人社局's only clock is the bureau's."""
    figures = summary(Period(start=datetime.date(2025, 3, 28), end=datetime.date(2025, 3, 28)))

    assert [(row.department_name, row.measures, row.clocks) for row in figures.on_time] == [
        (
            "人社局",
            {
                Measure.FORWARDING: OnTime(clocks=1, on_time=0),
                Measure.RECEIPT_NOTICE: OnTime(),
                Measure.ACCEPTANCE: OnTime(),
                Measure.CONCLUSION: OnTime(),
            },
            0,
        )
    ]


@pytest.mark.django_db
def test_the_last_day_of_the_period_counts_and_the_next_does_not(march):
    last_day = summary(Period(start=datetime.date(2025, 3, 31), end=datetime.date(2025, 3, 31)))
    next_day = summary(Period(start=datetime.date(2025, 4, 1), end=datetime.date(2025, 4, 1)))

    assert (last_day.visits.ordinary_batches, last_day.new_cases) == (1, 1)
    assert [(row.department_name, row.clocks) for row in last_day.on_time] == [("住建局", 1)]
    assert [row.basically_satisfied for row in last_day.satisfaction] == [1]
    assert last_day.supervision_notices == 1
    assert (next_day.visits.ordinary_batches, next_day.new_cases) == (1, 1)
    assert [(row.department_name, row.clocks) for row in next_day.on_time] == [("住建局", 1)]
    assert [(row.department_name, row.rate) for row in next_day.satisfaction] == [("人社局", 1.0)]


@pytest.mark.django_db
def test_an_empty_period_has_zero_rates(march):
    figures = summary(Period(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 1, 31)))

    assert figures.visits.repeat_rate == 0
    assert (figures.forward.clocks, figures.forward.rate) == (0, 0)
    assert figures.on_time_whole_bureau == dict.fromkeys(Measure.values, OnTime())
    assert figures.by_category == figures.on_time == figures.satisfaction == []
    # Overdue is as of today, whatever the period.
    assert figures.overdue == 2


def test_a_case_returned_and_answered_at_the_window_is_no_departments(
    make_case, leader, department, department_user, receptionist
):
    """住建局 gave it back as not theirs; the bureau answered it itself."""
    from cases.follow_up import case_follow_up
    from cases.handling import case_receive, case_return
    from cases.ledger import ledger_rows
    from cases.sign_off import SignOffData, case_sign_off
    from cases.statistics import cases_by, satisfaction_by_department
    from tests.cases.steps import forward

    case = forward(make_case(), leader, department)
    case_receive(case_id=case.pk, actor=department_user)
    case_return(case_id=case.pk, actor=department_user, reason="非本局职责")
    answer = SignOffData(decision="answer_at_window", instruction="当场解释政策")
    case_sign_off(case_id=case.pk, leader=leader, data=answer)
    case_follow_up(case_id=case.pk, actor=receptionist, satisfaction_department="dissatisfied")

    today = Period(start=timezone.localdate(), end=timezone.localdate())
    _header, row = ledger_rows(Case.objects.filter(pk=case.pk), user=leader)
    assert cases_by(today, "department") == []
    assert satisfaction_by_department(today) == []
    assert department.name not in row
