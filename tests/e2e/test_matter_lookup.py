"""The same matter, other people: workers the bureau has never seen come about a company whose
group case is still open. Typing the organisation complained about, however the receptionist's
keyboard writes it, offers that case in the look-up panel; the visit is linked to it without
taking anyone on file as the person, and the newcomers join its petitioners.

Elements are found as a user finds them, on the page in English (the labels are the source
strings, whatever translations are being written)."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from cases.models import Case, CaseEvent, Status
from intake.models import Attendance, Petitioner, Visit
from intake.services import Attendee, PetitionerData
from tests.e2e.session import log_in
from tests.e2e.window import registered_at_window
from tests.factories import resident_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPANY = "汾湖某纺织有限公司"
WORKERS = ["朱国华", "沈红梅", "顾建明", "金小平", "蒋卫东"]
NEWCOMER = "陆小芳"
NEWCOMER_ID = resident_id_number(4321)
NEWCOMER_MOBILE = "13913577777"


def came_about(bureau, organisation: str, *, names=WORKERS, persons: int = 32) -> Visit:
    """Workers registered at the window about `organisation`, by default a group of 32 naming five
    representatives: their visit, and its new case, open."""
    return registered_at_window(
        bureau,
        tuple(Attendee(new=PetitionerData(name=name), is_representative=True) for name in names),
        facts="企业拖欠30余名员工数月工资。",
        request="尽快支付拖欠的工资。",
        persons=persons,
        subject="labour",
        organisation=organisation,
    )


def looked_up(page: Page, field: Locator, text: str) -> None:
    """Type into a field that asks the desk for candidates, and wait for the answer: one look-up
    answered before the next is asked (a late answer redraws the panel, and a click on the list
    it replaces is lost)."""
    with page.expect_response(lambda response: "/desk/lookup/" in response.url):
        field.fill(text)


def organisation_field(page: Page) -> Locator:
    return page.get_by_label("Organisation complained about")


def cases_about(page: Page, typed: str) -> Locator:
    """The panel's section of open cases about the organisation typed."""
    return page.get_by_role("region", name="Came before?").get_by_role(
        "region", name=f"Open cases about {typed}"
    )


def matter_headings(page: Page) -> Locator:
    return page.get_by_role("heading", name=re.compile("^Open cases about"))


def test_a_new_worker_is_linked_to_the_open_case_about_the_organisation_written_differently(
    english: Page, live_server, bureau
):
    # given: 32 workers came last week about the company; their case is open
    first_visit = came_about(bureau, COMPANY)
    group_case = first_visit.case
    number = group_case.number
    page = english
    log_in(page, live_server, "reception")

    # when: a worker never seen before comes about it, and the receptionist types the company
    # with a space after the town
    typed = "汾湖 某纺织有限公司"
    looked_up(page, organisation_field(page), typed)

    # then: the group's case is offered under the organisation, though nobody is on file
    found = cases_about(page, typed)
    expect(found).to_be_visible()
    card = found.locator(".matter-case")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(number)
    expect(card).to_contain_text(COMPANY)
    card.get_by_role("button", name="Link as repeat visit").click()

    banner = page.locator("#repeat-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(f"This visit is a repeat about case {number}")
    # the matter is the case's: hidden, and its fields not sent
    expect(page.locator("#case-fields")).to_be_hidden()
    expect(page.locator("#id_organisation")).to_be_disabled()
    # nobody on file was taken as the person: the row is still to be typed in
    expect(page.get_by_label("Name", exact=True)).to_be_editable()
    expect(page.get_by_label("Name", exact=True)).to_have_value("")
    expect(page.get_by_role("button", name="Not this person")).to_have_count(0)

    looked_up(page, page.get_by_label("Name", exact=True), NEWCOMER)
    looked_up(page, page.get_by_label("ID number"), NEWCOMER_ID)
    looked_up(page, page.get_by_role("textbox", name="Phone"), NEWCOMER_MOBILE)
    # the look-ups her details asked for leave the link as it was
    expect(banner).to_contain_text(number)
    page.get_by_role("button", name="Register", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text(f"Repeat visit registered on case {number}.")
    assert Case.objects.count() == 1
    newcomer = Petitioner.objects.get(name=NEWCOMER)
    assert newcomer.id_number == NEWCOMER_ID
    repeat = Visit.objects.exclude(pk=first_visit.pk).get()
    assert (repeat.case_id, repeat.is_repeat, repeat.persons) == (group_case.pk, True, 1)
    assert list(Attendance.objects.filter(visit=repeat).values_list("petitioner_id", flat=True)) == [
        newcomer.pk
    ]
    assert set(group_case.petitioners.values_list("name", flat=True)) == {*WORKERS, NEWCOMER}
    assert CaseEvent.objects.filter(case=group_case, action="repeat_visit").count() == 1


def test_finished_cases_and_other_organisations_are_not_offered(english: Page, live_server, bureau):
    # given: the company's first case was concluded; the workers came again and a second is open
    concluded = came_about(bureau, COMPANY, names=["朱国华"], persons=1).case
    Case.objects.filter(pk=concluded.pk).update(status=Status.CONCLUDED)
    still_open = came_about(bureau, COMPANY, names=["沈红梅"], persons=1).case
    page = english
    log_in(page, live_server, "reception")

    looked_up(page, organisation_field(page), COMPANY)

    # the open case, not the concluded one (up to five are shown: it would be there too)
    found = cases_about(page, COMPANY)
    expect(found.locator(".matter-case")).to_have_count(1)
    expect(found).to_contain_text(still_open.number)
    expect(found).not_to_contain_text(concluded.number)

    # an organisation the bureau has no case about: no such section at all
    looked_up(page, organisation_field(page), "盛泽某印染厂")

    expect(cases_about(page, COMPANY)).to_have_count(0)
    expect(matter_headings(page)).to_have_count(0)
    expect(page.locator("#candidates .matter-case")).to_have_count(0)
    expect(page.get_by_role("region", name="Came before?")).to_contain_text("No earlier petitioner matches.")


def test_full_width_capitals_find_the_company_on_file_in_small_letters(english: Page, live_server, bureau):
    """An input method left in full-width mode types ＸＬ: the same company as the xl on file."""
    case = came_about(bureau, "吴江xl电子有限公司", names=["顾建明"], persons=1).case
    page = english
    log_in(page, live_server, "reception")

    typed = "吴江ＸＬ电子有限公司"
    looked_up(page, organisation_field(page), typed)

    expect(cases_about(page, typed).locator(".matter-case")).to_contain_text(case.number)


def test_the_case_is_linked_from_the_keyboard(english: Page, live_server, bureau):
    """Tabbing on from the organisation reaches the case's button; Enter links the visit, and a
    screen reader is told (the banner, hidden until then, is silent)."""
    group_case = came_about(bureau, COMPANY).case
    page = english
    log_in(page, live_server, "reception")
    looked_up(page, organisation_field(page), COMPANY)
    link = cases_about(page, COMPANY).get_by_role("button", name=f"Link as repeat visit: {group_case.number}")
    expect(link).to_be_visible()

    organisation_field(page).focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if link.evaluate("button => button === document.activeElement"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#repeat-banner")).to_contain_text(group_case.number)
    expect(page.get_by_role("status")).to_have_text(
        f"This visit is a repeat about case {group_case.number}: no new case will be opened."
    )
    expect(page.get_by_label("What happened")).to_be_hidden()
    # The keyboard goes back to the person to be named, not left in the panel after the form.
    expect(page.locator("[name=people-0-name]")).to_be_focused()
    assert Visit.objects.count() == 1  # Enter on the button links; it does not send the form
