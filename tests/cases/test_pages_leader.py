"""The leader's pages: the sign-off queue (one case and several at once), returned cases, extension
requests and the supervision list."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.follow_up import case_close
from cases.handling import (
    case_accept,
    case_conclude,
    case_receive,
    case_reply,
    case_request_extension,
    case_return,
)
from cases.models import (
    Case,
    Clock,
    ClockKind,
    Decision,
    Extension,
    OutboxMessage,
    RoutingRule,
    SignOff,
    Status,
    SupervisionNotice,
)
from cases.selectors import suggested_department, suggested_departments
from cases.sign_off import SignOffData, case_sign_off
from tests.cases.steps import forward
from tests.factories import DepartmentFactory, PlaceFactory, SubjectAreaFactory
from tests.queries import session_queries

pytestmark = [pytest.mark.django_db]

TODAY = timezone.localdate


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def housing_rule(reference, department):
    """城乡建设/拆迁安置 → 住建局, as the reference data routes it."""
    return RoutingRule.objects.create(subject_area=reference["subject_area"], department=department)


@pytest.fixture
def unrouted_area():
    return SubjectAreaFactory(name="其他", code="other")


def forward_clock(case) -> Clock:
    return case.clocks.get(kind=ClockKind.FORWARD, stopped_at__isnull=True)


def row_of(html: str, number: str) -> str:
    """The queue's table row of one case."""
    match = re.search(rf"<tr>(?:(?!</tr>).)*{re.escape(number)}(?:(?!</tr>).)*</tr>", html, re.S)
    assert match, number
    return match.group(0)


# --- the sign-off queue ----------------------------------------------------------------------


def test_each_queued_case_shows_the_days_left_to_forward(make_case, leader, housing_rule):
    # given three cases: a fresh one, one due in two days, one overdue on a provisional calendar
    fresh, soon, late = make_case(), make_case(), make_case()
    Clock.objects.filter(pk=forward_clock(soon).pk).update(due_on=TODAY() + datetime.timedelta(days=2))
    Clock.objects.filter(pk=forward_clock(late).pk).update(
        due_on=TODAY() - datetime.timedelta(days=1), provisional=True
    )

    html = client_for(leader).get(reverse("cases:sign_off_queue")).content.decode()

    fresh_row, soon_row, late_row = (row_of(html, case.number) for case in (fresh, soon, late))
    assert "15 days left" in fresh_row and "text-bg-danger" not in fresh_row
    assert "2 days left" in soon_row and "text-bg-danger" in soon_row
    assert "overdue since" in late_row and "text-bg-danger" in late_row
    assert "provisional" in late_row and "provisional" not in fresh_row


def test_the_queue_offers_each_case_its_suggested_department(make_case, leader, housing_rule, unrouted_area):
    routed = make_case()
    unrouted = make_case(subject_area_id=unrouted_area.pk)

    html = client_for(leader).get(reverse("cases:sign_off_queue")).content.decode()

    assert "住建局" in row_of(html, routed.number)
    assert f'name="batch-cases" value="{routed.pk}"' in html
    assert f'name="batch-cases" value="{unrouted.pk}"' not in html
    assert "none: sign off on the case page" in row_of(html, unrouted.number)


def test_routine_cases_are_forwarded_together_each_to_its_suggested_department(
    make_case, leader, department, labour, housing_rule, reference
):
    # given a second rule: cases from 盛泽镇 go to 人社局
    shengze = PlaceFactory(name="盛泽镇")
    RoutingRule.objects.create(subject_area=reference["subject_area"], place=shengze, department=labour)
    first, second = make_case(), make_case(place_id=shengze.pk)
    untouched = make_case()

    response = client_for(leader).post(
        reverse("cases:sign_off_batch"),
        {"batch-cases": [first.pk, second.pk], "batch-instruction": "请依法依规处理"},
        follow=True,
    )

    assert texts(response) == ["2 cases signed off, each sent to its department."]
    sign_offs = {s.case_id: (s.department, s.decision, s.instruction) for s in SignOff.objects.all()}
    assert sign_offs == {
        first.pk: (department, Decision.FORWARD, "请依法依规处理"),
        second.pk: (labour, Decision.FORWARD, "请依法依规处理"),
    }
    assert OutboxMessage.objects.count() == 2
    untouched.refresh_from_db()
    assert untouched.status == Status.AWAITING_SIGN_OFF
    assert list(response.context["page"]) == [untouched]


def test_a_case_without_a_suggestion_stops_the_whole_batch(make_case, leader, housing_rule, unrouted_area):
    routed = make_case()
    unrouted = make_case(subject_area_id=unrouted_area.pk)

    response = client_for(leader).post(
        reverse("cases:sign_off_batch"), {"batch-cases": [routed.pk, unrouted.pk]}, follow=True
    )

    assert texts(response) == [
        f"No department is suggested for case {unrouted.number}: sign it off on its own page. "
        "Nothing was signed off."
    ]
    assert set(Case.objects.values_list("status", flat=True)) == {Status.AWAITING_SIGN_OFF}
    assert not SignOff.objects.exists()


def test_a_batch_with_a_case_signed_off_meanwhile_signs_off_none(make_case, leader, department, housing_rule):
    first, second = make_case(), make_case()
    case_sign_off(
        case_id=second.pk,
        leader=leader,
        data=SignOffData(decision=Decision.BACK_TO_WINDOW, instruction="请补充材料"),
    )

    response = client_for(leader).post(
        reverse("cases:sign_off_batch"), {"batch-cases": [first.pk, second.pk]}, follow=True
    )

    [message] = texts(response)
    assert message.startswith("Nothing was signed off:") and second.number in message
    first.refresh_from_db()
    assert first.status == Status.AWAITING_SIGN_OFF
    assert SignOff.objects.count() == 1


def test_a_refused_batch_comes_back_with_the_instruction_and_the_ticks(
    make_case, leader, department, housing_rule
):
    # given two cases ticked with an instruction, one signed off meanwhile by another leader
    first, second, untouched = make_case(), make_case(), make_case()
    case_sign_off(
        case_id=second.pk,
        leader=leader,
        data=SignOffData(decision=Decision.BACK_TO_WINDOW, instruction="请补充材料"),
    )
    instruction = "请各部门依法按期办理，及时答复信访人。"

    response = client_for(leader).post(
        reverse("cases:sign_off_batch"),
        {"batch-cases": [first.pk, second.pk], "batch-instruction": instruction},
    )

    # then the queue shows what the leader had typed and ticked, to send again without it
    page = response.content.decode()
    assert response.status_code == 200
    assert texts(response)[0].startswith("Nothing was signed off:")
    assert instruction in page
    assert re.search(rf'value="{first.pk}" checked', page)
    assert not re.search(rf'value="{untouched.pk}" checked', page)


def test_a_batch_needs_at_least_one_ticked_case(leader):
    response = client_for(leader).post(
        reverse("cases:sign_off_batch"), {"batch-instruction": "x"}, follow=True
    )

    assert texts(response) == ["Tick the cases to sign off."]


def test_the_page_suggestion_is_the_routing_rules_suggestion(
    make_case, leader, department, labour, reference, unrouted_area
):
    """The queue works out the suggestions of a whole page at once; it must always agree with
    the selector the batch sign-off and the case page use."""
    court = DepartmentFactory(name="区法院联络组", code="court", is_court_liaison=True)
    shengze = PlaceFactory(name="盛泽镇")
    RoutingRule.objects.create(subject_area=reference["subject_area"], department=department, priority=5)
    RoutingRule.objects.create(place=shengze, department=labour)
    RoutingRule.objects.create(subject_area=reference["subject_area"], place=shengze, department=labour)
    RoutingRule.objects.create(category=reference["category"], department=court, priority=1)
    cases = [
        make_case(),
        make_case(place_id=shengze.pk),
        make_case(in_litigation=True),
        make_case(subject_area_id=unrouted_area.pk),
        make_case(subject_area_id=unrouted_area.pk, place_id=shengze.pk),
    ]

    assert suggested_departments(cases) == {case.pk: suggested_department(case) for case in cases}
    assert suggested_departments(cases)[cases[2].pk] == court


def test_the_queue_takes_the_same_queries_however_many_cases_wait(
    make_case, leader, housing_rule, unrouted_area, django_assert_num_queries
):
    client = client_for(leader)
    url = reverse("cases:sign_off_queue")
    make_case(in_litigation=True)
    client.get(url)
    # (session,) user, count, page, clocks, rules, court, 2 tabs, unread
    queries = 9 + session_queries()
    with django_assert_num_queries(queries):
        client.get(url)

    for n in range(6):
        make_case(is_group=n == 1, urgent=n == 2, in_litigation=n == 3, subject_area_id=unrouted_area.pk)

    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["page"]) == 7


# --- the sign-off form on the case page ------------------------------------------------------


def test_the_sign_off_form_is_pre_filled_with_the_suggested_department(
    make_case, leader, department, housing_rule
):
    case = make_case()

    response = client_for(leader).get(reverse("cases:detail", args=[case.pk]))

    form = {panel.name: panel.form for panel in response.context["panels"]}["sign_off"]
    assert form["department"].value() == department.pk
    assert "The routing rules suggest 住建局." in response.content.decode()


def test_the_leader_forwards_a_case_from_its_page(make_case, leader, department, housing_rule):
    case = make_case()

    response = client_for(leader).post(
        reverse("cases:sign_off", args=[case.pk]),
        {
            "sign_off-decision": "forward",
            "sign_off-department": department.pk,
            "sign_off-instruction": "请住建局研究处理",
        },
        follow=True,
    )

    assert texts(response) == [f"Case {case.number} signed off."]
    case.refresh_from_db()
    assert case.status == Status.SIGNED_OFF
    sign_off = case.sign_offs.get()
    assert (sign_off.department, sign_off.instruction) == (department, "请住建局研究处理")
    assert OutboxMessage.objects.filter(object_id=sign_off.pk).exists()
    page = response.content.decode()
    assert "Sign-offs and instructions" in page and "请住建局研究处理" in page
    assert "sign_off" not in {panel.name for panel in response.context["panels"]}


def test_assigning_needs_a_report_due_date_shown_beside_its_field(make_case, leader, department):
    case = make_case()

    response = client_for(leader).post(
        reverse("cases:sign_off", args=[case.pk]),
        {"sign_off-decision": "assign", "sign_off-department": department.pk},
    )

    assert response.status_code == 200
    form = {panel.name: panel.form for panel in response.context["panels"]}["sign_off"]
    assert form.errors == {"report_due": ["An assigned case needs the date its report is due."]}
    assert texts(response) == ["Nothing was saved: correct the fields marked below."]
    case.refresh_from_db()
    assert case.status == Status.AWAITING_SIGN_OFF and not SignOff.objects.exists()


def test_the_leader_assigns_a_case_with_a_report_due_date(make_case, leader, department):
    case = make_case()
    due = TODAY() + datetime.timedelta(days=20)

    client_for(leader).post(
        reverse("cases:sign_off", args=[case.pk]),
        {
            "sign_off-decision": "assign",
            "sign_off-department": department.pk,
            "sign_off-report_due": due.isoformat(),
            "sign_off-instruction": "请于期限内报送办理结果",
        },
    )

    case.refresh_from_db()
    assert (case.status, case.report_due) == (Status.SIGNED_OFF, due)


def test_sending_a_case_back_to_the_window_needs_to_say_what_is_missing(make_case, leader):
    case = make_case()

    response = client_for(leader).post(
        reverse("cases:sign_off", args=[case.pk]), {"sign_off-decision": "back_to_window"}
    )

    form = {panel.name: panel.form for panel in response.context["panels"]}["sign_off"]
    assert form.errors == {"instruction": ["Say what the window must find out."]}
    case.refresh_from_db()
    assert case.status == Status.AWAITING_SIGN_OFF


def test_a_case_signed_off_twice_is_refused_with_a_message(make_case, leader, department):
    case = make_case()
    url = reverse("cases:sign_off", args=[case.pk])
    data = {"sign_off-decision": "forward", "sign_off-department": department.pk}
    client_for(leader).post(url, data)

    response = client_for(leader).post(url, data, follow=True)

    [message] = texts(response)
    assert "is not possible while case" in message and "Signed off" in message
    assert SignOff.objects.count() == 1


def test_only_the_leader_signs_off(make_case, receptionist, department_user, department):
    case = make_case()
    for user in (receptionist, department_user):
        response = client_for(user).post(
            reverse("cases:sign_off", args=[case.pk]),
            {"sign_off-decision": "forward", "sign_off-department": department.pk},
        )
        assert response.status_code == 403, user.username
    for name in ("sign_off_queue", "returned", "extensions", "supervision"):
        assert client_for(receptionist).get(reverse(f"cases:{name}")).status_code == 403, name
        assert client_for(department_user).get(reverse(f"cases:{name}")).status_code == 403, name
    assert client_for(receptionist).post(reverse("cases:sign_off_batch")).status_code == 403
    assert not SignOff.objects.exists()


# --- returned cases, extension requests ------------------------------------------------------


def test_returned_cases_show_the_departments_reason_and_the_number_of_returns(
    make_case, leader, department, department_user
):
    case = forward(make_case(), leader, department)
    case_return(case_id=case.pk, actor=department_user, reason="不属于本部门职责")

    response = client_for(leader).get(reverse("cases:returned"))

    assert list(response.context["page"]) == [case]
    html = row_of(response.content.decode(), case.number)
    assert "住建局" in html and "不属于本部门职责" in html and "1 return" in html
    assert response.context["tab_counts"] == {"returned": 1, "extensions": 0}
    # Back in the leader's hands: the case page offers the sign-off again.
    page = client_for(leader).get(reverse("cases:detail", args=[case.pk]))
    assert [panel.name for panel in page.context["panels"]] == ["sign_off"]


@pytest.fixture
def accepted_case(make_case, leader, department, department_user):
    case = forward(make_case(), leader, department)
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)
    return case


def test_the_leader_approves_an_extension_from_the_list(accepted_case, leader, department_user):
    case_request_extension(case_id=accepted_case.pk, actor=department_user, days=20, reason="需要现场勘查")
    handling = accepted_case.clocks.get(kind=ClockKind.HANDLING)
    client = client_for(leader)
    listed = client.get(reverse("cases:extensions"))
    assert "需要现场勘查" in listed.content.decode()

    response = client.post(
        reverse("cases:decide_extension", args=[accepted_case.pk]),
        {"decide_extension-decision": "approve", "next": reverse("cases:extensions")},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("cases:extensions")
    assert texts(response) == [
        f"Extension of 20 days approved on case {accepted_case.number}; the department is told."
    ]
    assert Extension.objects.get().state == "approved"
    assert accepted_case.clocks.get(kind=ClockKind.HANDLING).due_on == handling.due_on + datetime.timedelta(
        days=20
    )
    assert list(response.context["page"]) == []


def test_the_leader_refuses_an_extension_on_the_case_page(accepted_case, leader, department_user):
    case_request_extension(case_id=accepted_case.pk, actor=department_user, days=10, reason="需要协调")
    url = reverse("cases:detail", args=[accepted_case.pk])
    assert "decide_extension" in {p.name for p in client_for(leader).get(url).context["panels"]}

    response = client_for(leader).post(
        reverse("cases:decide_extension", args=[accepted_case.pk]),
        {"decide_extension-decision": "refuse", "decide_extension-note": "期限内可以办结"},
        follow=True,
    )

    assert texts(response) == [
        f"Extension of 10 days refused on case {accepted_case.number}; the department is told."
    ]
    assert Extension.objects.get().state == "refused"
    assert "decide_extension" not in {p.name for p in client_for(leader).get(url).context["panels"]}


def test_deciding_an_extension_nobody_asked_for_is_refused(accepted_case, leader):
    response = client_for(leader).post(
        reverse("cases:decide_extension", args=[accepted_case.pk]),
        {"decide_extension-decision": "approve"},
        follow=True,
    )

    assert "No extension is waiting for approval on this case." in texts(response)
    assert accepted_case.events.filter(action="extension_approved").count() == 0


# --- the supervision list --------------------------------------------------------------------


def test_an_overdue_case_is_on_the_supervision_list_and_gets_a_notice(accepted_case, leader, department_user):
    Clock.objects.filter(case=accepted_case, kind=ClockKind.HANDLING).update(
        due_on=TODAY() - datetime.timedelta(days=2)
    )
    client = client_for(leader)
    response = client.get(reverse("cases:supervision"))
    overdue = {section["key"]: section["cases"] for section in response.context["sections"]}["overdue"]
    assert overdue == [accepted_case]

    response = client.post(
        reverse("cases:supervise", args=[accepted_case.pk]),
        {"supervise-text": "请三日内报告办理进度", "next": reverse("cases:supervision")},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("cases:supervision")
    assert texts(response) == [f"Supervision notice sent on case {accepted_case.number}."]
    assert SupervisionNotice.objects.get().text == "请三日内报告办理进度"
    assert department_user.notifications.filter(kind="supervision", case=accepted_case).exists()


def test_each_notice_on_the_supervision_list_has_its_own_labelled_box(accepted_case, leader):
    # a case in two sections of the list: overdue, and returned twice
    Clock.objects.filter(case=accepted_case, kind=ClockKind.HANDLING).update(
        due_on=TODAY() - datetime.timedelta(days=2)
    )
    Case.objects.filter(pk=accepted_case.pk).update(returns_count=2)

    page = client_for(leader).get(reverse("cases:supervision")).content.decode()

    tags = re.findall(r'<textarea[^>]*name="supervise-text"[^>]*>', page)
    boxes = [re.search(r'id="([^"]+)"', tag).group(1) for tag in tags]
    assert len(boxes) == 2 and len(set(boxes)) == 2
    for box in boxes:
        assert re.search(rf'<label[^>]*\sfor="{box}"', page)


def test_an_empty_supervision_notice_is_not_sent(accepted_case, leader):
    response = client_for(leader).post(
        reverse("cases:supervise", args=[accepted_case.pk]), {"supervise-text": " "}
    )

    assert response.status_code == 200
    assert not SupervisionNotice.objects.exists()


def test_the_supervision_list_takes_the_same_queries_however_many_cases(
    make_case, leader, department, department_user, django_assert_num_queries
):
    client = client_for(leader)
    url = reverse("cases:supervision")

    def overdue_case():
        case = forward(make_case(), leader, department)
        Clock.objects.filter(case=case).update(due_on=TODAY() - datetime.timedelta(days=1))
        Case.objects.filter(pk=case.pk).update(returns_count=2)

    overdue_case()
    client.get(url)
    # (session,) user, 2 tabs, 5 sections, the clocks of the 2 that have cases, unread
    queries = 11 + session_queries()
    with django_assert_num_queries(queries):
        client.get(url)
    for _ in range(4):
        overdue_case()
    with django_assert_num_queries(queries):
        response = client.get(url)
    sections = {section["key"]: section["cases"] for section in response.context["sections"]}
    assert len(sections["overdue"]) == len(sections["returned_often"]) == 5


def closed(case, department_user, receptionist) -> Case:
    """The department receives, accepts, replies and concludes; the window closes the case."""
    case_receive(case_id=case.pk, actor=department_user)
    case_accept(case_id=case.pk, actor=department_user)
    case_reply(case_id=case.pk, actor=department_user, outcome="explained", text="依政策解释")
    case_conclude(case_id=case.pk, actor=department_user)
    return case_close(case_id=case.pk, actor=receptionist)


def test_a_closed_case_is_offered_supervision_only_while_it_owes_its_report(
    make_case, leader, department, department_user, receptionist
):
    """Once closed, a case is supervised about nothing but the completion report it still owes
    (cases.sign_off.case_supervise): the leader is not given a form that can only be refused."""
    # given a forwarded case closed with nothing owed, and an assigned one whose report is overdue
    owes_nothing = closed(forward(make_case(), leader, department), department_user, receptionist)
    due = TODAY() + datetime.timedelta(days=10)
    assigned = forward(make_case(), leader, department, decision=Decision.ASSIGN, report_due=due)
    owes_report = closed(assigned, department_user, receptionist)
    Clock.objects.filter(case=owes_report, kind=ClockKind.REPORT).update(
        due_on=TODAY() - datetime.timedelta(days=1)
    )
    client = client_for(leader)

    def panels(case) -> list[str]:
        page = client.get(reverse("cases:detail", args=[case.pk]))
        return [panel.name for panel in page.context["panels"]]

    # then only the case owing its report offers the notice, on its page and on the list
    assert panels(owes_nothing) == []
    assert panels(owes_report) == ["supervise"]
    sections = client.get(reverse("cases:supervision")).context["sections"]
    listed = {case: case.can_supervise for section in sections for case in section["cases"]}
    assert listed == {owes_report: True}

    # and what is offered is sent, while a notice from a page opened earlier is refused with the
    # service's reason
    def supervise(case):
        return client.post(
            reverse("cases:supervise", args=[case.pk]), {"supervise-text": "请尽快报送办结报告"}, follow=True
        )

    assert texts(supervise(owes_report)) == [f"Supervision notice sent on case {owes_report.number}."]
    refused = supervise(owes_nothing)
    assert texts(refused) == ["This case is closed and owes nothing: there is nothing to supervise."]
    assert not SupervisionNotice.objects.filter(case=owes_nothing).exists()


@pytest.mark.parametrize(("name", "queries"), [("returned", 7), ("extensions", 6)])
def test_returned_and_extension_lists_take_the_same_queries_however_many(
    name, queries, make_case, leader, department, department_user, django_assert_num_queries
):
    """(session,) user, the two tab counts, the page's count and rows, unread notifications; the
    returned cases add their clocks."""
    queries += session_queries()
    client = client_for(leader)
    url = reverse(f"cases:{name}")

    def returned_and_extended():
        returned = forward(make_case(), leader, department)
        case_return(case_id=returned.pk, actor=department_user, reason="不属于本部门")
        extended = forward(make_case(), leader, department)
        case_receive(case_id=extended.pk, actor=department_user)
        case_accept(case_id=extended.pk, actor=department_user)
        case_request_extension(case_id=extended.pk, actor=department_user, days=5, reason="协调")

    returned_and_extended()
    client.get(url)
    with django_assert_num_queries(queries):
        client.get(url)
    for _ in range(3):
        returned_and_extended()
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["page"]) == 4
