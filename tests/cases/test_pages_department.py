"""The receiving department's pages: its inbox, and each action on a case's page. Another
department's case does not exist for it: every page, action and attachment is a 404."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.follow_up import case_close
from cases.forwarding import case_forward
from cases.handling import (
    case_accept,
    case_conclude,
    case_decline,
    case_receive,
    case_reply,
    case_report,
    case_request_extension,
    case_return,
    supervision_answer,
)
from cases.models import Attachment, Case, Clock, ClockKind, Decision, Extension, Status, SupervisionNotice
from cases.selectors import supervision_list
from cases.sign_off import SignOffData, case_sign_off, case_supervise, extension_decide
from tests.cases.steps import forward
from tests.queries import session_queries

pytestmark = [pytest.mark.django_db]

TODAY = timezone.localdate
DEPARTMENT_ACTIONS = {
    "receive": {},
    "accept": {},
    "decline": {"decline-reason": "不属于信访事项"},
    "return": {"return-reason": "不属于本部门职责"},
    "extend": {"extend-days": "10", "extend-reason": "需要现场勘查"},
    "note": {"note-text": "已联系信访人"},
    "reply": {"reply-outcome": "explained", "reply-text": "依政策解释"},
    "conclude": {},
    "report": {"report-text": "已办结"},
    "answer_supervision": {"answer_supervision-text": "正在办理"},
}


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def panels(response) -> dict:
    return {panel.name: panel for panel in response.context["panels"]}


def sign_off(case, leader, department, decision=Decision.FORWARD, **extra):
    case_sign_off(
        case_id=case.pk,
        leader=leader,
        data=SignOffData(decision=decision, department_id=department.pk, instruction="请研究处理", **extra),
    )
    case_forward(sign_off_id=case.sign_offs.last().pk)
    case.refresh_from_db()
    return case


@pytest.fixture
def forwarded(make_case, leader, department):
    """The elderly woman's case, forwarded to 住建局, with her letter attached."""
    case = sign_off(make_case(), leader, department)
    Attachment.objects.create(
        case=case,
        file=SimpleUploadedFile("来信.pdf", b"%PDF-1.4\n%%EOF\n"),
        original_name="来信.pdf",
        content_type="application/pdf",
        size=15,
        uploaded_by=case.registered_by,
    )
    return case


@pytest.fixture
def received(forwarded, department_user):
    case_receive(case_id=forwarded.pk, actor=department_user)
    return forwarded


@pytest.fixture
def accepted(received, department_user):
    case_accept(case_id=received.pk, actor=department_user)
    return received


def post(user, case, action: str, data: dict | None = None, **kwargs):
    return client_for(user).post(reverse(f"cases:{action}", args=[case.pk]), data or {}, **kwargs)


def status_of(case) -> str:
    return Case.objects.values_list("status", flat=True).get(pk=case.pk)


# --- the inbox -------------------------------------------------------------------------------


def test_the_inbox_shows_each_running_clock_with_its_days_left(received, department_user, labour_user):
    Clock.objects.filter(case=received, kind=ClockKind.NOTIFY_RECEIPT).update(
        due_on=TODAY() + datetime.timedelta(days=3)
    )
    # Counted over a year whose holidays are not published yet.
    Clock.objects.filter(case=received, kind=ClockKind.RETURN).update(provisional=True)

    response = client_for(department_user).get(reverse("cases:inbox"))

    assert list(response.context["page"]) == [received]
    html = response.content.decode()
    notify = re.search(
        r'<span class="badge clock ([^"]*)"[^>]*>Tell the petitioner \(15 days\): 3 days left', html
    )
    assert notify and "text-bg-danger" in notify.group(1)
    # the due date is read out, not only shown on hover
    assert re.search(
        r'3 days left<span class="visually-hidden"> \(Tell the petitioner \(15 days\) · due on ', html
    )
    assert re.search(r"Return \(5 working days\): \d+ days left · provisional", html)
    assert not re.search(r"Tell the petitioner \(15 days\): [^<]*provisional", html)
    assert list(client_for(labour_user).get(reverse("cases:inbox")).context["page"]) == []


def test_concluded_and_declined_cases_leave_the_inbox(received, department_user):
    post(department_user, received, "decline", {"decline-reason": "不属于信访事项"})

    assert list(client_for(department_user).get(reverse("cases:inbox")).context["page"]) == []


def test_the_inbox_takes_the_same_queries_however_many_cases(
    make_case, leader, department, department_user, django_assert_num_queries
):
    client = client_for(department_user)
    sign_off(make_case(), leader, department)
    client.get(reverse("cases:inbox"))
    # (session,) user, count, unread, department, page, clocks
    queries = 6 + session_queries()
    with django_assert_num_queries(queries):
        client.get(reverse("cases:inbox"))
    for _ in range(5):
        case_receive(case_id=sign_off(make_case(), leader, department).pk, actor=department_user)

    with django_assert_num_queries(queries):
        response = client.get(reverse("cases:inbox"))
    assert len(response.context["page"]) == 6


# --- the actions -----------------------------------------------------------------------------


def test_a_forwarded_case_offers_receive_and_return_only(forwarded, department_user):
    response = client_for(department_user).get(reverse("cases:detail", args=[forwarded.pk]))

    assert list(panels(response)) == ["receive", "return"]


def test_receiving_and_accepting_start_the_departments_clocks(forwarded, department_user):
    response = post(department_user, forwarded, "receive", follow=True)

    assert texts(response) == [f"Case {forwarded.number} received."]
    assert status_of(forwarded) == Status.RECEIVED
    assert list(panels(response)) == ["accept", "decline", "return", "note"]

    response = post(department_user, forwarded, "accept", {"accept-note": "已受理"}, follow=True)

    assert texts(response) == [f"Case {forwarded.number} accepted: the 60 days to handle it have started."]
    assert status_of(forwarded) == Status.ACCEPTED
    running = set(forwarded.clocks.filter(stopped_at__isnull=True).values_list("kind", flat=True))
    assert running == {ClockKind.HANDLING}
    assert "Handling (60 days)" in response.content.decode()


def test_declining_a_case_in_litigation_names_the_court(make_case, leader, department, department_user):
    case = sign_off(make_case(in_litigation=True), leader, department)
    case_receive(case_id=case.pk, actor=department_user)

    refused = post(department_user, case, "decline", {"decline-reason": "已进入诉讼程序"})

    assert panels(refused)["decline"].form.errors == {
        "channel": ["The case is in litigation: name the court or legal channel."]
    }
    assert status_of(case) == Status.RECEIVED

    post(
        department_user,
        case,
        "decline",
        {"decline-reason": "已进入诉讼程序", "decline-channel": "区人民法院"},
    )

    assert status_of(case) == Status.DECLINED
    assert case.events.get(action="decline").note == "已进入诉讼程序 告知途径：区人民法院"


def test_a_department_returns_a_case_within_five_working_days(received, department_user):
    response = post(department_user, received, "return", {"return-reason": "不属于本部门职责"}, follow=True)

    assert texts(response) == [f"Case {received.number} returned to the bureau."]
    received.refresh_from_db()
    assert (received.status, received.returns_count) == (Status.RETURNED, 1)
    # Back with the leaders: the department may still read the case, and do nothing more on it.
    assert panels(response) == {}


def test_returning_after_five_working_days_is_refused_and_changes_nothing(received, department_user):
    Clock.objects.filter(case=received, kind=ClockKind.RETURN).update(
        due_on=TODAY() - datetime.timedelta(days=1)
    )

    response = post(department_user, received, "return", {"return-reason": "不属于本部门职责"})

    assert response.status_code == 200
    ended = (TODAY() - datetime.timedelta(days=1)).isoformat()
    assert texts(response) == [f"The five working days to return this case ended on {ended}."]
    # (from a page opened before the deadline: the page no longer offers the return)
    assert "return" not in panels(response)
    received.refresh_from_db()
    assert (received.status, received.returns_count) == (Status.RECEIVED, 0)
    assert not received.events.filter(action="return").exists()


def test_an_extension_is_at_most_thirty_days(accepted, department_user):
    refused = post(department_user, accepted, "extend", {"extend-days": "31", "extend-reason": "需要协调"})

    assert "days" in panels(refused)["extend"].form.errors
    assert not Extension.objects.exists()

    response = post(
        department_user, accepted, "extend", {"extend-days": "20", "extend-reason": "需要协调"}, follow=True
    )

    assert texts(response) == [
        f"Extension asked on case {accepted.number}; it waits for a leader's approval."
    ]
    assert Extension.objects.get().days == 20
    # One request at a time: the form gives way to the pending request, and so does the reply,
    # which would leave the request undecided for ever
    assert "extend" not in panels(response)
    assert "reply" not in panels(response)
    assert "Awaiting approval" in response.content.decode()


def test_no_extension_is_offered_once_the_thirty_days_are_used(accepted, department_user, leader):
    case_request_extension(case_id=accepted.pk, actor=department_user, days=30, reason="需要协调")
    extension_decide(case_id=accepted.pk, leader=leader, approve=True)

    page = client_for(department_user).get(reverse("cases:detail", args=[accepted.pk]))

    assert "extend" not in panels(page)
    assert "reply" in panels(page)


def test_no_return_is_offered_once_its_five_working_days_are_over(received, department_user):
    yesterday = TODAY() - datetime.timedelta(days=1)
    Clock.objects.filter(case=received, kind=ClockKind.RETURN).update(due_on=yesterday)

    page = client_for(department_user).get(reverse("cases:detail", args=[received.pk]))

    assert "return" not in panels(page)
    assert "accept" in panels(page)


def test_a_department_notes_replies_and_concludes(accepted, department_user):
    post(department_user, accepted, "note", {"note-text": "已联系信访人"})
    response = post(
        department_user,
        accepted,
        "reply",
        {"reply-outcome": "supported", "reply-text": "同意帮扶"},
        follow=True,
    )

    assert texts(response) == [f"Reply recorded on case {accepted.number}."]
    accepted.refresh_from_db()
    assert (accepted.status, accepted.reply_outcome, accepted.reply_text) == (
        Status.REPLIED,
        "supported",
        "同意帮扶",
    )
    assert "Supported" in response.content.decode()

    post(department_user, accepted, "conclude")

    assert status_of(accepted) == Status.CONCLUDED
    assert list(accepted.events.values_list("action", flat=True))[-3:] == ["note", "reply", "conclude"]


def test_a_reply_needs_its_outcome_and_text(accepted, department_user):
    response = post(department_user, accepted, "reply", {"reply-text": ""})

    assert set(panels(response)["reply"].form.errors) == {"outcome", "text"}
    assert status_of(accepted) == Status.ACCEPTED


def test_an_assigned_case_sends_its_completion_report(make_case, leader, department, department_user):
    due = TODAY() + datetime.timedelta(days=10)
    case = sign_off(make_case(), leader, department, decision=Decision.ASSIGN, report_due=due)
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)
    page = client_for(department_user).get(reverse("cases:detail", args=[case.pk]))
    assert panels(page)["report"].help == f"Due on {due.isoformat()}."

    response = post(department_user, case, "report", {"report-text": "已完成核查并答复"}, follow=True)

    assert texts(response) == [f"Completion report sent on case {case.number}."]
    assert not case.clocks.filter(kind=ClockKind.REPORT, stopped_at__isnull=True).exists()
    assert "report" not in panels(response)


REPORT_DUE_IN = datetime.timedelta(days=10)


@pytest.fixture
def closed_owing_report(make_case, leader, department, department_user, receptionist) -> Case:
    """An assigned case replied to, concluded and closed after the follow-up call, its completion
    report not yet sent (due in ten days)."""
    case = sign_off(
        make_case(), leader, department, decision=Decision.ASSIGN, report_due=TODAY() + REPORT_DUE_IN
    )
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)
    case_reply(case_id=case.pk, actor=department_user, outcome="supported", text="同意安置")
    case_conclude(case_id=case.pk, actor=department_user)
    return case_close(case_id=case.pk, actor=receptionist)


def test_an_assigned_case_closed_at_the_window_still_owes_its_completion_report(
    closed_owing_report, department_user
):
    case, due = closed_owing_report, TODAY() + REPORT_DUE_IN

    # then the report's time limit still runs, and the department can still send it
    assert case.clocks.filter(kind=ClockKind.REPORT, stopped_at__isnull=True).exists()
    page = client_for(department_user).get(reverse("cases:detail", args=[case.pk]))
    assert panels(page)["report"].help == f"Due on {due.isoformat()}."
    response = post(department_user, case, "report", {"report-text": "已完成核查并答复"}, follow=True)
    assert texts(response) == [f"Completion report sent on case {case.number}."]
    assert status_of(case) == Status.CLOSED


def test_a_closed_case_whose_report_is_overdue_is_supervised_and_answered(
    closed_owing_report, leader, department_user
):
    # given an assigned case closed at the window, its completion report overdue
    case = closed_owing_report
    case.clocks.filter(kind=ClockKind.REPORT).update(due_on=TODAY() - datetime.timedelta(days=3))

    # when the leader supervises it from the supervision list, and the department answers
    assert case in supervision_list()["overdue"]
    case_supervise(case_id=case.pk, leader=leader, text="请尽快报送办结报告")
    page = client_for(department_user).get(reverse("cases:detail", args=[case.pk]))
    assert "answer_supervision" in panels(page)
    supervision_answer(case_id=case.pk, actor=department_user, text="本周内报送")

    # then the notice is answered; a closed case that owes nothing is not supervised
    assert not case.supervision_notices.filter(answered_at__isnull=True).exists()
    case_report(case_id=case.pk, actor=department_user, text="办结报告")
    with pytest.raises(ValidationError):
        case_supervise(case_id=case.pk, leader=leader, text="请说明")


def test_a_forwarded_case_has_no_completion_report(accepted, department_user):
    assert "report" not in panels(
        client_for(department_user).get(reverse("cases:detail", args=[accepted.pk]))
    )

    response = post(department_user, accepted, "report", {"report-text": "报告"}, follow=True)

    assert texts(response) == ["Only an assigned case has a completion report."]


def test_the_department_answers_a_supervision_notice(accepted, leader, department_user):
    case_supervise(case_id=accepted.pk, leader=leader, text="请加快办理")
    page = client_for(department_user).get(reverse("cases:detail", args=[accepted.pk]))
    assert "answer_supervision" in panels(page) and "请加快办理" in page.content.decode()

    post(department_user, accepted, "answer_supervision", {"answer_supervision-text": "本周内答复"})

    notice = SupervisionNotice.objects.get()
    assert (notice.answer, notice.answered_by) == ("本周内答复", department_user)


def test_a_department_that_returned_the_case_cannot_open_it_to_answer_its_supervision(
    received, leader, department_user
):
    # given 住建局 returned the case, the leader answered at the window and then supervised it
    case_return(case_id=received.pk, actor=department_user, reason="非本局职责")
    data = SignOffData(decision=Decision.ANSWER_AT_WINDOW, instruction="当场答复")
    case_sign_off(case_id=received.pk, leader=leader, data=data)
    case_supervise(case_id=received.pk, leader=leader, text="请说明情况")

    page = client_for(department_user).get(reverse("cases:detail", args=[received.pk]))

    # the case is the bureau's again: the department cannot open it, let alone answer (the
    # service refuses the answer too: test_handling)
    assert page.status_code == 404


def test_a_lapsed_notice_reads_as_lapsed_and_is_not_offered_to_the_next_department(
    received, leader, department_user, labour, labour_user
):
    case_supervise(case_id=received.pk, leader=leader, text="请于三日内报告进展")
    case_return(case_id=received.pk, actor=department_user, reason="非本局职责")
    forward(received, leader, labour)
    case_receive(case_id=received.pk, actor=labour_user)

    page = client_for(labour_user).get(reverse("cases:detail", args=[received.pk]))

    assert "answer_supervision" not in panels(page)
    notices = page.content.decode().split('id="notices-title"')[1].split("</section>")[0]
    assert "unanswered: the department returned or declined the case" in notices
    assert "Not answered yet." not in notices


def test_the_case_page_says_who_each_notice_was_to_and_what_became_of_it(
    received, leader, department_user, labour
):
    # a notice to 住建局, which declines the case instead of answering
    case_supervise(case_id=received.pk, leader=leader, text="请于三日内报告进展")
    case_decline(case_id=received.pk, actor=department_user, reason="不属于信访事项")

    page = client_for(leader).get(reverse("cases:detail", args=[received.pk])).content.decode()

    notices = page.split('id="notices-title"')[1].split("</section>")[0]
    assert f"→ {department_user.department}" in notices
    assert "Not answered yet." not in notices
    assert "unanswered: the department returned or declined the case" in notices


def test_an_extension_refused_because_the_30_days_are_used_says_so(accepted, department_user, leader):
    """A colleague's 30 days were approved while this page still offered an extension: the
    service's reason is the one to read, not that the case changed state (it did not)."""
    client = client_for(department_user)
    case_request_extension(case_id=accepted.pk, actor=department_user, days=30, reason="需要现场勘查")
    extension_decide(case_id=accepted.pk, leader=leader, approve=True)

    response = client.post(
        reverse("cases:extend", args=[accepted.pk]), {"extend-days": "10", "extend-reason": "再需十日"}
    )

    assert texts(response) == ["The 30 days of extension (Art. 34) are used up."]
    assert response.context["unsaved"] == [("Reason (the petitioner will be told)", "再需十日")]


def test_a_leader_posting_to_a_case_that_does_not_exist_gets_the_plain_page(leader):
    response = client_for(leader).post(
        reverse("cases:supervise", args=[999999]), {"supervise-text": "请报告"}
    )

    assert response.status_code == 404
    assert "with your department" not in response.content.decode()


@pytest.fixture
def rerouted(received, leader, department_user, labour):
    """Returned by 住建局, then signed off to 人社局; not yet delivered there."""
    case_return(case_id=received.pk, actor=department_user, reason="非本局职责")
    data = SignOffData(decision=Decision.FORWARD, department_id=labour.pk, instruction="请人社局牵头办理")
    case_sign_off(case_id=received.pk, leader=leader, data=data)
    return received


def test_a_case_routed_again_is_gone_from_the_department_that_gave_it_back(rerouted, department_user):
    # The case still names 住建局 until the forwarding is delivered: the leader's new sign-off
    # and its instruction to 人社局 were readable there meanwhile, or for good if it got stuck.
    client = client_for(department_user)

    assert client.get(reverse("cases:detail", args=[rerouted.pk])).status_code == 404
    listed = APIClient()
    listed.force_authenticate(department_user)
    assert listed.get(f"/api/v1/cases/{rerouted.pk}/").status_code == 404
    assert rerouted.number not in [case["number"] for case in listed.get("/api/v1/cases/").json()["results"]]


def test_a_department_keeps_in_sight_the_case_it_gave_back_until_it_is_routed_again(
    received, department_user
):
    case_return(case_id=received.pk, actor=department_user, reason="非本局职责")

    page = client_for(department_user).get(reverse("cases:detail", args=[received.pk]))

    assert page.status_code == 200
    assert "非本局职责" in page.content.decode()


@pytest.mark.parametrize("decision", [Decision.ANSWER_AT_WINDOW, Decision.BACK_TO_WINDOW])
def test_a_case_the_bureau_takes_back_is_gone_from_the_department_that_gave_it_back(
    received, leader, department_user, decision
):
    # Answered at the window or sent back there, the case is the bureau's again, as when it is
    # routed elsewhere: the leader's answer was readable by the department that refused the case.
    case_return(case_id=received.pk, actor=department_user, reason="非本局职责")
    case_sign_off(
        case_id=received.pk, leader=leader, data=SignOffData(decision=decision, instruction="由窗口答复")
    )
    api = APIClient()
    api.force_authenticate(department_user)

    assert client_for(department_user).get(reverse("cases:detail", args=[received.pk])).status_code == 404
    assert api.get(f"/api/v1/cases/{received.pk}/").status_code == 404
    assert received.number not in [case["number"] for case in api.get("/api/v1/cases/").json()["results"]]


def test_the_case_routed_again_is_seen_by_the_department_it_is_delivered_to(
    rerouted, department_user, labour_user
):
    assert client_for(labour_user).get(reverse("cases:detail", args=[rerouted.pk])).status_code == 404

    case_forward(sign_off_id=rerouted.sign_offs.last().pk)

    assert client_for(labour_user).get(reverse("cases:detail", args=[rerouted.pk])).status_code == 200
    assert client_for(department_user).get(reverse("cases:detail", args=[rerouted.pk])).status_code == 404


def test_an_action_not_allowed_in_the_state_is_refused_with_a_message(forwarded, department_user):
    response = post(department_user, forwarded, "accept", follow=True)

    assert texts(response) == [f"“Accepted” is not possible while case {forwarded.number} is “Forwarded”."]
    assert status_of(forwarded) == Status.FORWARDED


def test_other_roles_may_not_act_for_the_department(received, leader, receptionist):
    for user in (leader, receptionist):
        for action, data in DEPARTMENT_ACTIONS.items():
            assert post(user, received, action, data).status_code == 403, (user.username, action)
    assert status_of(received) == Status.RECEIVED


def test_another_departments_case_is_a_404_everywhere(forwarded, labour_user):
    client = client_for(labour_user)
    attachment = forwarded.attachments.get()
    pages = [
        reverse("cases:detail", args=[forwarded.pk]),
        reverse("cases:attachment", args=[forwarded.pk, attachment.pk]),
    ]

    assert [client.get(url).status_code for url in pages] == [404, 404]
    for action, data in DEPARTMENT_ACTIONS.items():
        assert post(labour_user, forwarded, action, data).status_code == 404, action
    assert status_of(forwarded) == Status.FORWARDED
    assert forwarded.events.count() == 4  # register, submit, forward, delivered


def test_the_department_sees_how_to_reach_the_petitioner(forwarded, department_user, receptionist):
    """She has no phone; the son's number, added at the window, is what the department calls."""
    from intake.services import ContactData, contact_add

    woman = forwarded.petitioners.get()
    page = client_for(department_user).get(reverse("cases:detail", args=[forwarded.pk])).content.decode()
    assert "No contact yet: this petitioner cannot be called back." in page

    contact_add(
        petitioner_id=woman.pk,
        data=ContactData(kind="mobile", value="13962598765", relation="son", holder_name="沈建明"),
        added_by=receptionist,
    )

    page = client_for(department_user).get(reverse("cases:detail", args=[forwarded.pk])).content.decode()
    assert "13962598765 (Son 沈建明)" in page
