"""The search box in a real browser: the labour department's staff type two words of a wage
claim into the navigation bar, see their case among the results and open it."""

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case, Department
from intake.demo import DEMO_PASSWORD
from intake.services import Attendee, PetitionerData
from tests.e2e.window import registered_at_window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def register(bureau, name: str, facts: str, request: str, area: str) -> Case:
    attendees = (Attendee(new=PetitionerData(name=name)),)
    return registered_at_window(bureau, attendees, facts=facts, request=request, subject=area).case


@pytest.fixture
def wage_case(bureau):
    """The workers' case at 人社局; a housing case with the same words at 住建局 stays out of sight."""
    wages = register(bureau, "周建明", "工厂停产，拖欠32名工人五个月工资。", "要求支付拖欠工资。", "labour")
    other = register(bureau, "沈桂英", "安置房交付后拖欠工资的施工队仍在小区。", "要求清退。", "housing")
    Case.objects.filter(pk=wages.pk).update(department=Department.objects.get(code="labour"))
    Case.objects.filter(pk=other.pk).update(department=Department.objects.get(code="housing"))
    return wages


def test_labour_searches_from_the_nav_box_and_opens_its_case(english: Page, live_server, wage_case):
    page = english
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("labour")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    box = page.get_by_role("searchbox", name="Search cases")
    box.fill("拖欠 工资")
    box.press("Enter")

    expect(page.get_by_role("heading", name="Search cases")).to_be_visible()
    expect(page.locator("#search-summary")).to_contain_text("One case found for “拖欠 工资”")
    expect(box).to_have_value("拖欠 工资")
    rows = page.get_by_role("row").filter(has_text="要求")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name=wage_case.number).click()

    expect(page).to_have_url(re.compile(rf"/cases/{wage_case.pk}/$"))
    expect(page.get_by_role("heading", name=f"Case {wage_case.number}")).to_be_visible()
