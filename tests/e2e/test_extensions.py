"""The leader decides a department's extension request on the list of them, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from cases.forwarding import case_forward
from cases.handling import case_accept, case_receive, case_request_extension
from cases.models import Decision, Department, ExtensionState
from cases.sign_off import SignOffData, case_sign_off
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enter_in_the_note_decides_nothing_the_buttons_decide(english: Page, live_server, her_case):
    # given 住建局 accepted her case and asks for 30 more days
    leader, housing = User.objects.get(username="leader"), User.objects.get(username="housing")
    housing_id = Department.objects.get(code="housing").pk
    data = SignOffData(decision=Decision.FORWARD, department_id=housing_id, instruction="请依法答复")
    case_sign_off(case_id=her_case.pk, leader=leader, data=data)
    case_forward(sign_off_id=her_case.sign_offs.get().pk)
    case_receive(case_id=her_case.pk, actor=housing)
    case_accept(case_id=her_case.pk, actor=housing)
    case_request_extension(case_id=her_case.pk, actor=housing, days=30, reason="需要现场勘查")
    log_in(english, live_server, "leader")
    english.goto(f"{live_server.url}/cases/sign-off/extensions/")

    # when the leader types a refusal's reason and presses Enter, nothing is decided
    note = english.get_by_role("textbox", name="Note (optional)")
    note.fill("理由不充分，不同意延期")
    note.press("Enter")
    english.wait_for_timeout(500)
    extension = her_case.extensions.get()
    assert extension.state == ExtensionState.PENDING

    # and the Refuse button refuses it
    english.get_by_role("button", name="Refuse").click()
    expect(english.get_by_role("alert")).to_be_visible()
    extension.refresh_from_db()
    assert extension.state == ExtensionState.REFUSED
