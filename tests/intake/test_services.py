"""The window desk's services: registering visits (individual, group, repeat), petitioners and
their contacts, attachments. Refused input leaves no row behind."""

import datetime
import re
import secrets
import struct
import zlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from cases.models import Attachment, Case
from cases.selectors import sign_off_queue
from cases.services import CaseData
from intake.models import ContactPoint, Petitioner, Visit
from intake.services import (
    Attendee,
    ContactData,
    PetitionerData,
    VisitData,
    contact_add,
    petitioner_create,
    visit_register,
)
from notifications.models import Kind
from tests.factories import PetitionerFactory, UserFactory, WindowFactory, resident_id_number

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

WOMAN_ID = "11010519491231002X"
TRACKING_ALPHABET = set("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in the source language, whatever translations are added later."""
    with translation.override("en"):
        yield


# --- helpers ----------------------------------------------------------------------------------


def case_data(reference, **overrides) -> CaseData:
    fields = {
        "facts": "住宅面临拆迁，安置政策只给她和儿子40平方米",
        "request": "希望政府给予帮助",
        "category_id": reference["category"].pk,
        "subject_area_id": reference["subject_area"].pk,
        "place_id": reference["place"].pk,
    }
    return CaseData(**(fields | overrides))


def new_person(name: str, *, id_number: str = "", representative: bool = False, contacts=()) -> Attendee:
    return Attendee(
        new=PetitionerData(
            name=name,
            id_type="resident_id" if id_number else "none",
            id_number=id_number,
            contacts=tuple(contacts),
        ),
        is_representative=representative,
    )


def register(receptionist, reference, *, attendees, persons=None, case="new", **fields) -> Visit:
    data = VisitData(
        window_id=fields.pop("window_id", reference["window"].pk),
        persons=len(attendees) if persons is None else persons,
        attendees=tuple(attendees),
        case=case_data(reference) if case == "new" else case,
        **fields,
    )
    return visit_register(data=data, receptionist=receptionist)


def register_woman(receptionist, reference, **fields) -> Visit:
    return register(receptionist, reference, attendees=[new_person("王秀英", id_number=WOMAN_ID)], **fields)


def row_counts() -> dict[str, int]:
    """The number of rows of every table, through tables included."""
    return {
        model._meta.db_table: model.objects.count() for model in apps.get_models(include_auto_created=True)
    }


def stored_files() -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


PDF_BYTES = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


# --- an individual visit ----------------------------------------------------------------------


def test_an_individual_visit_registers_a_case_submitted_for_sign_off(receptionist, reference):
    # when
    visit = register_woman(receptionist, reference)

    # then the visit: one person at window 1, not a group, not a repeat
    assert (visit.persons, visit.is_group, visit.is_repeat) == (1, False, False)
    assert visit.window == reference["window"] and visit.receptionist == receptionist
    woman = visit.petitioners.get()
    assert woman.name == "王秀英" and woman.gender == "female"
    assert woman.birth_date == datetime.date(1949, 12, 31)
    assert woman.id_number_masked == "1101**********002X"

    # and its case, waiting for the leader, with its number and tracking code
    case = Case.objects.get()
    assert visit.case == case and list(case.petitioners.all()) == [woman]
    assert case.status == "awaiting_sign_off" and case.submitted_at is not None
    assert re.fullmatch(rf"{timezone.localdate().year}-\d{{6}}", case.number)
    assert len(case.tracking_code) == 8 and set(case.tracking_code) <= TRACKING_ALPHABET

    # and its timeline: registered, then submitted, both by the receptionist
    events = [
        (e.action, e.from_status, e.to_status, e.actor) for e in case.events.order_by("created_at", "id")
    ]
    assert events == [
        ("register", "", "registered", receptionist),
        ("submit", "registered", "awaiting_sign_off", receptionist),
    ]


def test_case_numbers_increase_one_by_one(receptionist, reference):
    numbers = [
        register(receptionist, reference, attendees=[new_person(f"来访人{n}")]).case.number for n in range(3)
    ]

    year = timezone.localdate().year
    sequence = [int(number.removeprefix(f"{year}-")) for number in numbers]
    assert sequence == [sequence[0], sequence[0] + 1, sequence[0] + 2]
    assert len({Case.objects.get(number=n).tracking_code for n in numbers}) == 3


def draw_tracking_codes(monkeypatch, *codes: str) -> None:
    """Tracking codes are random: these make the next draws come out as `codes`, in order."""
    characters = iter("".join(codes))
    monkeypatch.setattr(secrets, "choice", lambda alphabet: next(characters))


def uploaded_letter(kind: str):
    """As Django hands an upload over: in memory, or above FILE_UPLOAD_MAX_MEMORY_SIZE in a
    temporary file, which storage moves into place instead of copying it."""
    if kind == "in memory":
        return SimpleUploadedFile("信件.pdf", PDF_BYTES, content_type="application/pdf")
    upload = TemporaryUploadedFile("信件.pdf", "application/pdf", len(PDF_BYTES), None)
    upload.write(PDF_BYTES)
    upload.seek(0)
    return upload


@pytest.mark.parametrize("upload", ["in memory", "temporary file"])
def test_a_tracking_code_already_taken_is_drawn_again(receptionist, reference, monkeypatch, upload):
    # given a case whose tracking code the next registration draws first
    draw_tracking_codes(monkeypatch, "AAAAAAAA", "AAAAAAAA", "BBBBBBBB")
    first = register_woman(receptionist, reference)
    files_before = stored_files()
    # when (Django closes a request's uploads once it is answered)
    with uploaded_letter(upload) as letter:
        second = register(receptionist, reference, attendees=[new_person("李建国")], attachments=(letter,))

    # then the second registration went through under another code, once, without a gap in numbers
    assert (first.case.tracking_code, second.case.tracking_code) == ("AAAAAAAA", "BBBBBBBB")
    year = f"{timezone.localdate().year}-"
    assert int(second.case.number.removeprefix(year)) == int(first.case.number.removeprefix(year)) + 1
    assert (Case.objects.count(), Visit.objects.count(), Petitioner.objects.count()) == (2, 2, 2)
    [stored] = Attachment.objects.filter(case=second.case)
    with stored.file.open("rb") as file:
        assert file.read() == PDF_BYTES
    # and the refused first try stored nothing
    assert stored_files() - files_before == {Path(stored.file.path)}


def test_tracking_codes_that_keep_clashing_save_nothing(receptionist, reference, monkeypatch):
    # given a case with the only code the generator draws
    draw_tracking_codes(monkeypatch, *["AAAAAAAA"] * 4)
    register_woman(receptionist, reference)

    # when / then: after three draws the registration fails whole
    with pytest.raises(IntegrityError):
        register(receptionist, reference, attendees=[new_person("李建国")])
    assert (Case.objects.count(), Visit.objects.count(), Petitioner.objects.count()) == (1, 1, 1)


def test_the_case_number_takes_the_year_of_the_visit_in_local_time(receptionist, reference):
    """At 00:30 on 1 January in Shanghai it is still the old year in UTC: the local year counts."""
    visited_at = datetime.datetime(2025, 1, 1, 0, 30, tzinfo=datetime.UTC) + datetime.timedelta(hours=-8)

    visit = register_woman(receptionist, reference, visited_at=visited_at)

    assert visit.case.number.startswith("2025-")


def test_a_known_petitioner_is_chosen_by_id(receptionist, reference):
    # given
    known = PetitionerFactory(name="李明", created_by=receptionist)
    before = Petitioner.objects.count()

    # when
    visit = register(receptionist, reference, attendees=[Attendee(petitioner_id=known.pk)])

    # then
    assert Petitioner.objects.count() == before
    assert list(visit.petitioners.all()) == [known]
    assert list(visit.case.petitioners.all()) == [known]


def test_an_anonymous_case_needs_nobody_named(receptionist, reference):
    visit = register(
        receptionist, reference, attendees=[], persons=1, case=case_data(reference, anonymous=True)
    )

    assert visit.case.anonymous and not visit.case.petitioners.exists()


# --- a group visit ----------------------------------------------------------------------------


def test_a_group_of_32_with_5_representatives(receptionist, reference):
    # given five representatives named among 32 workers
    representatives = [
        new_person(f"工人{n}", id_number=resident_id_number(n), representative=True) for n in range(5)
    ]

    # when
    visit = register(receptionist, reference, attendees=representatives, persons=32)

    # then one batch of 32 persons, a group visit, its case marked as a group case
    assert (visit.persons, visit.is_group) == (32, True)
    assert visit.case.is_group
    assert visit.attendances.filter(is_representative=True).count() == 5
    assert visit.case.petitioners.count() == 5


def test_the_group_threshold_is_a_setting(receptionist, reference, settings):
    settings.GROUP_VISIT_THRESHOLD = 5

    four = register(receptionist, reference, attendees=[new_person("甲")], persons=4)
    five = register(receptionist, reference, attendees=[new_person("乙")], persons=5)

    assert (four.is_group, five.is_group) == (False, True)


def test_a_sixth_representative_is_refused_and_nothing_is_saved(receptionist, reference):
    # given
    register_woman(receptionist, reference)
    before = row_counts()
    six = [new_person(f"工人{n}", id_number=resident_id_number(n), representative=True) for n in range(6)]

    # when
    with pytest.raises(ValidationError) as error:
        register(receptionist, reference, attendees=six, persons=32)

    # then
    assert error.value.message_dict["representatives"] == [
        "A group may name at most 5 representatives (Art. 20); 6 were named."
    ]
    assert row_counts() == before


def test_fewer_persons_than_people_named_is_refused(receptionist, reference):
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        register(
            receptionist,
            reference,
            attendees=[new_person("甲"), new_person("乙"), new_person("丙")],
            persons=2,
        )

    assert error.value.message_dict["persons"] == [
        "At least 3 persons came: the number of persons cannot be smaller."
    ]
    assert row_counts() == before


def test_more_persons_than_one_visit_can_hold_is_refused(receptionist, reference):
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        register(receptionist, reference, attendees=[new_person("甲")], persons=10_001)

    assert error.value.message_dict["persons"] == [
        "At most 10000 persons can be registered for one visit: check the number."
    ]
    assert row_counts() == before


def test_nobody_named_for_a_case_that_is_not_anonymous_is_refused(receptionist, reference):
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        register(receptionist, reference, attendees=[], persons=1)

    assert "attendees" in error.value.message_dict
    assert row_counts() == before


@pytest.mark.parametrize("which", ["both", "neither"])
def test_a_visit_needs_either_a_new_case_or_the_case_it_repeats(receptionist, reference, which):
    # given
    existing = register_woman(receptionist, reference).case
    before = row_counts()

    # when
    with pytest.raises(ValidationError) as error:
        register(
            receptionist,
            reference,
            attendees=[new_person("甲")],
            case=case_data(reference) if which == "both" else None,
            repeat_of=existing.pk if which == "both" else None,
        )

    # then
    assert error.value.message_dict["case"] == [
        "Either register a new case or link the visit to an existing one."
    ]
    assert row_counts() == before


def test_a_case_without_facts_or_request_is_refused(receptionist, reference):
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        register(
            receptionist,
            reference,
            attendees=[new_person("甲")],
            case=case_data(reference, facts=" ", request=""),
        )

    assert set(error.value.message_dict) == {"facts", "request"}
    assert row_counts() == before


def test_a_visit_at_a_closed_window_or_in_the_future_is_refused(receptionist, reference):
    closed = WindowFactory(name="9号窗口", is_active=False)
    before = row_counts()

    with pytest.raises(ValidationError) as closed_error:
        register(receptionist, reference, attendees=[new_person("甲")], window_id=closed.pk)
    with pytest.raises(ValidationError) as future_error:
        register(
            receptionist,
            reference,
            attendees=[new_person("甲")],
            visited_at=timezone.now() + datetime.timedelta(hours=1),
        )

    assert "window" in closed_error.value.message_dict
    assert "visited_at" in future_error.value.message_dict
    assert row_counts() == before


def test_a_leader_cannot_register_at_the_window(leader, reference):
    before = row_counts()

    with pytest.raises(PermissionDenied):
        register_woman(leader, reference)

    assert row_counts() == before


# --- the same ID number twice -----------------------------------------------------------------


def test_an_id_number_registered_again_is_refused_naming_the_existing_petitioner(receptionist, reference):
    # given
    first = register_woman(receptionist, reference).petitioners.get()
    before = row_counts()

    # when the same number comes again, typed another way
    with pytest.raises(ValidationError) as error:
        register(
            receptionist,
            reference,
            attendees=[new_person("王秀英", id_number="110105 19491231 002x")],
        )

    # then
    assert error.value.message_dict["id_number"] == [
        f"This ID number belongs to petitioner 王秀英 (no. {first.pk}), already registered: "
        "choose that record instead."
    ]
    assert error.value.attendee == 0
    assert row_counts() == before


def test_a_resident_id_given_as_another_document_is_refused(receptionist, reference):
    # given her record, under her resident ID
    register_woman(receptionist, reference)
    before = row_counts()

    # when her number is entered again with "Other document" chosen as its type
    with pytest.raises(ValidationError) as error:
        register(
            receptionist,
            reference,
            attendees=[
                Attendee(new=PetitionerData(name="王秀英", id_type="other", id_number=WOMAN_ID.lower()))
            ],
        )

    # then the type is refused, not a second record of her made
    assert error.value.message_dict["id_type"] == [
        "This is a resident ID number: choose “Resident ID card” as its type."
    ]
    assert row_counts() == before


def test_the_same_id_number_twice_in_one_visit_is_refused(receptionist, reference):
    """The message must not name a petitioner that the refusal itself rolled back."""
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        register(
            receptionist,
            reference,
            attendees=[
                new_person("甲", id_number=resident_id_number(7)),
                new_person("乙", id_number=resident_id_number(7)),
            ],
        )

    assert error.value.message_dict == {"attendees": ["The same person is named twice."]}
    assert row_counts() == before


def test_the_same_known_petitioner_twice_in_one_visit_is_refused(receptionist, reference):
    known = PetitionerFactory(created_by=receptionist)
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        register(receptionist, reference, attendees=[Attendee(petitioner_id=known.pk)] * 2)

    assert error.value.message_dict == {"attendees": ["The same person is named twice."]}
    assert row_counts() == before


def test_an_invalid_id_number_is_refused_with_its_message(receptionist, reference):
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        register(receptionist, reference, attendees=[new_person("王秀英", id_number="110105194912310021")])

    assert error.value.message_dict["id_number"] == [
        "The check digit (the 18th character) does not match the other 17 digits."
    ]
    assert row_counts() == before


# --- a repeat visit ---------------------------------------------------------------------------


def test_a_repeat_visit_links_to_the_case_and_creates_none(receptionist, reference):
    # given her case, registered this morning
    first = register_woman(receptionist, reference)
    woman = first.petitioners.get()
    case = first.case
    events_before = case.events.count()

    # when she comes back about the same matter
    repeat = register(
        receptionist, reference, attendees=[Attendee(petitioner_id=woman.pk)], case=None, repeat_of=case.pk
    )

    # then
    assert repeat.is_repeat and repeat.case == case
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.status == "awaiting_sign_off"
    new_events = list(case.events.order_by("created_at", "id")[events_before:])
    assert [(e.action, e.from_status, e.to_status, e.actor) for e in new_events] == [
        ("repeat_visit", "awaiting_sign_off", "awaiting_sign_off", receptionist)
    ]
    assert list(case.visits.order_by("visited_at", "id")) == [first, repeat]


def test_someone_new_on_a_repeat_visit_joins_the_case(receptionist, reference):
    case = register_woman(receptionist, reference).case

    repeat = register(
        receptionist, reference, attendees=[new_person("她的儿子")], case=None, repeat_of=case.pk
    )

    assert set(case.petitioners.values_list("name", flat=True)) == {"王秀英", "她的儿子"}
    assert repeat.petitioners.get().name == "她的儿子"


def test_a_group_that_comes_again_makes_the_case_a_group_case_and_the_leaders_are_told(
    receptionist, reference, leader
):
    # given her case, an ordinary one awaiting sign-off after another registered before it
    earlier = register(receptionist, reference, attendees=[new_person("钱福根")]).case
    case = register_woman(receptionist, reference).case
    assert list(sign_off_queue()) == [earlier, case]

    # when 32 of her neighbours come about the same matter, naming two of them
    register(
        receptionist,
        reference,
        attendees=[new_person("邻居甲"), new_person("邻居乙")],
        persons=32,
        case=None,
        repeat_of=case.pk,
    )

    # then the case is a group case, first in the sign-off queue, and the leaders know at once
    case.refresh_from_db()
    assert case.is_group
    assert list(sign_off_queue()) == [case, earlier]
    told = leader.notifications.get(kind=Kind.GROUP_VISIT)
    assert (told.case, told.message) == (case, f"32 人集体来访，重复反映信访件 {case.number}。")


def test_an_ordinary_repeat_visit_tells_nobody(receptionist, reference, leader):
    case = register_woman(receptionist, reference).case
    woman = case.petitioners.get()

    register(
        receptionist, reference, attendees=[Attendee(petitioner_id=woman.pk)], case=None, repeat_of=case.pk
    )

    case.refresh_from_db()
    assert not case.is_group
    assert not leader.notifications.exists()


def test_a_repeat_of_a_case_that_does_not_exist_is_refused(receptionist, reference):
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        register(receptionist, reference, attendees=[new_person("甲")], case=None, repeat_of=999_999)

    assert "repeat_of" in error.value.message_dict
    assert row_counts() == before


def test_an_anonymous_petitioner_who_comes_again_is_a_repeat_visit_with_nobody_named(receptionist, reference):
    # given an anonymous case, nobody named
    case = register(
        receptionist, reference, attendees=[], persons=1, case=case_data(reference, anonymous=True)
    ).case

    # when the same unnamed person comes again about it
    repeat = register(receptionist, reference, attendees=[], persons=1, case=None, repeat_of=case.pk)

    # then the visit is a repeat of the case, which stays anonymous, and no new case is opened
    assert repeat.is_repeat and repeat.case == case
    assert Case.objects.count() == 1
    assert not case.petitioners.exists()


def test_a_repeat_of_a_named_case_with_nobody_named_is_refused(receptionist, reference):
    case = register_woman(receptionist, reference).case
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        register(receptionist, reference, attendees=[], persons=1, case=None, repeat_of=case.pk)

    assert error.value.message_dict["attendees"] == [
        "Name at least one person present: the case linked to is not anonymous."
    ]
    assert row_counts() == before


def test_a_repeat_visit_dated_before_its_case_was_registered_is_refused(receptionist, reference):
    # given her case, registered on the 10th at 10:00
    registered = datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    first = register_woman(receptionist, reference, visited_at=registered)
    woman = first.petitioners.get()
    before = row_counts()

    # when her visit is entered late, dated the 7th by a slip
    with pytest.raises(ValidationError) as error:
        register(
            receptionist,
            reference,
            attendees=[Attendee(petitioner_id=woman.pk)],
            case=None,
            repeat_of=first.case.pk,
            visited_at=registered - datetime.timedelta(days=3),
        )

    # then it is refused, saying when the case was registered, and nothing is saved
    assert error.value.message_dict["visited_at"] == [
        f"Case {first.case.number} was registered at 2026-03-10 10:00: a visit about it cannot be earlier."
    ]
    assert row_counts() == before


def test_files_go_to_the_case_not_to_a_repeat_visit(receptionist, reference):
    case = register_woman(receptionist, reference).case
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        register(
            receptionist,
            reference,
            attendees=[new_person("甲")],
            case=None,
            repeat_of=case.pk,
            attachments=(SimpleUploadedFile("letter.pdf", PDF_BYTES),),
        )

    assert "attachments" in error.value.message_dict
    assert row_counts() == before


# --- attachments ------------------------------------------------------------------------------


def test_a_png_and_a_pdf_are_stored_with_their_sniffed_type(receptionist, reference):
    # given files whose browser-declared types are wrong: only the content counts
    photo = SimpleUploadedFile("房屋照片.png", png_bytes(), content_type="application/octet-stream")
    letter = SimpleUploadedFile("信件.pdf", PDF_BYTES, content_type="text/plain")

    # when
    visit = register_woman(receptionist, reference, attachments=(photo, letter))

    # then
    stored = {a.original_name: a for a in Attachment.objects.filter(case=visit.case)}
    assert set(stored) == {"房屋照片.png", "信件.pdf"}
    assert stored["房屋照片.png"].content_type == "image/png"
    assert stored["信件.pdf"].content_type == "application/pdf"
    assert stored["信件.pdf"].size == len(PDF_BYTES)
    assert stored["信件.pdf"].uploaded_by == receptionist
    with stored["房屋照片.png"].file.open("rb") as file:
        assert file.read() == png_bytes()
    # the stored name does not carry the uploader's file name
    assert "房屋" not in stored["房屋照片.png"].file.name


@pytest.mark.parametrize(
    ("name", "content"),
    [("申请.pdf", EXE_BYTES), ("申请.pdf", "这是一封信，不是PDF".encode()), ("photo.png", b"")],
    ids=["exe-renamed-pdf", "text-renamed-pdf", "empty"],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(receptionist, reference, name, content):
    before, files_before = row_counts(), stored_files()

    with pytest.raises(ValidationError) as error:
        register_woman(receptionist, reference, attachments=(SimpleUploadedFile(name, content),))

    assert error.value.message_dict["attachments"][0].startswith(name)
    assert row_counts() == before
    assert stored_files() == files_before


def test_a_file_too_large_is_refused_naming_the_limit(receptionist, reference, settings):
    # given a limit of 500 KB
    settings.ATTACHMENT_MAX_BYTES = 500 * 1024
    too_large = png_bytes() + b"\x00" * (500 * 1024)
    before, files_before = row_counts(), stored_files()

    # when
    with pytest.raises(ValidationError) as error:
        register_woman(receptionist, reference, attachments=(SimpleUploadedFile("scan.png", too_large),))

    # then
    [message] = error.value.message_dict["attachments"]
    assert message.startswith("scan.png is larger than") and "500" in message
    assert row_counts() == before
    assert stored_files() == files_before


def test_one_bad_file_among_good_ones_refuses_them_all(receptionist, reference):
    before, files_before = row_counts(), stored_files()

    with pytest.raises(ValidationError):
        register_woman(
            receptionist,
            reference,
            attachments=(SimpleUploadedFile("ok.pdf", PDF_BYTES), SimpleUploadedFile("bad.pdf", EXE_BYTES)),
        )

    assert row_counts() == before
    assert stored_files() == files_before


def test_too_many_files_are_refused(receptionist, reference, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    files = tuple(SimpleUploadedFile(f"{n}.pdf", PDF_BYTES) for n in range(3))

    with pytest.raises(ValidationError) as error:
        register_woman(receptionist, reference, attachments=files)

    assert error.value.message_dict["attachments"] == ["At most 2 files per case."]
    assert not Attachment.objects.exists()


# --- contacts ---------------------------------------------------------------------------------


def test_her_sons_mobile_added_later_becomes_primary(receptionist, reference):
    # given she has no phone, only her address
    woman = petitioner_create(
        data=PetitionerData(
            name="王秀英",
            contacts=(ContactData(kind="address", value="黎里镇老街12号"),),
        ),
        created_by=receptionist,
    )
    other_receptionist = UserFactory(username="reception2")

    # when she calls back with her son's number
    contact = contact_add(
        petitioner_id=woman.pk,
        data=ContactData(kind="mobile", value="+86 139-1234-5678", relation="son", holder_name=" 李强 "),
        added_by=other_receptionist,
    )

    # then
    assert (contact.value, contact.lookup_key) == ("13912345678", "13912345678")
    assert (contact.relation, contact.holder_name) == ("son", "李强")
    assert contact.is_primary
    assert contact.created_by == other_receptionist and contact.created_at is not None
    assert woman.contacts.get(is_primary=True) == contact
    assert woman.contacts.count() == 2


def test_a_later_phone_is_not_primary_when_she_already_has_one(receptionist):
    woman = petitioner_create(
        data=PetitionerData(name="王秀英", contacts=(ContactData(kind="mobile", value="13800001111"),)),
        created_by=receptionist,
    )

    later = contact_add(
        petitioner_id=woman.pk,
        data=ContactData(kind="landline", value="0512 6300 1234"),
        added_by=receptionist,
    )

    assert not later.is_primary
    assert later.value == "0512-63001234" and later.lookup_key == "051263001234"
    assert woman.contacts.get(is_primary=True).value == "13800001111"


def test_a_second_primary_unsets_the_first(receptionist):
    # given
    woman = petitioner_create(
        data=PetitionerData(name="王秀英", contacts=(ContactData(kind="mobile", value="13800001111"),)),
        created_by=receptionist,
    )
    first = woman.contacts.get()
    assert first.is_primary

    # when
    second = contact_add(
        petitioner_id=woman.pk,
        data=ContactData(kind="mobile", value="13912345678", relation="son", is_primary=True),
        added_by=receptionist,
    )

    # then
    first.refresh_from_db()
    assert second.is_primary and not first.is_primary
    assert woman.contacts.filter(is_primary=True).count() == 1


def test_the_database_allows_only_one_primary_contact(receptionist):
    woman = petitioner_create(
        data=PetitionerData(
            name="王秀英",
            contacts=(
                ContactData(kind="mobile", value="13800001111"),
                ContactData(kind="mobile", value="13912345678"),
            ),
        ),
        created_by=receptionist,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        woman.contacts.update(is_primary=True)


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("mobile", "1291234567", "A mobile number is 11 digits starting with 13–19, optionally after +86."),
        ("landline", "6300123", "such as 0512-63001234"),
        ("address", " 12 ", "Write the address in full."),
    ],
)
def test_a_bad_contact_is_refused_with_its_message_and_nothing_is_saved(receptionist, kind, value, message):
    woman = PetitionerFactory(created_by=receptionist)
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        contact_add(petitioner_id=woman.pk, data=ContactData(kind=kind, value=value), added_by=receptionist)

    [refusal] = error.value.message_dict["value"]
    assert message in refusal
    assert row_counts() == before


@pytest.mark.parametrize(
    ("first", "again"),
    [("13962598765", "+86 139 6259 8765"), ("黎里镇城司村沈家浜18号", "黎里镇城司村沈家浜18号")],
)
def test_the_same_contact_sent_again_is_refused_and_nothing_is_saved(receptionist, first, again):
    """Her son's number, sent twice from the petitioner's page (Back and send again)."""
    kind = "address" if first.startswith("黎") else "mobile"
    woman = PetitionerFactory(created_by=receptionist)
    contact_add(
        petitioner_id=woman.pk,
        data=ContactData(kind=kind, value=first, relation="son"),
        added_by=receptionist,
    )
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        contact_add(petitioner_id=woman.pk, data=ContactData(kind=kind, value=again), added_by=receptionist)

    assert error.value.message_dict["value"] == [f"{first} is on this petitioner's record already."]
    assert row_counts() == before


# --- petitioner_create ------------------------------------------------------------------------


def test_a_petitioner_is_created_with_her_contacts(receptionist):
    # when
    woman = petitioner_create(
        data=PetitionerData(
            name="  王秀英 ",
            id_type="resident_id",
            id_number=WOMAN_ID,
            address=" 黎里镇老街12号 ",
            contacts=(
                ContactData(kind="landline", value="(0512)63001234"),
                ContactData(kind="mobile", value="139 1234 5678", relation="son", holder_name="李强"),
            ),
        ),
        created_by=receptionist,
    )

    # then
    woman.refresh_from_db()
    assert (woman.name, woman.address, woman.gender, woman.id_type) == (
        "王秀英",
        "黎里镇老街12号",
        "female",
        "resident_id",
    )
    assert woman.id_number == WOMAN_ID and woman.birth_date == datetime.date(1949, 12, 31)
    contacts = {c.kind: c for c in woman.contacts.all()}
    assert (contacts["landline"].value, contacts["landline"].lookup_key) == ("0512-63001234", "051263001234")
    assert (contacts["mobile"].value, contacts["mobile"].relation) == ("13912345678", "son")
    # the first phone is the primary one
    assert contacts["landline"].is_primary and not contacts["mobile"].is_primary
    assert {c.created_by for c in contacts.values()} == {receptionist}


def test_the_first_phone_is_primary_even_after_an_address(receptionist):
    woman = petitioner_create(
        data=PetitionerData(
            name="王秀英",
            contacts=(
                ContactData(kind="address", value="黎里镇老街12号"),
                ContactData(kind="mobile", value="13912345678", relation="son"),
                ContactData(kind="mobile", value="13800001111"),
            ),
        ),
        created_by=receptionist,
    )

    assert woman.contacts.get(is_primary=True).value == "13912345678"


def test_the_primary_chosen_by_the_receptionist_is_kept(receptionist):
    woman = petitioner_create(
        data=PetitionerData(
            name="王秀英",
            contacts=(
                ContactData(kind="mobile", value="13800001111"),
                ContactData(kind="mobile", value="13912345678", relation="son", is_primary=True),
            ),
        ),
        created_by=receptionist,
    )

    assert woman.contacts.get(is_primary=True).value == "13912345678"


def test_two_primaries_or_a_bad_contact_refuse_the_petitioner(receptionist):
    before = row_counts()

    with pytest.raises(ValidationError) as two_primaries:
        petitioner_create(
            data=PetitionerData(
                name="王秀英",
                contacts=(
                    ContactData(kind="mobile", value="13800001111", is_primary=True),
                    ContactData(kind="mobile", value="13912345678", is_primary=True),
                ),
            ),
            created_by=receptionist,
        )
    with pytest.raises(ValidationError) as bad_contact:
        petitioner_create(
            data=PetitionerData(name="王秀英", contacts=(ContactData(kind="mobile", value="12345"),)),
            created_by=receptionist,
        )

    assert two_primaries.value.message_dict == {"contacts": ["Only one contact can be the primary one."]}
    assert list(bad_contact.value.message_dict) == ["contacts"]
    assert row_counts() == before


def test_a_petitioner_with_an_existing_id_number_is_refused(receptionist):
    first = petitioner_create(
        data=PetitionerData(name="王秀英", id_type="resident_id", id_number=WOMAN_ID), created_by=receptionist
    )
    before = row_counts()

    with pytest.raises(ValidationError) as error:
        petitioner_create(
            data=PetitionerData(name="王秀英", id_type="resident_id", id_number=WOMAN_ID.lower()),
            created_by=receptionist,
        )

    assert f"(no. {first.pk})" in error.value.message_dict["id_number"][0]
    assert row_counts() == before


def test_another_documents_number_is_normalised_and_masked(receptionist):
    person = petitioner_create(
        data=PetitionerData(name="陈大文", id_type="other", id_number="h 1234 5678"), created_by=receptionist
    )

    person.refresh_from_db()
    assert (person.id_type, person.id_number, person.id_number_masked) == ("other", "H12345678", "H******78")
    assert person.birth_date is None and person.gender == "unknown"


def test_an_id_number_without_its_type_is_refused(receptionist):
    with pytest.raises(ValidationError) as error:
        petitioner_create(data=PetitionerData(name="王秀英", id_number=WOMAN_ID), created_by=receptionist)

    assert list(error.value.message_dict) == ["id_type"]
    assert not Petitioner.objects.exists()


def test_a_petitioner_without_a_name_is_refused(receptionist):
    with pytest.raises(ValidationError) as error:
        petitioner_create(data=PetitionerData(name="  "), created_by=receptionist)

    assert list(error.value.message_dict) == ["name"]
    assert not ContactPoint.objects.exists() and not Petitioner.objects.exists()


def test_contacts_given_at_a_visit_recorded_later_date_from_the_visit(receptionist, reference):
    """A visit typed in at the end of the day keeps the morning as the time her phone was given."""
    # given a visit at 10:00 this morning, registered later
    morning = timezone.now() - datetime.timedelta(hours=3)
    mobile = ContactData(kind="mobile", value="13912345678")

    # when
    visit = register(
        receptionist, reference, attendees=[new_person("李建国", contacts=[mobile])], visited_at=morning
    )

    # then
    contact = ContactPoint.objects.get(petitioner__visits=visit)
    assert contact.created_at == morning


# --- the cached reference ids -----------------------------------------------------------------


def test_a_window_closed_in_the_admin_refuses_registrations_at_once(receptionist, reference):
    # given a registration at the window, which leaves the open windows' ids in the cache
    register_woman(receptionist, reference)
    window = reference["window"]

    # when the administrator closes the window
    window.is_active = False
    window.save()

    # then the next registration there is refused, and nothing of it saved
    with pytest.raises(ValidationError) as refused:
        register(receptionist, reference, attendees=[new_person("李明")])
    assert refused.value.message_dict["window"] == ["Choose an open window."]
    assert Visit.objects.count() == 1


def test_a_window_opened_in_the_admin_takes_registrations_at_once(receptionist, reference):
    register_woman(receptionist, reference)

    new_window = WindowFactory(name="3号窗口")
    visit = register(receptionist, reference, attendees=[new_person("李明")], window_id=new_window.pk)

    assert visit.window == new_window
