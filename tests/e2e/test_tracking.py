"""The petitioner looks her case up at /track/ in a real browser, in Chinese as she finds it: the
address she can copy and send on is the look-up itself, nothing more."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def petitioner(page: Page) -> Page:
    page.set_default_timeout(10_000)
    return page


def look_up(page: Page, code: str) -> None:
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()


def test_the_address_of_a_look_up_carries_only_the_code(petitioner: Page, live_server):
    page = petitioner
    page.goto(f"{live_server.url}/track/")

    look_up(page, "K7RM2Q")

    expect(page.get_by_text("查询码由8位字母和数字组成")).to_be_visible()
    assert page.url == f"{live_server.url}/track/?code=K7RM2Q"


def test_a_mistyped_code_is_corrected_on_the_not_found_page(petitioner: Page, live_server, her_case):
    page = petitioner
    page.goto(f"{live_server.url}/track/")
    mistyped = "ZZZZZZZZ" if her_case.tracking_code != "ZZZZZZZZ" else "YYYYYYYY"
    look_up(page, mistyped)
    expect(page.get_by_role("alert")).to_contain_text("没有与此查询码对应的信访件")

    look_up(page, her_case.tracking_code)

    expect(page.get_by_role("heading", level=1)).to_have_text("您的信访件")
    assert page.url == f"{live_server.url}/track/{her_case.tracking_code}/"
