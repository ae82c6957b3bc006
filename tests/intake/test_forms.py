"""The desk's forms: each mistake is marked on its own field with the services' message, and a row
left blank, or a known petitioner chosen from the candidates, needs nothing else."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict

from intake.forms import CaseForm, ContactForm, PersonForm, PersonFormSet, VisitForm
from intake.services import Attendee, ContactData
from intake.validators import id_check_char

pytestmark = [pytest.mark.django_db]

WOMAN_ID = "32058419460315042" + id_check_char("32058419460315042")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def person_form(**data) -> PersonForm:
    defaults = {"gender": "unknown", "id_type": "resident_id", "phone_relation": "self"}
    return PersonForm(data=defaults | data, empty_permitted=True, use_required_attribute=False)


def test_a_new_person_with_id_card_and_address(db):
    form = person_form(name=" 沈桂英 ", id_number=WOMAN_ID.lower(), address="黎里镇城司村沈家浜18号")

    assert form.is_valid(), form.errors
    attendee = form.attendee()
    assert attendee.new.name == "沈桂英"
    assert (attendee.new.id_type, attendee.new.id_number) == ("resident_id", WOMAN_ID.lower())
    assert attendee.new.contacts == (ContactData(kind="address", value="黎里镇城司村沈家浜18号"),)
    assert not attendee.is_representative


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("139 6259 8765", "mobile"), ("0512-63001234", "landline"), ("051263001234", "landline")],
)
def test_a_phone_is_a_mobile_or_a_landline_by_its_first_digit(typed, kind):
    form = person_form(name="沈桂英", mobile=typed, phone_relation="son")

    assert form.is_valid(), form.errors
    assert form.attendee().new.contacts == (ContactData(kind=kind, value=typed, relation="son"),)


def test_a_person_who_brought_no_document_has_no_id_type():
    form = person_form(name="孙立新", id_type="resident_id", id_number="")

    assert form.is_valid()
    assert form.attendee().new.id_type == "none"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"id_number": WOMAN_ID[:-1] + ("1" if WOMAN_ID[-1] != "1" else "2")},
            "id_number",
            "The check digit (the 18th character) does not match the other 17 digits.",
        ),
        ({"id_number": "3205841946"}, "id_number", "A resident ID has 18 characters; this one has 10."),
        ({"id_type": "none", "id_number": "AB123456"}, "id_type", "Choose the type of the ID document."),
        (
            {"mobile": "1234567"},
            "mobile",
            "A mobile number is 11 digits starting with 13–19, optionally after +86.",
        ),
        (
            {"mobile": "0512-123"},
            "mobile",
            "A landline is an area code starting with 0 and a 7- or 8-digit number, such as 0512-63001234.",
        ),
    ],
)
def test_a_mistake_is_marked_on_its_field(data, field, message):
    form = person_form(name="沈桂英", **data)

    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_a_row_with_data_but_no_name_asks_for_the_name():
    form = person_form(name="", mobile="13962598765")

    assert form.errors == {"name": ["Enter the petitioner's name."]}


def test_a_blank_row_is_skipped():
    form = person_form(name="")

    assert form.is_valid()
    assert form.attendee() is None


def test_a_chosen_petitioner_needs_no_other_field():
    """The desk disables the other fields of a chosen petitioner: the browser does not post them."""
    form = PersonForm(
        data={"petitioner": "42", "name": "沈桂英", "is_representative": "on"},
        empty_permitted=True,
        use_required_attribute=False,
    )

    assert form.is_valid(), form.errors
    assert form.attendee() == Attendee(petitioner_id=42, is_representative=True)


def test_the_formset_refuses_more_than_fifty_rows():
    data = {"people-TOTAL_FORMS": 51, "people-INITIAL_FORMS": 0}
    data |= {f"people-{n}-name": f"工人{n}" for n in range(51)}

    formset = PersonFormSet(data, prefix="people")

    assert not formset.is_valid()


def test_a_visit_cannot_be_in_the_future(reference):
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    form = VisitForm(
        data={"window": reference["window"].pk, "persons": 1, "visited_at": f"{tomorrow:%Y-%m-%dT%H:%M}"}
    )

    assert form.errors == {"visited_at": ["A visit cannot be registered in the future."]}


def test_a_visit_needs_at_least_one_person(reference):
    form = VisitForm(data={"window": reference["window"].pk, "persons": 0})

    assert list(form.errors) == ["persons"]


def test_the_matter_needs_facts_and_a_request(reference):
    form = CaseForm(
        data={
            "facts": " ",
            "request": "",
            "category": reference["category"].pk,
            "subject_area": reference["subject_area"].pk,
            "place": reference["place"].pk,
        }
    )

    assert form.errors == {"facts": ["This field is required."], "request": ["This field is required."]}


def test_several_files_may_be_attached(reference):
    files = [SimpleUploadedFile("1.pdf", b"%PDF-1.4"), SimpleUploadedFile("2.pdf", b"%PDF-1.4")]
    form = CaseForm(
        data={
            "facts": "住宅面临拆迁",
            "request": "给予帮助",
            "category": reference["category"].pk,
            "subject_area": reference["subject_area"].pk,
            "place": reference["place"].pk,
        },
        files=MultiValueDict({"attachments": files}),
    )

    assert form.is_valid(), form.errors
    assert [upload.name for upload in form.cleaned_data["attachments"]] == ["1.pdf", "2.pdf"]
    assert form.case_data().place_id == reference["place"].pk


def test_a_contact_is_checked_by_its_kind():
    assert ContactForm(data={"kind": "mobile", "value": "13962598765", "relation": "son"}).is_valid()
    assert ContactForm(data={"kind": "address", "value": "黎里镇城司村", "relation": "self"}).is_valid()

    wrong = ContactForm(data={"kind": "mobile", "value": "0512-63001234", "relation": "son"})
    assert wrong.errors == {
        "value": ["A mobile number is 11 digits starting with 13–19, optionally after +86."]
    }
