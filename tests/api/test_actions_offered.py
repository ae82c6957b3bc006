"""The case detail's `actions` (DESIGN §6): the endpoints the user may call now, the case's facts
considered (an extension waiting, the days to return or ask for review, a report or an answer
owed), the same answer the case page gives. Each one listed is accepted by its service; each one
the state allows but the facts leave nothing to do for is refused."""

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from cases.api.endpoints import endpoints_allowed
from cases.follow_up import case_close, case_request_review
from cases.handling import (
    case_accept,
    case_conclude,
    case_receive,
    case_reply,
    case_request_extension,
)
from cases.models import Case, ClockKind, Decision
from cases.sign_off import case_supervise, extension_decide
from tests.api.conftest import client_for
from tests.cases.steps import forward

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)

# A request each service accepts when the case's state and facts let it act.
PAYLOADS = {
    "receive": {},
    "accept": {},
    "decline": {"reason": "不属于信访事项", "channel": "向区人民法院起诉"},
    "return": {"reason": "不属于本部门职责"},
    "extend": {"days": 1, "reason": "需要现场勘查"},
    "extension-decision": {"approve": True},
    "reply": {"outcome": "explained", "text": "依政策解释"},
    "conclude": {},
    "report": {"text": "办结报告"},
    "note": {"text": "已联系信访人"},
    "supervise": {"text": "请三日内报告进展"},
    "supervision-answer": {"text": "本周内答复"},
    "feedback": {"satisfaction": "satisfied"},
    "review": {},
    "close": {},
}


class Desk:
    """The people of the bureau, and the steps that take a new case to a situation."""

    def __init__(self, make_case, leader, department, department_user, receptionist):
        self.make_case, self.leader, self.department = make_case, leader, department
        self.housing, self.reception = department_user, receptionist

    def user(self, role: str):
        return {"leader": self.leader, "department": self.housing, "window": self.reception}[role]

    def forwarded(self, **sign_off) -> Case:
        return forward(self.make_case(), self.leader, self.department, **sign_off)

    def received(self, **sign_off) -> Case:
        case = self.forwarded(**sign_off)
        case_receive(case_id=case.pk, actor=self.housing)
        return case

    def accepted(self, **sign_off) -> Case:
        case = self.received(**sign_off)
        case_accept(case_id=case.pk, actor=self.housing)
        return case

    def concluded(self, **sign_off) -> Case:
        case = self.accepted(**sign_off)
        case_reply(case_id=case.pk, actor=self.housing, outcome="explained", text="依政策解释")
        case_conclude(case_id=case.pk, actor=self.housing)
        return case

    def closed(self, **sign_off) -> Case:
        case = self.concluded(**sign_off)
        return case_close(case_id=case.pk, actor=self.reception)

    def assigned(self) -> dict:
        return {"decision": Decision.ASSIGN, "report_due": timezone.localdate() + datetime.timedelta(days=10)}

    def window_over(self, case: Case, kind: str) -> Case:
        case.clocks.filter(kind=kind, stopped_at__isnull=True).update(due_on=YESTERDAY)
        return case

    def extension_waiting(self, case: Case) -> Case:
        case_request_extension(case_id=case.pk, actor=self.housing, days=10, reason="需要协调")
        return case

    def extension_used_up(self, case: Case) -> Case:
        case_request_extension(case_id=case.pk, actor=self.housing, days=30, reason="需要协调")
        extension_decide(case_id=case.pk, leader=self.leader, approve=True)
        return case

    def supervised(self, case: Case) -> Case:
        case_supervise(case_id=case.pk, leader=self.leader, text="请加快办理")
        return case

    def review_asked(self, case: Case) -> Case:
        return case_request_review(case_id=case.pk, actor=self.reception, note="信访人不服")


@pytest.fixture
def desk(make_case, leader, department, department_user, receptionist) -> Desk:
    return Desk(make_case, leader, department, department_user, receptionist)


# situation: (how the case gets there, the actions offered to the leader, the department, the window)
SITUATIONS: dict[str, tuple[Callable[[Desk], Case], list[str], list[str], list[str]]] = {
    "forwarded": (lambda d: d.forwarded(), ["supervise"], ["receive", "return"], []),
    "forwarded, the days to return over": (
        lambda d: d.window_over(d.forwarded(), ClockKind.RETURN),
        ["supervise"],
        ["receive"],
        [],
    ),
    "received, the days to return over": (
        lambda d: d.window_over(d.received(), ClockKind.RETURN),
        ["supervise"],
        ["accept", "decline", "note"],
        [],
    ),
    "accepted": (lambda d: d.accepted(), ["supervise"], ["extend", "reply", "note"], []),
    "accepted, an extension waiting": (
        lambda d: d.extension_waiting(d.accepted()),
        ["extension-decision", "supervise"],
        ["note"],
        [],
    ),
    "accepted, the 30 days of extension used": (
        lambda d: d.extension_used_up(d.accepted()),
        ["supervise"],
        ["reply", "note"],
        [],
    ),
    "assigned and accepted, a supervision notice open": (
        lambda d: d.supervised(d.accepted(**d.assigned())),
        ["supervise"],
        ["extend", "reply", "report", "note", "supervision-answer"],
        [],
    ),
    "concluded, review asked": (
        lambda d: d.review_asked(d.concluded()),
        ["supervise", "close"],
        [],
        ["feedback", "close"],
    ),
    "concluded, the days to ask for review over": (
        lambda d: d.window_over(d.concluded(), ClockKind.REVIEW),
        ["supervise", "close"],
        [],
        ["feedback", "close"],
    ),
    "closed, nothing owed": (lambda d: d.closed(), [], [], ["review"]),
    "closed, nothing owed, the days to ask for review over": (
        lambda d: d.window_over(d.closed(), ClockKind.REVIEW),
        [],
        [],
        [],
    ),
    "closed, the completion report owed": (
        lambda d: d.closed(**d.assigned()),
        ["supervise"],
        ["report"],
        ["review"],
    ),
}
ROLES = ("leader", "department", "window")


def case_in(desk: Desk, situation: str) -> Case:
    case = SITUATIONS[situation][0](desk)
    case.refresh_from_db()
    return case


def offered(desk: Desk, case: Case, role: str) -> list[str]:
    response = client_for(desk.user(role)).get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 200
    return response.json()["actions"]


@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_the_actions_offered_are_those_the_case_leaves_something_to_do(desk, situation):
    case = case_in(desk, situation)

    assert [offered(desk, case, role) for role in ROLES] == list(SITUATIONS[situation][1:])


@pytest.mark.parametrize(
    ("situation", "role"),
    [
        ("forwarded, the days to return over", "department"),
        ("received, the days to return over", "department"),
        ("accepted, an extension waiting", "department"),
        ("accepted, an extension waiting", "leader"),
        ("accepted, the 30 days of extension used", "department"),
        ("assigned and accepted, a supervision notice open", "department"),
        ("concluded, review asked", "department"),
        ("concluded, the days to ask for review over", "window"),
        ("closed, nothing owed", "leader"),
        ("closed, nothing owed", "department"),
        ("closed, nothing owed", "window"),
        ("closed, the completion report owed", "leader"),
    ],
)
def test_the_service_accepts_what_is_offered_and_refuses_the_rest(desk, situation, role):
    """Every endpoint the case's state allows the role, each on a case of its own in the
    situation: accepted (200) if offered, refused by the service's own checks (400) if not."""
    case = case_in(desk, situation)
    actions = offered(desk, case, role)
    client = client_for(desk.user(role))

    answers = {}
    for endpoint in endpoints_allowed(case.status, desk.user(role).role):
        case = case_in(desk, situation)
        response = client.post(f"/api/v1/cases/{case.pk}/{endpoint}/", PAYLOADS[endpoint], format="json")
        answers[endpoint] = (response.status_code, response.json())

    assert {endpoint: status for endpoint, (status, _) in answers.items()} == {
        endpoint: 200 if endpoint in actions else 400 for endpoint in answers
    }, answers
