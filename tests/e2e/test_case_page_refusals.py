"""What a bureau leader or a receiving department's staff could lose, do twice or be told wrong on
the case page, in a real browser (a review): refusals that take their form away, Back and send
again, a session ended while typing, a case re-routed under a colleague's hands."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from cases.forwarding import case_forward
from cases.handling import case_accept, case_receive, case_request_extension, case_return
from cases.models import ClockKind, Decision, Department, SupervisionNotice
from cases.sign_off import SignOffData, case_sign_off
from intake.demo import DEMO_PASSWORD
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TEXT = "经核实，信访人反映的拆迁安置面积问题属实。" * 8


def dept(code: str) -> Department:
    return Department.objects.get(code=code)


def to_housing(case, *, accept=False):
    """Signed off to 住建局, delivered and received (and accepted)."""
    leader, housing = User.objects.get(username="leader"), User.objects.get(username="housing")
    data = SignOffData(decision=Decision.FORWARD, department_id=dept("housing").pk, instruction="请依法处理")
    case_sign_off(case_id=case.pk, leader=leader, data=data)
    case_forward(sign_off_id=case.sign_offs.latest("pk").pk)
    case_receive(case_id=case.pk, actor=housing)
    if accept:
        case_accept(case_id=case.pk, actor=housing)


def textarea_values(page: Page) -> list[str]:
    return page.eval_on_selector_all("textarea", "els => els.map(e => e.value)")


def new_english_page(browser, live_server) -> Page:
    context = browser.new_context()
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


# --- 1. A refusal that hides its own form drops what was typed -------------------------------


def test_a_return_refused_after_its_five_days_keeps_the_reason_typed(english: Page, live_server, her_case):
    to_housing(her_case)
    log_in(english, live_server, "housing")
    english.goto(f"{live_server.url}/cases/{her_case.pk}/")
    form = english.get_by_role("form", name="Return to the bureau (退回)")
    form.locator("summary").click()
    form.get_by_label("Why the case is not for your department").fill(LONG_TEXT)
    # The page was left open over the fifth working day.
    her_case.clocks.filter(kind=ClockKind.RETURN, stopped_at__isnull=True).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    form.get_by_role("button", name="Return").click()

    expect(english.get_by_role("alert").first).to_contain_text(
        "The five working days to return this case ended"
    )
    assert LONG_TEXT in textarea_values(english), "the reason typed is gone from the page"
    # drawn at the action's POST-only address, the page takes the case page's: a reload is safe
    assert english.url == f"{live_server.url}/cases/{her_case.pk}/"


def test_a_reply_refused_while_a_colleagues_extension_waits_keeps_the_reply(
    english: Page, live_server, her_case
):
    to_housing(her_case, accept=True)
    log_in(english, live_server, "housing")
    english.goto(f"{live_server.url}/cases/{her_case.pk}/")
    form = english.get_by_role("form", name="Reply (答复)")
    form.get_by_label("Explained").check()
    form.get_by_label("Reply to the petitioner").fill(LONG_TEXT)
    # Meanwhile a colleague (another tab, another desk) asks for an extension.
    case_request_extension(
        case_id=her_case.pk, actor=User.objects.get(username="housing"), days=10, reason="需要现场勘查"
    )
    form.get_by_role("button", name="Reply").click()

    expect(english.get_by_role("alert").first).to_contain_text("An extension awaits a leader's decision")
    assert LONG_TEXT in textarea_values(english), "the reply typed is gone from the page"


def test_two_leaders_the_second_is_told_the_case_is_signed_off_not_to_correct_hidden_fields(
    english: Page, browser, live_server, her_case
):
    first = english
    second = new_english_page(browser, live_server)
    for page in (first, second):
        log_in(page, live_server, "leader")
        page.goto(f"{live_server.url}/cases/{her_case.pk}/")
    # The second leader means to assign it to 人社局 and has not yet picked the report date.
    form2 = second.get_by_role("form", name="Sign-off (签阅)")
    form2.get_by_label("Assign with a report due").check()
    form2.get_by_label("Receiving department").select_option(label="人社局")
    form2.get_by_label("Instruction (批示)").fill("请人社局牵头处理。")
    # The first leader signs it off to 住建局.
    first.get_by_role("form", name="Sign-off (签阅)").get_by_role("button", name="Sign off").click()
    expect(first.get_by_role("alert")).to_contain_text("signed off")

    form2.get_by_role("button", name="Sign off").click()
    alerts = second.get_by_role("alert")
    expect(alerts.first).to_be_visible()
    texts = " | ".join(alerts.all_inner_texts())
    # Told to correct fields that the page no longer shows; not told it was signed off already.
    fields_shown = second.locator(".is-invalid").count()
    assert "correct the fields marked below" not in texts or fields_shown, (
        f"told: {texts!r}; fields marked on the page: {fields_shown}"
    )
    assert "Signed off" in texts, f"not told the case is signed off already: {texts!r}"


def test_two_leaders_plain_the_second_is_told_it_is_signed_off(english: Page, browser, live_server, her_case):
    first, second = english, new_english_page(browser, live_server)
    for page in (first, second):
        log_in(page, live_server, "leader")
        page.goto(f"{live_server.url}/cases/{her_case.pk}/")
    second.get_by_role("form", name="Sign-off (签阅)").get_by_label("Instruction (批示)").fill("请人社局处理")
    first.get_by_role("form", name="Sign-off (签阅)").get_by_role("button", name="Sign off").click()
    expect(first.get_by_role("alert")).to_contain_text("signed off")
    second.get_by_role("form", name="Sign-off (签阅)").get_by_role("button", name="Sign off").click()
    expect(second.get_by_role("alert").first).to_contain_text("Signed off")
    assert her_case.sign_offs.count() == 1


# --- 2. Back and send again: acted twice ------------------------------------------------------


@pytest.mark.parametrize("who", ["leader-supervision-notice", "department-note"])
def test_back_and_send_again_records_once(english: Page, live_server, her_case, who):
    to_housing(her_case, accept=True)
    page = english
    if who == "leader-supervision-notice":
        user, form_name, label, button = (
            "leader",
            "Supervision notice (督办)",
            "What the department must do",
            "Send notice",
        )
    else:
        user, form_name, label, button = ("housing", "Handling note", "Handling note", "Add note")
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/cases/{her_case.pk}/")

    def send():
        form = page.get_by_role("form", name=form_name)
        if form.locator("summary").count() and not form.locator("details").evaluate("d => d.open"):
            form.locator("summary").click()
        if not form.get_by_label(label).input_value():
            form.get_by_label(label).fill("请于三日内报告拆迁安置面积核实情况。")
        form.get_by_role("button", name=button).click()

    send()
    expect(page.get_by_role("alert").first).to_be_visible()
    page.go_back()
    page.wait_for_load_state("load")
    send()
    expect(page.get_by_role("alert").first).to_be_visible()

    if who == "leader-supervision-notice":
        assert SupervisionNotice.objects.filter(case=her_case).count() == 1
    else:
        assert her_case.events.filter(action="note").count() == 1


# --- 3. The session ended while the reply was typed -------------------------------------------


def test_after_the_session_ended_logging_in_again_leads_back_to_the_case(
    english: Page, live_server, her_case
):
    to_housing(her_case, accept=True)
    page = english
    log_in(page, live_server, "housing")
    page.goto(f"{live_server.url}/cases/{her_case.pk}/")
    form = page.get_by_role("form", name="Reply (答复)")
    form.get_by_label("Explained").check()
    form.get_by_label("Reply to the petitioner").fill(LONG_TEXT)
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # the session ended meanwhile
    form.get_by_role("button", name="Reply").click()

    page.wait_for_url("**/login/**")
    page.get_by_label("Username").fill("housing")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_response(lambda r: r.request.method == "GET" and "/login/" not in r.url) as landed:
        page.get_by_role("button", name="Log in").click()
    page.wait_for_timeout(500)
    assert landed.value.status == 200, (
        f"after logging in: GET {landed.value.url} answered {landed.value.status}"
    )
    expect(page.get_by_role("heading", name=f"Case {her_case.number}")).to_be_visible()


def test_typing_in_the_first_minutes_after_the_page_opened_counts_as_activity(
    english: Page, live_server, her_case, settings, monkeypatch
):
    """Scaled down: a 20-second session, a keep-alive every 4 seconds. She types her reply for 3
    seconds after opening the page, answers the phone, and sends it 22 seconds after opening:
    19 seconds idle, under the 20 the session allows."""
    import time

    from accounts.middleware import SessionRenewalMiddleware
    from documents.models import Document

    settings.SESSION_COOKIE_AGE = 20
    settings.STILL_HERE_EVERY_SECONDS = 4
    monkeypatch.setattr(SessionRenewalMiddleware, "RENEW_AFTER_SECONDS", 0)
    to_housing(her_case, accept=True)
    # No PDF worker here: the letters would stay "being prepared" and the panel keep polling.
    Document.objects.filter(case=her_case).delete()
    page = english
    log_in(page, live_server, "housing")
    page.goto(f"{live_server.url}/cases/{her_case.pk}/")
    opened = time.monotonic()
    form = page.get_by_role("form", name="Reply (答复)")
    form.get_by_label("Explained").check()
    box = form.get_by_label("Reply to the petitioner")
    while time.monotonic() - opened < 3:
        box.press_sequentially("答复", delay=100)
    last_key = time.monotonic()
    page.wait_for_timeout(22_000 - (last_key - opened) * 1000)
    idle = time.monotonic() - last_key

    form.get_by_role("button", name="Reply").click()
    page.wait_for_load_state("load")

    assert "/login/" not in page.url, f"session ended after {idle:.1f}s idle (allowed 20s): {page.url}"


# --- 4. A case re-routed under a colleague's hands ---------------------------------------------


def test_a_colleague_acting_on_a_case_returned_and_re_routed_is_told_so(english: Page, live_server, her_case):
    to_housing(her_case)
    colleague = User.objects.create_user(
        username="housing2", password=DEMO_PASSWORD, role=Role.DEPARTMENT, department=dept("housing")
    )
    log_in(english, live_server, colleague.username)
    english.goto(f"{live_server.url}/cases/{her_case.pk}/")
    form = english.get_by_role("form", name="Handling note")
    form.locator("summary").click()
    form.get_by_label("Handling note").fill(LONG_TEXT)
    # Meanwhile the other 住建局 user returns it and the leader routes it to 人社局.
    case_return(case_id=her_case.pk, actor=User.objects.get(username="housing"), reason="属人社局职责")
    data = SignOffData(decision=Decision.FORWARD, department_id=dept("labour").pk, instruction="转人社局")
    case_sign_off(case_id=her_case.pk, leader=User.objects.get(username="leader"), data=data)
    form.get_by_role("button", name="Add note").click()
    english.wait_for_load_state("load")

    body = english.locator("main").inner_text()
    assert "not, or no longer, with your department: nothing was saved" in body, body
    expect(english.get_by_label("Handling note")).to_have_value(LONG_TEXT)


# --- What works (kept as checks) --------------------------------------------------------------


def test_assign_without_a_report_date_keeps_what_the_leader_typed(english: Page, live_server, her_case):
    log_in(english, live_server, "leader")
    english.goto(f"{live_server.url}/cases/{her_case.pk}/")
    form = english.get_by_role("form", name="Sign-off (签阅)")
    form.get_by_label("Assign with a report due").check()
    form.get_by_label("Receiving department").select_option(label="人社局")
    form.get_by_label("Instruction (批示)").fill(LONG_TEXT)
    form.get_by_role("button", name="Sign off").click()
    form = english.get_by_role("form", name="Sign-off (签阅)")
    expect(form).to_contain_text("An assigned case needs the date its report is due.")
    expect(form.get_by_label("Assign with a report due")).to_be_checked()
    expect(form.get_by_label("Receiving department").locator("option:checked")).to_have_text("人社局")
    expect(form.get_by_label("Instruction (批示)")).to_have_value(LONG_TEXT)
    expect(form.get_by_label("Report due", exact=True)).to_be_visible()
    # and now, corrected, it goes once even pressed twice
    form.get_by_label("Report due", exact=True).fill(
        (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    )
    form.get_by_role("button", name="Sign off").dblclick()
    expect(english.get_by_role("alert").first).to_contain_text("signed off")
    english.wait_for_timeout(1000)
    assert her_case.sign_offs.count() == 1


def test_double_click_and_enter_twice_act_once_for_the_department(english: Page, live_server, her_case):
    to_housing(her_case, accept=True)
    log_in(english, live_server, "housing")
    english.goto(f"{live_server.url}/cases/{her_case.pk}/")
    form = english.get_by_role("form", name="Reply (答复)")
    form.get_by_label("Explained").check()
    form.get_by_label("Reply to the petitioner").fill("已答复")
    form.get_by_role("button", name="Reply").dblclick()
    expect(english.get_by_role("alert").first).to_contain_text("Reply recorded")
    english.wait_for_timeout(1000)
    expect(english.get_by_role("alert")).to_have_count(1)
    assert her_case.events.filter(action="reply").count() == 1


def test_htmx_mark_read_and_mark_all_read_within_ten_seconds(english: Page, live_server, her_case):
    from notifications.models import Kind
    from notifications.services import notify

    housing = User.objects.get(username="housing")
    for n in range(3):
        notify(recipients=[housing], kind=Kind.SUPERVISION, case=her_case, message=f"通知{n}", params={})
    log_in(english, live_server, "housing")
    english.goto(f"{live_server.url}/notifications/")
    buttons = english.get_by_role("button", name="Mark read")
    expect(buttons).to_have_count(3)
    buttons.first.click()
    expect(buttons).to_have_count(2)
    buttons.first.click()
    expect(buttons).to_have_count(1)
    english.get_by_role("button", name="Mark all read").click()
    expect(buttons).to_have_count(0)


def test_the_letters_panel_stays_on_the_page_once_its_poll_stops(english: Page, live_server, her_case):
    """The panel polls while a letter is prepared (no PDF worker here); after the session ended
    the poll is told to stop, and the panel must stay."""
    to_housing(her_case, accept=True)
    log_in(english, live_server, "housing")
    english.goto(f"{live_server.url}/cases/{her_case.pk}/")
    expect(english.get_by_role("heading", name="Documents")).to_be_visible()

    with english.expect_response(lambda response: response.status == 286):
        english.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    english.wait_for_timeout(500)

    expect(english.get_by_role("heading", name="Documents")).to_be_visible()
