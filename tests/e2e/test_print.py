"""The pages on the window screens' 1366×768 and on A4 paper, in either language (a review in
a real browser): a case's header whose labels drifted away from their text, badges that printed
pale grey, case numbers and dates broken across lines on paper, the extension decision's buttons
broken into single characters, the satisfaction table running off the screen and the sheet,
printouts that did not say which bureau printed them and when, and web controls on paper."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page
from pypdf import PdfReader

from accounts.models import User
from cases.follow_up import case_follow_up
from cases.forwarding import case_forward
from cases.handling import case_accept, case_conclude, case_receive, case_reply, case_request_extension
from cases.models import Case, Clock, ClockKind, Decision, Department, ReplyOutcome
from cases.sign_off import SignOffData, case_sign_off
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = {"width": 1366, "height": 768}
# A4 less the 15 mm margins of static/css/desk.css, in CSS pixels: what the printout lays out on.
SHEET_WIDTH = round((210 - 2 * 15) / 25.4 * 96)


def switch_to(page: Page, live_server, language: str) -> None:
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
    page.context.add_cookies([cookie])


def signed_in(page: Page, live_server, username: str, language: str = "en", viewport=SCREEN) -> Page:
    page.set_viewport_size(viewport)
    page.set_default_timeout(10_000)
    switch_to(page, live_server, "en")  # the login form's labels, as tests/e2e/session.py reads them
    log_in(page, live_server, username)
    switch_to(page, live_server, language)
    return page


def forward_to_housing(case: Case) -> None:
    leader, housing = User.objects.get(username="leader"), User.objects.get(username="housing")
    data = SignOffData(
        decision=Decision.FORWARD,
        department_id=Department.objects.get(code="housing").pk,
        instruction="请住建局核实拆迁安置政策执行情况，依法答复信访人。",
    )
    case_sign_off(case_id=case.pk, leader=leader, data=data)
    case_forward(sign_off_id=case.sign_offs.get().pk)
    case_receive(case_id=case.pk, actor=housing)
    case_accept(case_id=case.pk, actor=housing)


def overdue(case: Case) -> None:
    """The 60-day handling clock ran out three days ago (what the supervision list is for)."""
    Clock.objects.filter(case=case, kind=ClockKind.HANDLING, stopped_at__isnull=True).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )


def printed_text(page: Page) -> str:
    """What paper shows: the page's text under print styles (innerText skips display:none)."""
    page.emulate_media(media="print")
    return page.evaluate("document.body.innerText")


def pdf_pages(page: Page) -> list[str]:
    return [sheet.extract_text() or "" for sheet in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages]


# The case's header ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_case_header_keeps_each_label_beside_its_text(page: Page, live_server, her_case, language):
    # given the leader assigned her case with a report due (交办): one more half-width field
    leader = User.objects.get(username="leader")
    data = SignOffData(
        decision=Decision.ASSIGN,
        department_id=Department.objects.get(code="housing").pk,
        instruction="请住建局限期办理并报告结果。",
        report_due=timezone.localdate() + datetime.timedelta(days=20),
    )
    case_sign_off(case_id=her_case.pk, leader=leader, data=data)
    signed_in(page, live_server, "leader", language)

    page.goto(f"{live_server.url}/cases/{her_case.pk}/")

    # then "What happened" and "Request" start at the left edge, their text on the same line
    fields = page.evaluate(
        """() => [...document.querySelectorAll('main > dl.row > dt')].map(dt => {
             const dd = dt.nextElementSibling, a = dt.getBoundingClientRect(), b = dd.getBoundingClientRect();
             return {label: dt.textContent.trim(), left: Math.round(a.left), rise: Math.round(b.top - a.top)};
           })"""
    )
    left = fields[0]["left"]
    for field in fields:
        if field["left"] != left and field["rise"] == 0:
            continue  # a half-width field in the right half, beside its text: fine
        assert field["rise"] == 0, f"{field['label']}: its text starts on the next line"
    wide = [
        field for field in fields if field["label"] in ("What happened", "事实经过", "Request (诉求)", "诉求")
    ]
    assert all(field["left"] == left for field in wide), wide


# Badges on paper ------------------------------------------------------------------------------


def _ink(page: Page, selector: str) -> float:
    """The relative luminance of an element's text colour under print styles (1 = white)."""
    page.emulate_media(media="print")
    rgb = page.eval_on_selector(selector, "el => getComputedStyle(el).color")
    red, green, blue = (int(value) / 255 for value in re.findall(r"\d+", rgb)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_an_overdue_clock_prints_in_dark_ink(page: Page, live_server, her_case):
    # given her case is with 住建局 and its handling time ran out three days ago
    forward_to_housing(her_case)
    overdue(her_case)
    signed_in(page, live_server, "housing")

    page.goto(f"{live_server.url}/cases/inbox/")

    # then on paper (no background colours) "overdue since …" is not white-on-nothing: browsers
    # print it pale grey at best, the one thing the sheet is printed for
    assert _ink(page, "td .badge.clock.text-bg-danger") < 0.4


def test_the_case_status_prints_in_dark_ink(page: Page, live_server, her_case):
    signed_in(page, live_server, "reception")
    page.goto(f"{live_server.url}/cases/{her_case.pk}/")
    assert _ink(page, "h1 .badge") < 0.4


# Case lists on paper --------------------------------------------------------------------------


LINES_JS = """el => { const range = document.createRange(); range.selectNodeContents(el);
    const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top));
    return new Set(tops).size; }"""


def test_printed_case_lists_keep_case_numbers_dates_and_status_on_one_line(page: Page, live_server, her_case):
    # given the staff search's results in Chinese, laid out on the width of an A4 sheet
    signed_in(page, live_server, "leader", "zh-hans", {"width": SHEET_WIDTH, "height": 1000})
    page.goto(f"{live_server.url}/cases/search/?q=沈桂英")
    page.emulate_media(media="print")

    # then the case number (2026-/000001), the time of registration and the status (已/转/送)
    # each keep to one line, as the long request beside them wraps instead
    cells = page.locator("main table tbody tr").first.locator("td")
    for index, what in ((0, "case number"), (1, "time of registration"), (5, "status")):
        assert cells.nth(index).evaluate(LINES_JS) == 1, f"the {what} breaks across lines on paper"


# The extension requests -----------------------------------------------------------------------


@pytest.fixture
def extension_asked(her_case):
    forward_to_housing(her_case)
    housing = User.objects.get(username="housing")
    case_request_extension(
        case_id=her_case.pk,
        actor=housing,
        days=15,
        reason="补偿方案需报区征收补偿工作领导小组审定，领导小组例会每月召开一次，需延长办理期限。",
    )
    return her_case


def test_the_extension_buttons_stay_whole_words_in_chinese(page: Page, live_server, extension_asked):
    signed_in(page, live_server, "leader", "zh-hans")
    page.goto(f"{live_server.url}/cases/sign-off/extensions/")

    approve = page.get_by_role("button", name="批准", exact=True)
    refuse = page.get_by_role("button", name="不予批准", exact=True)
    # one line of a small button is 31 px; "批/准" and "不予批/准" took two lines each
    assert approve.bounding_box()["height"] < 36
    assert refuse.bounding_box()["height"] < 36
    number = page.locator("main table tbody tr td a").first
    assert len(number.evaluate("a => [...a.getClientRects()]")) == 1, "the case number breaks at its hyphen"


def test_a_printed_list_of_extension_requests_has_no_empty_note_field(
    page: Page, live_server, extension_asked
):
    signed_in(page, live_server, "leader", "zh-hans")
    page.goto(f"{live_server.url}/cases/sign-off/extensions/")
    page.emulate_media(media="print")

    assert not page.locator("main table textarea").is_visible()
    assert "备注" not in printed_text(page)


# The satisfaction table -----------------------------------------------------------------------


@pytest.fixture
def followed_up(her_case):
    forward_to_housing(her_case)
    housing = User.objects.get(username="housing")
    case_reply(case_id=her_case.pk, actor=housing, outcome=ReplyOutcome.SUPPORTED, text="经核实，予以支持。")
    case_conclude(case_id=her_case.pk, actor=housing)
    case_follow_up(
        case_id=her_case.pk,
        actor=User.objects.get(username="reception"),
        satisfaction_department="basically_satisfied",
        satisfaction_bureau="satisfied",
    )
    return her_case


def _sticks_out(page: Page) -> int:
    return page.eval_on_selector(
        "table[data-table=satisfaction]",
        "t => Math.round(t.getBoundingClientRect().right - t.parentElement.getBoundingClientRect().right)",
    )


def test_the_satisfaction_table_fits_the_screen_in_english(page: Page, live_server, followed_up):
    signed_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/cases/dashboard/")
    page.wait_for_selector("table[data-table=satisfaction]")

    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert _sticks_out(page) <= 0


def test_the_satisfaction_table_fits_the_printed_sheet_in_english(page: Page, live_server, followed_up):
    signed_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/cases/dashboard/?print=1")
    page.wait_for_selector("table[data-table=satisfaction]")

    # the print view shows on screen what the sheet will hold: "Rated" and "Satisfaction rate"
    # ran past the 180 mm sheet, and on paper they are cut off
    assert _sticks_out(page) <= 0
    page.emulate_media(media="print")
    assert "Satisfaction rate" in "".join(pdf_pages(page)).replace("\n", " ")


# What a printed sheet says about itself -------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "path"),
    [("leader", "/cases/sign-off/"), ("housing", "/cases/inbox/"), ("reception", "/cases/{pk}/")],
)
def test_a_printed_page_names_the_bureau_and_the_day(page: Page, live_server, her_case, username, path):
    if username == "housing":
        forward_to_housing(her_case)
    signed_in(page, live_server, username)
    page.goto(live_server.url + path.format(pk=her_case.pk))

    text = printed_text(page)

    assert settings.BUREAU_NAME in text, "the sheet does not say which bureau printed it"
    assert timezone.localdate().isoformat() in text, "the sheet does not say on which day it was printed"


def test_the_petitioners_printed_look_up_names_the_bureau_and_the_day(page: Page, live_server, her_case):
    page.set_viewport_size(SCREEN)
    page.goto(f"{live_server.url}/track/{her_case.tracking_code}/")

    text = printed_text(page)

    assert settings.BUREAU_NAME in text
    assert timezone.localdate().isoformat() in text


# Web controls on paper ------------------------------------------------------------------------


def test_paper_carries_no_export_links_or_notice_forms(page: Page, live_server, her_case):
    # given a case overdue with 住建局, on the leader's supervision list
    forward_to_housing(her_case)
    overdue(her_case)
    signed_in(page, live_server, "leader")

    page.goto(f"{live_server.url}/cases/supervision/")
    text = printed_text(page)

    assert "Export the ledger" not in text
    assert "Send a supervision notice" not in text


# The window desk in English ------------------------------------------------------------------


def test_the_desk_shows_the_whole_gender_in_english(page: Page, live_server, bureau):
    signed_in(page, live_server, "reception")
    page.goto(f"{live_server.url}/desk/")

    # the selected "Unknown" is clipped to "Unknowr" behind the select's arrow at 1366 px
    room, needed = page.eval_on_selector(
        "select[name='people-0-gender']",
        """s => { const style = getComputedStyle(s), c = document.createElement('canvas').getContext('2d');
                 c.font = style.font;
                 const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
                 return [room, c.measureText(s.options[s.selectedIndex].text).width]; }""",
    )
    assert needed <= room, f"'Unknown' needs {needed:.0f}px, the select leaves {room:.0f}px"
