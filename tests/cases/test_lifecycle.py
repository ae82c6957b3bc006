"""The main road of a case, service by service: window → leader → forwarding → department →
reply → follow-up → closed, each step one timeline entry by its actor."""

import pytest
from django.utils import translation

from cases.follow_up import case_close, case_follow_up
from cases.forwarding import case_forward
from cases.handling import case_accept, case_conclude, case_receive, case_reply
from cases.models import ClockKind, Decision, Forwarding, Status
from cases.sign_off import SignOffData, case_sign_off

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_case_travels_from_the_window_to_closed(
    make_case, leader, department, department_user, receptionist
):
    # given the elderly woman's case, registered at the window
    case = make_case()
    assert [c.kind for c in case.clocks.all()] == [ClockKind.FORWARD]

    # when the leader forwards it to 住建局 and the forwarding task runs
    case_sign_off(
        case_id=case.pk,
        leader=leader,
        data=SignOffData(
            decision=Decision.FORWARD, department_id=department.pk, instruction="请住建局研究处理"
        ),
    )
    sign_off = case.sign_offs.get()
    forwarding = case_forward(sign_off_id=sign_off.pk)

    # then it is in the department's inbox with its clocks, and a second run does nothing
    case.refresh_from_db()
    assert (case.status, case.department) == (Status.FORWARDED, department)
    assert case_forward(sign_off_id=sign_off.pk) is None
    assert Forwarding.objects.get() == forwarding
    running = set(case.clocks.filter(stopped_at__isnull=True).values_list("kind", flat=True))
    assert running == {ClockKind.NOTIFY_RECEIPT, ClockKind.RETURN}
    assert department_user.notifications.filter(case=case).exists()

    # when the department works it through and the window calls back
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)
    case_reply(case_id=case.pk, actor=department_user, outcome="explained", text="依政策解释")
    case_conclude(case_id=case.pk, actor=department_user)
    case_follow_up(case_id=case.pk, actor=receptionist, satisfaction_department="satisfied")
    case_close(case_id=case.pk, actor=receptionist)

    # then the timeline tells the whole story, one entry per step
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert list(case.events.values_list("action", "actor__username")) == [
        ("register", "reception"),
        ("submit", "reception"),
        ("forward", "leader"),
        ("deliver_forwarded", None),
        ("receive", "housing"),
        ("accept", "housing"),
        ("reply", "housing"),
        ("conclude", "housing"),
        ("follow_up", "reception"),
        ("close", "reception"),
    ]
    # Only the petitioner's 30 days to ask for a review run on.
    assert list(case.clocks.filter(stopped_at__isnull=True).values_list("kind", flat=True)) == ["review"]
