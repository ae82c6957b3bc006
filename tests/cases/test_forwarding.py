"""Carrying signed-off cases to their departments when something goes wrong on the way
(cases.forwarding): one case's error, and a server whose clock is behind."""

import datetime

import pytest

from cases.forwarding import case_forward, cases_forward
from cases.handling import case_receive, case_return
from cases.models import Case, Decision, Forwarding, OutboxMessage, OutboxState, SignOff, Status
from cases.selectors import supervision_list
from cases.sign_off import SignOffData, case_sign_off
from tests.cases.steps import forward

pytestmark = [pytest.mark.django_db]


def sign_off(case, leader, department) -> SignOff:
    data = SignOffData(decision=Decision.FORWARD, department_id=department.pk, instruction="请研究处理")
    case_sign_off(case_id=case.pk, leader=leader, data=data)
    return case.sign_offs.last()


def test_a_case_that_cannot_be_forwarded_does_not_hold_back_the_rest_of_its_batch(
    make_case, leader, department
):
    # given three signed-off cases in one relay batch, the second of which cannot be delivered:
    # a Forwarding for its sign-off exists already, so writing another one is refused
    cases = [make_case() for _ in range(3)]
    sign_offs = [sign_off(case, leader, department) for case in cases]
    broken = sign_offs[1]
    Forwarding.objects.create(sign_off=broken, case=cases[1], department=department)

    # when the batch runs
    forwarded = cases_forward(sign_off_ids=[s.pk for s in sign_offs])

    # then the first and the third reach the department, and only the second is failed, for an
    # administrator to look at
    assert forwarded == 2
    statuses = [Case.objects.get(pk=case.pk).status for case in cases]
    assert statuses == [Status.FORWARDED, Status.SIGNED_OFF, Status.FORWARDED]
    messages = {m.object_id: m for m in OutboxMessage.objects.all()}
    states = [messages[s.pk].state for s in sign_offs]
    assert states == [OutboxState.DONE, OutboxState.FAILED, OutboxState.DONE]
    assert "IntegrityError" in messages[broken.pk].last_error
    assert list(supervision_list(now=broken.created_at + datetime.timedelta(hours=1))["stuck"]) == [cases[1]]


def test_a_sign_off_again_from_a_server_whose_clock_is_behind_is_still_forwarded(
    make_case, leader, department, department_user, labour
):
    # given 住建局 returned the case, and the leader signed it off to 人社局 on a server whose
    # clock is two minutes behind the one that wrote the first sign-off
    case = forward(make_case(), leader, department)
    first = case.sign_offs.get()
    case_receive(case_id=case.pk, actor=department_user)
    case_return(case_id=case.pk, actor=department_user, reason="属劳动争议，非本局职责")
    second = sign_off(case, leader, labour)
    SignOff.objects.filter(pk=second.pk).update(created_at=first.created_at - datetime.timedelta(minutes=2))

    # when the forwarding runs
    forwarding = case_forward(sign_off_id=second.pk)

    # then the case is in 人社局's inbox: the later sign-off is the later one written
    case.refresh_from_db()
    assert (case.status, case.department) == (Status.FORWARDED, labour)
    assert forwarding.sign_off == second
