"""The case actions of the API, `POST /api/v1/cases/{id}/<action>/` (DESIGN §6): the road of a
case through them, and the errors: 400 by field, 403 for the wrong role, 404 for another
department's case, 409 in the wrong state, each leaving the case as it was."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.api.endpoints import ENDPOINT_ACTIONS
from cases.follow_up import case_close, case_follow_up
from cases.forwarding import case_forward
from cases.handling import (
    case_accept,
    case_conclude,
    case_receive,
    case_reply,
    case_request_extension,
)
from cases.models import Case, Decision, SignOff, Status
from cases.sign_off import SignOffData, case_sign_off, case_supervise
from tests.api.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = list(ENDPOINT_ACTIONS)


def in_english(client: APIClient) -> APIClient:
    # The API speaks the language the client asks for (petition_desk.middleware).
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def reception_api(receptionist):
    return in_english(client_for(receptionist))


@pytest.fixture
def leader_api(leader):
    return in_english(client_for(leader))


@pytest.fixture
def department_api(department_user):
    return in_english(client_for(department_user))


@pytest.fixture
def admin_api(administrator):
    return in_english(client_for(administrator))


def url(case: Case, endpoint: str = "") -> str:
    return f"/api/v1/cases/{case.pk}/{endpoint}/" if endpoint else f"/api/v1/cases/{case.pk}/"


def token_client(username: str) -> APIClient:
    client = in_english(APIClient())
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": "demo12345!"}, format="json"
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def snapshot(case: Case) -> tuple:
    """What a refused action must leave as it was: the status and the timeline."""
    case.refresh_from_db()
    return case.status, list(case.events.values_list("pk", flat=True))


@pytest.fixture
def labour_user(other_department):
    return UserFactory(username="labour", role="department", department=other_department)


@pytest.fixture
def labour_api(labour_user):
    return client_for(labour_user)


@pytest.fixture
def case_at(make_visit, leader, department, department_user, receptionist):
    """A case of 住建局 walked by the services along the main road up to `status`."""
    road = [
        lambda pk: case_sign_off(
            case_id=pk,
            leader=leader,
            data=SignOffData(
                decision=Decision.FORWARD, department_id=department.pk, instruction="请住建局研究处理"
            ),
        ),
        lambda pk: case_forward(sign_off_id=SignOff.objects.get(case_id=pk).pk),
        lambda pk: case_receive(case_id=pk, actor=department_user),
        lambda pk: case_accept(case_id=pk, actor=department_user),
        lambda pk: case_reply(case_id=pk, actor=department_user, outcome="explained", text="依政策解释"),
        lambda pk: case_conclude(case_id=pk, actor=department_user),
        lambda pk: case_close(case_id=pk, actor=receptionist),
    ]

    def make(status: Status) -> Case:
        case = make_visit(facts="住宅面临拆迁").case
        steps = iter(road)
        while case.status != status:
            next(steps)(case.pk)
            case.refresh_from_db()
        return case

    return make


# --- the road ----------------------------------------------------------------------------------


def test_a_case_travels_the_whole_road_through_the_api(
    make_visit, leader, department_user, receptionist, department
):
    # given the elderly woman's case at the window, and everyone's API token
    case = make_visit(facts="住宅面临拆迁").case
    leader_api, housing_api, reception_api = (
        token_client(u.username) for u in (leader, department_user, receptionist)
    )

    # when the leader forwards it to 住建局
    response = leader_api.post(
        url(case, "sign-off"),
        {"decision": "forward", "department": department.pk, "instruction": "请住建局研究处理"},
        format="json",
    )

    # then the decision is on the case, which waits for the forwarding task
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "signed_off"
    assert body["sign_offs"] == [
        {
            "decision": "forward",
            "department": {
                "id": department.pk,
                "name": "住建局",
                "code": "housing",
                "is_court_liaison": False,
            },
            "instruction": "请住建局研究处理",
            "report_due": None,
            "leader": "leader",
            "created_at": body["sign_offs"][0]["created_at"],
        }
    ]
    assert body["actions"] == ["supervise"]

    # when the task runs, the department finds it with its clock and what it may do
    case_forward(sign_off_id=SignOff.objects.get(case=case).pk)
    body = housing_api.get(url(case)).json()
    assert (body["status"], body["department"]["name"]) == ("forwarded", "住建局")
    # (the clocks come by due date: the five working days to return, then the 15 days)
    returning, clock = body["clocks"]
    assert returning["clock"] == "return"
    assert clock | {"started_on": None} == {
        "clock": "notify_receipt",
        "label": "Tell the petitioner (15 days)",
        "started_on": None,
        "due_on": (timezone.localdate() + datetime.timedelta(days=15)).isoformat(),
        "days_left": 15,
        "provisional": False,
    }
    assert body["timeline"][-1] | {"created_at": None} == {
        "actor": "System",
        "by_system": True,
        "action": "deliver_forwarded",
        "action_label": "Forwarded to the department",
        "from_status": "signed_off",
        "to_status": "forwarded",
        "note": "住建局",
        "created_at": None,
    }
    assert body["actions"] == ["receive", "return"]

    # when the department receives, accepts, replies and concludes
    assert housing_api.post(url(case, "receive")).json()["status"] == "received"
    accepted = housing_api.post(url(case, "accept"), {}, format="json").json()
    assert accepted["status"] == "accepted"
    assert [(c["clock"], c["days_left"]) for c in accepted["clocks"]] == [("handling", 60)]
    replied = housing_api.post(
        url(case, "reply"), {"outcome": "explained", "text": "依政策解释安置面积"}, format="json"
    ).json()
    assert (replied["reply_outcome"], replied["reply_text"]) == ("explained", "依政策解释安置面积")
    assert replied["replied_at"] is not None
    assert housing_api.post(url(case, "conclude"), format="json").json()["status"] == "concluded"

    # and the window calls the petitioner back
    response = reception_api.post(
        url(case, "feedback"),
        {"satisfaction": "basically_satisfied", "satisfaction_bureau": "satisfied", "note": "电话回访"},
        format="json",
    )

    # then the case shows the satisfaction, and the timeline tells the whole story
    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["satisfaction_department"], body["satisfaction_bureau"]) == (
        "concluded",
        "basically_satisfied",
        "satisfied",
    )
    assert [(e["action"], e["actor"]) for e in body["timeline"]] == [
        ("register", "张进军"),
        ("submit", "张进军"),
        ("forward", "leader"),
        ("deliver_forwarded", "System"),
        ("receive", "housing"),
        ("accept", "housing"),
        ("reply", "housing"),
        ("conclude", "housing"),
        ("follow_up", "张进军"),
    ]
    assert body["actions"] == ["feedback", "review", "close"]


def test_assigned_case_reports_by_its_due_date(case_at, leader_api, department_api, department, make_visit):
    case = make_visit().case
    due = timezone.localdate() + datetime.timedelta(days=20)

    signed = leader_api.post(
        url(case, "sign-off"),
        {
            "decision": "assign",
            "department": department.pk,
            "instruction": "限期办结",
            "report_due": due.isoformat(),
        },
        format="json",
    ).json()
    case_forward(sign_off_id=SignOff.objects.get(case=case).pk)

    assert (signed["report_due"], signed["sign_offs"][0]["report_due"]) == (due.isoformat(), due.isoformat())
    assert {c["clock"] for c in department_api.get(url(case)).json()["clocks"]} == {
        "notify_receipt",
        "return",
        "report",
    }
    department_api.post(url(case, "receive"))
    department_api.post(url(case, "accept"), {}, format="json")
    reported = department_api.post(url(case, "report"), {"text": "已办结，报告如下"}, format="json").json()
    assert "report" not in {c["clock"] for c in reported["clocks"]}
    assert reported["timeline"][-1]["note"] == "已办结，报告如下"


def test_a_report_due_beyond_the_bureaus_records_is_refused(leader_api, department, make_visit):
    case = make_visit().case

    data = {"decision": "assign", "department": department.pk, "instruction": "限期办结"}
    data["report_due"] = "9999-12-31"
    response = leader_api.post(url(case, "sign-off"), data, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {"report_due": ["Enter a date between 2000-01-01 and 2099-12-31."]}
    case.refresh_from_db()
    assert case.status == "awaiting_sign_off"


def test_answered_at_the_window_is_concluded_at_once(leader_api, make_visit):
    case = make_visit().case

    body = leader_api.post(
        url(case, "sign-off"), {"decision": "answer_at_window", "instruction": "当场答复政策"}, format="json"
    ).json()

    assert body["status"] == "concluded"
    assert body["clocks"] == []


def test_returned_case_comes_back_to_the_leader_counted(case_at, department_api, leader_api):
    case = case_at(Status.RECEIVED)

    body = department_api.post(url(case, "return"), {"reason": "不属于本部门职责"}, format="json").json()

    assert (body["status"], body["returns_count"]) == ("returned", 1)
    assert body["timeline"][-1]["note"] == "不属于本部门职责"
    assert "sign-off" in leader_api.get(url(case)).json()["actions"]


def test_decline_names_the_channel(case_at, department_api):
    case = case_at(Status.RECEIVED)

    body = department_api.post(
        url(case, "decline"), {"reason": "已进入诉讼程序", "channel": "区人民法院"}, format="json"
    ).json()

    assert body["status"] == "declined"
    assert body["timeline"][-1]["note"] == "已进入诉讼程序 告知途径：区人民法院"


def test_extension_asked_and_approved(case_at, department_api, leader_api):
    case = case_at(Status.ACCEPTED)
    due = case.clocks.get(kind="handling").due_on

    asked = department_api.post(
        url(case, "extend"), {"days": 10, "reason": "需现场勘查"}, format="json"
    ).json()
    decided = leader_api.post(
        url(case, "extension-decision"), {"approve": True, "note": "同意"}, format="json"
    ).json()

    assert [(e["days"], e["state"], e["requested_by"]) for e in asked["extensions"]] == [
        (10, "pending", "housing")
    ]
    [extension] = decided["extensions"]
    assert (extension["state"], extension["decided_by"]) == ("approved", "leader")
    [clock] = decided["clocks"]
    assert clock["due_on"] == (due + datetime.timedelta(days=10)).isoformat()


def test_extension_refused_keeps_the_due_date(case_at, department_user, leader_api):
    case = case_at(Status.ACCEPTED)
    case_request_extension(case_id=case.pk, actor=department_user, days=5, reason="需补充材料")

    body = leader_api.post(url(case, "extension-decision"), {"approve": False}, format="json").json()

    assert body["extensions"][0]["state"] == "refused"
    assert body["clocks"][0]["due_on"] == case.clocks.get(kind="handling").due_on.isoformat()


def test_supervision_notice_and_its_answer(case_at, leader_api, department_api):
    case = case_at(Status.ACCEPTED)

    sent = leader_api.post(url(case, "supervise"), {"text": "请于三日内报告进展"}, format="json").json()
    answered = department_api.post(
        url(case, "supervision-answer"), {"text": "已约谈，下周答复"}, format="json"
    ).json()

    assert [(n["text"], n["sent_by"], n["answer"]) for n in sent["supervision_notices"]] == [
        ("请于三日内报告进展", "leader", "")
    ]
    [notice] = answered["supervision_notices"]
    assert (notice["answer"], notice["answered_by"]) == ("已约谈，下周答复", "housing")


def test_handling_note_review_and_close(case_at, department_api, reception_api, receptionist):
    accepted = case_at(Status.ACCEPTED)
    noted = department_api.post(url(accepted, "note"), {"text": "已约见信访人"}, format="json").json()
    assert (noted["status"], noted["timeline"][-1]["action"]) == ("accepted", "note")

    concluded = case_at(Status.CONCLUDED)
    case_follow_up(case_id=concluded.pk, actor=receptionist, satisfaction_department="dissatisfied")
    reviewed = reception_api.post(url(concluded, "review"), {"note": "信访人不服"}, format="json").json()
    assert reviewed["review_requested_at"] is not None
    assert reception_api.post(url(concluded, "close"), {}, format="json").json()["status"] == "closed"


# --- 400 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "status", "api", "payload", "field"),
    [
        ("sign-off", Status.AWAITING_SIGN_OFF, "leader_api", {"instruction": "x"}, "decision"),
        ("decline", Status.RECEIVED, "department_api", {"channel": "法院"}, "reason"),
        ("return", Status.RECEIVED, "department_api", {}, "reason"),
        ("extend", Status.ACCEPTED, "department_api", {"reason": "需勘查"}, "days"),
        ("extension-decision", Status.ACCEPTED, "leader_api", {"note": "x"}, "approve"),
        ("reply", Status.ACCEPTED, "department_api", {"text": "答复"}, "outcome"),
        ("reply", Status.ACCEPTED, "department_api", {"outcome": "supported"}, "text"),
        ("report", Status.ACCEPTED, "department_api", {}, "text"),
        ("note", Status.RECEIVED, "department_api", {}, "text"),
        ("supervise", Status.ACCEPTED, "leader_api", {}, "text"),
        ("supervision-answer", Status.ACCEPTED, "department_api", {}, "text"),
        ("feedback", Status.CONCLUDED, "reception_api", {"note": "x"}, "satisfaction"),
    ],
)
def test_a_missing_field_is_400_by_field_and_changes_nothing(
    request, case_at, endpoint, status, api, payload, field
):
    case = case_at(status)
    before = snapshot(case)

    response = request.getfixturevalue(api).post(url(case, endpoint), payload, format="json")

    assert response.status_code == 400
    assert response.json() == {field: ["This field is required."]}
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("endpoint", "status", "api", "payload", "errors"),
    [
        (
            "sign-off",
            Status.AWAITING_SIGN_OFF,
            "leader_api",
            {"decision": "forward"},
            {"department": ["Choose the receiving department."]},
        ),
        (
            "sign-off",
            Status.AWAITING_SIGN_OFF,
            "leader_api",
            {"decision": "back_to_window", "instruction": " "},
            {"instruction": ["Say what the window must find out."]},
        ),
        (
            "sign-off",
            Status.AWAITING_SIGN_OFF,
            "leader_api",
            {"decision": "sign"},
            {"decision": ['"sign" is not a valid choice.']},
        ),
        (
            "extend",
            Status.ACCEPTED,
            "department_api",
            {"days": 31, "reason": "需勘查"},
            {"days": ["An extension is 1 to 30 days: at most 30 days in all (Art. 34)."]},
        ),
        (
            "extension-decision",
            Status.ACCEPTED,
            "leader_api",
            {"approve": True},
            {"non_field_errors": ["No extension is waiting for approval on this case."]},
        ),
        (
            "reply",
            Status.ACCEPTED,
            "department_api",
            {"outcome": "explained", "text": "  "},
            {"text": ["Write the reply to the petitioner."]},
        ),
        (
            "feedback",
            Status.CONCLUDED,
            "reception_api",
            {"satisfaction": "happy"},
            {"satisfaction": ['"happy" is not a valid choice.']},
        ),
    ],
)
def test_what_the_service_refuses_is_400_by_field_and_changes_nothing(
    request, case_at, endpoint, status, api, payload, errors
):
    case = case_at(status)
    before = snapshot(case)

    response = request.getfixturevalue(api).post(url(case, endpoint), payload, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot(case) == before


def test_a_department_that_is_not_active_receives_no_case(leader_api, make_visit, other_department):
    other_department.is_active = False
    other_department.save()
    case = make_visit().case

    response = leader_api.post(
        url(case, "sign-off"), {"decision": "forward", "department": other_department.pk}, format="json"
    )

    assert response.json() == {"department": ["This department does not receive cases."]}
    assert not SignOff.objects.exists()


def test_a_case_in_litigation_is_not_declined_without_its_channel(
    make_visit, leader, department, department_user
):
    case = make_visit(in_litigation=True).case
    case_sign_off(
        case_id=case.pk,
        leader=leader,
        data=SignOffData(decision=Decision.FORWARD, department_id=department.pk),
    )
    case_forward(sign_off_id=SignOff.objects.get(case=case).pk)
    case_receive(case_id=case.pk, actor=department_user)
    before = snapshot(case)

    response = client_for(department_user).post(url(case, "decline"), {"reason": "已起诉"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["channel"]
    assert snapshot(case) == before


# --- 403 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "status", "api", "payload"),
    [
        (
            "sign-off",
            Status.AWAITING_SIGN_OFF,
            "reception_api",
            {"decision": "answer_at_window", "instruction": "x"},
        ),
        ("receive", Status.FORWARDED, "leader_api", {}),
        ("accept", Status.RECEIVED, "reception_api", {}),
        ("return", Status.RECEIVED, "leader_api", {"reason": "x"}),
        ("extension-decision", Status.ACCEPTED, "department_api", {"approve": True}),
        ("reply", Status.ACCEPTED, "leader_api", {"outcome": "supported", "text": "x"}),
        ("supervise", Status.ACCEPTED, "department_api", {"text": "x"}),
        ("feedback", Status.CONCLUDED, "department_api", {"satisfaction": "satisfied"}),
        ("close", Status.CONCLUDED, "department_api", {}),
    ],
)
def test_the_wrong_role_is_403_and_changes_nothing(request, case_at, endpoint, status, api, payload):
    case = case_at(status)
    before = snapshot(case)

    response = request.getfixturevalue(api).post(url(case, endpoint), payload, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role may not do this."}
    assert snapshot(case) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_administrator_takes_no_case_action(admin_api, case_at, endpoint):
    """Administrators keep the reference data; casework is the other roles'."""
    case = case_at(Status.ACCEPTED)

    assert admin_api.post(url(case, endpoint), {}, format="json").status_code == 403


def test_the_role_is_checked_before_the_input(reception_api, make_visit):
    case = make_visit().case

    assert reception_api.post(url(case, "sign-off"), {}, format="json").status_code == 403


def test_anonymous_caller_is_refused(anonymous_api, make_visit):
    case = make_visit().case

    assert anonymous_api.post(url(case, "sign-off"), {"decision": "forward"}, format="json").status_code in (
        401,
        403,
    )
    assert case.events.count() == 2


# --- 404 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_another_departments_case_does_not_exist_for_their_staff(case_at, labour_api, endpoint):
    case = case_at(Status.ACCEPTED)
    before = snapshot(case)

    response = labour_api.post(url(case, endpoint), {"text": "x", "reason": "x", "days": 5}, format="json")

    assert response.status_code == 404
    assert snapshot(case) == before


def test_another_departments_case_detail_is_404(case_at, labour_api, department_api):
    case = case_at(Status.RECEIVED)

    assert labour_api.get(url(case)).status_code == 404
    assert department_api.get(url(case)).status_code == 200


def test_a_case_not_yet_routed_does_not_exist_for_department_staff(department_api, make_visit):
    case = make_visit().case

    assert department_api.post(url(case, "receive")).status_code == 404


def test_no_such_case_is_404(leader_api):
    assert (
        leader_api.post("/api/v1/cases/999999/sign-off/", {"decision": "forward"}, format="json").status_code
        == 404
    )


# --- 409 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "status", "api", "payload", "message"),
    [
        (
            "accept",
            Status.FORWARDED,
            "department_api",
            {},
            "“Accepted” is not possible while case {} is “Forwarded”.",
        ),
        (
            "conclude",
            Status.ACCEPTED,
            "department_api",
            {},
            "“Concluded” is not possible while case {} is “Accepted”.",
        ),
        (
            "sign-off",
            Status.SIGNED_OFF,
            "leader_api",
            {"decision": "answer_at_window", "instruction": "x"},
            "“Answered at the window” is not possible while case {} is “Signed off”.",
        ),
        (
            "close",
            Status.ACCEPTED,
            "reception_api",
            {},
            "“Closed” is not possible while case {} is “Accepted”.",
        ),
        (
            "return",
            Status.ACCEPTED,
            "department_api",
            {"reason": "不属于本部门"},
            "“Returned” is not possible while case {} is “Accepted”.",
        ),
        # Before the body's fields are asked for: the client was told to choose a department or
        # give a reason, for a step the case could never take.
        (
            "sign-off",
            Status.CONCLUDED,
            "leader_api",
            {"decision": "forward"},
            "“Signed off: forward” is not possible while case {} is “Concluded”.",
        ),
        (
            "return",
            Status.ACCEPTED,
            "department_api",
            {},
            "“Returned” is not possible while case {} is “Accepted”.",
        ),
        (
            "decline",
            Status.CLOSED,
            "department_api",
            {"reason": ""},
            "“Declined” is not possible while case {} is “Closed”.",
        ),
    ],
)
def test_an_action_not_allowed_in_the_state_is_409_and_changes_nothing(
    request, case_at, endpoint, status, api, payload, message
):
    case = case_at(status)
    before = snapshot(case)

    response = request.getfixturevalue(api).post(url(case, endpoint), payload, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": message.format(case.number)}
    assert snapshot(case) == before


def test_a_second_sign_off_is_409_and_forwards_once(leader_api, make_visit, department):
    case = make_visit().case
    payload = {"decision": "forward", "department": department.pk}

    assert leader_api.post(url(case, "sign-off"), payload, format="json").status_code == 200
    assert leader_api.post(url(case, "sign-off"), payload, format="json").status_code == 409
    assert SignOff.objects.filter(case=case).count() == 1


# --- the case detail ---------------------------------------------------------------------------


def test_actions_offered_follow_the_role(case_at, leader_api, department_api, reception_api):
    case = case_at(Status.ACCEPTED)

    assert department_api.get(url(case)).json()["actions"] == ["extend", "reply", "note"]
    assert leader_api.get(url(case)).json()["actions"] == ["supervise"]
    assert reception_api.get(url(case)).json()["actions"] == []


def test_detail_with_decisions_does_not_query_per_row(
    case_at, leader, leader_api, django_assert_max_num_queries
):
    case = case_at(Status.ACCEPTED)
    for n in range(3):
        case_supervise(case_id=case.pk, leader=leader, text=f"督办{n}")

    with django_assert_max_num_queries(11):
        response = leader_api.get(url(case))

    assert len(response.json()["supervision_notices"]) == 3
