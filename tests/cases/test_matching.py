"""A matter found again by its organisation: the key it is written under, the open cases the
window is offered, and the key filled in for the cases registered before it existed."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cases.matching import KEY_LENGTH, organisation_key
from cases.models import Case, Status
from cases.selectors import MATTER_CASES_SHOWN, open_cases_about
from intake.selectors import matter_candidates
from tests.factories import CategoryFactory, DepartmentFactory

FACTORY = "汾湖某纺织有限公司"

# --- the key ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "汾湖某纺织有限公司",
        " 汾湖 某纺织有限公司 ",
        "汾湖某纺织有限公司。",
        "汾湖·某纺织有限公司",
        "汾湖某纺织有限公司\u3000",
    ],
)
def test_the_same_name_typed_differently_has_one_key(written):
    assert organisation_key(written) == "汾湖某纺织有限公司"


def test_full_width_letters_and_capitals_are_the_plain_small_letters():
    assert (
        organisation_key("ＡＢＣ（苏州）有限公司")
        == organisation_key("abc 苏州 有限公司")
        == "abc苏州有限公司"
    )


def test_different_names_keep_different_keys():
    assert organisation_key("汾湖某纺织有限公司") != organisation_key("盛泽某丝绸有限公司")
    assert organisation_key("某公司一厂") != organisation_key("某公司二厂")


@pytest.mark.parametrize("written", ["", "   ", "——", "（）", "・"])
def test_a_name_of_only_spaces_and_punctuation_has_no_key(written):
    assert organisation_key(written) == ""


def test_a_name_that_normalising_lengthens_is_cut_to_the_column():
    assert len(organisation_key("㍿" * 200)) == KEY_LENGTH


@given(st.text(max_size=60), st.text(alphabet=" \u3000·、，。（）()-—", max_size=5))
def test_spaces_and_punctuation_around_a_name_do_not_change_its_key(name, noise):
    assert organisation_key(noise + name + noise) == organisation_key(name)


@given(st.text(max_size=60))
def test_the_key_of_a_key_is_itself(name):
    key = organisation_key(name)
    assert organisation_key(key) == key


# --- registration and the window's look-up -----------------------------------------------------


@pytest.mark.django_db
def test_a_registered_case_keeps_its_organisation_as_written_and_its_key(make_visit):
    case = make_visit(organisation="汾湖 某纺织有限公司").case

    case.refresh_from_db()
    assert case.organisation == "汾湖 某纺织有限公司"
    assert case.organisation_key == FACTORY


@pytest.mark.django_db
def test_the_window_is_offered_the_open_cases_about_the_organisation_newest_first(make_visit):
    older = make_visit(organisation=FACTORY, persons=32, names=("工人甲",)).case
    newer = make_visit(organisation="汾湖某纺织有限公司（一厂）").case
    also = make_visit(organisation="汾湖 某纺织有限公司").case
    make_visit(organisation="盛泽某丝绸有限公司")
    make_visit()

    assert open_cases_about("汾湖某纺织有限公司") == [also, older]
    assert open_cases_about("汾湖某纺织有限公司一厂") == [newer]
    assert open_cases_about("") == open_cases_about("——") == []
    assert newer not in open_cases_about("汾湖某纺织")  # a whole name, not a part of one


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DECLINED, Status.CONCLUDED, Status.CLOSED])
def test_a_finished_case_is_not_offered(make_visit, status):
    case = make_visit(organisation=FACTORY).case
    Case.objects.filter(pk=case.pk).update(status=status)

    assert open_cases_about(FACTORY) == []


@pytest.mark.django_db
def test_at_most_the_newest_five_are_offered_and_the_ones_shown_elsewhere_are_left_out(make_visit):
    cases = [make_visit(organisation=FACTORY).case for _ in range(MATTER_CASES_SHOWN + 2)]

    assert open_cases_about(FACTORY) == cases[::-1][:MATTER_CASES_SHOWN]
    assert open_cases_about(FACTORY, exclude=[cases[-1].pk]) == cases[::-1][1 : MATTER_CASES_SHOWN + 1]


@pytest.mark.django_db
def test_new_people_linked_to_a_case_found_by_its_organisation_join_it(make_visit):
    group = make_visit(organisation=FACTORY, persons=32, names=("工人甲",)).case
    [found] = open_cases_about("汾湖 某纺织有限公司")

    visit = make_visit(repeat_of=found, persons=6, names=("工人乙", "工人丙"))

    assert visit.case_id == group.pk and visit.is_repeat and visit.is_group
    assert sorted(group.petitioners.values_list("name", flat=True)) == ["工人丙", "工人乙", "工人甲"]
    assert Case.objects.count() == 1


# --- the case page names the organisation's other open cases ------------------------------------


def page_for(user, case) -> str:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def others_named(text: str) -> list[str]:
    found = re.search(r'<div class="small" id="same-organisation">(.*?)</div>', text, re.S)
    return re.findall(r">(\d{4}-\d{6})</a>", found.group(1)) if found else []


@pytest.mark.django_db
def test_the_leader_reading_a_case_sees_the_organisations_other_open_cases(make_visit, leader, department):
    first = make_visit(organisation=FACTORY, persons=32).case
    Case.objects.filter(pk=first.pk).update(department=department, status=Status.FORWARDED)
    second = make_visit(organisation="汾湖 某纺织有限公司").case
    closed = make_visit(organisation=FACTORY).case
    Case.objects.filter(pk=closed.pk).update(status=Status.CONCLUDED)

    text = page_for(leader, second)

    assert others_named(text) == [first.number]
    assert f"(Forwarded · {department.name})" in text
    assert others_named(page_for(leader, first)) == [second.number]


@pytest.mark.django_db
def test_a_department_is_shown_only_the_organisations_cases_it_may_see(
    make_visit, department, department_user
):
    other_department = DepartmentFactory(name="人社局", code="labour")
    ours = make_visit(organisation=FACTORY).case
    also_ours = make_visit(organisation=FACTORY).case
    theirs = make_visit(organisation=FACTORY).case
    Case.objects.filter(pk__in=[ours.pk, also_ours.pk]).update(department=department, status=Status.FORWARDED)
    Case.objects.filter(pk=theirs.pk).update(department=other_department, status=Status.FORWARDED)

    text = page_for(department_user, ours)

    assert others_named(text) == [also_ours.number]
    assert theirs.number not in text


@pytest.mark.django_db
def test_a_case_without_an_organisation_names_no_others(make_visit, leader):
    make_visit(organisation="")
    case = make_visit(organisation="").case

    assert 'id="same-organisation"' not in page_for(leader, case)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [FACTORY, "汾湖 某纺织有限公司", "汾湖某纺织", "盛泽某丝绸有限公司", "——"])
def test_the_windows_look_up_offers_what_the_case_page_names(make_visit, typed):
    """intake.selectors.matter_candidates is open_cases_about in plain SQL, for the keystrokes."""
    cases = [make_visit(organisation=FACTORY).case for _ in range(MATTER_CASES_SHOWN + 1)]
    make_visit(organisation="盛泽某丝绸有限公司")
    Case.objects.filter(pk=cases[-2].pk).update(status=Status.CLOSED)

    for exclude in ([], [cases[-1].pk], [cases[0].pk, cases[2].pk]):
        offered = matter_candidates(typed, exclude=exclude)
        assert [case.pk for case in offered] == [case.pk for case in open_cases_about(typed, exclude=exclude)]


# --- the line beside the organisation: withheld people, and the cases it does not name --------


def forwarded_to(case: Case, department) -> Case:
    Case.objects.filter(pk=case.pk).update(department=department, status=Status.FORWARDED)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("withheld", ["anonymous", "accusation"])
def test_a_department_reading_a_case_whose_people_it_may_not_see_is_not_pointed_to_their_other_cases(
    make_visit, department, department_user, withheld
):
    """An accuser (or an anonymous petitioner) who also came about the same firm with a named
    complaint: the department is shown neither her name nor her attachments on the accusation
    (identity_withheld_from), and the staff search for department staff leaves accusation and
    anonymous cases out of a person's cases (cases/search.py _ids_of_people) so that a person
    and her accusation are never put side by side. Neither page's line may: the accusation's
    linked straight to her named case about the same firm, one click from her name, ID number
    and phone."""
    named = forwarded_to(make_visit(organisation=FACTORY, names=("沈桂英",)).case, department)
    if withheld == "anonymous":
        hidden = make_visit(organisation=FACTORY, anonymous=True, names=("沈桂英",)).case
    else:
        hidden = make_visit(organisation=FACTORY, names=("沈桂英",)).case
        Case.objects.filter(pk=hidden.pk).update(
            category=CategoryFactory(name="检举控告", code="accusation", is_accusation=True)
        )
    hidden.petitioners.set(named.petitioners.all())  # the same woman
    forwarded_to(hidden, department)

    text = page_for(department_user, hidden)

    assert "沈桂英" not in text  # her name is withheld on the accusation itself...
    assert named.number not in others_named(text)  # ...and so is the way to it
    assert hidden.number not in others_named(page_for(department_user, named))  # and back


def test_the_line_says_when_more_open_cases_than_it_names_are_about_the_organisation(make_visit, leader):
    """Twelve open cases about one factory: the page names five of the other eleven and says how
    many it leaves out. Nothing else in the web interface lists cases by organisation (the staff
    search reads facts and request): without the count the leader would take five for all."""
    cases = [make_visit(organisation=FACTORY).case for _ in range(12)]

    text = page_for(leader, cases[0])

    assert len(others_named(text)) == MATTER_CASES_SHOWN
    line = re.search(r'<div class="small" id="same-organisation">(.*?)</div>', text, re.S).group(1)
    assert re.sub(r"<a [^>]*>.*?</a>", "", line).rstrip().endswith(", and 6 more"), line
