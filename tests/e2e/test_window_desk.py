"""The story's day at the window (shared/seed), in a real browser: the receptionist registers the
elderly woman who has no phone, a group of 32 unpaid workers with five representatives, is refused
a sixth representative, adds the son's number when she calls back, and reads the day's tally.

Elements are found as a user finds them: by label, role and text. The page is set to English so
that the labels are the source strings, whatever translations are being written."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from cases.models import Case, CaseEvent, Category, Place, SubjectArea
from cases.services import CaseData
from intake.models import Attendance, ContactPoint, Petitioner, Visit
from intake.services import Attendee, ContactData, PetitionerData, VisitData, visit_register
from intake.validators import id_check_char
from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WOMAN_ID = "32058419460315042" + id_check_char("32058419460315042")
SON_MOBILE = "13962598765"
WORKERS = [
    ("朱国华", "13913500001"),
    ("沈红梅", "13913500002"),
    ("顾建明", "13913500003"),
    ("金小平", "13913500004"),
    ("蒋卫东", "13913500005"),
]
REGISTERED = re.compile(r"Case \d{4}-\d{6} registered")
# Another group the same afternoon, naming one representative too many.
SIX_WORKERS = [(f"工人{index}", f"1380000000{index}") for index in range(1, 7)]


def describe_matter(page: Page, *, facts: str, request: str, area: str, place: str) -> None:
    page.get_by_label("What happened").fill(facts)
    page.get_by_label("Request (诉求)").fill(request)
    page.get_by_label("Category").select_option(label="申诉求决")
    page.get_by_label("Subject area").select_option(label=area)
    page.get_by_label("Town or street").select_option(label=place)


def name_people(page: Page, people, *, representatives: bool) -> None:
    """One row per person: the desk starts with one, "Add a person" adds the others."""
    add_person = page.get_by_role("button", name="Add a person (group visit)")
    for _ in range(len(people) - 1):
        add_person.click()
    names = page.get_by_label("Name", exact=True)
    expect(names).to_have_count(len(people))
    for index, (name, phone) in enumerate(people):
        names.nth(index).fill(name)
        page.get_by_label("Phone", exact=True).nth(index).fill(phone)
        if representatives:
            page.get_by_label("Representative").nth(index).check()


def register(page: Page) -> None:
    page.get_by_role("button", name="Register", exact=True).click()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Petitioner, ContactPoint, Visit, Case)}


def test_the_page_is_simplified_chinese_by_default(page: Page, live_server):
    page.goto(f"{live_server.url}/login/")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_the_story_of_a_day_at_the_window(english: Page, live_server, bureau):
    page = english
    # 9:30: the receptionist logs in and lands on the window desk.
    log_in(page, live_server, "reception")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    expect(page.get_by_role("heading", name="Register a visit")).to_be_attached()

    # 10:00: the elderly woman, with her ID card and her address, but no phone.
    page.get_by_label("Name", exact=True).fill("沈桂英")
    page.get_by_label("ID number").fill(WOMAN_ID)
    page.get_by_label("Address").fill("黎里镇城司村沈家浜18号")
    describe_matter(
        page,
        facts="原有住宅面临拆迁，按安置政策她和儿子可获得一处40平方米安置房，家中生活困难。",
        request="希望政府在安置上给予帮助。",
        area="城乡建设/拆迁安置",
        place="黎里镇（汾湖高新区）",
    )
    register(page)

    success = page.get_by_role("alert")
    expect(success).to_contain_text(REGISTERED)
    woman = Petitioner.objects.get(name="沈桂英")
    her_case = woman.cases.get()
    expect(success).to_contain_text(f"Case {her_case.number} registered and sent for sign-off")
    expect(success).to_contain_text(her_case.tracking_code)
    assert woman.id_number == WOMAN_ID
    assert woman.gender == "female"
    assert not woman.contacts.filter(kind__in=("mobile", "landline")).exists()

    # 15:00: 32 workers of a company in 黎里镇; they name five representatives.
    page.get_by_label("Persons present").fill("32")
    name_people(page, WORKERS, representatives=True)
    describe_matter(
        page,
        facts="企业拖欠30余名员工数月工资；法院已判决支持，厂房两次拍卖流拍，第三轮拍卖进行中。",
        request="尽快支付拖欠的工资。",
        area="劳动社保/拖欠工资",
        place="黎里镇（汾湖高新区）",
    )
    page.get_by_label("In litigation").check()
    register(page)

    expect(page.get_by_role("alert")).to_contain_text(REGISTERED)
    group = Visit.objects.get(is_group=True)
    expect(page.get_by_role("alert")).to_contain_text(f"Case {group.case.number} registered")
    assert group.persons == 32
    assert group.attendances.filter(is_representative=True).count() == 5
    today = page.get_by_role("region", name=re.compile("Today at"))
    group_line = today.get_by_role("listitem").filter(has_text=group.case.number)
    expect(group_line).to_contain_text("32 persons")
    expect(group_line).to_contain_text("group")
    expect(group_line).to_contain_text("朱国华、沈红梅、顾建明、金小平、蒋卫东")

    # A sixth representative is one too many (Art. 20): refused, and nothing is saved.
    before = row_counts()
    page.get_by_label("Persons present").fill("32")
    name_people(page, SIX_WORKERS, representatives=True)
    describe_matter(
        page, facts="又一批员工反映欠薪。", request="支付工资。", area="劳动社保/拖欠工资", place="盛泽镇"
    )
    register(page)

    expect(page.get_by_text("The visit was not registered")).to_be_visible()
    expect(
        page.get_by_text("A group may name at most 5 representatives (Art. 20); 6 were named.")
    ).to_be_visible()
    assert row_counts() == before

    # Before the end of the day she calls back: her son's mobile goes on her record.
    page.get_by_role("link", name="Missing contacts").click()
    expect(page.get_by_role("heading", name="Cases without a phone to call")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="沈桂英")).to_contain_text(her_case.number)
    page.get_by_role("link", name="沈桂英").click()

    expect(page.get_by_role("heading", name=re.compile("沈桂英"))).to_be_visible()
    expect(page.get_by_text(WOMAN_ID)).to_be_visible()
    contacts = page.get_by_role("region", name="Contacts")
    expect(contacts.get_by_role("row")).to_have_count(2)  # the header, and her address: no phone
    expect(contacts).to_contain_text("Postal address")
    add_contact = page.get_by_role("form", name="Add a contact")
    add_contact.get_by_label("Kind").select_option(label="Mobile")
    add_contact.get_by_label("Number or address").fill(SON_MOBILE)
    add_contact.get_by_label("Whose").select_option(label="Son")
    add_contact.get_by_label("Holder's name").fill("沈建明")
    add_contact.get_by_role("button", name="Add contact").click()

    expect(page.get_by_role("alert")).to_contain_text(f"Contact {SON_MOBILE} added.")
    expect(contacts.get_by_role("row").filter(has_text=SON_MOBILE)).to_contain_text("Son · 沈建明")
    expect(page.get_by_text(f"Contact added: Mobile {SON_MOBILE} (Son), by 张进军")).to_be_visible()
    son_phone = woman.contacts.get(kind="mobile")
    assert (son_phone.kind, son_phone.value, son_phone.relation) == ("mobile", SON_MOBILE, "son")
    assert son_phone.created_by.username == "reception"

    page.get_by_role("link", name="Missing contacts").click()
    expect(page.get_by_text("Every open case has a phone to call.")).to_be_visible()
    expect(page.get_by_role("link", name="沈桂英")).to_have_count(0)

    # End of day: the window's tally.
    page.get_by_role("link", name="Daily tally").first.click()
    whole_bureau = page.get_by_role("row", name=re.compile("Whole bureau"))
    # ordinary batches, persons; group batches, persons; new cases; repeats
    expect(whole_bureau.get_by_role("cell")).to_have_text(["1", "1", "1", "32", "2", "0"])
    expect(page.locator("#tally-summary")).to_contain_text("1 group visit (32 persons)")
    assert CaseEvent.objects.filter(case=her_case).count() == 2  # registered, submitted


@pytest.mark.parametrize(
    ("field", "typed"),
    [("ID number", WOMAN_ID), ("Phone", "139 6259 8765")],
    ids=["by-id-number", "by-phone"],
)
def test_a_repeat_visit_is_found_and_linked_to_her_open_case(
    english: Page, live_server, bureau, field, typed
):
    """Typing her ID number or phone shows her earlier case in "Came before?"; linking the visit
    records a repeat on that case instead of opening a new one."""
    # given: she came last week; her son's phone is on her record
    receptionist = User.objects.get(username="reception")
    earlier = visit_register(
        data=VisitData(
            window_id=bureau["window"].pk,
            persons=1,
            attendees=(
                Attendee(
                    new=PetitionerData(
                        name="沈桂英",
                        id_type="resident_id",
                        id_number=WOMAN_ID,
                        contacts=(ContactData(kind="mobile", value=SON_MOBILE, relation="son"),),
                    )
                ),
            ),
            case=CaseData(
                facts="住宅面临拆迁，安置面积不足。",
                request="希望政府在安置上给予帮助。",
                category_id=Category.objects.get(code="appeal").pk,
                subject_area_id=SubjectArea.objects.get(code="housing").pk,
                place_id=Place.objects.get(name="黎里镇（汾湖高新区）").pk,
            ),
        ),
        receptionist=receptionist,
    )
    number = earlier.case.number
    page = english
    log_in(page, live_server, "reception")

    # when: the receptionist types what she brought
    page.get_by_label(field, exact=True).fill(typed)

    # then: she is in the panel with her open case
    came_before = page.get_by_role("region", name="Came before?")
    expect(came_before).to_contain_text("沈桂英")
    expect(came_before.get_by_role("link", name=number)).to_be_visible()
    came_before.get_by_role("button", name="Link as repeat visit").click()
    expect(page.get_by_role("status")).to_contain_text(f"This visit is a repeat about case {number}")
    expect(page.get_by_label("What happened")).to_be_hidden()
    register(page)

    expect(page.get_by_role("alert")).to_contain_text(f"Repeat visit registered on case {number}.")
    assert Case.objects.count() == 1
    assert Petitioner.objects.count() == 1
    repeat = Visit.objects.exclude(pk=earlier.pk).get()
    assert repeat.is_repeat and repeat.case_id == earlier.case_id
    assert list(Attendance.objects.filter(visit=repeat).values_list("petitioner__name", flat=True)) == [
        "沈桂英"
    ]
    assert CaseEvent.objects.filter(case_id=earlier.case_id, action="repeat_visit").count() == 1
