"""The window after the department, on the case page: the follow-up call, a request for review,
closing. And what the case page shows everyone: clocks, decisions and the timeline."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.forwarding import case_forward
from cases.handling import case_accept, case_conclude, case_receive, case_reply
from cases.models import Case, Clock, ClockKind, Decision, Status
from cases.sign_off import SignOffData, case_sign_off

pytestmark = [pytest.mark.django_db]


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def panels(response) -> dict:
    return {panel.name: panel for panel in response.context["panels"]}


def post(user, case, action: str, data: dict | None = None, **kwargs):
    return client_for(user).post(reverse(f"cases:{action}", args=[case.pk]), data or {}, **kwargs)


@pytest.fixture
def forwarded(make_case, leader, department):
    case = make_case()
    case_sign_off(
        case_id=case.pk,
        leader=leader,
        data=SignOffData(
            decision=Decision.FORWARD, department_id=department.pk, instruction="请住建局研究处理"
        ),
    )
    case_forward(sign_off_id=case.sign_offs.get().pk)
    return case


@pytest.fixture
def concluded(forwarded, department_user):
    case_receive(case_id=forwarded.pk, actor=department_user)
    case_accept(case_id=forwarded.pk, actor=department_user)
    case_reply(case_id=forwarded.pk, actor=department_user, outcome="explained", text="依政策解释")
    case_conclude(case_id=forwarded.pk, actor=department_user)
    return forwarded


def test_the_window_records_the_follow_up_call(concluded, receptionist, leader):
    page = client_for(receptionist).get(reverse("cases:detail", args=[concluded.pk]))
    assert list(panels(page)) == ["follow_up", "review", "close"]

    response = post(
        receptionist,
        concluded,
        "follow_up",
        {
            "follow_up-satisfaction_department": "basically_satisfied",
            "follow_up-satisfaction_bureau": "satisfied",
            "follow_up-note": "电话回访，其子代为接听",
        },
        follow=True,
    )

    assert texts(response) == [f"Follow-up call recorded on case {concluded.number}."]
    concluded.refresh_from_db()
    assert (concluded.satisfaction_department, concluded.satisfaction_bureau) == (
        "basically_satisfied",
        "satisfied",
    )
    assert "Basically satisfied" in response.content.decode()
    assert not leader.notifications.filter(kind="dissatisfied").exists()


def test_a_dissatisfied_petitioner_puts_the_case_on_the_supervision_list(concluded, receptionist, leader):
    post(receptionist, concluded, "follow_up", {"follow_up-satisfaction_department": "dissatisfied"})

    response = client_for(leader).get(reverse("cases:supervision"))

    sections = {section["key"]: section["cases"] for section in response.context["sections"]}
    assert sections["dissatisfied"] == [concluded]
    assert leader.notifications.filter(kind="dissatisfied", case=concluded).exists()


def test_a_follow_up_needs_the_satisfaction_with_the_department(concluded, receptionist):
    response = post(receptionist, concluded, "follow_up", {"follow_up-note": "未接通"})

    assert list(panels(response)["follow_up"].form.errors) == ["satisfaction_department"]
    assert not concluded.events.filter(action="follow_up").exists()


def test_a_review_is_recorded_within_thirty_days_of_the_reply(concluded, receptionist):
    page = client_for(receptionist).get(reverse("cases:detail", args=[concluded.pk]))
    due = concluded.clocks.get(kind=ClockKind.REVIEW).due_on
    assert (
        panels(page)["review"].help == f"Allowed until {due.isoformat()} (30 days after the reply, Art. 35)."
    )

    response = post(receptionist, concluded, "review", {"review-note": "信访人不服答复"}, follow=True)

    assert texts(response) == [f"Request for review recorded on case {concluded.number}."]
    concluded.refresh_from_db()
    assert concluded.review_requested_at is not None
    assert "review" not in panels(response)


def test_a_review_asked_too_late_is_refused(concluded, receptionist):
    Clock.objects.filter(case=concluded, kind=ClockKind.REVIEW).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )

    response = post(receptionist, concluded, "review", follow=True)

    assert texts(response) == ["A review can be asked only within 30 days of the reply."]
    concluded.refresh_from_db()
    assert concluded.review_requested_at is None


def test_no_review_is_offered_once_its_thirty_days_are_over(concluded, receptionist):
    Clock.objects.filter(case=concluded, kind=ClockKind.REVIEW).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )

    page = client_for(receptionist).get(reverse("cases:detail", args=[concluded.pk]))

    assert list(panels(page)) == ["follow_up", "close"]


def test_the_window_or_the_leader_closes_a_concluded_case(concluded, receptionist, leader, make_case):
    response = post(receptionist, concluded, "close", follow=True)

    assert texts(response) == [f"Case {concluded.number} closed."]
    assert Case.objects.get(pk=concluded.pk).status == Status.CLOSED
    # Closed, the case still takes the petitioner's request for review within its 30 days.
    assert set(panels(response)) == {"review"}
    # The leader's close is refused on a case still awaiting sign-off, and changes nothing.
    waiting = make_case()
    refused = post(leader, waiting, "close", follow=True)
    assert texts(refused) == [f"“Closed” is not possible while case {waiting.number} is “Awaiting sign-off”."]


def test_the_department_may_not_do_the_windows_work(concluded, department_user):
    for action in ("follow_up", "review", "close"):
        assert post(department_user, concluded, action).status_code == 403, action


# --- what the case page shows ----------------------------------------------------------------


def test_the_case_page_shows_clocks_decisions_and_the_whole_timeline(forwarded, receptionist):
    response = client_for(receptionist).get(reverse("cases:detail", args=[forwarded.pk]))

    html = response.content.decode()
    assert "Tell the petitioner (15 days)" in html and "15 days left" in html
    assert "Forward (15 days)" in html and "stopped" in html
    assert "Signed off: forward" in html and "请住建局研究处理" in html
    timeline = [
        (event.label, str(event.actor) if event.actor else None) for event in response.context["events"]
    ]
    assert timeline == [
        ("Registered", "张进军"),
        ("Submitted for sign-off", "张进军"),
        ("Signed off: forward", "leader"),
        ("Forwarded to the department", None),
    ]
    assert "System · <strong>Forwarded to the department</strong>" in html
