"""A field left empty is said by the page, in the page's language: not by the browser's own
bubble ("Please fill out this field."), which speaks the browser's language whatever the page's,
and which the pages in Chinese for a browser in English showed at the login, the tracking form,
a petitioner's new contact, the tally's date and the supervision list's notice."""

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.e2e.session import log_in
from tests.e2e.test_print import forward_to_housing, overdue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REQUIRED = "该字段是必填项。"


def in_chinese(page: Page, live_server) -> None:
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}
    page.context.add_cookies([cookie])


def signed_in_chinese(english: Page, live_server, username: str) -> Page:
    log_in(english, live_server, username)
    in_chinese(english, live_server)
    return english


def test_the_login_says_which_field_is_missing(page: Page, live_server, bureau):
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")

    page.get_by_role("button", name="登录").click()

    expect(page.locator("#id_username").locator("..").get_by_text(REQUIRED)).to_be_visible()


def test_the_tracking_form_says_the_code_is_missing(page: Page, live_server):
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/track/")

    page.get_by_role("button", name="查询").click()

    expect(page.get_by_text(REQUIRED)).to_be_visible()


def test_a_contact_added_empty_is_refused_by_the_page(english: Page, live_server, her_case):
    page = signed_in_chinese(english, live_server, "reception")
    page.goto(f"{live_server.url}/desk/petitioners/{her_case.petitioners.get().pk}/")

    page.get_by_role("form", name="添加联系方式").get_by_role("button", name="添加").click()

    expect(page.get_by_role("alert")).to_contain_text("联系方式未添加")
    expect(page.get_by_role("form", name="添加联系方式").get_by_text(REQUIRED)).to_be_visible()


def test_the_tally_without_a_date_says_so(english: Page, live_server, bureau):
    page = signed_in_chinese(english, live_server, "reception")
    page.goto(f"{live_server.url}/desk/tally/")

    page.get_by_label("日期").fill("")
    page.get_by_role("button", name="查询").click()

    expect(page.get_by_text(REQUIRED)).to_be_visible()


def test_an_empty_supervision_notice_is_refused_by_the_page(english: Page, live_server, her_case):
    forward_to_housing(her_case)
    overdue(her_case)
    page = signed_in_chinese(english, live_server, "leader")
    page.goto(f"{live_server.url}/cases/supervision/")

    page.get_by_text("发出督办通知").click()
    page.get_by_role("button", name="发出督办").click()

    expect(page.get_by_text(REQUIRED)).to_be_visible()
