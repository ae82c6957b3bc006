"""The legal time limits on a case (DESIGN §4) and the sweep that chases them (issue 3 §5)."""

import datetime

import pytest
from django.utils import timezone, translation

from cases.clocks import deadline_sweep
from cases.handling import (
    case_accept,
    case_receive,
    case_reply,
    case_report,
    case_request_extension,
    return_window_over,
)
from cases.models import Case, Clock, ClockKind, Decision, Status
from cases.selectors import supervision_list
from cases.sign_off import extension_decide
from notifications.models import Kind, Notification
from tests.cases.steps import forward
from workdays.selectors import add_working_days

pytestmark = [pytest.mark.django_db]

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def running(case: Case) -> dict:
    return {clock.kind: clock for clock in case.clocks.filter(stopped_at__isnull=True)}


def reminders_to(user) -> list[str]:
    return list(user.notifications.filter(kind=Kind.REMINDER).values_list("message", flat=True))


# --- which clock runs when ---------------------------------------------------------------------


def test_registering_starts_the_bureaus_15_days_to_forward(make_case):
    case = make_case()

    forward_clock = running(case)[ClockKind.FORWARD]
    assert forward_clock.due_on == timezone.localdate(case.registered_at) + 15 * DAY
    assert forward_clock.department is None
    assert forward_clock.days_left == 15


def test_forwarding_stops_the_bureaus_clock_and_starts_the_departments_clocks(make_case, leader, department):
    case = forward(make_case(), leader, department)

    clocks = running(case)
    assert set(clocks) == {ClockKind.NOTIFY_RECEIPT, ClockKind.RETURN}
    assert clocks[ClockKind.NOTIFY_RECEIPT].due_on == timezone.localdate() + 15 * DAY
    assert clocks[ClockKind.NOTIFY_RECEIPT].department == department
    # Art. 23: five working days to object, from the case's arrival in the inbox.
    assert clocks[ClockKind.RETURN].due_on == add_working_days(timezone.localdate(), 5).date


def test_receiving_leaves_the_return_window_where_it_was(make_case, leader, department, department_user):
    case = forward(make_case(), leader, department)
    arrived = running(case)[ClockKind.RETURN]

    case_receive(case_id=case.pk, actor=department_user)

    clocks = running(case)
    assert set(clocks) == {ClockKind.NOTIFY_RECEIPT, ClockKind.RETURN}
    assert clocks[ClockKind.RETURN].pk == arrived.pk


def test_accepting_starts_60_days_to_handle_and_stops_the_earlier_clocks(
    make_case, leader, department, department_user
):
    case = forward(make_case(), leader, department)
    case_receive(case_id=case.pk, actor=department_user)

    case_accept(case_id=case.pk, actor=department_user)

    clocks = running(case)
    assert set(clocks) == {ClockKind.HANDLING}
    assert clocks[ClockKind.HANDLING].due_on == timezone.localdate() + 60 * DAY


def test_an_approved_extension_pushes_the_handling_due_date(make_case, leader, department, department_user):
    case = forward(make_case(), leader, department)
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)

    case_request_extension(case_id=case.pk, actor=department_user, days=20, reason="需现场勘查")
    extension_decide(case_id=case.pk, leader=leader, approve=True)

    assert running(case)[ClockKind.HANDLING].due_on == timezone.localdate() + 80 * DAY


def test_replying_stops_handling_and_starts_30_days_to_ask_for_review(
    make_case, leader, department, department_user
):
    case = forward(make_case(), leader, department)
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)

    case_reply(case_id=case.pk, actor=department_user, outcome="supported", text="同意增加安置面积")

    clocks = running(case)
    assert set(clocks) == {ClockKind.REVIEW}
    assert clocks[ClockKind.REVIEW].due_on == timezone.localdate() + 30 * DAY


def test_an_assigned_case_has_a_report_clock_until_the_report_comes(
    make_case, leader, department, department_user
):
    report_due = timezone.localdate() + 20 * DAY
    case = forward(make_case(), leader, department, decision=Decision.ASSIGN, report_due=report_due)
    assert case.status == Status.ASSIGNED
    assert running(case)[ClockKind.REPORT].due_on == report_due

    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)
    case_report(case_id=case.pk, actor=department_user, text="已办结，详见报告")

    assert ClockKind.REPORT not in running(case)


# --- the deadline sweep ----------------------------------------------------------------------


def test_a_clock_due_within_three_days_sends_one_due_soon_reminder_to_the_department(
    make_case, leader, department, department_user, labour_user
):
    # given a forwarded case: 15 days to tell the petitioner
    case = forward(make_case(), leader, department)
    due = running(case)[ClockKind.NOTIFY_RECEIPT].due_on

    # when the sweep runs three days before
    sent = deadline_sweep(today=due - 3 * DAY)

    # then the department's staff, and only they, are reminded once, by email too
    assert sent == 1
    reminder = Notification.objects.get(kind=Kind.REMINDER)
    assert (reminder.recipient, reminder.case, reminder.email_pending) == (department_user, case, True)
    assert reminder.message == (
        f"Case {case.number}: Tell the petitioner (15 days) is due on {due.isoformat()}."
    )
    assert reminders_to(labour_user) == []
    assert reminders_to(leader) == []


def test_a_reminder_for_a_department_with_nobody_active_goes_to_the_leaders(
    make_case, leader, department, department_user
):
    # given a forwarded case, and 住建局's only user since deactivated
    case = forward(make_case(), leader, department)
    due = running(case)[ClockKind.NOTIFY_RECEIPT].due_on
    department_user.is_active = False
    department_user.save(update_fields=["is_active"])

    # when the sweep runs three days before
    deadline_sweep(today=due - 3 * DAY)

    # then the leaders are reminded instead of no one
    assert reminders_to(leader) == [
        f"Case {case.number}: Tell the petitioner (15 days) is due on {due.isoformat()}."
    ]
    assert reminders_to(department_user) == []


def test_a_clock_not_yet_due_within_three_days_sends_nothing(make_case, leader, department):
    case = forward(make_case(), leader, department)
    due = running(case)[ClockKind.NOTIFY_RECEIPT].due_on

    assert deadline_sweep(today=due - 4 * DAY) == 0
    assert not Notification.objects.filter(kind=Kind.REMINDER).exists()


def test_running_the_sweep_again_never_sends_the_same_reminder_twice(
    make_case, leader, department, department_user
):
    case = forward(make_case(), leader, department)
    due = running(case)[ClockKind.NOTIFY_RECEIPT].due_on

    assert deadline_sweep(today=due - 2 * DAY) == 1
    assert deadline_sweep(today=due - 2 * DAY) == 0
    assert deadline_sweep(today=due - DAY) == 0
    assert deadline_sweep(today=due) == 0
    assert len(reminders_to(department_user)) == 1


def test_an_overdue_clock_sends_one_overdue_reminder(make_case, leader, department, department_user):
    # given a clock already past its date that was never reminded
    case = forward(make_case(), leader, department)
    due = running(case)[ClockKind.NOTIFY_RECEIPT].due_on

    # when the sweep runs twice the day after
    first = deadline_sweep(today=due + DAY)
    second = deadline_sweep(today=due + DAY)

    # then one overdue reminder went out, not a due-soon one as well
    assert (first, second) == (1, 0)
    assert reminders_to(department_user) == [
        f"Case {case.number} is overdue: Tell the petitioner (15 days) was due on {due.isoformat()}."
    ]


def test_due_soon_then_overdue_are_two_reminders(make_case, leader, department, department_user):
    case = forward(make_case(), leader, department)
    due = running(case)[ClockKind.NOTIFY_RECEIPT].due_on

    deadline_sweep(today=due - DAY)
    deadline_sweep(today=due + DAY)
    deadline_sweep(today=due + 2 * DAY)

    assert len(reminders_to(department_user)) == 2


def test_a_stopped_clock_is_never_chased(make_case, leader, department, department_user):
    # given the department accepted the case: the 15 days to tell the petitioner stopped
    case = forward(make_case(), leader, department)
    due = running(case)[ClockKind.NOTIFY_RECEIPT].due_on
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)

    # then the sweep past that date sends nothing
    assert deadline_sweep(today=due + 5 * DAY) == 0
    assert reminders_to(department_user) == []


def test_the_bureaus_forward_clock_reminds_the_leaders(make_case, leader, department_user):
    case = make_case()
    due = running(case)[ClockKind.FORWARD].due_on

    assert deadline_sweep(today=due - DAY) == 1

    assert reminders_to(leader) == [f"Case {case.number}: Forward (15 days) is due on {due.isoformat()}."]
    assert reminders_to(department_user) == []


def test_a_reminder_shows_on_the_timeline_and_leaves_the_status(make_case, leader, department):
    case = forward(make_case(), leader, department)
    due = running(case)[ClockKind.NOTIFY_RECEIPT].due_on

    deadline_sweep(today=due + DAY)

    case.refresh_from_db()
    assert case.status == Status.FORWARDED
    event = case.events.last()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "remind",
        None,
        Status.FORWARDED,
        Status.FORWARDED,
    )
    assert "overdue" in event.note


def test_an_extension_brings_its_own_reminders(make_case, leader, department, department_user):
    # given a handling clock reminded as due soon
    case = forward(make_case(), leader, department)
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)
    due = running(case)[ClockKind.HANDLING].due_on
    deadline_sweep(today=due - DAY)

    # when 10 more days are approved
    case_request_extension(case_id=case.pk, actor=department_user, days=10, reason="需现场勘查")
    extension_decide(case_id=case.pk, leader=leader, approve=True)

    # then the new due date is reminded again
    new_due = due + 10 * DAY
    assert deadline_sweep(today=new_due - DAY) == 1
    assert reminders_to(department_user)[0] == (
        f"Case {case.number}: Handling (60 days) is due on {new_due.isoformat()}."
    )


def test_overdue_cases_are_on_the_supervision_list(make_case, leader, department):
    # given two forwarded cases, one of them past its date
    late = forward(make_case(), leader, department)
    on_time = forward(make_case(), leader, department)
    late.clocks.filter(kind=ClockKind.NOTIFY_RECEIPT).update(due_on=timezone.localdate() - DAY)

    # then only the late one is overdue
    assert list(supervision_list()["overdue"]) == [late]
    assert on_time not in supervision_list()["due_soon"]


def test_a_return_window_counted_before_next_years_holidays_were_published_is_counted_again(
    make_case, department
):
    # given a case delivered on 28 December 2026, before the 2027 holidays are in the table: its
    # five working days to return it skip the weekend only, and count New Year's Day
    from cases.clocks import clock_start
    from workdays.models import CalendarYear, SpecialDay

    CalendarYear.objects.filter(year=2027).delete()
    SpecialDay.objects.filter(date__year=2027).delete()
    delivered = datetime.date(2026, 12, 28)
    case = make_case()
    clock_start(case=case, kind=ClockKind.RETURN, start=delivered, department_id=department.pk)
    clock = Clock.objects.get(case=case, kind=ClockKind.RETURN)
    assert (clock.due_on, clock.provisional) == (datetime.date(2027, 1, 4), True)

    # when the 2027 holidays arrive and the deadline sweep runs
    SpecialDay.objects.create(date=datetime.date(2027, 1, 1), is_working_day=False, name="元旦")
    CalendarYear.objects.create(year=2027, source="admin")
    deadline_sweep(today=datetime.date(2026, 12, 30))

    # then the window closes on its real fifth working day, no longer provisional
    clock.refresh_from_db()
    assert (clock.due_on, clock.provisional) == (datetime.date(2027, 1, 5), False)


def test_a_holiday_entered_after_its_year_was_marked_known_moves_a_return_window(make_case, department):
    # given the administrator marks 2027 known before entering its days, and a sweep runs between
    from cases.clocks import clock_start
    from workdays.models import CalendarYear, SpecialDay

    CalendarYear.objects.filter(year=2027).delete()
    SpecialDay.objects.filter(date__year=2027).delete()
    case = make_case()
    clock_start(
        case=case, kind=ClockKind.RETURN, start=datetime.date(2026, 12, 28), department_id=department.pk
    )
    clock = Clock.objects.get(case=case, kind=ClockKind.RETURN)
    CalendarYear.objects.create(year=2027, source="admin")
    deadline_sweep(today=datetime.date(2026, 12, 29))

    # when New Year's Day is entered afterwards and the next sweep runs
    SpecialDay.objects.create(date=datetime.date(2027, 1, 1), is_working_day=False, name="元旦")
    deadline_sweep(today=datetime.date(2026, 12, 30))

    # then the department may still return the case on its real fifth working day
    clock.refresh_from_db()
    assert (clock.due_on, clock.provisional) == (datetime.date(2027, 1, 5), False)
    assert not return_window_over(clock, datetime.date(2027, 1, 5))


def test_a_holiday_corrected_away_moves_a_return_window_earlier(make_case, department):
    # given a window over the 2026 National Day holidays, counted with them
    from cases.clocks import clock_start
    from workdays.models import SpecialDay

    case = make_case()
    clock_start(
        case=case, kind=ClockKind.RETURN, start=datetime.date(2026, 9, 29), department_id=department.pk
    )
    clock = Clock.objects.get(case=case, kind=ClockKind.RETURN)
    counted_with_the_holiday = clock.due_on

    # when the administrator finds 7 October was entered as a holiday by mistake, and deletes it
    SpecialDay.objects.get(date=datetime.date(2026, 10, 7)).delete()
    deadline_sweep(today=datetime.date(2026, 10, 1))

    # then the window closes a working day earlier
    clock.refresh_from_db()
    assert clock.due_on < counted_with_the_holiday
    assert clock.due_on == add_working_days(datetime.date(2026, 9, 29), 5).date


def test_a_provisional_window_long_over_is_settled_when_its_year_arrives(make_case, department):
    # given a window counted without 2027's days, over for weeks when they are entered
    from cases.clocks import clock_start
    from workdays.models import CalendarYear, SpecialDay

    CalendarYear.objects.filter(year=2027).delete()
    SpecialDay.objects.filter(date__year=2027).delete()
    delivered = datetime.date(2026, 12, 28)
    case = make_case()
    clock_start(case=case, kind=ClockKind.RETURN, start=delivered, department_id=department.pk)
    clock = Clock.objects.get(case=case, kind=ClockKind.RETURN)
    SpecialDay.objects.create(date=datetime.date(2027, 1, 1), is_working_day=False, name="元旦")
    CalendarYear.objects.create(year=2027, source="admin")

    deadline_sweep(today=datetime.date(2027, 2, 1))

    # then it is no longer shown as provisional
    clock.refresh_from_db()
    assert (clock.due_on, clock.provisional) == (datetime.date(2027, 1, 5), False)
