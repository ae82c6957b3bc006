"""A page sent once, whatever the hands do (a review of what a receptionist can lose): a double
click, Ctrl+Enter twice, Back and send again; and a long account typed for half an hour."""

import time

import pytest
from playwright.sync_api import Page, expect

import intake.views
from cases.models import Case
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def slowly(function, seconds=0.6):
    """The server under the morning's load: an answer takes over half a second."""

    def wrapper(*args, **kwargs):
        time.sleep(seconds)
        return function(*args, **kwargs)

    return wrapper


def double_click(page: Page, button) -> None:
    """A person's double click: two presses 150 ms apart, whatever the page is doing."""
    box = button.bounding_box()
    page.mouse.click(box["x"] + 5, box["y"] + 5)
    page.wait_for_timeout(150)
    page.mouse.click(box["x"] + 5, box["y"] + 5)
    page.wait_for_timeout(2500)


def describe_matter(page: Page, facts: str) -> None:
    page.get_by_label("What happened").fill(facts)
    page.get_by_label("Request (诉求)").fill("希望政府在安置上给予帮助。")
    page.get_by_label("Category").select_option(label="申诉求决")
    page.get_by_label("Subject area").select_option(label="城乡建设/拆迁安置")
    page.get_by_label("Town or street").select_option(label="黎里镇（汾湖高新区）")


@pytest.mark.parametrize("how", ["double-click", "ctrl-enter-twice"])
def test_pressed_twice_on_a_busy_server_she_still_sees_the_tracking_code(
    english: Page, live_server, bureau, monkeypatch, how
):
    monkeypatch.setattr(intake.views, "visit_register", slowly(intake.views.visit_register))
    page = english
    log_in(page, live_server, "reception")
    page.get_by_label("Name", exact=True).fill("沈桂英")
    describe_matter(page, "邻里纠纷")

    if how == "double-click":
        double_click(page, page.get_by_role("button", name="Register", exact=True))
    else:
        page.get_by_label("What happened").focus()
        page.keyboard.press("Control+Enter")
        page.wait_for_timeout(150)
        page.keyboard.press("Control+Enter")
        page.wait_for_timeout(2500)

    case = Case.objects.get()
    expect(page.get_by_role("alert")).to_contain_text(case.tracking_code)


def test_back_after_registering_offers_no_visit_to_send_again(english: Page, live_server, bureau):
    """The browser refilled the facts on Back (not the look-up fields), under a new one-time key:
    filling in the name again registered the same visit a second time."""
    page = english
    log_in(page, live_server, "reception")
    page.get_by_label("Name", exact=True).fill("沈桂英")
    describe_matter(page, "邻里纠纷")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("registered and sent for sign-off")

    page.go_back()

    expect(page.get_by_label("What happened")).to_have_value("")
    expect(page.get_by_label("Request (诉求)")).to_have_value("")
    expect(page.get_by_label("Category")).to_have_value("")


@pytest.mark.parametrize("how", ["double-click", "back-and-send-again"])
def test_her_sons_number_is_added_once(english: Page, live_server, her_case, monkeypatch, how):
    monkeypatch.setattr(intake.views, "contact_add", slowly(intake.views.contact_add))
    page = english
    woman = her_case.petitioners.get()
    log_in(page, live_server, "reception")
    page.goto(f"{live_server.url}/desk/petitioners/{woman.pk}/")
    form = page.get_by_role("form", name="Add a contact")
    form.get_by_label("Number or address").fill("13962598765")
    form.get_by_label("Whose").select_option(label="Son")
    button = form.get_by_role("button", name="Add contact")

    if how == "double-click":
        double_click(page, button)
        expect(page.get_by_role("alert")).to_contain_text("Contact 13962598765 added.")
    else:
        button.click()
        expect(page.get_by_role("alert")).to_contain_text("Contact 13962598765 added.")
        page.go_back()  # to check what she typed: the form is filled in again
        page.get_by_role("form", name="Add a contact").get_by_label("Number or address").fill("13962598765")
        page.get_by_role("form", name="Add a contact").get_by_role("button", name="Add contact").click()
        expect(page.get_by_text("13962598765 is on this petitioner's record already.")).to_be_visible()

    assert list(woman.contacts.values_list("value", flat=True)) == ["13962598765"]


def test_typing_a_long_account_keeps_the_session(english: Page, live_server, bureau, settings):
    settings.STILL_HERE_EVERY_SECONDS = 1
    page = english
    log_in(page, live_server, "reception")
    facts = page.get_by_label("What happened")
    facts.press_sequentially("原有住宅面临拆迁")
    page.wait_for_timeout(1100)

    with page.expect_response(lambda response: response.url.endswith("/still-here/")) as asked:
        facts.press_sequentially("，安置面积不足")

    assert asked.value.status == 204
