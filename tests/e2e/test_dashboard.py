"""The leader reads today's figures on the statistics dashboard in a real browser: ECharts draws each
chart (as SVG) beside the table of the same figures, another period changes them, and the print
view carries the bureau's name and the period, its charts drawn for paper.

The day: the elderly woman's case, forwarded to 住建局, which received and accepted it at once, and
the group visit of 32 unpaid workers, still waiting for sign-off."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import User
from cases.forwarding import case_forward
from cases.handling import case_accept, case_receive
from cases.models import Category, Decision, Department, Place, SignOff, SubjectArea
from cases.services import CaseData
from cases.sign_off import SignOffData, case_sign_off
from intake.services import Attendee, PetitionerData, VisitData, visit_register
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = (
    "Visits",
    "New cases by category",
    "New cases by subject area",
    "New cases by place",
    "New cases by receiving department",
    "On-time rates per department",
)


def english_date(day) -> str:
    with translation.override("en"):
        return date_format(day, "DATE_FORMAT")


@pytest.fixture
def today(bureau):
    reception = User.objects.get(username="reception")

    def register(name: str, persons: int, area: str, place: str):
        return visit_register(
            data=VisitData(
                window_id=bureau["window"].pk,
                persons=persons,
                attendees=(Attendee(new=PetitionerData(name=name), is_representative=persons > 1),),
                case=CaseData(
                    facts="事实",
                    request="诉求",
                    category_id=Category.objects.get(code="appeal").pk,
                    subject_area_id=SubjectArea.objects.get(code=area).pk,
                    place_id=Place.objects.get(name=place).pk,
                ),
            ),
            receptionist=reception,
        ).case

    her_case = register("沈桂英", 1, "housing", "松陵街道")
    register("周建明", 32, "labour", "黎里镇（汾湖高新区）")
    housing = User.objects.get(username="housing")
    case_sign_off(
        case_id=her_case.pk,
        leader=User.objects.get(username="leader"),
        data=SignOffData(
            decision=Decision.FORWARD,
            department_id=Department.objects.get(code="housing").pk,
            instruction="请住建局依法答复。",
        ),
    )
    case_forward(sign_off_id=SignOff.objects.get(case=her_case).pk)
    case_receive(case_id=her_case.pk, actor=housing)
    case_accept(case_id=her_case.pk, actor=housing)
    return timezone.localdate()


def expect_charts_drawn(page: Page, titles=CHARTS) -> None:
    for title in titles:
        expect(page.get_by_role("img", name=f"Chart: {title}", exact=True).locator("svg")).to_be_visible()


def test_the_leader_reads_the_days_figures_changes_the_period_and_prints(english: Page, live_server, today):
    page = english
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "leader")
    page.get_by_role("link", name="Statistics", exact=True).click()

    # This month by default, each chart drawn beside its table.
    expect(page.get_by_role("link", name="This month", exact=True)).to_have_attribute("aria-current", "true")
    expect_charts_drawn(page)
    visits = page.get_by_role("table", name="Visits")
    expect(visits.get_by_role("row", name=re.compile("^Ordinary visits"))).to_have_text(
        re.compile(r"Ordinary visits\s*1\s*1")
    )
    expect(visits.get_by_role("row", name=re.compile("^Group visits"))).to_have_text(
        re.compile(r"Group visits\s*1\s*32")
    )
    expect(page.locator("[data-figure=new_cases]")).to_have_text("2")
    categories = page.get_by_role("table", name="New cases by category")
    expect(categories.get_by_role("row", name=re.compile("申诉求决"))).to_have_text(
        re.compile(r"申诉求决\s*2")
    )
    # 住建局 received it the day it was forwarded and accepted it the same day: all on time.
    housing = page.get_by_role("table", name="On-time rates per department").get_by_role(
        "row", name=re.compile("^住建局")
    )
    expect(housing).to_have_text(re.compile(r"住建局\s*1/1\s*100.0%\s*1/1\s*100.0%\s*1/1\s*100.0%\s*0/0\s*—"))
    # Nothing overflows the window's 1366 pixels.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    # Yesterday had nothing: the tables say so, and no chart is drawn for nothing.
    page.get_by_role("link", name="Yesterday", exact=True).click()
    expect(page.get_by_role("link", name="Yesterday", exact=True)).to_have_attribute("aria-current", "true")
    expect(page.locator("[data-figure=new_cases]")).to_have_text("0")
    expect(page.get_by_text("None in this period.")).to_have_count(6)
    expect(page.get_by_role("img", name="Chart: New cases by category")).to_have_count(0)
    expect_charts_drawn(page, ["Visits"])

    # Any range: the month so far brings today's figures back.
    page.get_by_label("From*", exact=True).fill(today.replace(day=1).isoformat())
    page.get_by_label("To*", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator("[data-figure=new_cases]")).to_have_text("2")
    expect_charts_drawn(page)

    # A period the wrong way round is explained, not counted.
    page.get_by_label("From*", exact=True).fill(today.isoformat())
    page.get_by_label("To*", exact=True).fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("To: The last day cannot be before the first.")
    expect(page.get_by_label("To*", exact=True)).to_have_attribute("aria-invalid", "true")

    # The print view of today: no navigation, the bureau's name and the period in the title.
    page.get_by_role("link", name="Today", exact=True).click()
    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{settings.BUREAU_NAME} · Petition statistics")
    expect(page.get_by_text(re.compile(r"^Period: "))).to_contain_text(english_date(today))
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect_charts_drawn(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect_charts_drawn(page)
    # The printout: A4 pages, a few of them.
    pages = PdfReader(io.BytesIO(page.pdf(format="A4"))).pages
    assert 1 <= len(pages) <= 4
    assert {(round(p.mediabox.width / 72 * 25.4), round(p.mediabox.height / 72 * 25.4)) for p in pages} == {
        (210, 297)
    }
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page.get_by_role("link", name="Today", exact=True)).to_have_attribute("aria-current", "true")
