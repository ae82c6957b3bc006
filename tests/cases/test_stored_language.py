"""What is kept for others to read (the timeline's notes, the notifications) is in the bureau's
language, whatever language the user who wrote it works in."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cases.handling import case_accept, case_receive, case_reply
from cases.models import Decision, ReplyOutcome
from tests.cases.steps import forward

pytestmark = pytest.mark.django_db


def browser(user, language=None) -> Client:
    client = Client()
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


@pytest.fixture
def accepted(make_case, leader, department, department_user):
    case = forward(make_case(), leader, department, decision=Decision.FORWARD)
    case_receive(case_id=case.pk, actor=department_user)
    return case_accept(case_id=case.pk, actor=department_user)


def test_an_extension_asked_in_english_reaches_the_leader_in_chinese(accepted, department_user, leader):
    # when 住建局's staff, working in English, ask for ten more days
    browser(department_user, "en").post(
        reverse("cases:extend", args=[accepted.pk]), {"extend-days": "10", "extend-reason": "需要现场勘查"}
    )

    # then the timeline and the leader's notification read in Chinese
    assert accepted.events.last().note == "10 天：需要现场勘查"
    assert leader.notifications.get().message == f"信访件 {accepted.number} 申请延期 10 天。"


def test_a_follow_up_call_recorded_in_english_is_kept_in_chinese(
    accepted, department_user, receptionist, leader
):
    case_reply(case_id=accepted.pk, actor=department_user, outcome=ReplyOutcome.EXPLAINED, text="依政策解释")

    browser(receptionist, "en").post(
        reverse("cases:follow_up", args=[accepted.pk]),
        {"follow_up-satisfaction_department": "dissatisfied", "follow_up-satisfaction_bureau": "satisfied"},
    )

    assert accepted.events.last().note == "对接办部门：不满意; 对信访局：满意"
    assert leader.notifications.get().message == f"信访件 {accepted.number} 的信访人表示不满意。"


def test_a_return_written_in_english_tells_the_leaders_in_chinese(
    make_case, leader, department, department_user
):
    case = forward(make_case(), leader, department, decision=Decision.FORWARD)
    case_receive(case_id=case.pk, actor=department_user)

    browser(department_user, "en").post(
        reverse("cases:return", args=[case.pk]), {"return-reason": "不属于本部门职责"}
    )

    assert (
        leader.notifications.get().message == f"{department.name}退回信访件 {case.number}：不属于本部门职责"
    )
