"""What the receiving department does with a case (issue 3 §4), and what it may not do."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from cases.forwarding import case_forward
from cases.handling import (
    case_accept,
    case_add_note,
    case_conclude,
    case_decline,
    case_receive,
    case_reply,
    case_report,
    case_request_extension,
    case_return,
    supervision_answer,
)
from cases.models import Case, ClockKind, Decision, Extension, ExtensionState, Status
from cases.selectors import returned_cases, supervision_list
from cases.services import TransitionNotAllowed
from cases.sign_off import SignOffData, case_sign_off, case_supervise, extension_decide
from notifications.models import Kind
from tests.cases.steps import forward

pytestmark = [pytest.mark.django_db]

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def forwarded(make_case, leader, department):
    return forward(make_case(), leader, department)


@pytest.fixture
def received(forwarded, department_user):
    return case_receive(case_id=forwarded.pk, actor=department_user)


@pytest.fixture
def accepted(received, department_user):
    return case_accept(case_id=received.pk, actor=department_user)


def snapshot(case: Case) -> tuple:
    """What a refused action must leave as it was."""
    case = Case.objects.get(pk=case.pk)
    return (
        case.status,
        case.returns_count,
        case.events.count(),
        list(case.clocks.values_list("kind", "due_on", "stopped_at")),
        list(case.extensions.values_list("days", "state")),
    )


# --- return ------------------------------------------------------------------------------------


def test_a_department_returns_a_case_within_five_working_days(received, department_user, leader):
    # when
    case = case_return(case_id=received.pk, actor=department_user, reason="属劳动争议，非本局职责")

    # then the case is back with the leaders, counted, with its reason
    case.refresh_from_db()
    assert (case.status, case.returns_count) == (Status.RETURNED, 1)
    assert not case.clocks.filter(stopped_at__isnull=True).exists()
    notice = leader.notifications.get(kind=Kind.RETURNED)
    assert notice.message == f"住建局退回信访件 {case.number}：属劳动争议，非本局职责"
    listed = returned_cases().get()
    assert (listed, listed.return_reason, listed.returns_count) == (case, "属劳动争议，非本局职责", 1)


def test_the_second_return_counts_two_and_puts_the_case_on_the_supervision_list(
    received, department_user, leader, department
):
    case_return(case_id=received.pk, actor=department_user, reason="非本局职责")
    forward(received, leader, department)
    case_return(case_id=received.pk, actor=department_user, reason="仍非本局职责")

    listed = returned_cases().get()
    assert (listed.returns_count, listed.return_reason) == (2, "仍非本局职责")
    assert list(supervision_list()["returned_often"]) == [received]


def test_a_return_after_the_five_working_days_is_refused_and_changes_nothing(received, department_user):
    # given the five working days ended yesterday
    ended = timezone.localdate() - DAY
    received.clocks.filter(kind=ClockKind.RETURN).update(due_on=ended)
    before = snapshot(received)

    # when
    with pytest.raises(ValidationError) as refused:
        case_return(case_id=received.pk, actor=department_user, reason="非本局职责")

    # then
    assert refused.value.messages == [f"The five working days to return this case ended on {ended}."]
    assert snapshot(received) == before


def test_a_return_on_the_last_day_is_allowed(received, department_user):
    received.clocks.filter(kind=ClockKind.RETURN).update(due_on=timezone.localdate())

    case = case_return(case_id=received.pk, actor=department_user, reason="非本局职责")

    assert case.status == Status.RETURNED


def test_a_return_needs_a_reason(received, department_user):
    with pytest.raises(ValidationError) as refused:
        case_return(case_id=received.pk, actor=department_user, reason=" ")

    assert refused.value.message_dict == {"reason": ["Say why the case is not for your department."]}


def test_an_accepted_case_cannot_be_returned(accepted, department_user):
    before = snapshot(accepted)

    with pytest.raises(TransitionNotAllowed):
        case_return(case_id=accepted.pk, actor=department_user, reason="非本局职责")

    assert snapshot(accepted) == before


# --- decline -------------------------------------------------------------------------------------


def test_declining_a_case_in_litigation_needs_the_court_or_legal_channel(
    make_case, leader, department, department_user
):
    # given a case in litigation, received
    case = forward(make_case(in_litigation=True), leader, department)
    case_receive(case_id=case.pk, actor=department_user)
    before = snapshot(case)

    # when declined without the channel, it is refused
    with pytest.raises(ValidationError) as refused:
        case_decline(case_id=case.pk, actor=department_user, reason="已进入诉讼程序")
    assert refused.value.message_dict == {
        "channel": ["The case is in litigation: name the court or legal channel."]
    }
    assert snapshot(case) == before

    # and with the channel it is declined, the channel on the timeline
    case_decline(case_id=case.pk, actor=department_user, reason="已进入诉讼程序", channel="吴江区人民法院")
    case.refresh_from_db()
    assert case.status == Status.DECLINED
    # in the bureau's language, though the department works in English
    assert case.events.last().note == "已进入诉讼程序 告知途径：吴江区人民法院"
    assert not case.clocks.filter(stopped_at__isnull=True).exists()


def test_declining_an_ordinary_case_needs_only_the_reason(received, department_user):
    case = case_decline(case_id=received.pk, actor=department_user, reason="不属于信访事项")

    assert case.status == Status.DECLINED
    with pytest.raises(ValidationError):
        case_decline(case_id=received.pk, actor=department_user, reason="")


# --- extensions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 31])
def test_an_extension_is_one_to_thirty_days(accepted, department_user, days):
    before = snapshot(accepted)

    with pytest.raises(ValidationError) as refused:
        case_request_extension(case_id=accepted.pk, actor=department_user, days=days, reason="需现场勘查")

    assert refused.value.message_dict == {
        "days": ["An extension is 1 to 30 days: at most 30 days in all (Art. 34)."]
    }
    assert snapshot(accepted) == before


def test_extensions_are_at_most_thirty_days_in_all(accepted, department_user, leader):
    # given 20 days approved
    case_request_extension(case_id=accepted.pk, actor=department_user, days=20, reason="需现场勘查")
    extension_decide(case_id=accepted.pk, leader=leader, approve=True)

    # then 11 more are refused, 10 are allowed
    with pytest.raises(ValidationError) as refused:
        case_request_extension(case_id=accepted.pk, actor=department_user, days=11, reason="仍需勘查")
    assert refused.value.message_dict == {
        "days": ["An extension is 1 to 10 days: at most 30 days in all (Art. 34)."]
    }
    case_request_extension(case_id=accepted.pk, actor=department_user, days=10, reason="仍需勘查")
    extension_decide(case_id=accepted.pk, leader=leader, approve=True)

    # and once the 30 days are used, the department is told so
    with pytest.raises(ValidationError) as refused:
        case_request_extension(case_id=accepted.pk, actor=department_user, days=1, reason="再延")
    assert refused.value.message_dict == {"days": ["The 30 days of extension (Art. 34) are used up."]}


def test_a_refused_extension_does_not_count(accepted, department_user, leader):
    case_request_extension(case_id=accepted.pk, actor=department_user, days=30, reason="需现场勘查")
    extension_decide(case_id=accepted.pk, leader=leader, approve=False, note="理由不充分")

    extension = case_request_extension(case_id=accepted.pk, actor=department_user, days=30, reason="补充理由")

    assert extension.state == ExtensionState.PENDING


def test_only_one_extension_waits_at_a_time(accepted, department_user):
    case_request_extension(case_id=accepted.pk, actor=department_user, days=10, reason="需现场勘查")

    with pytest.raises(ValidationError) as refused:
        case_request_extension(case_id=accepted.pk, actor=department_user, days=5, reason="再延")

    assert refused.value.messages == ["An extension is already waiting for approval."]
    assert accepted.extensions.count() == 1


def test_the_leader_is_asked_and_decides_and_the_department_is_told(accepted, department_user, leader):
    # when the department asks
    case_request_extension(case_id=accepted.pk, actor=department_user, days=15, reason="需现场勘查")
    assert leader.notifications.get(kind=Kind.EXTENSION).message == (
        f"信访件 {accepted.number} 申请延期 15 天。"
    )
    due = accepted.clocks.get(kind=ClockKind.HANDLING).due_on

    # and the leader refuses
    extension = extension_decide(case_id=accepted.pk, leader=leader, approve=False)

    # then the handling clock is as it was and the department knows
    assert (extension.state, extension.decided_by) == (ExtensionState.REFUSED, leader)
    assert accepted.clocks.get(kind=ClockKind.HANDLING).due_on == due
    assert department_user.notifications.filter(kind=Kind.EXTENSION).get().message == (
        f"信访件 {accepted.number} 延期 15 天的申请未获批准。"
    )


def test_a_department_cannot_approve_its_own_extension(accepted, department_user):
    case_request_extension(case_id=accepted.pk, actor=department_user, days=15, reason="需现场勘查")

    with pytest.raises(PermissionDenied):
        extension_decide(case_id=accepted.pk, leader=department_user, approve=True)

    assert Extension.objects.get().state == ExtensionState.PENDING


def test_there_is_nothing_to_decide_without_a_request(accepted, leader):
    with pytest.raises(ValidationError) as refused:
        extension_decide(case_id=accepted.pk, leader=leader, approve=True)

    assert refused.value.messages == ["No extension is waiting for approval on this case."]


# --- reply, conclude, notes ------------------------------------------------------------------------


def test_the_department_replies_and_concludes(accepted, department_user):
    case_add_note(case_id=accepted.pk, actor=department_user, text="已约谈信访人")
    case = case_reply(case_id=accepted.pk, actor=department_user, outcome="explained", text="依政策解释")
    assert (case.status, case.reply_outcome, case.reply_text) == (Status.REPLIED, "explained", "依政策解释")
    assert case.replied_at is not None

    case = case_conclude(case_id=accepted.pk, actor=department_user)

    assert case.status == Status.CONCLUDED
    assert list(case.events.values_list("action", "note"))[-3:] == [
        ("note", "已约谈信访人"),
        ("reply", "解释说明: 依政策解释"),  # the bureau's language, whoever wrote it
        ("conclude", ""),
    ]


def test_a_reply_needs_an_outcome_from_the_list(accepted, department_user):
    with pytest.raises(ValidationError) as refused:
        case_reply(case_id=accepted.pk, actor=department_user, outcome="maybe", text="待定")

    assert refused.value.message_dict == {"outcome": ["Choose supported, explained or not supported."]}


# --- the completion report of an assigned case ------------------------------------------------------


def test_an_assigned_case_reports_once(make_case, leader, department, department_user):
    case = forward(
        make_case(), leader, department, decision=Decision.ASSIGN, report_due=timezone.localdate() + 9 * DAY
    )
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)

    case_report(case_id=case.pk, actor=department_user, text="已落实安置面积")

    assert case.events.last().note == "已落实安置面积"
    with pytest.raises(ValidationError) as refused:
        case_report(case_id=case.pk, actor=department_user, text="再报一次")
    assert refused.value.messages == ["The report for this case has been sent already."]


def test_a_forwarded_case_has_no_completion_report(accepted, department_user):
    before = snapshot(accepted)

    with pytest.raises(ValidationError) as refused:
        case_report(case_id=accepted.pk, actor=department_user, text="报告")

    assert refused.value.messages == ["Only an assigned case has a completion report."]
    assert snapshot(accepted) == before


def test_a_case_assigned_then_returned_and_forwarded_elsewhere_has_no_report(
    make_case, leader, department, department_user, labour, labour_user
):
    case = forward(
        make_case(), leader, department, decision=Decision.ASSIGN, report_due=timezone.localdate() + 9 * DAY
    )
    case_return(case_id=case.pk, actor=department_user, reason="非本局职责")
    forward(case, leader, labour)
    case_receive(case_id=case.pk, actor=labour_user)
    case_accept(case_id=case.pk, actor=labour_user)

    with pytest.raises(ValidationError) as refused:
        case_report(case_id=case.pk, actor=labour_user, text="报告")

    assert refused.value.messages == ["Only an assigned case has a completion report."]


# --- supervision ---------------------------------------------------------------------------------


def test_a_supervision_notice_reaches_the_department_which_answers_it(accepted, leader, department_user):
    # when the leader supervises
    notice = case_supervise(case_id=accepted.pk, leader=leader, text="请于三日内报告进展")

    # then the department is told, by email too
    told = department_user.notifications.get(kind=Kind.SUPERVISION)
    assert (told.case, told.email_pending) == (accepted, True)
    assert told.message == f"信访件 {accepted.number} 督办通知：请于三日内报告进展"

    # when the department answers, the answer is recorded once
    supervision_answer(case_id=accepted.pk, actor=department_user, text="已完成现场勘查")
    notice.refresh_from_db()
    assert (notice.answer, notice.answered_by) == ("已完成现场勘查", department_user)
    assert notice.answered_at is not None
    with pytest.raises(ValidationError) as refused:
        supervision_answer(case_id=accepted.pk, actor=department_user, text="再答")
    assert refused.value.messages == ["There is no supervision notice to answer."]


def test_a_department_that_returned_the_case_is_not_asked_to_answer_for_it(
    received, leader, department_user, labour
):
    # given 住建局 returned the case and the leader signed it off to 人社局, not delivered yet
    case_return(case_id=received.pk, actor=department_user, reason="非本局职责")
    case_sign_off(
        case_id=received.pk,
        leader=leader,
        data=SignOffData(decision=Decision.FORWARD, department_id=labour.pk),
    )

    # when the leader supervises the stuck forwarding
    case_supervise(case_id=received.pk, leader=leader, text="请尽快转送")

    # then 住建局 is not told to answer
    assert not department_user.notifications.filter(kind=Kind.SUPERVISION).exists()


def test_a_notice_left_unanswered_lapses_when_the_department_returns_the_case(
    received, leader, department_user, labour, labour_user
):
    # given a notice to 住建局, which returns the case instead of answering
    notice = case_supervise(case_id=received.pk, leader=leader, text="请于三日内报告进展")
    case_return(case_id=received.pk, actor=department_user, reason="非本局职责")
    notice.refresh_from_db()
    assert notice.lapsed_at is not None and notice.answered_at is None

    # when the case reaches 人社局
    forward(received, leader, labour)
    case_receive(case_id=received.pk, actor=labour_user)

    # then 人社局 owes no answer to a notice that was 住建局's
    with pytest.raises(ValidationError) as refused:
        supervision_answer(case_id=received.pk, actor=labour_user, text="我局刚收到")
    assert refused.value.messages == ["There is no supervision notice to answer."]

    # but answers the leader's next one
    case_supervise(case_id=received.pk, leader=leader, text="请人社局报告进展")
    answered = supervision_answer(case_id=received.pk, actor=labour_user, text="已联系信访人")
    assert answered.text == "请人社局报告进展"


def test_the_same_note_or_notice_sent_again_is_refused(accepted, leader, department_user):
    """The form sent again (Back and send): one timeline entry, one notice and one answer owed."""
    case_add_note(case_id=accepted.pk, actor=department_user, text="已联系信访人之子")
    with pytest.raises(ValidationError) as note:
        case_add_note(case_id=accepted.pk, actor=department_user, text="已联系信访人之子 ")
    case_supervise(case_id=accepted.pk, leader=leader, text="请于三日内报告进展")
    before = (accepted.events.count(), accepted.supervision_notices.count())

    with pytest.raises(ValidationError) as notice:
        case_supervise(case_id=accepted.pk, leader=leader, text="请于三日内报告进展")

    assert note.value.message_dict == {"text": ["This note is in the timeline already."]}
    assert notice.value.message_dict == {"text": ["This notice was sent already and awaits its answer."]}
    assert (accepted.events.count(), accepted.supervision_notices.count()) == before
    # once answered, the leader may ask the same again
    supervision_answer(case_id=accepted.pk, actor=department_user, text="已完成现场勘查")
    case_supervise(case_id=accepted.pk, leader=leader, text="请于三日内报告进展")


def test_the_same_note_written_again_the_next_day_is_a_note_of_its_own(accepted, department_user):
    """ "Called the petitioner, no answer", yesterday and again today."""
    text = "电话联系信访人，无人接听"
    case_add_note(case_id=accepted.pk, actor=department_user, text=text)
    accepted.events.filter(action="note").update(created_at=timezone.now() - DAY)

    case_add_note(case_id=accepted.pk, actor=department_user, text=text)

    assert accepted.events.filter(action="note", note=text).count() == 2


def test_a_notice_sent_while_no_department_held_the_case_is_owed_by_nobody(
    received, leader, department_user, labour, labour_user
):
    # given 住建局 returned the case, the leader signed it off to 人社局, and while the forwarding
    # was stuck supervised it (the bureau's own business)
    case_return(case_id=received.pk, actor=department_user, reason="非本局职责")
    case_sign_off(
        case_id=received.pk,
        leader=leader,
        data=SignOffData(decision=Decision.FORWARD, department_id=labour.pk, instruction="请人社局牵头办理"),
    )
    notice = case_supervise(case_id=received.pk, leader=leader, text="请尽快转送")

    # when the case reaches 人社局
    case_forward(sign_off_id=received.sign_offs.last().pk)
    case_receive(case_id=received.pk, actor=labour_user)

    # then the notice was to nobody, and 人社局 is neither told nor asked to answer it
    assert notice.department is None and not notice.is_open
    assert not labour_user.notifications.filter(kind=Kind.SUPERVISION).exists()
    with pytest.raises(ValidationError) as refused:
        supervision_answer(case_id=received.pk, actor=labour_user, text="我局刚收到")
    assert refused.value.messages == ["There is no supervision notice to answer."]


def test_a_notice_lapses_when_its_department_declines_the_case(received, leader, department_user):
    notice = case_supervise(case_id=received.pk, leader=leader, text="请于三日内报告进展")
    assert (notice.department, notice.is_open) == (department_user.department, True)

    case_decline(case_id=received.pk, actor=department_user, reason="不属于信访事项")

    notice.refresh_from_db()
    assert notice.lapsed_at is not None and not notice.is_open


def test_a_department_that_returned_a_case_answered_at_the_window_is_not_supervised_for_it(
    received, leader, department_user
):
    # given 住建局 returned the case, and the leader answered the petitioner at the window
    case_return(case_id=received.pk, actor=department_user, reason="非本局职责")
    case_sign_off(
        case_id=received.pk,
        leader=leader,
        data=SignOffData(decision=Decision.ANSWER_AT_WINDOW, instruction="当场答复"),
    )

    # when a leader supervises the concluded case
    case_supervise(case_id=received.pk, leader=leader, text="请说明情况")

    # then 住建局, which gave it back, is neither told nor allowed to answer
    assert not department_user.notifications.filter(kind=Kind.SUPERVISION).exists()
    with pytest.raises(ValidationError) as refused:
        supervision_answer(case_id=received.pk, actor=department_user, text="我局已退回")
    assert refused.value.messages == ["Your department returned this case: its supervision is not for you."]


# --- another department --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "act",
    [
        lambda case, user: case_receive(case_id=case.pk, actor=user),
        lambda case, user: case_accept(case_id=case.pk, actor=user),
        lambda case, user: case_decline(case_id=case.pk, actor=user, reason="不予受理"),
        lambda case, user: case_return(case_id=case.pk, actor=user, reason="非本局职责"),
        lambda case, user: case_add_note(case_id=case.pk, actor=user, text="看看"),
    ],
    ids=["receive", "accept", "decline", "return", "note"],
)
def test_another_departments_staff_cannot_touch_the_case(received, labour_user, act):
    before = snapshot(received)

    with pytest.raises(Http404):
        act(received, labour_user)

    assert snapshot(received) == before


@pytest.mark.parametrize(
    "act",
    [
        lambda case, user: case_request_extension(case_id=case.pk, actor=user, days=5, reason="延期"),
        lambda case, user: case_reply(case_id=case.pk, actor=user, outcome="supported", text="支持"),
        lambda case, user: supervision_answer(case_id=case.pk, actor=user, text="已办"),
    ],
    ids=["extension", "reply", "supervision_answer"],
)
def test_another_departments_staff_cannot_act_on_an_accepted_case(accepted, leader, labour_user, act):
    case_supervise(case_id=accepted.pk, leader=leader, text="请报告进展")
    before = snapshot(accepted)

    with pytest.raises(Http404):
        act(accepted, labour_user)

    assert snapshot(accepted) == before


def test_no_reply_while_an_extension_awaits_the_leader(make_case, leader, department, department_user):
    case = make_case()
    decision = SignOffData(decision=Decision.FORWARD, department_id=department.pk)
    case_sign_off(case_id=case.pk, leader=leader, data=decision)
    case_forward(sign_off_id=case.sign_offs.get().pk)
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)
    case_request_extension(case_id=case.pk, actor=department_user, days=10, reason="需现场勘察")

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        case_reply(case_id=case.pk, actor=department_user, outcome="explained", text="依政策解释")

    assert "extension awaits" in str(refused.value)
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
