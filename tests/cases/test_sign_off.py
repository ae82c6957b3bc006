"""The leader's sign-off (issue 3 §2): decisions and their checks, several at once, the routing
suggestion, and a returned case routed again."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cases.forwarding import case_forward
from cases.handling import case_receive, case_return
from cases.models import (
    Case,
    ClockKind,
    Decision,
    Forwarding,
    OutboxMessage,
    OutboxState,
    RoutingRule,
    SignOff,
    Status,
)
from cases.selectors import suggested_department
from cases.services import TransitionNotAllowed, case_submit
from cases.sign_off import SignOffData, case_sign_off, case_sign_off_many
from notifications.models import Kind
from tests.factories import CategoryFactory, DepartmentFactory, PlaceFactory, SubjectAreaFactory

pytestmark = [pytest.mark.django_db]

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def sign_off(case: Case, leader, decision=Decision.FORWARD, **fields) -> Case:
    return case_sign_off(case_id=case.pk, leader=leader, data=SignOffData(decision=decision, **fields))


def forward(case: Case, leader, department) -> Case:
    sign_off(case, leader, department_id=department.pk, instruction="请研究处理")
    case_forward(sign_off_id=case.sign_offs.last().pk)
    case.refresh_from_db()
    return case


# --- what a decision needs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            lambda department: {"decision": Decision.FORWARD},
            {"department": ["Choose the receiving department."]},
        ),
        (
            lambda department: {"decision": Decision.ASSIGN, "department_id": department.pk},
            {"report_due": ["An assigned case needs the date its report is due."]},
        ),
        (
            lambda department: {
                "decision": Decision.ASSIGN,
                "department_id": department.pk,
                "report_due": timezone.localdate(),
            },
            {"report_due": ["The report cannot be due today or earlier."]},
        ),
        (
            lambda department: {"decision": Decision.ANSWER_AT_WINDOW, "instruction": "  "},
            {"instruction": ["Say what the petitioner was told."]},
        ),
        (
            lambda department: {"decision": Decision.BACK_TO_WINDOW},
            {"instruction": ["Say what the window must find out."]},
        ),
    ],
    ids=["forward-without-department", "assign-without-date", "assign-due-today", "answer", "back"],
)
def test_a_sign_off_missing_what_its_decision_needs_is_refused_and_changes_nothing(
    make_case, leader, department, fields, errors
):
    # given
    case = make_case()

    # when
    with pytest.raises(ValidationError) as refused:
        sign_off(case, leader, **fields(department))

    # then
    assert refused.value.message_dict == errors
    case.refresh_from_db()
    assert case.status == Status.AWAITING_SIGN_OFF
    assert not SignOff.objects.exists()
    assert list(case.events.values_list("action", flat=True)) == ["register", "submit"]


def test_an_inactive_department_cannot_receive_a_case(make_case, leader):
    closed = DepartmentFactory(name="已撤销的局", code="gone", is_active=False)

    with pytest.raises(ValidationError) as refused:
        sign_off(make_case(), leader, department_id=closed.pk)

    assert refused.value.message_dict == {"department": ["This department does not receive cases."]}


# --- the decisions -------------------------------------------------------------------------------


def test_forwarding_writes_the_sign_off_and_its_outbox_row(make_case, leader, department):
    case = make_case()

    signed = sign_off(case, leader, department_id=department.pk, instruction="请住建局研究处理")

    assert signed.status == Status.SIGNED_OFF
    decision = case.sign_offs.get()
    assert (decision.decision, decision.department, decision.instruction) == (
        Decision.FORWARD,
        department,
        "请住建局研究处理",
    )
    assert OutboxMessage.objects.filter(object_id=decision.pk, state=OutboxState.PENDING).count() == 1
    event = case.events.last()
    assert (event.action, event.actor, event.note) == ("forward", leader, "请住建局研究处理")


def test_back_to_the_window_tells_the_receptionist_who_can_submit_again(make_case, leader, receptionist):
    # given
    case = make_case()

    # when the leader sends it back saying what is missing
    sign_off(case, leader, Decision.BACK_TO_WINDOW, instruction="请补充拆迁协议复印件")

    # then the case is at the window and its receptionist is told why
    case.refresh_from_db()
    assert case.status == Status.BACK_TO_WINDOW
    notice = receptionist.notifications.get(kind=Kind.BACK_TO_WINDOW)
    assert notice.case == case
    assert notice.message == f"信访件 {case.number} 已退回窗口：请补充拆迁协议复印件"

    # and once the window has it, the case goes back to the queue
    case_submit(case_id=case.pk, actor=receptionist)
    case.refresh_from_db()
    assert case.status == Status.AWAITING_SIGN_OFF


def test_answering_at_the_window_concludes_the_case_and_stops_the_forward_clock(make_case, leader):
    case = make_case()

    sign_off(case, leader, Decision.ANSWER_AT_WINDOW, instruction="已当场解释安置政策")

    case.refresh_from_db()
    assert case.status == Status.CONCLUDED
    assert not case.clocks.filter(stopped_at__isnull=True).exists()
    assert case.clocks.get(kind=ClockKind.FORWARD).stopped_at is not None
    assert not OutboxMessage.objects.exists()


def test_assigning_sets_the_report_due_date(make_case, leader, department):
    case = make_case()
    due = timezone.localdate() + 10 * DAY

    sign_off(case, leader, Decision.ASSIGN, department_id=department.pk, report_due=due)

    case.refresh_from_db()
    assert (case.status, case.report_due) == (Status.SIGNED_OFF, due)


def test_a_case_already_signed_off_is_refused(make_case, leader, department, labour):
    case = make_case()
    sign_off(case, leader, department_id=department.pk)

    with pytest.raises(TransitionNotAllowed, match="not possible while case .* is “Signed off”"):
        sign_off(case, leader, department_id=labour.pk)

    assert case.sign_offs.count() == 1


# --- several at once -----------------------------------------------------------------------------


def test_several_cases_are_signed_off_together(make_case, leader, department, labour):
    first, second = make_case(), make_case()

    signed = case_sign_off_many(
        leader=leader,
        decisions={
            first.pk: SignOffData(decision=Decision.FORWARD, department_id=department.pk),
            second.pk: SignOffData(decision=Decision.FORWARD, department_id=labour.pk),
        },
    )

    assert [case.status for case in signed] == [Status.SIGNED_OFF, Status.SIGNED_OFF]
    assert [s.department for s in SignOff.objects.order_by("case_id")] == [department, labour]
    assert OutboxMessage.objects.count() == 2


def test_if_one_case_of_several_cannot_be_signed_off_none_is(make_case, leader, department):
    # given three cases, the last one already sent back to the window
    first, second, third = make_case(), make_case(), make_case()
    sign_off(third, leader, Decision.BACK_TO_WINDOW, instruction="补材料")

    # when the leader signs all three off
    with pytest.raises(TransitionNotAllowed, match=third.number):
        case_sign_off_many(
            leader=leader,
            decisions={
                case.pk: SignOffData(decision=Decision.FORWARD, department_id=department.pk)
                for case in (first, second, third)
            },
        )

    # then the first two are still waiting and nothing was queued
    assert set(Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        Status.AWAITING_SIGN_OFF
    }
    assert SignOff.objects.count() == 1
    assert not OutboxMessage.objects.exists()


def test_a_batch_with_a_decision_missing_its_department_names_the_case(make_case, leader, department):
    first, second = make_case(), make_case()

    with pytest.raises(ValidationError) as refused:
        case_sign_off_many(
            leader=leader,
            decisions={
                first.pk: SignOffData(decision=Decision.FORWARD, department_id=department.pk),
                second.pk: SignOffData(decision=Decision.FORWARD),
            },
        )

    assert refused.value.messages == [f"Case {second.number}: Choose the receiving department."]
    assert not SignOff.objects.exists()


# --- the routing suggestion ------------------------------------------------------------------------


def test_the_most_specific_routing_rule_wins(make_case, reference, department, labour):
    # given a rule for the subject area and a stricter one for subject area and place
    RoutingRule.objects.create(subject_area=reference["subject_area"], department=labour, priority=1)
    RoutingRule.objects.create(
        subject_area=reference["subject_area"], place=reference["place"], department=department, priority=50
    )
    elsewhere = PlaceFactory(name="盛泽镇")

    # then a case from that place goes to the stricter rule's department, one elsewhere does not
    assert suggested_department(make_case()) == department
    assert suggested_department(make_case(place_id=elsewhere.pk)) == labour


def test_a_rule_that_does_not_match_is_not_suggested(make_case, department):
    RoutingRule.objects.create(
        category=CategoryFactory(name="检举控告", code="accuse"), department=department
    )
    RoutingRule.objects.create(
        subject_area=SubjectAreaFactory(name="教育", code="edu"), department=department
    )

    assert suggested_department(make_case()) is None


def test_a_case_in_litigation_is_suggested_to_the_court_liaison(make_case, reference, department):
    court = DepartmentFactory(name="政法委", code="court", is_court_liaison=True)
    RoutingRule.objects.create(subject_area=reference["subject_area"], department=department)

    assert suggested_department(make_case(in_litigation=True)) == court
    assert suggested_department(make_case()) == department


def test_an_inactive_department_is_never_suggested(make_case, reference, department):
    # given the most specific rule and the court liaison both point at closed departments
    closed = DepartmentFactory(name="已撤销的局", code="gone", is_active=False)
    DepartmentFactory(name="旧政法委", code="old-court", is_court_liaison=True, is_active=False)
    RoutingRule.objects.create(
        subject_area=reference["subject_area"], place=reference["place"], department=closed
    )
    RoutingRule.objects.create(subject_area=reference["subject_area"], department=department)

    # then the open department is suggested, for a case in litigation too
    assert suggested_department(make_case()) == department
    assert suggested_department(make_case(in_litigation=True)) == department


# --- a returned case, routed again -----------------------------------------------------------------


def test_a_returned_case_is_signed_off_again_to_another_department_exactly_once(
    make_case, leader, department, department_user, labour
):
    # given 住建局 received the case and returned it
    case = forward(make_case(), leader, department)
    first = case.sign_offs.get()
    case_receive(case_id=case.pk, actor=department_user)
    case_return(case_id=case.pk, actor=department_user, reason="属劳动争议，非本局职责")

    # when the leader signs it off to 人社局
    sign_off(case, leader, department_id=labour.pk, instruction="请人社局处理")
    second = case.sign_offs.last()

    # then a stale run of the first forwarding (its row re-sent) does nothing
    OutboxMessage.objects.filter(object_id=first.pk).update(state=OutboxState.PENDING)
    assert case_forward(sign_off_id=first.pk) is None
    case.refresh_from_db()
    assert (case.status, case.department) == (Status.SIGNED_OFF, department)
    assert OutboxMessage.objects.get(object_id=first.pk).state == OutboxState.DONE

    # and the new sign-off makes its own Forwarding to 人社局
    forwarding = case_forward(sign_off_id=second.pk)
    case.refresh_from_db()
    assert (case.status, case.department) == (Status.FORWARDED, labour)
    assert list(Forwarding.objects.values_list("sign_off", "department")) == [
        (first.pk, department.pk),
        (second.pk, labour.pk),
    ]
    assert forwarding.sign_off == second


def test_a_case_assigned_then_returned_and_forwarded_has_no_report_due(
    make_case, leader, department, department_user, labour
):
    # given an assigned case that came back
    case = make_case()
    sign_off(
        case,
        leader,
        Decision.ASSIGN,
        department_id=department.pk,
        report_due=timezone.localdate() + 10 * DAY,
    )
    case_forward(sign_off_id=case.sign_offs.get().pk)
    case_return(case_id=case.pk, actor=department_user, reason="非本局职责")

    # when it is forwarded, not assigned, to another department
    sign_off(case, leader, department_id=labour.pk)

    # then no report is due any more
    case.refresh_from_db()
    assert case.report_due is None
