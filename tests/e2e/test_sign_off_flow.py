"""The elderly woman's case in a real browser, from the leader's queue to the department: the
leader signs it off to 住建局, the forwarding runs, the 住建局 user finds it in the inbox,
receives and accepts it, and the case page tells the whole story.

The forwarding is what the Celery task does (`cases.tasks.forward_case`): without a worker in
this test, the test calls the task's body, `case_forward`, after the leader's click."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from cases.forwarding import case_forward
from cases.models import SignOff, Status
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_leader_signs_off_her_case_and_housing_receives_and_accepts_it(
    english: Page, live_server, her_case
):
    page = english
    number = her_case.number

    # The leader lands on the sign-off queue; her case has its 15 days to be forwarded.
    log_in(page, live_server, "leader")
    expect(page.get_by_role("heading", name="Sign-off queue")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("15 days left")
    expect(row).to_contain_text("住建局")
    row.get_by_role("link", name=number).click()

    # The sign-off form suggests 住建局, as the routing rules say for 拆迁安置.
    sign_off = page.get_by_role("form", name="Sign-off (签阅)")
    expect(sign_off.get_by_label("Forward", exact=True)).to_be_checked()
    expect(sign_off.get_by_label("Receiving department").locator("option:checked")).to_have_text("住建局")
    # The report due date is asked only of a case assigned (交办).
    report_due = sign_off.get_by_label("Report due", exact=True)
    expect(report_due).to_be_hidden()
    sign_off.get_by_label("Assign with a report due").check()
    expect(report_due).to_be_visible()
    sign_off.get_by_label("Forward", exact=True).check()
    expect(report_due).to_be_hidden()
    sign_off.get_by_label("Instruction (批示)").fill("请住建局核实拆迁安置政策执行情况，依法答复信访人。")
    sign_off.get_by_role("button", name="Sign off").click()

    expect(page.get_by_role("alert")).to_contain_text(f"Case {number} signed off.")
    expect(page.get_by_role("region", name="Sign-offs and instructions")).to_contain_text("住建局")
    her_case.refresh_from_db()
    assert her_case.status == Status.SIGNED_OFF

    # The forwarding task's body, as the worker would run it.
    assert case_forward(sign_off_id=SignOff.objects.get(case=her_case).pk) is not None
    page.get_by_role("button", name="Log out").click()

    # The 住建局 user finds it in the inbox, with the 15 days to tell her it was received.
    log_in(page, live_server, "housing")
    expect(page.get_by_role("heading", name=re.compile("Inbox"))).to_be_visible()
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("Forwarded")
    expect(row).to_contain_text("Tell the petitioner (15 days): 15 days left")
    expect(page.get_by_role("link", name=re.compile("Notifications"))).to_contain_text("1")
    row.get_by_role("link", name=number).click()

    page.get_by_role("button", name="Receive").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Case {number} received.")
    page.get_by_role("form", name="Accept (受理)").get_by_role("button", name="Accept").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Case {number} accepted")

    # The case page tells the whole story, one entry per step, by whom.
    window, leader, housing = (
        str(User.objects.get(username=name)) for name in ("reception", "leader", "housing")
    )
    entries = page.get_by_role("region", name="Timeline").get_by_role("listitem")
    expect(entries).to_have_count(6)
    expect(entries).to_contain_text(
        [
            f"{window} · Registered",
            f"{window} · Submitted for sign-off",
            re.compile(rf"{leader} · Signed off: forward\s.*请住建局核实拆迁安置政策执行情况", re.S),
            re.compile(r"System · Forwarded to the department\s.*住建局", re.S),
            f"{housing} · Received",
            f"{housing} · Accepted",
        ]
    )
    expect(page.get_by_role("region", name="Time limits")).to_contain_text("Handling (60 days)")
    her_case.refresh_from_db()
    assert (her_case.status, her_case.department.name) == (Status.ACCEPTED, "住建局")


def test_the_printed_queue_is_the_list_without_the_batch_form(english: Page, live_server, her_case):
    log_in(english, live_server, "leader")
    english.goto(f"{live_server.url}/cases/sign-off/")
    expect(english.get_by_role("button", name="Forward the ticked cases")).to_be_visible()

    english.emulate_media(media="print")

    expect(english.get_by_role("cell", name=her_case.number)).to_be_visible()
    expect(english.get_by_role("button", name="Forward the ticked cases")).to_be_hidden()
    expect(english.get_by_role("checkbox", name=f"Tick case {her_case.number}")).to_be_hidden()
