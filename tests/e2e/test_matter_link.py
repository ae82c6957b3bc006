"""In a real browser: a visit linked to a case found by its organisation, then people chosen and
let go, the link given up ("Open a new case instead"), and the form sent back with an error."""

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case
from intake.models import Visit
from intake.services import Attendee, ContactData, PetitionerData
from intake.validators import id_check_char
from tests.e2e.session import log_in
from tests.e2e.window import registered_at_window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FACTORY = "汾湖某纺织有限公司"
WRONG_ID = "32058419800101001" + ("1" if id_check_char("32058419800101001") != "1" else "2")
RIGHT_ID = "32058419800101001" + id_check_char("32058419800101001")


def registered(bureau, *, name, organisation="", phone="", persons=1):
    contacts = (ContactData(kind="mobile", value=phone),) if phone else ()
    return registered_at_window(
        bureau,
        (Attendee(new=PetitionerData(name=name, contacts=contacts)),),
        facts="企业拖欠员工数月工资。",
        request="尽快支付拖欠的工资。",
        persons=persons,
        organisation=organisation,
    ).case


@pytest.fixture
def first_group(bureau):
    return registered(bureau, name="工人甲", organisation=FACTORY, persons=32)


def link_by_organisation(page: Page, case: Case, typed: str = "汾湖 某纺织有限公司") -> None:
    with page.expect_response(lambda response: "/desk/lookup/" in response.url):
        page.get_by_label("Organisation complained about").fill(typed)
    panel = page.get_by_role("region", name="Came before?")
    panel.get_by_role("button", name=f"Link as repeat visit: {case.number} ({case.organisation})").click()
    expect(page.get_by_role("status")).to_contain_text(f"This visit is a repeat about case {case.number}")
    expect(page.get_by_label("What happened")).to_be_hidden()


def register(page: Page) -> None:
    page.get_by_role("button", name="Register", exact=True).click()


def test_new_workers_join_the_case_their_organisation_found(english: Page, live_server, first_group):
    page = english
    log_in(page, live_server, "reception")
    page.get_by_label("Name", exact=True).fill("工人乙")
    link_by_organisation(page, first_group)
    page.get_by_role("button", name="Add a person (group visit)").click()
    page.get_by_label("Name", exact=True).nth(1).fill("工人丙")
    page.get_by_label("Persons present").fill("6")
    register(page)

    expect(page.get_by_role("alert")).to_contain_text(
        f"Repeat visit registered on case {first_group.number}."
    )
    visit = Visit.objects.order_by("-pk").first()
    assert visit.is_repeat and visit.case_id == first_group.pk
    assert sorted(first_group.petitioners.values_list("name", flat=True)) == ["工人丙", "工人乙", "工人甲"]
    assert Case.objects.count() == 1


def test_a_person_chosen_and_let_go_after_the_link_leaves_the_link(
    english: Page, live_server, bureau, first_group
):
    her_case = registered(bureau, name="沈桂英", phone="13912345678")
    page = english
    log_in(page, live_server, "reception")
    link_by_organisation(page, first_group)

    with page.expect_response(lambda response: "/desk/lookup/" in response.url):
        page.get_by_role("textbox", name="Phone").fill("13912345678")
    panel = page.get_by_role("region", name="Came before?")
    panel.get_by_role("button", name=re.compile("This is the person")).click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("沈桂英")
    expect(page.locator("#repeat-number")).to_have_text(first_group.number)
    page.get_by_role("button", name="Not this person").click()
    expect(page.locator("#repeat-number")).to_have_text(first_group.number)
    page.get_by_label("Name", exact=True).fill("工人乙")
    register(page)

    expect(page.get_by_role("alert")).to_contain_text(
        f"Repeat visit registered on case {first_group.number}."
    )
    assert Visit.objects.order_by("-pk").first().case_id == first_group.pk
    assert not her_case.visits.filter(is_repeat=True).exists()


def test_open_a_new_case_instead_keeps_the_organisation_typed(english: Page, live_server, first_group):
    page = english
    log_in(page, live_server, "reception")
    page.get_by_label("Name", exact=True).fill("赵六")
    link_by_organisation(page, first_group)
    # no: he is from the company's second factory, a matter of its own
    page.get_by_role("button", name="Open a new case instead").click()
    expect(page.get_by_label("Organisation complained about")).to_have_value("汾湖 某纺织有限公司")
    page.get_by_label("Organisation complained about").fill("汾湖某纺织有限公司（二厂）")
    page.get_by_label("What happened").fill("二厂拖欠工资")
    page.get_by_label("Request (诉求)").fill("支付工资")
    page.get_by_label("Category").select_option(label="申诉求决")
    page.get_by_label("Subject area").select_option(label="其他")
    page.get_by_label("Town or street").select_option(label="黎里镇（汾湖高新区）")
    register(page)

    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"Case \d{4}-\d{6} registered"))
    new = Case.objects.exclude(pk=first_group.pk).get()
    assert (new.organisation, new.organisation_key) == (
        "汾湖某纺织有限公司（二厂）",
        "汾湖某纺织有限公司二厂",
    )


def link_by_organisation_without_checking(page: Page, case: Case) -> None:
    with page.expect_response(lambda response: "/desk/lookup/" in response.url):
        page.get_by_label("Organisation complained about").fill(case.organisation)
    page.get_by_role("region", name="Came before?").get_by_role(
        "button", name=f"Link as repeat visit: {case.number} ({case.organisation})"
    ).click()


def test_the_link_survives_a_form_sent_back(english: Page, live_server, first_group):
    page = english
    log_in(page, live_server, "reception")
    page.get_by_label("Name", exact=True).fill("工人乙")
    page.get_by_label("ID number").fill(WRONG_ID)
    link_by_organisation_without_checking(page, first_group)
    register(page)

    expect(page.get_by_text("The visit was not registered")).to_be_visible()
    expect(page.locator("#repeat-banner")).to_be_visible()
    expect(page.locator("#repeat-number")).to_have_text(first_group.number)
    expect(page.get_by_label("What happened")).to_be_hidden()
    page.get_by_label("ID number").fill(RIGHT_ID)
    register(page)

    expect(page.get_by_role("alert")).to_contain_text(
        f"Repeat visit registered on case {first_group.number}."
    )
    assert sorted(first_group.petitioners.values_list("name", flat=True)) == ["工人乙", "工人甲"]
