import datetime

import pytest
from django.db import transaction

from cases.handling import case_accept, case_receive, case_reply, case_request_extension
from cases.models import Case, Decision, ReplyOutcome
from cases.sign_off import extension_decide
from documents.models import Document
from documents.services import document_render
from tests.cases.steps import forward


@pytest.fixture
def forwarded(make_case, leader, department):
    """王秀英's case, forwarded by the leader to 住建局."""
    return forward(make_case(), leader, department)


@pytest.fixture
def accepted(forwarded, department_user):
    case_receive(case_id=forwarded.pk, actor=department_user)
    return case_accept(case_id=forwarded.pk, actor=department_user)


def assign(case: Case, leader, department, *, report_due: datetime.date) -> Case:
    return forward(case, leader, department, decision=Decision.ASSIGN, report_due=report_due)


def reply(case: Case, user, text="经核实，按政策给予安置补偿。") -> Case:
    return case_reply(case_id=case.pk, actor=user, outcome=ReplyOutcome.SUPPORTED, text=text)


def extend(case: Case, user, leader, *, days=15, reason="需要现场勘查", approve=True) -> None:
    case_request_extension(case_id=case.pk, actor=user, days=days, reason=reason)
    extension_decide(case_id=case.pk, leader=leader, approve=approve)


def render_all(case: Case) -> list[Document]:
    """What the documents worker does after the step commits."""
    for pk in case.documents.values_list("pk", flat=True):
        document_render(document_id=pk)
    return list(case.documents.order_by("pk"))


@pytest.fixture
def in_transaction():
    """Services that issue documents run inside their step's transaction; tests that call the
    issuing functions directly need one around them."""
    return transaction.atomic
