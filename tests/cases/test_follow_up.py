"""The window after the department (issue 3 §6): the follow-up call and the review request."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cases.follow_up import case_close, case_follow_up, case_request_review
from cases.forwarding import case_forward
from cases.handling import case_accept, case_conclude, case_receive, case_reply
from cases.models import Case, ClockKind, Decision, Status
from cases.selectors import supervision_list
from cases.services import TransitionNotAllowed
from cases.sign_off import SignOffData, case_sign_off
from notifications.models import Kind

pytestmark = [pytest.mark.django_db]

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def replied(make_case, leader, department, department_user) -> Case:
    """The elderly woman's case, replied to by 住建局 and not concluded yet."""
    case = make_case()
    case_sign_off(
        case_id=case.pk,
        leader=leader,
        data=SignOffData(decision=Decision.FORWARD, department_id=department.pk),
    )
    case_forward(sign_off_id=case.sign_offs.get().pk)
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)
    return case_reply(case_id=case.pk, actor=department_user, outcome="not_supported", text="不符合安置政策")


@pytest.fixture
def concluded(replied, department_user) -> Case:
    """The elderly woman's case, replied to and concluded by 住建局."""
    return case_conclude(case_id=replied.pk, actor=department_user)


def test_the_follow_up_call_records_the_satisfaction(concluded, receptionist, leader):
    case = case_follow_up(
        case_id=concluded.pk,
        actor=receptionist,
        satisfaction_department="basically_satisfied",
        satisfaction_bureau="satisfied",
        note="电话回访",
    )

    case.refresh_from_db()
    assert (case.satisfaction_department, case.satisfaction_bureau) == ("basically_satisfied", "satisfied")
    assert case.status == Status.CONCLUDED
    event = case.events.last()
    assert (event.action, event.actor, event.note) == (
        "follow_up",
        receptionist,
        "对接办部门：基本满意; 对信访局：满意; 电话回访",  # kept in the bureau's language
    )
    assert not leader.notifications.exists()
    assert case not in supervision_list()["dissatisfied"]


def test_a_satisfaction_not_in_the_list_is_refused(concluded, receptionist):
    before = concluded.events.count()

    with pytest.raises(ValidationError) as refused:
        case_follow_up(
            case_id=concluded.pk,
            actor=receptionist,
            satisfaction_department="",
            satisfaction_bureau="very",
        )

    assert refused.value.message_dict == {
        "satisfaction_department": ["Choose how satisfied the petitioner is with the department."],
        "satisfaction_bureau": ["Choose how satisfied the petitioner is with the bureau."],
    }
    assert concluded.events.count() == before


@pytest.mark.parametrize(
    ("department_rating", "bureau_rating"), [("dissatisfied", ""), ("satisfied", "dissatisfied")]
)
def test_a_dissatisfied_petitioner_is_brought_to_the_leaders(
    concluded, receptionist, leader, department_rating, bureau_rating
):
    case_follow_up(
        case_id=concluded.pk,
        actor=receptionist,
        satisfaction_department=department_rating,
        satisfaction_bureau=bureau_rating,
    )

    notice = leader.notifications.get(kind=Kind.DISSATISFIED)
    assert (notice.case, notice.message) == (
        concluded,
        f"信访件 {concluded.number} 的信访人表示不满意。",
    )
    assert list(supervision_list()["dissatisfied"]) == [concluded]


def test_only_the_window_records_a_follow_up(concluded, department_user):
    with pytest.raises(PermissionDenied):
        case_follow_up(case_id=concluded.pk, actor=department_user, satisfaction_department="satisfied")


def test_a_review_is_asked_within_30_days_of_the_reply(concluded, receptionist):
    case = case_request_review(case_id=concluded.pk, actor=receptionist, note="对答复不服，申请复查")

    case.refresh_from_db()
    assert case.review_requested_at is not None
    assert not case.clocks.filter(kind=ClockKind.REVIEW, stopped_at__isnull=True).exists()
    event = case.events.last()
    assert (event.action, event.note) == ("review_asked", "对答复不服，申请复查")


def test_a_review_can_be_asked_before_the_department_concludes_the_case(
    replied, department_user, receptionist
):
    # given 住建局's reply, the case not concluded yet; when she asks for a review within her 30 days
    case = case_request_review(case_id=replied.pk, actor=receptionist, note="对答复不服，申请复查")

    # then it is recorded, and the department still concludes the case afterwards
    assert (case.status, case.review_requested_at is not None) == (Status.REPLIED, True)
    assert case_conclude(case_id=case.pk, actor=department_user).status == Status.CONCLUDED


def test_a_review_on_the_30th_day_is_still_in_time(concluded, receptionist):
    concluded.clocks.filter(kind=ClockKind.REVIEW).update(due_on=timezone.localdate())

    case = case_request_review(case_id=concluded.pk, actor=receptionist)

    assert case.review_requested_at is not None


def test_a_review_asked_after_30_days_is_refused_and_changes_nothing(concluded, receptionist):
    # given the 30 days ended yesterday
    concluded.clocks.filter(kind=ClockKind.REVIEW).update(due_on=timezone.localdate() - DAY)
    before = concluded.events.count()

    # when
    with pytest.raises(ValidationError) as refused:
        case_request_review(case_id=concluded.pk, actor=receptionist)

    # then
    assert refused.value.messages == ["A review can be asked only within 30 days of the reply."]
    concluded.refresh_from_db()
    assert concluded.review_requested_at is None
    assert concluded.events.count() == before


def test_a_review_is_asked_only_once(concluded, receptionist):
    case_request_review(case_id=concluded.pk, actor=receptionist)

    with pytest.raises(ValidationError) as refused:
        case_request_review(case_id=concluded.pk, actor=receptionist)

    assert refused.value.messages == [f"A review was asked on {timezone.localdate()} already."]


def test_a_second_call_rating_only_the_department_keeps_the_bureaus_rating(
    make_case, leader, department, department_user, receptionist
):
    # given a follow-up after the reply, rating both
    case = make_case()
    case_sign_off(
        case_id=case.pk,
        leader=leader,
        data=SignOffData(decision=Decision.FORWARD, department_id=department.pk),
    )
    case_forward(sign_off_id=case.sign_offs.get().pk)
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)
    case_reply(case_id=case.pk, actor=department_user, outcome="supported", text="同意")
    case_follow_up(
        case_id=case.pk,
        actor=receptionist,
        satisfaction_department="basically_satisfied",
        satisfaction_bureau="dissatisfied",
    )

    # when the window calls again once the case is concluded, about the department only
    case_conclude(case_id=case.pk, actor=department_user)
    case_follow_up(case_id=case.pk, actor=receptionist, satisfaction_department="satisfied")

    # then the bureau's rating still stands, and so does the leaders' attention to it
    case.refresh_from_db()
    assert (case.satisfaction_department, case.satisfaction_bureau) == ("satisfied", "dissatisfied")
    assert list(supervision_list()["dissatisfied"]) == [case]


def test_closing_ends_the_case_but_not_the_petitioners_right_to_a_review(concluded, receptionist):
    case = case_close(case_id=concluded.pk, actor=receptionist)

    assert case.status == Status.CLOSED
    assert list(case.clocks.filter(stopped_at__isnull=True).values_list("kind", flat=True)) == ["review"]
    with pytest.raises(TransitionNotAllowed):
        case_follow_up(case_id=concluded.pk, actor=receptionist, satisfaction_department="satisfied")

    # Art. 35: the 30 days from the reply run on after the file is closed.
    case = case_request_review(case_id=concluded.pk, actor=receptionist)
    assert (case.status, case.review_requested_at is not None) == (Status.CLOSED, True)
