"""Keyboard use and accessibility of the pages used all day (window desk, petitioner page, case,
sign-off queue, inbox, login), driven by the keyboard where the user would be (a review)."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from cases.models import Case, Category, Place, SubjectArea
from cases.services import CaseData
from intake.models import Visit
from intake.services import Attendee, PetitionerData, VisitData, visit_register
from intake.validators import id_check_char
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WOMAN_ID = "32058419460315042" + id_check_char("32058419460315042")
ACTIVE = """() => { const e = document.activeElement;
  return {id: e.id, tag: e.tagName, text: (e.innerText || e.value || '').trim().slice(0, 40),
          row: e.closest('.person-row') ? e.closest('.person-row').dataset.index || 'new' : null,
          invalid: e.getAttribute('aria-invalid'), role: e.getAttribute('role')}; }"""


def active(page: Page) -> dict:
    return page.evaluate(ACTIVE)


def tab_until(page: Page, matches, limit: int = 80, key: str = "Tab") -> int:
    """Press Tab until `matches(active element)`; the number of presses (limit+1 if never)."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if matches(active(page)):
            return presses
    return limit + 1


def register_earlier(bureau, name: str, request: str, id_number: str = "") -> Case:
    return visit_register(
        data=VisitData(
            window_id=bureau["window"].pk,
            persons=1,
            attendees=(
                Attendee(
                    new=PetitionerData(
                        name=name, id_type="resident_id" if id_number else "none", id_number=id_number
                    )
                ),
            ),
            case=CaseData(
                facts="住宅面临拆迁，安置面积不足。",
                request=request,
                category_id=Category.objects.get(code="appeal").pk,
                subject_area_id=SubjectArea.objects.get(code="housing").pk,
                place_id=Place.objects.get(name="黎里镇（汾湖高新区）").pk,
            ),
        ),
        receptionist=User.objects.get(username="reception"),
    ).case


def fill_matter_by_keyboard(page: Page) -> None:
    """From the first field of the matter: type, Tab, and pick list entries with the arrows."""
    page.keyboard.type("企业拖欠工资。")  # What happened
    page.keyboard.press("Tab")
    page.keyboard.type("尽快支付拖欠的工资。")  # Request
    page.keyboard.press("Tab")  # Reasons
    for _select in ("Category", "Subject area", "Town or street"):
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowDown")


# --- where the keyboard goes, and what is announced --------------------------------------------


def test_the_desk_puts_the_keyboard_at_the_first_person(english: Page, live_server, bureau):
    """Every registration starts with a name: not 21 Tab presses through the menu and the clock."""
    page = english
    log_in(page, live_server, "reception")

    assert active(page)["id"] == "id_people-0-name", active(page)


def test_the_desk_sent_back_puts_focus_on_the_first_error(english: Page, live_server, bureau):
    page = english
    log_in(page, live_server, "reception")
    page.get_by_label("Persons present").fill("32")
    page.get_by_label("Name", exact=True).fill("朱国华")
    page.get_by_label("Phone", exact=True).fill("123")  # not a phone number
    page.get_by_label("Phone", exact=True).press("Control+Enter")
    expect(page.get_by_text("The visit was not registered")).to_be_visible()

    focused = active(page)
    assert focused["id"] == "id_people-0-mobile" or focused["role"] == "alert", focused


def test_a_refused_contact_puts_focus_on_the_field_and_says_so(english: Page, live_server, her_case):
    page = english
    log_in(page, live_server, "reception")
    page.goto(f"{live_server.url}/desk/petitioners/{her_case.petitioners.get().pk}/")
    form = page.get_by_role("form", name="Add a contact")
    form.get_by_label("Number or address").fill("123")
    form.get_by_label("Number or address").press("Enter")
    expect(page.locator("#id_value")).to_have_attribute("aria-invalid", "true")

    assert active(page)["id"] == "id_value", active(page)
    expect(page.get_by_role("alert")).to_contain_text(re.compile("not added|correct", re.I))


def test_a_candidate_taken_by_keyboard_brings_focus_back_to_the_row(english: Page, live_server, her_case):
    page = english
    log_in(page, live_server, "reception")
    page.get_by_label("Town or street").select_option(label="黎里镇（汾湖高新区）")
    page.get_by_label("Name", exact=True).focus()
    page.keyboard.type("沈桂英")
    choose = page.get_by_role("region", name="Came before?").get_by_role("button", name="This is the person")
    expect(choose).to_be_visible()

    presses = tab_until(page, lambda e: e["text"] == "This is the person")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Name", exact=True)).not_to_be_editable()  # she was taken

    assert active(page)["row"] is not None, (
        f"focus stayed in the look-up panel ({active(page)}); the row is {presses} Shift+Tabs back"
    )


def test_ctrl_enter_registers_after_linking_from_the_panel(english: Page, live_server, bureau):
    """ "Ctrl+Enter registers from any field": but focus is left on the panel's button."""
    earlier = register_earlier(bureau, "沈桂英", "希望政府在安置上给予帮助。", WOMAN_ID)
    page = english
    log_in(page, live_server, "reception")
    page.get_by_label("ID number").focus()
    page.keyboard.type(WOMAN_ID)
    expect(page.locator("#candidates").get_by_role("button", name="Link as repeat visit")).to_be_visible()
    tab_until(page, lambda e: e["text"] == "Link as repeat visit")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(earlier.number)

    page.keyboard.press("Control+Enter")
    expect(page.get_by_role("alert")).to_contain_text(f"Repeat visit registered on case {earlier.number}")


def test_candidate_buttons_say_whom_they_take(english: Page, live_server, bureau):
    """Two women of the same name at the same place: a screen reader lists the buttons by name."""
    register_earlier(bureau, "王芳", "要求补发安置款。")
    register_earlier(bureau, "王芳", "要求解决宅基地纠纷。")
    page = english
    log_in(page, live_server, "reception")
    page.get_by_label("Town or street").select_option(label="黎里镇（汾湖高新区）")
    page.get_by_label("Name", exact=True).fill("王芳")
    panel = page.get_by_role("region", name="Came before?")
    expect(panel.locator(".candidate")).to_have_count(2)

    names = [
        b.evaluate("b => b.innerText + ' ' + (b.getAttribute('aria-label') || '')")
        for b in panel.get_by_role("button").all()
    ]
    assert len(set(names)) == len(names), f"buttons with the same accessible name: {names}"


def test_each_person_row_is_a_named_group(english: Page, live_server, bureau):
    """Five "Name" boxes in a group visit: which person's is this one?"""
    page = english
    log_in(page, live_server, "reception")
    for _ in range(4):
        page.get_by_role("button", name="Add a person (group visit)").click()
    expect(page.get_by_label("Name", exact=True)).to_have_count(5)

    rows = page.locator("#people").get_by_role("group")
    expect(rows).to_have_count(5)


def test_a_refused_log_in_is_announced(page: Page, live_server, bureau):
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("reception")
    page.locator("#id_password").fill("wrong")
    page.locator("#id_password").press("Enter")
    expect(page.get_by_text("请输入一个正确的用户名和密码")).to_be_visible()
    # Focus lands (autofocus) on the username, after the message: only an alert is heard.
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的用户名和密码")


# --- whole registrations by keyboard; errors tied to fields --------------------------------------


def test_individual_registration_by_keyboard_only(english: Page, live_server, bureau):
    page = english
    log_in(page, live_server, "reception")
    tab_until(page, lambda e: e["id"] == "id_people-0-name")
    page.keyboard.type("沈桂英")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # gender
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # ID type kept
    page.keyboard.type(WOMAN_ID)
    assert tab_until(page, lambda e: e["id"] == "id_facts") == 6  # phone, whose, address, rep., add
    fill_matter_by_keyboard(page)
    page.keyboard.press("Control+Enter")
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"Case \d{4}-\d{6} registered"))


def test_group_of_32_with_5_representatives_by_keyboard_only(english: Page, live_server, bureau):
    page = english
    log_in(page, live_server, "reception")
    tab_until(page, lambda e: e["id"] == "id_persons")
    page.keyboard.press("Control+a")
    page.keyboard.type("32")
    for index in range(5):
        tab_until(page, lambda e, index=index: e["id"] == f"id_people-{index}-name")
        page.keyboard.type(f"工人{index}")
        tab_until(page, lambda e, index=index: e["id"] == f"id_people-{index}-mobile")
        page.keyboard.type(f"1391350000{index}")
        tab_until(page, lambda e, index=index: e["id"] == f"id_people-{index}-is_representative")
        page.keyboard.press("Space")
        if index < 4:
            assert tab_until(page, lambda e: e["id"] == "add-person") == 1
            page.keyboard.press("Enter")
            assert active(page)["id"] == f"id_people-{index + 1}-name"  # the new row, focused
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))
    assert page.evaluate("""[...document.querySelectorAll('#people input:not([type=hidden]), #people select')]
        .every(e => e.labels.length === 1 && e.labels[0].htmlFor === e.id)""")
    tab_until(page, lambda e: e["id"] == "id_facts")
    fill_matter_by_keyboard(page)
    page.keyboard.press("Control+Enter")
    expect(page.get_by_role("alert")).to_contain_text("registered")
    group = Visit.objects.get()
    assert (group.persons, group.attendances.filter(is_representative=True).count()) == (32, 5)


def test_linking_an_earlier_case_by_keyboard(english: Page, live_server, bureau):
    earlier = register_earlier(bureau, "沈桂英", "希望政府在安置上给予帮助。", WOMAN_ID)
    page = english
    log_in(page, live_server, "reception")
    page.get_by_label("ID number").focus()
    page.keyboard.type(WOMAN_ID)
    panel = page.locator("#candidates")
    expect(panel).to_have_attribute("aria-live", "polite")
    expect(panel.get_by_role("button", name="Link as repeat visit")).to_be_visible()
    tab_until(page, lambda e: e["text"] == "Link as repeat visit")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(earlier.number)
    tab_until(page, lambda e: e["text"] == "Register", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(f"Repeat visit registered on case {earlier.number}")


def test_errors_are_tied_to_their_fields_and_lang_matches(english: Page, live_server, bureau):
    page = english
    log_in(page, live_server, "reception")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Add a person (group visit)").click()
    page.get_by_label("ID number").nth(1).fill("1234")
    page.get_by_role("button", name="Register", exact=True).click()
    name = page.locator("#id_people-1-name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{name.get_attribute('aria-describedby')}")).to_have_text(
        "Enter the petitioner's name."
    )
    expect(page.get_by_label("What happened")).to_have_attribute("aria-describedby", "id_facts_error")
    page.get_by_role("button", name="Add a person (group visit)").click()
    assert active(page)["id"] == "id_people-2-name"
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("button", name="登录")).to_be_visible()


def test_queue_and_inbox_state_time_limits_in_words(english: Page, live_server, her_case):
    from cases.forwarding import case_forward
    from cases.models import SignOff

    page = english
    log_in(page, live_server, "leader")
    row = page.get_by_role("row").filter(has_text=her_case.number)
    expect(row.get_by_role("checkbox", name=f"Tick case {her_case.number}")).to_be_visible()
    # in words, the due date read out too (a tooltip is out of the keyboard's reach)
    expect(row.locator(".badge.clock")).to_have_text(
        re.compile(r"^15 days left \(Forward \(15 days\) · due on ")
    )
    page.goto(f"{live_server.url}/cases/{her_case.pk}/")
    page.get_by_role("form", name="Sign-off (签阅)").get_by_role("button", name="Sign off").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("signed off")
    case_forward(sign_off_id=SignOff.objects.get(case=her_case).pk)
    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server, "housing")
    row = page.get_by_role("row").filter(has_text=her_case.number)
    expect(row.get_by_role("cell").last).to_contain_text(re.compile(r"Return .*: \d+ days? left"))
