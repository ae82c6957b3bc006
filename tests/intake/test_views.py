"""The window desk's pages: who may open them, what a refused registration shows and leaves behind,
where the full ID number appears, and how many queries the lists take."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from cases.models import Attachment, Case, CaseEvent
from cases.services import CaseData
from intake.models import ContactKind, ContactPoint, Petitioner, Visit
from intake.services import (
    Attendee,
    ContactData,
    PetitionerData,
    VisitData,
    contact_add,
    tally_snapshot_take,
    visit_register,
)
from intake.validators import id_check_char
from tests.factories import PlaceFactory, UserFactory, WindowFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

WOMAN_ID = "32058419460315042" + id_check_char("32058419460315042")
WOMAN_ID_MASKED = "3205**********042" + WOMAN_ID[-1]
WRONG_CHECK_CHAR = "1" if WOMAN_ID[-1] != "1" else "2"
PDF_BYTES = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


# --- helpers ----------------------------------------------------------------------------------


def client_for(user) -> Client:
    """A browser in English (the source strings), logged in as the user, or anonymous."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def person(name: str, *, id_number: str = "", phone: str = "", address: str = "", representative=False):
    contacts = [ContactData(kind="mobile", value=phone)] if phone else []
    if address:
        contacts.append(ContactData(kind="address", value=address))
    return Attendee(
        new=PetitionerData(
            name=name,
            id_type="resident_id" if id_number else "none",
            id_number=id_number,
            address=address,
            contacts=tuple(contacts),
        ),
        is_representative=representative,
    )


def register(receptionist, reference, people, *, persons=None, place=None, window=None, attachments=()):
    return visit_register(
        data=VisitData(
            window_id=(window or reference["window"]).pk,
            persons=persons or len(people),
            attendees=tuple(people),
            case=CaseData(
                facts="原有住宅面临拆迁，安置面积不足。",
                request="希望政府在安置上给予帮助。",
                category_id=reference["category"].pk,
                subject_area_id=reference["subject_area"].pk,
                place_id=(place or reference["place"]).pk,
            ),
            attachments=tuple(attachments),
        ),
        receptionist=receptionist,
    )


def register_woman(receptionist, reference, **fields) -> Visit:
    """The elderly woman: her ID card and her address, no phone."""
    woman = person("沈桂英", id_number=WOMAN_ID, address="黎里镇城司村沈家浜18号")
    return register(receptionist, reference, [woman], **fields)


def desk_form(reference, people=None, **fields) -> dict:
    """What the desk's form posts: one visit, its people's rows and the matter."""
    people = people if people is not None else [{"name": "沈桂英", "id_number": WOMAN_ID}]
    data = {
        "window": reference["window"].pk,
        "visited_at": "",
        "persons": 1,
        "note": "",
        "repeat_of": "",
        "people-TOTAL_FORMS": len(people),
        "people-INITIAL_FORMS": 0,
        "people-MIN_NUM_FORMS": 0,
        "people-MAX_NUM_FORMS": 50,
        "facts": "原有住宅面临拆迁，安置面积不足。",
        "request": "希望政府在安置上给予帮助。",
        "reasons": "",
        "category": reference["category"].pk,
        "subject_area": reference["subject_area"].pk,
        "place": reference["place"].pk,
        "organisation": "",
    }
    for index, row in enumerate(people):
        row = {"gender": "unknown", "id_type": "resident_id", "phone_relation": "self"} | row
        for name, value in row.items():
            if value is True:
                value = "on"
            data[f"people-{index}-{name}"] = value
    return data | fields


def row_counts() -> dict[str, int]:
    """What a refused registration must leave as it was."""
    return {
        model.__name__: model.objects.count()
        for model in (Petitioner, ContactPoint, Visit, Case, CaseEvent, Attachment)
    }


def page_text(response) -> str:
    return response.content.decode()


# --- who may open what ------------------------------------------------------------------------


@pytest.fixture
def woman(receptionist, reference) -> Petitioner:
    return register_woman(receptionist, reference).petitioners.get()


def intake_pages(woman) -> dict[str, str]:
    return {
        "desk": reverse("intake:desk"),
        "lookup": reverse("intake:lookup") + f"?people-0-id_number={WOMAN_ID}",
        "tally": reverse("intake:tally"),
        "missing contacts": reverse("intake:missing_contacts"),
        "petitioner": reverse("intake:petitioner", args=[woman.pk]),
    }


def statuses(user, pages: dict[str, str]) -> dict[str, int]:
    client = client_for(user)
    return {name: client.get(url).status_code for name, url in pages.items()}


def test_the_receptionist_reaches_every_page_of_the_desk(receptionist, woman):
    assert statuses(receptionist, intake_pages(woman)) == {
        "desk": 200,
        "lookup": 200,
        "tally": 200,
        "missing contacts": 200,
        "petitioner": 200,
    }


def test_the_leader_reads_the_tally_and_petitioners_but_does_not_register(leader, woman):
    assert statuses(leader, intake_pages(woman)) == {
        "desk": 403,
        "lookup": 403,
        "tally": 200,
        "missing contacts": 200,
        "petitioner": 200,
    }


def test_department_staff_see_none_of_the_desks_pages(department_user, woman):
    assert statuses(department_user, intake_pages(woman)) == {
        "desk": 403,
        "lookup": 403,
        "tally": 403,
        "missing contacts": 403,
        "petitioner": 403,
    }


def test_the_leader_may_not_add_a_contact(leader, woman):
    response = client_for(leader).post(
        reverse("intake:petitioner", args=[woman.pk]), {"kind": "mobile", "value": "13962598765"}
    )

    assert response.status_code == 403
    assert not woman.contacts.filter(kind="mobile").exists()


def test_the_desk_does_not_take_a_registration_from_the_leader(leader, reference):
    before = row_counts()

    response = client_for(leader).post(reverse("intake:desk"), desk_form(reference))

    assert response.status_code == 403
    assert row_counts() == before


def test_anonymous_users_are_sent_to_the_login_page(woman):
    for name, url in intake_pages(woman).items():
        response = client_for(None).get(url)

        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login") + "?next="), name


def test_a_page_that_does_not_exist_is_404_for_the_petitioner(receptionist, db):
    response = client_for(receptionist).get(reverse("intake:petitioner", args=[999_999]))

    assert response.status_code == 404


# --- registering at the desk ------------------------------------------------------------------


def test_the_desk_registers_a_visit_and_says_the_case_number(receptionist, reference):
    client = client_for(receptionist)

    response = client.post(reverse("intake:desk"), desk_form(reference), follow=True)

    case = Case.objects.get()
    assert response.redirect_chain == [(reverse("intake:desk"), 302)]
    assert f"Case {case.number} registered and sent for sign-off; tracking code {case.tracking_code}." in (
        page_text(response)
    )
    woman = Petitioner.objects.get()
    assert (woman.name, woman.id_number, woman.gender) == ("沈桂英", WOMAN_ID, "female")
    assert client.session["window_id"] == reference["window"].pk


def test_a_name_typed_over_a_chosen_petitioner_is_refused(receptionist, reference, woman):
    """The row registers the petitioner chosen: a different name typed there would be dropped."""
    before = row_counts()
    form = desk_form(reference, [{"petitioner": woman.pk, "name": "王小明"}])

    response = client_for(receptionist).post(reverse("intake:desk"), form)

    assert "This row is 沈桂英, chosen from the candidates" in page_text(response)
    assert row_counts() == before


def test_the_desk_page_sent_twice_registers_one_visit(receptionist, reference):
    # given the desk page, with its own key, filled in for someone without an ID number
    client = client_for(receptionist)
    key = re.search(
        r'name="submission" value="([0-9a-f-]{36})"', page_text(client.get(reverse("intake:desk")))
    )[1]
    form = desk_form(
        reference, [{"name": "沈桂英", "id_type": "none", "phone": "13912345678"}], submission=key
    )

    # when "Register" is pressed twice (or the browser sends the page again)
    client.post(reverse("intake:desk"), form)
    again = client.post(reverse("intake:desk"), form, follow=True)

    # then one visit, one case and one record of her, and the second press is told so
    case = Case.objects.get()
    assert (Visit.objects.count(), Petitioner.objects.count()) == (1, 1)
    assert (
        f"Case {case.number} registered and sent for sign-off; tracking code {case.tracking_code}."
        " The page was sent twice: the visit is registered once."
    ) in page_text(again)
    # and the next page has a key of its own
    assert key not in page_text(again)


def test_the_desk_registers_a_group_visit_of_32_with_five_representatives(receptionist, reference):
    people = [
        {"name": f"工人{n}", "mobile": f"1391350000{n}", "is_representative": True} for n in range(1, 6)
    ]

    response = client_for(receptionist).post(
        reverse("intake:desk"), desk_form(reference, people, persons=32, in_litigation="on")
    )

    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.persons, visit.is_group) == (32, True)
    assert visit.attendances.filter(is_representative=True).count() == 5
    assert visit.case.is_group and visit.case.in_litigation


def test_an_id_number_registered_already_is_marked_on_its_persons_row(receptionist, reference, woman):
    # given a group in which the third person named is the woman, registered as new by mistake
    people = [{"name": f"工人{n}", "mobile": f"1391350000{n}"} for n in range(1, 3)]
    people.append({"name": "沈桂英", "id_number": WOMAN_ID})
    before = row_counts()

    response = client_for(receptionist).post(reverse("intake:desk"), desk_form(reference, people, persons=6))

    # then the message sits on her row, naming her record, and nothing is registered
    assert response.status_code == 200
    rows = response.context["people"].forms
    assert [bool(row.errors) for row in rows] == [False, False, True]
    assert f"belongs to petitioner 沈桂英 (no. {woman.pk})" in rows[2].errors["id_number"][0]
    assert row_counts() == before


def test_a_known_petitioner_chosen_at_the_desk_needs_no_other_field(receptionist, reference, woman):
    """The desk disables a chosen petitioner's other fields, and a disabled field is not posted: the
    row's petitioner alone must be enough, for a repeat as for a new case."""
    earlier = woman.cases.get()
    row = {"petitioner": woman.pk, "name": woman.name}
    data = {
        key: value
        for key, value in desk_form(reference, [row], repeat_of=earlier.pk).items()
        if not key.endswith(("-gender", "-id_type", "-phone_relation"))
    }

    response = client_for(receptionist).post(reverse("intake:desk"), data, follow=True)

    assert f"Repeat visit registered on case {earlier.number}." in page_text(response)
    assert Case.objects.count() == 1 and Petitioner.objects.count() == 1
    repeat = Visit.objects.get(is_repeat=True)
    assert repeat.case == earlier and list(repeat.petitioners.all()) == [woman]


def _text_file_named_pdf():
    return {"attachments": [SimpleUploadedFile("scan.pdf", b"just some text, not a PDF", "application/pdf")]}


def _too_large_pdf():
    return {"attachments": [SimpleUploadedFile("scan.pdf", PDF_BYTES + b" " * 200, "application/pdf")]}


OUT_OF_RANGE = "Enter a date between 2000-01-01 and 2099-12-31."
TOO_MANY_PERSONS = "Ensure this value is less than or equal to 10000."
INVALID_INPUT = {
    "bad check digit": (
        {"people": [{"name": "沈桂英", "id_number": WOMAN_ID[:-1] + WRONG_CHECK_CHAR}]},
        "The check digit (the 18th character) does not match the other 17 digits.",
    ),
    "bad phone": (
        {"people": [{"name": "沈桂英", "mobile": "1234567"}]},
        "A mobile number is 11 digits starting with 13–19, optionally after +86.",
    ),
    "persons fewer than named": (
        {"people": [{"name": "徐丽"}, {"name": "徐建平"}], "persons": 1},
        "At least 2 persons came: the number of persons cannot be smaller.",
    ),
    # One digit too many, or a number the database could not even hold (it was stored wrapped).
    "persons: a typo": ({"persons": 10_001}, TOO_MANY_PERSONS),
    "persons: beyond the database": ({"persons": 5_000_000_000}, TOO_MANY_PERSONS),
    # A year typed as 0202 made case number 202-000001.
    "a visit in year 202": ({"visited_at": "0202-03-03T10:00"}, OUT_OF_RANGE),
    "six representatives": (
        {
            "people": [{"name": f"工人{n}", "is_representative": True} for n in range(1, 7)],
            "persons": 32,
        },
        "A group may name at most 5 representatives (Art. 20); 6 were named.",
    ),
    "nobody named": (
        {"people": [{"name": ""}]},
        "Name at least one person present, or mark the case anonymous.",
    ),
    "missing facts": ({"facts": "  "}, "This field is required."),
    "missing request": ({"request": ""}, "This field is required."),
    "text file named .pdf": (
        _text_file_named_pdf,
        "scan.pdf is not an accepted file (PDF document、JPEG image、PNG image、TIFF scan).",
    ),
    "too large": (_too_large_pdf, "scan.pdf is larger than 100"),
}


@override_settings(ATTACHMENT_MAX_BYTES=100)
@pytest.mark.parametrize("mistake", list(INVALID_INPUT))
def test_a_refused_registration_shows_why_and_saves_nothing(receptionist, reference, mistake):
    # given
    register(receptionist, reference, [person("钱福根", phone="13962512345")])
    before = row_counts()
    change, message = INVALID_INPUT[mistake]
    change = change() if callable(change) else dict(change)
    people = change.pop("people", None)
    data = desk_form(reference, people, **change)

    # when
    response = client_for(receptionist).post(reverse("intake:desk"), data)

    # then the form comes back with the message, and not a row was written
    assert response.status_code == 200
    assert "The visit was not registered: correct the fields marked below." in page_text(response)
    assert message in page_text(response)
    assert row_counts() == before


@pytest.mark.parametrize("field", ["facts", "request"])
def test_a_missing_field_of_the_matter_is_marked_beside_it(receptionist, reference, field):
    response = client_for(receptionist).post(reverse("intake:desk"), desk_form(reference, **{field: ""}))

    assert response.context["case_form"].errors == {field: ["This field is required."]}


def test_a_visit_in_the_future_is_refused(receptionist, reference):
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)

    response = client_for(receptionist).post(
        reverse("intake:desk"), desk_form(reference, visited_at=f"{tomorrow:%Y-%m-%dT%H:%M}")
    )

    assert "A visit cannot be registered in the future." in page_text(response)
    assert not Visit.objects.exists()


def test_a_refused_registration_keeps_what_was_typed(receptionist, reference):
    data = desk_form(reference, [{"name": "沈桂英", "id_number": WOMAN_ID[:-1] + WRONG_CHECK_CHAR}])

    response = client_for(receptionist).post(reverse("intake:desk"), data)

    assert 'value="沈桂英"' in page_text(response)
    assert "原有住宅面临拆迁" in page_text(response)


def test_a_refused_registration_asks_for_the_files_chosen_again(receptionist, reference):
    """A browser never fills a file field again: without a word, the corrected registration would
    go in without the scanned letter."""
    letters = [SimpleUploadedFile(name, PDF_BYTES, "application/pdf") for name in ("来信.pdf", "材料.pdf")]
    data = desk_form(reference, [{"name": "沈桂英", "id_number": WOMAN_ID[:-1] + WRONG_CHECK_CHAR}])

    response = client_for(receptionist).post(reverse("intake:desk"), {**data, "attachments": letters})

    assert response.context["case_form"].errors["attachments"] == [
        "Choose the files again, the page cannot keep them: 来信.pdf、材料.pdf."
    ]


def test_a_short_address_is_marked_on_the_row_of_the_person_it_belongs_to(receptionist, reference):
    people = [{"name": "工人甲", "address": "松陵街道某小区"}, {"name": "工人乙", "address": "黎里镇"}]

    response = client_for(receptionist).post(reverse("intake:desk"), desk_form(reference, people, persons=2))

    assert [form.errors for form in response.context["people"].forms] == [
        {},
        {"address": ["Write the address in full."]},
    ]
    assert not Visit.objects.exists()


def test_a_repeat_linked_to_a_case_that_no_longer_exists_says_so(receptionist, reference):
    response = client_for(receptionist).post(reverse("intake:desk"), desk_form(reference, repeat_of=999_999))

    assert "The case to link to does not exist." in page_text(response)
    assert not Visit.objects.exists()


def test_choosing_a_window_keeps_it_for_the_session(receptionist, reference):
    other = WindowFactory(name="2号窗口", sort_order=1)
    client = client_for(receptionist)

    response = client.post(reverse("intake:choose_window"), {"window": other.pk})

    assert response.status_code == 302
    assert client.get(reverse("intake:desk")).context["window"] == other


def test_the_desk_lists_todays_visits_here_and_the_cases_without_a_phone(receptionist, reference):
    # given the woman without a phone and two workers with one at this window, and a visit elsewhere
    her_visit = register_woman(receptionist, reference)
    workers = register(
        receptionist, reference, [person("王五", phone="13912345678", representative=True), person("赵六")]
    )
    elsewhere = register(receptionist, reference, [person("钱七")], window=WindowFactory(name="2号窗口"))
    woman = her_visit.petitioners.get()

    # when
    page = page_text(client_for(receptionist).get(reverse("intake:desk")))

    # then today's visits at this window, with the people named, and who cannot be phoned
    today, missing = page.split('id="today-title"')[1].split('id="missing-title"')
    assert her_visit.case.number in today and "沈桂英" in today
    assert workers.case.number in today and "王五、赵六" in today and "2 persons" in today
    assert elsewhere.case.number not in today
    assert her_visit.case.number in missing
    assert f'<a href="{reverse("intake:petitioner", args=[woman.pk])}">沈桂英</a>' in missing
    assert workers.case.number not in missing


# --- contacts on the petitioner's page --------------------------------------------------------


def test_her_sons_phone_is_added_listed_and_in_her_history(receptionist, woman):
    url = reverse("intake:petitioner", args=[woman.pk])
    client = client_for(receptionist)

    response = client.post(
        url,
        {"kind": "mobile", "value": "139 6259 8765", "relation": "son", "holder_name": "沈建明"},
        follow=True,
    )

    assert "Contact 13962598765 added." in page_text(response)
    phone = woman.contacts.get(kind="mobile")
    assert (phone.value, phone.relation, phone.holder_name, phone.created_by) == (
        "13962598765",
        "son",
        "沈建明",
        receptionist,
    )
    assert "Contact added: Mobile 13962598765 (Son), by 张进军" in page_text(response)
    assert not client.get(reverse("intake:missing_contacts")).context["page"].object_list


def test_a_wrong_phone_is_refused_on_her_page(receptionist, woman):
    response = client_for(receptionist).post(
        reverse("intake:petitioner", args=[woman.pk]), {"kind": "mobile", "value": "13962", "relation": "son"}
    )

    assert response.status_code == 200
    assert "A mobile number is 11 digits starting with 13–19, optionally after +86." in page_text(response)
    assert not woman.contacts.filter(kind="mobile").exists()


# --- the full ID number is shown in one place only --------------------------------------------


def test_the_full_id_number_is_shown_on_the_petitioners_page_only(receptionist, reference, woman):
    client = client_for(receptionist)
    case = woman.cases.get()

    petitioner_page = page_text(client.get(reverse("intake:petitioner", args=[woman.pk])))
    case_page = page_text(client.get(reverse("cases:detail", args=[case.pk])))
    desk = page_text(client.get(reverse("intake:desk")))
    missing = page_text(client.get(reverse("intake:missing_contacts")))
    candidates = page_text(client.get(reverse("intake:lookup"), {"people-0-id_number": WOMAN_ID}))

    assert WOMAN_ID in petitioner_page
    assert WOMAN_ID_MASKED in case_page and WOMAN_ID not in case_page
    assert WOMAN_ID_MASKED in candidates and WOMAN_ID not in candidates
    assert "沈桂英" in desk and WOMAN_ID not in desk
    assert "沈桂英" in missing and WOMAN_ID not in missing


def test_the_page_with_the_full_id_number_is_not_kept_by_the_browser(receptionist, woman):
    """A window's computer is shared between shifts: kept in its browser's cache, the page came
    back with the full number on Back after a log-out, and lay on its disk meanwhile."""
    response = client_for(receptionist).get(reverse("intake:petitioner", args=[woman.pk]))

    assert WOMAN_ID in page_text(response)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# --- the repeat look-up -----------------------------------------------------------------------


def candidates(client, **typed) -> list[str]:
    response = client.get(reverse("intake:lookup"), typed)
    assert response.status_code == 200
    return [petitioner.name for petitioner in response.context["candidates"]]


def test_the_look_up_finds_by_exact_id_number_phone_or_name_and_place(receptionist, reference):
    register(receptionist, reference, [person("沈桂英", id_number=WOMAN_ID, phone="13962598765")])
    elsewhere = PlaceFactory(name="盛泽镇")
    client = client_for(receptionist)

    # the form's fields carry the formset's prefix
    assert candidates(client, **{"people-0-id_number": WOMAN_ID}) == ["沈桂英"]
    assert candidates(client, **{"people-2-id_number": WOMAN_ID.lower()}) == ["沈桂英"]
    assert candidates(client, **{"people-0-mobile": "139-6259-8765"}) == ["沈桂英"]
    assert candidates(client, **{"people-0-name": "沈桂英", "place": reference["place"].pk}) == ["沈桂英"]

    # nothing partial, nothing by name alone, nothing by name at another place
    assert candidates(client, **{"people-0-id_number": WOMAN_ID[:10]}) == []
    assert candidates(client, **{"people-0-mobile": "1396259"}) == []
    assert candidates(client, **{"people-0-name": "沈桂英"}) == []
    assert candidates(client, **{"people-0-name": "沈", "place": reference["place"].pk}) == []
    assert candidates(client, **{"people-0-name": "沈桂英", "place": elsewhere.pk}) == []
    assert candidates(client) == []


def test_a_candidate_shows_her_open_case_to_link(receptionist, reference):
    visit = register_woman(receptionist, reference)

    response = client_for(receptionist).get(reverse("intake:lookup"), {"people-0-id_number": WOMAN_ID})

    text = page_text(response)
    case_url = reverse("cases:detail", args=[visit.case_id])
    assert f'<a href="{case_url}" target="_blank">{visit.case.number}</a>' in text
    assert f'data-case="{visit.case_id}" data-number="{visit.case.number}"' in text
    assert "Link as repeat visit" in text


def test_a_look_up_reads_what_her_card_shows_in_two_statements(receptionist, reference):
    """Her contact, her open case and her earlier visit, all read by the look-up's two
    statements: nothing the card shows is fetched after them (the card's objects hold only what
    was read; any other field of theirs would be a query of its own)."""
    visit = register_woman(receptionist, reference)
    client = client_for(receptionist)
    typed = {"people-0-id_number": WOMAN_ID}
    client.get(reverse("intake:lookup"), typed)  # the session and the user read once

    with CaptureQueriesContext(connection) as queries:
        text = page_text(client.get(reverse("intake:lookup"), typed))

    assert "<div>Postal address 黎里镇城司村沈家浜18号</div>" in text
    assert f">{visit.case.number}</a>" in text
    day = timezone.localdate(visit.visited_at).isoformat()
    assert f"Earlier visits: {day} {visit.case.number}</div>" in text
    asked = [
        query["sql"]
        for query in queries.captured_queries
        if "intake_" in query["sql"] or "cases_" in query["sql"]
    ]
    assert len(asked) == 2


# --- the lists take a fixed number of queries -------------------------------------------------


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def register_some(receptionist, reference, count: int, start: int = 0) -> None:
    """Visits of several people each, without a phone, and a group: rows in every list."""
    for n in range(start, start + count):
        register(receptionist, reference, [person(f"甲{n}", address="松陵街道某小区"), person(f"乙{n}")])
        register(
            receptionist,
            reference,
            [person(f"丙{n}", phone=f"138{n:08d}", representative=True), person(f"丁{n}")],
            persons=12,
        )


@pytest.mark.parametrize("page", ["intake:desk", "intake:missing_contacts", "intake:tally"])
def test_a_list_takes_as_many_queries_with_more_rows(
    receptionist, reference, page, django_assert_max_num_queries
):
    client = client_for(receptionist)
    url = reverse(page)
    register_some(receptionist, reference, 1)
    client.get(url)  # the session and the user are loaded the same way from now on
    baseline = queries_for(client, url)

    register_some(receptionist, reference, 4, start=1)
    UserFactory(username="reception2", role="receptionist")

    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert response.status_code == 200
    assert baseline <= 20


# --- the desk's empty forms, cached -----------------------------------------------------------


@pytest.mark.parametrize("table", ["category", "subject_area", "place", "window"])
def test_the_desk_offers_a_choice_renamed_since_the_last_page(receptionist, reference, table):
    """The empty forms come from the cache; what they offer must still be today's choices."""
    client = client_for(receptionist)
    choice = reference[table]
    assert choice.name in client.get(reverse("intake:desk")).content.decode()

    choice.name = f"{choice.name}（新）"
    choice.save()
    page = client.get(reverse("intake:desk")).content.decode()

    assert f">{choice.name}</option>" in page


def test_desk_forms_cached_by_other_code_are_not_served_after_an_upgrade(
    receptionist, reference, monkeypatch
):
    """The cache outlives the web's processes: forms an older release rendered (here, a page
    that says so) must not be served by a newer one."""
    from django.core.cache import cache

    from intake import desk_forms

    client = client_for(receptionist)
    client.get(reverse("intake:desk"))
    [key] = [k for k in cache._cache if "desk-forms:" in k and desk_forms.CODE_DIGEST in k]
    stale = cache.get(key.split(":", 2)[2])
    cache.set(
        key.split(":", 2)[2],
        desk_forms.RenderedDeskForms(
            visit="OLD RELEASE", management="", people=stale.people, person_template="", case=""
        ),
    )
    assert "OLD RELEASE" in client.get(reverse("intake:desk")).content.decode()

    monkeypatch.setattr(desk_forms, "CODE_DIGEST", "a-newer-release")

    assert "OLD RELEASE" not in client.get(reverse("intake:desk")).content.decode()


def test_the_desk_forms_follow_the_language_and_the_window(receptionist, reference):
    english, chinese = client_for(receptionist), Client()
    chinese.force_login(receptionist)
    second = WindowFactory(name="2号窗口", sort_order=2)

    assert "Time of visit" in english.get(reverse("intake:desk")).content.decode()
    assert "Time of visit" not in chinese.get(reverse("intake:desk")).content.decode()
    english.post(reverse("intake:choose_window"), {"window": second.pk})
    page = english.get(reverse("intake:desk")).content.decode()
    assert f'<option value="{second.pk}" selected>2号窗口</option>' in page


def test_the_tally_of_a_day_beyond_the_bureaus_records_says_so(receptionist):
    # 9999-12-31 was a server error: the day after it cannot be counted to.
    response = client_for(receptionist).get(reverse("intake:tally"), {"date": "9999-12-31"})

    assert response.status_code == 200
    assert OUT_OF_RANGE in page_text(response)


@pytest.mark.parametrize("typed", ["bad", "2026-02-30"])
def test_a_tally_date_that_is_no_date_shows_its_message_and_no_other_days_figures(
    receptionist, reference, typed
):
    # Today's figures under a wrong date would read as that date's: the page showed today's.
    register_woman(receptionist, reference)
    client = client_for(receptionist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = page_text(client.get(reverse("intake:tally"), {"date": typed}))

    assert "输入一个有效的日期。" in page
    assert 'id="tally-summary"' not in page
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    assert timezone.localdate().isoformat() not in heading
    assert "普通来访" not in page


def test_the_tally_shows_the_figures_taken_that_night_when_a_visit_came_in_later(receptionist, reference):
    # given the day's tally taken with one visit, and another of that day registered after it
    register_woman(receptionist, reference)
    tally_snapshot_take(day=timezone.localdate())
    register(receptionist, reference, [person("王大明")])

    page = page_text(client_for(receptionist).get(reverse("intake:tally")))

    # then the page counts both, and says what was reported that night
    assert "2 batches of ordinary visits (2 persons)" in page
    night = re.search(r'<div class="alert[^"]*" id="tally-night".*?</div>', page, re.S).group()
    assert "registered after its tally was taken at night" in night
    assert "1 batch of ordinary visits (1 person)" in night
    assert re.search(r"As taken at night</th><td>1</td><td>1</td>", page)


def test_the_tally_sentence_counts_people_in_the_bureaus_words(receptionist, reference):
    register_woman(receptionist, reference)
    client = client_for(receptionist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = page_text(client.get(reverse("intake:tally")))

    summary = re.search(r'id="tally-summary"[^>]*>(.*?)</', page, re.S).group(1).strip()
    assert summary == "普通来访 1 批次（1 人次），集体访 0 批次（0 人次）；新增信访件 1 件，重复访 0 批次。"


def test_the_tally_says_when_it_agrees_with_the_figures_taken_that_night(receptionist, reference):
    register_woman(receptionist, reference)
    tally_snapshot_take(day=timezone.localdate())

    page = page_text(client_for(receptionist).get(reverse("intake:tally")))

    assert "The same figures as the tally taken at night" in page
    assert "As taken at night" not in page


def test_the_tally_of_a_day_without_its_night_figures_says_nothing_of_them(receptionist, reference):
    register_woman(receptionist, reference)

    page = page_text(client_for(receptionist).get(reverse("intake:tally")))

    assert 'id="tally-night"' not in page


LANDLINES_AS_TYPED = ["(0512)63001234", "（０５１２）６３００１２３４", "０５１２－６３００１２３４"]


@pytest.mark.parametrize("typed", LANDLINES_AS_TYPED)
def test_a_landline_typed_with_brackets_or_full_width_digits_is_taken_at_the_desk(
    receptionist, reference, typed
):
    # The petitioner's page and the API took these already; the desk took them for mobiles.
    response = client_for(receptionist).post(
        reverse("intake:desk"), desk_form(reference, [{"name": "沈桂英", "mobile": typed}])
    )

    assert response.status_code == 302
    contact = ContactPoint.objects.get()
    assert (contact.kind, contact.value) == (ContactKind.LANDLINE, "0512-63001234")


def test_a_look_up_with_a_place_that_cannot_be_an_id_ignores_it(receptionist, reference):
    # A crafted request: "²" is a digit to str.isdigit() but not to int(); it was a server error.
    register_woman(receptionist, reference)

    response = client_for(receptionist).get(
        reverse("intake:lookup"), {"people-0-id_number": WOMAN_ID, "people-0-name": "沈桂英", "place": "²"}
    )

    assert response.status_code == 200
    assert "沈桂英" in page_text(response)


def test_a_look_up_ignores_a_nul_character_and_a_window_that_cannot_be_one_is_not_found(
    receptionist, reference
):
    # Crafted requests, both server errors before.
    register_woman(receptionist, reference)
    client = client_for(receptionist)

    typed = {"people-0-name": "沈桂\x00英", "place": reference["place"].pk}
    found = client.get(reverse("intake:lookup"), typed)
    chosen = client.post(reverse("intake:choose_window"), {"window": "abc"})

    assert (found.status_code, chosen.status_code) == (200, 404)
    assert "沈桂英" in page_text(found)


def test_a_persons_card_names_whose_phone_it_is_her_visits_and_her_case_in_progress(receptionist, reference):
    first = register_woman(receptionist, reference)
    woman = Petitioner.objects.get()
    contact_add(
        petitioner_id=woman.pk,
        data=ContactData(kind="mobile", value="13962598765", relation="son", holder_name="沈建明"),
        added_by=receptionist,
    )
    Case.objects.filter(pk=first.case_id).update(request="""<b>"安置"</b> & '面积'""")
    again = visit_register(
        data=VisitData(
            window_id=reference["window"].pk,
            persons=1,
            attendees=(Attendee(petitioner_id=woman.pk),),
            repeat_of=first.case_id,
        ),
        receptionist=receptionist,
    )

    text = page_text(client_for(receptionist).get(reverse("intake:lookup"), {"people-0-id_number": WOMAN_ID}))

    assert "<div>Mobile 13962598765 (Son)</div>" in text
    number = first.case.number
    days = [timezone.localdate(visit.visited_at).isoformat() for visit in (again, first)]
    assert f"Earlier visits: {days[0]} {number}; {days[1]} {number}</div>" in text
    case_link = f'<a href="{reverse("cases:detail", args=[first.case_id])}" target="_blank">{number}</a>'
    assert f"Case in progress {case_link}" in text
    assert (
        '<div class="text-truncate">&lt;b&gt;&quot;安置&quot;&lt;/b&gt; &amp; &#x27;面积&#x27;</div>' in text
    )
    assert f'aria-label="Link as repeat visit: {number} (沈桂英)">Link as repeat visit</button>' in text


# --- the same matter, with other people ---------------------------------------------------------


def test_typing_the_organisation_offers_its_open_cases_to_link(receptionist, reference, make_visit):
    group = make_visit(organisation="汾湖某纺织有限公司", persons=32, names=("工人甲",)).case
    make_visit(organisation="盛泽某丝绸有限公司")

    response = client_for(receptionist).get(
        reverse("intake:lookup"), {"organisation": "汾湖 某纺织有限公司", "people-0-name": "工人乙"}
    )

    text = page_text(response)
    assert "Open cases about 汾湖 某纺织有限公司" in text
    assert f'data-case="{group.pk}" data-number="{group.number}"' in text
    assert f'aria-label="Link as repeat visit: {group.number} (汾湖某纺织有限公司)"' in text
    assert "盛泽" not in text
    assert "No earlier petitioner matches." in text  # the new worker himself is not on file


def test_an_offered_case_shows_the_day_it_was_registered_in_beijing_and_links_to_its_page(
    receptionist, make_visit
):
    # Half past eleven at night in UTC: already the next morning at the bureau.
    at = datetime.datetime(2026, 3, 2, 23, 30, tzinfo=datetime.UTC)
    case = make_visit(organisation="汾湖某纺织有限公司", at=at).case

    response = client_for(receptionist).get(reverse("intake:lookup"), {"organisation": "汾湖某纺织有限公司"})

    text = page_text(response)
    link = f'<a href="{reverse("cases:detail", args=[case.pk])}" target="_blank">{case.number}</a>'
    assert f"{link} · {case.status_label} · {case.place} · 2026-03-03" in text


def test_an_offered_cases_words_are_shown_as_typed_and_only_a_group_marked(receptionist, make_visit):
    typed = """<b>"欠薪"</b> & '加班费'"""
    group = make_visit(organisation="汾湖某纺织有限公司", persons=32, names=("工人甲",), request=typed).case
    make_visit(organisation="汾湖某纺织有限公司", request="支付工资")

    response = client_for(receptionist).get(reverse("intake:lookup"), {"organisation": "汾湖某纺织有限公司"})

    text = page_text(response)
    escaped = "&lt;b&gt;&quot;欠薪&quot;&lt;/b&gt; &amp; &#x27;加班费&#x27;"
    assert f'<div class="text-truncate">{escaped}</div>' in text
    cards = text.split('class="card matter-case')[1:]
    assert len(cards) == 2
    [marked] = [card for card in cards if '<span class="badge text-bg-danger">group</span>' in card]
    assert f'data-case="{group.pk}"' in marked


def test_a_case_on_a_persons_card_is_not_offered_again_under_its_organisation(receptionist, reference):
    visit = register(
        receptionist,
        reference,
        [person("沈桂英", id_number=WOMAN_ID)],
    )
    Case.objects.filter(pk=visit.case_id).update(organisation_key="某建材公司", organisation="某建材公司")

    text = page_text(
        client_for(receptionist).get(
            reverse("intake:lookup"), {"people-0-id_number": WOMAN_ID, "organisation": "某建材公司"}
        )
    )

    assert text.count(f'data-case="{visit.case_id}"') == 1
    assert "Open cases about" not in text


@pytest.mark.parametrize("organisation", ["", "——", "某物业管理公司"])
def test_no_organisation_or_one_without_open_cases_offers_none(receptionist, make_visit, organisation):
    make_visit(organisation="汾湖某纺织有限公司")

    text = page_text(client_for(receptionist).get(reverse("intake:lookup"), {"organisation": organisation}))

    assert "Open cases about" not in text and "link-case" not in text


def test_the_desk_asks_for_the_matter_when_the_organisation_is_typed(receptionist, reference):
    text = page_text(client_for(receptionist).get(reverse("intake:desk")))

    organisation = re.search(r'<input[^>]*name="organisation"[^>]*>', text).group(0)
    assert f'hx-get="{reverse("intake:lookup")}"' in organisation
    assert 'hx-include="#people .person-row:first-child, #id_place"' in organisation
    # and a person's look-up keeps the matter's cases in the panel
    name = re.search(r'<input[^>]*name="people-0-name"[^>]*>', text).group(0)
    assert "#id_organisation" in name
