"""The case page's "other open cases about it" line on an A4 sheet: its case numbers are kept
whole, as the lists' are (test_print.py)."""

import pytest
from playwright.sync_api import Page

from cases.models import Case
from intake.services import Attendee, PetitionerData
from tests.e2e.test_print import LINES_JS, SHEET_WIDTH, signed_in
from tests.e2e.window import registered_at_window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FACTORY = "汾湖某纺织有限公司"


def register(bureau, name: str) -> Case:
    return registered_at_window(
        bureau,
        (Attendee(new=PetitionerData(name=name)),),
        facts="公司拖欠工资数月。",
        request="要求支付拖欠的工资。",
        organisation=FACTORY,
    ).case


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_printed_other_open_cases_keep_each_case_number_on_one_line(
    page: Page, live_server, bureau, language
):
    # given six open cases about one factory, the leader printing the newest one on A4
    cases = [register(bureau, f"工人{n}") for n in range(6)]
    signed_in(page, live_server, "leader", language, {"width": SHEET_WIDTH, "height": 1000})
    page.goto(f"{live_server.url}/cases/{cases[-1].pk}/")
    page.emulate_media(media="print")

    # then every case number the line names stays whole (2026-/000003 is not a number to copy)
    links = page.locator("#same-organisation a")
    assert links.count() == 5
    broken = [
        links.nth(index).inner_text()
        for index in range(links.count())
        if links.nth(index).evaluate(LINES_JS) != 1
    ]
    assert broken == [], f"case numbers broken across lines on paper: {broken}"
