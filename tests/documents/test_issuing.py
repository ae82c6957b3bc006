"""Which step issues which letter, numbered once and without gaps (issue 4 §1)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from cases.forwarding import case_forward
from cases.handling import case_return
from cases.models import Decision
from cases.sign_off import SignOffData, case_sign_off
from documents.models import Document, DocumentKind, DocumentState
from tests.cases.steps import forward

from .conftest import assign, extend, reply

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year


def kinds(case) -> list[str]:
    return list(case.documents.order_by("pk").values_list("kind", flat=True))


def test_forwarding_issues_the_forwarding_letter_and_the_notice_to_the_petitioner(forwarded):
    letter, notice = forwarded.documents.order_by("pk")

    assert (letter.kind, notice.kind) == (DocumentKind.FORWARDING_LETTER, DocumentKind.RECEIPT_NOTICE)
    assert letter.number == f"吴信转〔{YEAR}〕1号"
    assert notice.number == f"吴信告〔{YEAR}〕1号"
    assert letter.state == notice.state == DocumentState.PENDING
    assert letter.event.action == notice.event.action == "deliver_forwarded"
    assert letter.content["department"] == "住建局"
    assert letter.content["instruction"] == "请研究处理"
    assert [person["name"] for person in notice.content["petitioners"]] == ["王秀英"]
    assert notice.content["case"]["tracking_code"] == forwarded.tracking_code


def test_a_forwarding_task_run_twice_issues_the_letters_once(forwarded):
    case_forward(sign_off_id=forwarded.sign_offs.get().pk)

    assert forwarded.documents.count() == 2


def test_an_assigned_case_gets_the_assignment_letter_with_its_report_due(make_case, leader, department):
    due = datetime.date(2026, 12, 31)

    case = assign(make_case(), leader, department, report_due=due)

    letter = case.documents.get(kind=DocumentKind.ASSIGNMENT_LETTER)
    assert letter.number == f"吴信交〔{YEAR}〕1号"
    assert letter.content["report_due"] == "2026-12-31"
    assert kinds(case) == [DocumentKind.ASSIGNMENT_LETTER, DocumentKind.RECEIPT_NOTICE]


def test_numbers_run_on_per_series(make_case, leader, department):
    first = forward(make_case(), leader, department)
    second = forward(make_case(), leader, department)

    assert first.documents.get(kind=DocumentKind.FORWARDING_LETTER).number == f"吴信转〔{YEAR}〕1号"
    assert second.documents.get(kind=DocumentKind.FORWARDING_LETTER).number == f"吴信转〔{YEAR}〕2号"
    assert second.documents.get(kind=DocumentKind.RECEIPT_NOTICE).number == f"吴信告〔{YEAR}〕2号"


def test_the_reply_issues_the_reply_letter_with_the_outcome_and_its_basis(accepted, department_user):
    reply(accepted, department_user, text="经核实，按政策给予安置补偿。")

    letter = accepted.documents.get(kind=DocumentKind.REPLY_LETTER)
    assert letter.number == f"吴信复〔{YEAR}〕1号"
    assert letter.content["outcome_label"] == "支持"
    assert letter.content["text"] == "经核实，按政策给予安置补偿。"
    assert letter.event.action == "reply"


def test_an_approved_extension_issues_the_extension_notice_a_refused_one_nothing(
    accepted, department_user, leader
):
    extend(accepted, department_user, leader, days=10, reason="需要现场勘查", approve=False)
    assert not accepted.documents.filter(kind=DocumentKind.EXTENSION_NOTICE).exists()

    extend(accepted, department_user, leader, days=15, reason="需要现场勘查", approve=True)

    notice = accepted.documents.get(kind=DocumentKind.EXTENSION_NOTICE)
    handling = accepted.clocks.get(kind="handling")
    assert notice.content["days"] == 15
    assert notice.content["reason"] == "需要现场勘查"
    assert notice.content["due_on"] == handling.due_on.isoformat()


def test_a_step_refused_issues_nothing_and_takes_no_number(
    accepted, department_user, make_case, leader, department
):
    with pytest.raises(ValidationError):
        reply(accepted, department_user, text="  ")
    assert not Document.objects.filter(kind=DocumentKind.REPLY_LETTER).exists()

    other = forward(make_case(), leader, department)
    assert other.documents.get(kind=DocumentKind.FORWARDING_LETTER).number == f"吴信转〔{YEAR}〕2号"


def test_a_rolled_back_step_leaves_no_letter_and_no_gap(make_case, leader, department):
    case = make_case()
    case_sign_off(
        case_id=case.pk,
        leader=leader,
        data=SignOffData(decision=Decision.FORWARD, department_id=department.pk),
    )

    class Crash(Exception):
        pass

    # The forwarding dies after the letters were issued, before its transaction commits.
    with pytest.raises(Crash), transaction.atomic():
        with transaction.atomic():
            from cases import forwarding

            forwarding._deliver(case.sign_offs.get())
        raise Crash
    assert not Document.objects.exists()

    case_forward(sign_off_id=case.sign_offs.get().pk)
    assert case.documents.get(kind=DocumentKind.FORWARDING_LETTER).number == f"吴信转〔{YEAR}〕1号"


def test_a_letter_keeps_what_it_said_when_the_case_is_routed_again(
    forwarded, department_user, leader, labour
):
    # given 住建局 returns the case and the leader forwards it to 人社局
    case_return(case_id=forwarded.pk, actor=department_user, reason="不属于本部门职责")
    forward(forwarded, leader, labour)

    # then the first letter still names 住建局, and a second one names 人社局
    letters = forwarded.documents.filter(kind=DocumentKind.FORWARDING_LETTER).order_by("pk")
    assert [letter.content["department"] for letter in letters] == ["住建局", "人社局"]
    assert [letter.number for letter in letters] == [f"吴信转〔{YEAR}〕1号", f"吴信转〔{YEAR}〕2号"]


def test_the_letter_to_the_department_withholds_an_accusers_name(make_case, leader, department, reference):
    reference["category"].is_accusation = True
    reference["category"].save()

    case = forward(make_case(), leader, department)

    letter = case.documents.get(kind=DocumentKind.FORWARDING_LETTER)
    assert letter.content["identity_withheld"] is True
    assert letter.content["petitioners"] == []
    # The petitioner's own notice still names her: it goes to her, not to the department.
    notice = case.documents.get(kind=DocumentKind.RECEIPT_NOTICE)
    assert [person["name"] for person in notice.content["petitioners"]] == ["王秀英"]


def test_the_letter_counts_the_group_that_came_again_about_the_case(make_visit, leader, department):
    # given her case, and 32 people who came back about it
    case = make_visit(facts="住宅面临拆迁", request="希望政府给予帮助").case
    make_visit(persons=32, names=("工人甲",), repeat_of=case)

    # when it is forwarded, the letter says a group of 32 came, not one person
    case = forward(case, leader, department)

    letter = case.documents.get(kind=DocumentKind.FORWARDING_LETTER)
    assert (letter.content["persons"], letter.content["case"]["is_group"]) == (32, True)


def test_an_anonymous_petitioner_is_named_in_no_letter(make_case, leader, department):
    case = forward(make_case(anonymous=True), leader, department)

    assert all(document.content["petitioners"] == [] for document in case.documents.all())


@pytest.mark.django_db(transaction=True)
def test_issuing_outside_the_steps_transaction_is_refused(forwarded):
    from documents.services import documents_issue_for_delivery

    with pytest.raises(RuntimeError):
        documents_issue_for_delivery(case=forwarded, sign_off=forwarded.sign_offs.get())
    assert forwarded.documents.count() == 2
