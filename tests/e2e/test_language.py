"""People who are not signed in choose the language too: a receptionist at the login page, a
petitioner tracking a case."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path, english_heading", [("/login/", "Log in"), ("/track/", "Track your petition")])
def test_a_page_for_everyone_switches_to_english_and_back(page: Page, live_server, path, english_heading):
    page.set_default_timeout(10_000)
    page.goto(live_server.url + path)
    heading = page.get_by_role("heading", level=1)
    expect(heading).not_to_contain_text(english_heading)

    page.get_by_role("combobox", name="语言").select_option("en")

    expect(heading).to_contain_text(english_heading)
    assert page.url == live_server.url + path

    page.get_by_role("combobox", name="Language").select_option("zh-hans")
    expect(heading).not_to_contain_text(english_heading)
