"""Every action of the window desk that changes state: petitioners, contacts, visits.

Forms and the API call these and nothing else; each raises ValidationError with messages keyed by
field, before anything is written, so bad input leaves no partial rows.
"""

import contextlib
import datetime
import itertools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from cases.models import Attachment, Case
from cases.references import reference_ids
from cases.services import (
    CaseData,
    apply_action,
    case_registration,
    new_tracking_code,
    tracking_code_taken,
    validate_case_data,
)
from cases.workflow import Action
from notifications.models import Kind
from notifications.services import leaders, notify
from petition_desk.db import batched, insert, insert_without_ids, reserve_ids
from petition_desk.validators import validate_record_date

from . import crypto
from .models import (
    Attendance,
    ContactKind,
    ContactPoint,
    Gender,
    IdType,
    Petitioner,
    Relation,
    TallySnapshot,
    Visit,
    Window,
)
from .validators import (
    landline_lookup_key,
    mask_id_number,
    normalise_landline,
    normalise_mobile,
    normalise_other_document,
    parse_resident_id,
)

# Typing one digit too many must not register a crowd: a visit of more people than this is a
# mistake, and the database's integer would not hold much more anyway.
MAX_PERSONS = 10_000

# A clash of tracking codes is one registration in a million (cases.services.new_tracking_code);
# three in a row would mean the codes are not random.
TRACKING_CODE_ATTEMPTS = 3


@dataclass(frozen=True)
class ContactData:
    kind: str
    value: str
    relation: str = Relation.SELF
    holder_name: str = ""
    is_primary: bool = False


@dataclass(frozen=True)
class PetitionerData:
    name: str
    gender: str = Gender.UNKNOWN
    id_type: str = IdType.NONE
    id_number: str = ""
    address: str = ""
    note: str = ""
    contacts: tuple[ContactData, ...] = ()


@dataclass(frozen=True)
class Attendee:
    """A named person at a visit: an existing petitioner, or one registered with the visit."""

    petitioner_id: int | None = None
    new: PetitionerData | None = None
    is_representative: bool = False


@dataclass(frozen=True)
class VisitData:
    window_id: int
    persons: int
    attendees: tuple[Attendee, ...]
    case: CaseData | None = None
    repeat_of: int | None = None
    note: str = ""
    visited_at: datetime.datetime | None = None
    attachments: tuple[UploadedFile, ...] = field(default=())
    # A key of the form it came from: the same key again is the same registration.
    submission: uuid.UUID | None = None


# --- validation: pure functions, so that forms and serializers give the same messages -----------


def clean_contact(data: ContactData) -> tuple[str, str]:
    """The contact's display value and lookup key, or ValidationError keyed by field."""
    try:
        if data.kind == ContactKind.MOBILE:
            number = normalise_mobile(data.value)
            return number, number
        if data.kind == ContactKind.LANDLINE:
            number = normalise_landline(data.value)
            return number, landline_lookup_key(number)
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from None
    if data.kind == ContactKind.ADDRESS:
        address = data.value.strip()
        if len(address) < 4:
            raise ValidationError({"value": [_("Write the address in full.")]})
        return address, ""
    raise ValidationError({"kind": [_("Choose the kind of contact.")]})


def clean_identity(data: PetitionerData) -> dict:
    """Normalised identity fields of a petitioner, or ValidationError keyed by field."""
    name = data.name.strip()
    errors = {}
    if not name:
        errors["name"] = [_("Enter the petitioner's name.")]
    identity = {"id_number": "", "id_number_hash": "", "id_number_masked": ""}
    gender = data.gender
    if data.id_type == IdType.RESIDENT_ID:
        try:
            resident_id = parse_resident_id(data.id_number)
        except ValidationError as error:
            errors["id_number"] = error.messages
        else:
            identity["id_number"] = resident_id.number
            gender = resident_id.gender
    elif data.id_type == IdType.OTHER:
        try:
            identity["id_number"] = normalise_other_document(data.id_number)
        except ValidationError as error:
            errors["id_number"] = error.messages
        # Kept as another document, a resident ID would escape the check that it is on file.
        with contextlib.suppress(ValidationError):
            parse_resident_id(data.id_number)
            errors["id_type"] = [_("This is a resident ID number: choose “Resident ID card” as its type.")]
    elif data.id_number.strip():
        errors["id_type"] = [_("Choose the type of the ID document.")]
    if errors:
        raise ValidationError(errors)
    if identity["id_number"]:
        identity["id_number_hash"] = id_number_hash(data.id_type, identity["id_number"])
        identity["id_number_masked"] = mask_id_number(identity["id_number"])
    return {"name": name, "gender": gender, **identity}


def id_number_hash(id_type: str, number: str) -> str:
    return crypto.lookup_hash(f"{id_type}:{number}")


def id_number_hashes(id_type: str, number: str) -> list[str]:
    """Every hash the number may be stored under: id_number_hash first, then one per hash key
    being retired, until petitioner_id_keys_rotate has re-hashed every row."""
    return crypto.lookup_hashes(f"{id_type}:{number}")


def _validate_contacts(contacts: tuple[ContactData, ...]) -> list[tuple[ContactData, str, str]]:
    cleaned, errors = [], []
    for contact in contacts:
        try:
            value, key = clean_contact(contact)
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            cleaned.append((contact, value, key))
    if errors:
        raise ValidationError({"contacts": errors})
    clean_primary_contact(contacts)
    return cleaned


def clean_primary_contact(contacts: tuple[ContactData, ...]) -> None:
    if sum(contact.is_primary for contact in contacts) > 1:
        raise ValidationError({"contacts": [_("Only one contact can be the primary one.")]})


def _refuse_known_under_retiring_hash_key(people: Iterable[tuple[int | None, str, str]]) -> None:
    """DuplicateIdentity if a person, (attendee place (None outside a visit), id type, number), is
    registered under the hash of a hash key being retired: the unique constraint sees only the
    current hash. Checked before the registration's transaction, and enough: a re-hash only ever
    moves a row from an old hash to the current one, which the constraint then refuses. `people`
    is read only while a key is being retired."""
    if not settings.ID_NUMBER_HASH_OLD_KEYS:
        return
    places = {
        hash_: place
        for place, id_type, number in people
        if number
        for hash_ in id_number_hashes(id_type, number)[1:]
    }
    if not places:
        return
    known = Petitioner.objects.filter(id_number_hash__in=list(places))
    found = known.values_list("id_number_hash", flat=True).first()
    if found is not None:
        raise DuplicateIdentity(found, attendee=places[found])


class DuplicateIdentity(ValidationError):
    """A new person's ID number is registered already. `attendee` is the person's place among a
    visit's attendees (None outside a visit), so that the desk and the API mark that person."""

    def __init__(self, hash_: str, *, attendee: int | None = None):
        existing = Petitioner.objects.filter(id_number_hash=hash_).first()
        message = (
            _(
                "This ID number belongs to petitioner %(name)s (no. %(id)s), already registered: "
                "choose that record instead."
            )
            % {"name": existing.name, "id": existing.pk}
            if existing
            else _("This ID number is already registered.")
        )
        super().__init__({"id_number": [ValidationError(message, code="duplicate_id")]})
        self.attendee = attendee


# --- within a transaction --------------------------------------------------------------------


def _create_petitioner(
    *,
    data: PetitionerData,
    identity: dict,
    contacts,
    created_by: User,
    at: datetime.datetime | None = None,
    pk: int | None = None,
) -> Petitioner:
    """A second record of the same ID number is refused by the unique constraint; the caller turns
    that IntegrityError into a message naming the first record. `pk`: an id reserved for it."""
    [petitioner] = insert(
        [
            Petitioner(
                pk=pk,
                id_type=data.id_type if identity["id_number"] else IdType.NONE,
                address=data.address.strip(),
                note=data.note.strip(),
                created_by=created_by,
                **identity,
            )
        ]
    )
    # Contacts given at a visit date from the visit, which may be recorded after it.
    now = at or timezone.now()
    has_primary = any(contact.is_primary for contact, _value, _key in contacts)
    first_phone = next((index for index, (_contact, _value, key) in enumerate(contacts) if key), None)
    insert_without_ids(
        [
            ContactPoint(
                petitioner=petitioner,
                kind=contact.kind,
                value=value,
                lookup_key=key,
                relation=contact.relation,
                holder_name=contact.holder_name.strip(),
                # The first phone is primary unless the receptionist chose another.
                is_primary=contact.is_primary or (not has_primary and index == first_phone),
                created_by=created_by,
                created_at=now,
            )
            for index, (contact, value, key) in enumerate(contacts)
        ]
    )
    return petitioner


# --- top-level services ----------------------------------------------------------------------


def petitioner_create(*, data: PetitionerData, created_by: User) -> Petitioner:
    identity = clean_identity(data)
    contacts = _validate_contacts(data.contacts)
    _refuse_known_under_retiring_hash_key([(None, data.id_type, identity["id_number"])])
    try:
        with transaction.atomic(durable=True):
            return _create_petitioner(data=data, identity=identity, contacts=contacts, created_by=created_by)
    except IntegrityError:
        # Two windows registered the same ID number at the same moment.
        raise DuplicateIdentity(identity["id_number_hash"]) from None


def contact_add(
    *, petitioner_id: int, data: ContactData, added_by: User, at: datetime.datetime | None = None
) -> ContactPoint:
    """Add a way to reach a petitioner, at any time after registration (she calls back with her
    son's number); the new contact may become the primary one. `at` records a call taken earlier."""
    value, key = clean_contact(data)
    with transaction.atomic(durable=True):
        petitioner = Petitioner.objects.select_for_update().get(pk=petitioner_id)
        # The form sent twice (a double click, Back and send again) adds nothing the second time.
        if petitioner.contacts.filter(kind=data.kind, value=value).exists():
            raise ValidationError(
                {"value": [_("%(value)s is on this petitioner's record already.") % {"value": value}]}
            )
        has_phone = petitioner.contacts.exclude(lookup_key="").exists()
        make_primary = data.is_primary or (bool(key) and not has_phone)
        if make_primary:
            petitioner.contacts.filter(is_primary=True).update(is_primary=False)
        return ContactPoint.objects.create(
            petitioner=petitioner,
            kind=data.kind,
            value=value,
            lookup_key=key,
            relation=data.relation,
            holder_name=data.holder_name.strip(),
            is_primary=make_primary,
            created_by=added_by,
            created_at=at or timezone.now(),
        )


def validate_attachments(files: tuple[UploadedFile, ...]) -> list[tuple[UploadedFile, str]]:
    """Each file with its content type, checked against its content, not its name."""
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationError(
            {
                "attachments": [
                    ngettext(
                        "At most %(count)d file per case.",
                        "At most %(count)d files per case.",
                        settings.ATTACHMENT_MAX_FILES,
                    )
                    % {"count": settings.ATTACHMENT_MAX_FILES}
                ]
            }
        )
    checked, errors = [], []
    for upload in files:
        if upload.size == 0:
            errors.append(_("%(name)s is empty.") % {"name": upload.name})
            continue
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            errors.append(
                _("%(name)s is larger than %(limit)s.")
                % {"name": upload.name, "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}
            )
            continue
        head = upload.read(2048)
        upload.seek(0)
        kind = filetype.guess(head)
        if kind is None or kind.mime not in settings.ATTACHMENT_TYPES:
            allowed = "、".join(str(label) for label in settings.ATTACHMENT_TYPES.values())
            errors.append(
                _("%(name)s is not an accepted file (%(allowed)s).")
                % {"name": upload.name, "allowed": allowed}
            )
            continue
        checked.append((upload, kind.mime))
    if errors:
        raise ValidationError({"attachments": errors})
    return checked


def _validate_visit(data: VisitData) -> None:
    errors: dict[str, list[str]] = {}
    named = len(data.attendees)
    representatives = sum(attendee.is_representative for attendee in data.attendees)
    # A repeat visit's anonymity is its case's: _link_repeat looks.
    if named == 0 and data.repeat_of is None and not (data.case and data.case.anonymous):
        errors["attendees"] = [_("Name at least one person present, or mark the case anonymous.")]
    if any((attendee.petitioner_id is None) == (attendee.new is None) for attendee in data.attendees):
        errors["attendees"] = [_("Each person is either a known petitioner or a new one.")]
    if data.persons < max(named, 1):
        errors["persons"] = [
            ngettext(
                "At least %(count)d person came: the number of persons cannot be smaller.",
                "At least %(count)d persons came: the number of persons cannot be smaller.",
                max(named, 1),
            )
            % {"count": max(named, 1)}
        ]
    if data.persons > MAX_PERSONS:
        message = _("At most %(max)d persons can be registered for one visit: check the number.")
        errors["persons"] = [message % {"max": MAX_PERSONS}]
    if representatives > settings.MAX_REPRESENTATIVES:
        errors["representatives"] = [
            _("A group may name at most %(max)d representatives (Art. 20); %(count)d were named.")
            % {"max": settings.MAX_REPRESENTATIVES, "count": representatives}
        ]
    if (data.case is None) == (data.repeat_of is None):
        errors["case"] = [_("Either register a new case or link the visit to an existing one.")]
    if errors:
        raise ValidationError(errors)
    if data.case is not None:
        validate_case_data(data.case)


def _place(data: VisitData, attendee: Attendee) -> int:
    """The attendee's place among the visit's, by which the desk and the API mark a person."""
    return next(i for i, named in enumerate(data.attendees) if named is attendee)


def visit_register(*, data: VisitData, receptionist: User) -> Visit:
    """Register one visit at a window: its people (new or known), and either a new case, which is
    submitted for sign-off, or a link to the case it repeats. The visit carries its attendances,
    in the order given, as `registered_petitioner_ids`: the answer lists them without a query.

    Sent again with the same `submission` key, even at the same moment, it registers nothing and
    returns the visit registered the first time, marked `already_registered`."""
    if (registered := _registered_submission(data.submission)) is not None:
        return registered
    _validate_visit(data)
    new_people = [
        (attendee, clean_identity(attendee.new), _validate_contacts(attendee.new.contacts))
        for attendee in data.attendees
        if attendee.new is not None
    ]
    # Caught here: inside the transaction the second would be refused as "already registered"
    # under the first, a record the refusal itself rolls back.
    hashes = [
        identity["id_number_hash"]
        for _attendee, identity, _contacts in new_people
        if identity["id_number_hash"]
    ]
    if len(hashes) != len(set(hashes)):
        raise ValidationError({"attendees": [_("The same person is named twice.")]})
    _refuse_known_under_retiring_hash_key(
        (_place(data, attendee), attendee.new.id_type, identity["id_number"])
        for attendee, identity, _contacts in new_people
    )
    attachments = validate_attachments(data.attachments)
    if data.repeat_of is not None and attachments:
        raise ValidationError({"attachments": [_("Attach files to the case itself, not to a repeat visit.")]})
    if data.window_id not in reference_ids(Window, active=True):
        raise ValidationError({"window": [_("Choose an open window.")]})
    visited_at = data.visited_at or timezone.now()
    if visited_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"visited_at": [_("A visit cannot be registered in the future.")]})
    try:
        validate_record_date(visited_at)
    except ValidationError as error:
        raise ValidationError({"visited_at": error.messages}) from None
    for attempt in itertools.count(1):
        tracking_code = new_tracking_code()
        try:
            return _write_visit(
                data,
                new_people=new_people,
                attachments=attachments,
                receptionist=receptionist,
                visited_at=visited_at,
                tracking_code=tracking_code,
            )
        except IntegrityError:
            # The same page sent twice at once: the second waited for the first's commit.
            if (registered := _registered_submission(data.submission)) is not None:
                return registered
            hashes = [identity["id_number_hash"] for _attendee, identity, _contacts in new_people]
            taken = set(
                Petitioner.objects.filter(id_number_hash__in=[h for h in hashes if h]).values_list(
                    "id_number_hash", flat=True
                )
            )
            for attendee, identity, _contacts in new_people:
                if identity["id_number_hash"] in taken:
                    place = _place(data, attendee)
                    raise DuplicateIdentity(identity["id_number_hash"], attendee=place) from None
            if attempt == TRACKING_CODE_ATTEMPTS or not tracking_code_taken(tracking_code):
                raise


def _registered_submission(submission: uuid.UUID | None) -> Visit | None:
    visit = Visit.objects.filter(submission=submission).first() if submission else None
    if visit is not None:
        visit.already_registered = True
    return visit


def _write_visit(
    data: VisitData,
    *,
    new_people,
    attachments,
    receptionist: User,
    visited_at: datetime.datetime,
    tracking_code: str,
) -> Visit:
    """The registration's one transaction: nothing of it stays if any row is refused. Its rows'
    ids are reserved first, so that the rows, which refer to each other, are sent to the database
    together rather than each after the one whose id it needs (petition_desk.db.batched)."""
    is_group = data.persons >= settings.GROUP_VISIT_THRESHOLD
    with transaction.atomic(durable=True), batched():
        ids = reserve_ids({Petitioner: len(new_people), Visit: 1, Case: 0 if data.repeat_of else 1})
        petitioner_ids = _attendee_ids(data.attendees, new_people, ids[Petitioner], receptionist, visited_at)
        [visit_id] = ids[Visit]
        if data.repeat_of is not None:
            case = _link_repeat(
                data.repeat_of,
                petitioner_ids,
                receptionist,
                persons=data.persons,
                is_group=is_group,
                visited_at=visited_at,
            )
            return _visit_create(data, visit_id, case, petitioner_ids, receptionist, visited_at, is_group)
        with case_registration(
            data=data.case,
            registered_by=receptionist,
            petitioner_ids=petitioner_ids,
            is_group=is_group,
            at=visited_at,
            submit=True,
            tracking_code=tracking_code,
            case_id=ids[Case][0],
        ) as case:
            visit = _visit_create(data, visit_id, case, petitioner_ids, receptionist, visited_at, is_group)
        # Stored once the case row is in. A tracking code already taken refuses that row, and
        # visit_register tries again with the same uploads: none may be stored by then, nor moved
        # away (storage moves an upload above FILE_UPLOAD_MAX_MEMORY_SIZE, a temporary file).
        # The case's row is not held back by `batched`: its generated column is read back, so it
        # is sent, and refused, before this line.
        for upload, mime in attachments:
            Attachment.objects.create(
                case=case,
                file=upload,
                original_name=upload.name[:200],
                content_type=mime,
                size=upload.size,
                uploaded_by=receptionist,
            )
        return visit


def _visit_create(
    data: VisitData,
    visit_id: int,
    case: Case,
    petitioner_ids: list[int],
    receptionist: User,
    visited_at: datetime.datetime,
    is_group: bool,
) -> Visit:
    [visit] = insert(
        [
            Visit(
                pk=visit_id,
                visited_at=visited_at,
                window_id=data.window_id,
                receptionist=receptionist,
                case=case,
                persons=data.persons,
                is_group=is_group,
                is_repeat=data.repeat_of is not None,
                note=data.note.strip(),
                submission=data.submission,
            )
        ]
    )
    insert_without_ids(
        [
            Attendance(visit=visit, petitioner_id=petitioner_id, is_representative=attendee.is_representative)
            for attendee, petitioner_id in zip(data.attendees, petitioner_ids, strict=True)
        ]
    )
    visit.registered_petitioner_ids = petitioner_ids
    return visit


def _attendee_ids(
    attendees, new_people, reserved: list[int], receptionist: User, visited_at: datetime.datetime
) -> list[int]:
    """The attendees' petitioner ids, the new people written under the `reserved` ids."""
    created = iter(zip(new_people, reserved, strict=True))
    ids = []
    for attendee in attendees:
        if attendee.new is not None:
            (_attendee, identity, contacts), pk = next(created)
            petitioner = _create_petitioner(
                data=attendee.new,
                identity=identity,
                contacts=contacts,
                created_by=receptionist,
                at=visited_at,
                pk=pk,
            )
            ids.append(petitioner.pk)
        else:
            ids.append(attendee.petitioner_id)
    known = [attendee.petitioner_id for attendee in attendees if attendee.new is None]
    if len(set(ids)) != len(ids):
        raise ValidationError({"attendees": [_("The same person is named twice.")]})
    if known and Petitioner.objects.filter(pk__in=known).count() != len(known):
        raise ValidationError({"attendees": [_("A chosen petitioner no longer exists.")]})
    return ids


def _link_repeat(
    case_id: int,
    petitioner_ids: list[int],
    receptionist: User,
    *,
    persons: int,
    is_group: bool,
    visited_at: datetime.datetime,
) -> Case:
    linked = Case.objects.filter(pk=case_id).values("anonymous", "number", "registered_at").first()
    if linked is None:
        raise ValidationError({"repeat_of": [_("The case to link to does not exist.")]})
    if not petitioner_ids and not linked["anonymous"]:
        raise ValidationError(
            {"attendees": [_("Name at least one person present: the case linked to is not anonymous.")]}
        )
    # A visit entered late with a slip in its date would count, on a day before the case
    # existed, a repeat of it.
    if visited_at < linked["registered_at"]:
        message = _("Case %(number)s was registered at %(time)s: a visit about it cannot be earlier.")
        registered = f"{timezone.localtime(linked['registered_at']):%Y-%m-%d %H:%M}"
        raise ValidationError({"visited_at": [message % {"number": linked["number"], "time": registered}]})
    # A group that comes about a matter makes it a group matter: first in the sign-off queue, and
    # the leaders told at once, as for a group visit's new case.
    case = apply_action(
        case_id=case_id,
        actor=receptionist,
        action=Action.REPEAT_VISIT,
        changes={"is_group": True} if is_group else None,
    )
    # Someone new may come about the same matter; they join the case's petitioners.
    case.petitioners.add(*petitioner_ids)
    if is_group:
        notify(
            recipients=leaders(),
            kind=Kind.GROUP_VISIT,
            case=case,
            message=gettext_lazy("A group of %(persons)d came again about case %(number)s."),
            params={"persons": persons, "number": case.number},
        )
    return case


def tally_snapshot_take(*, day: datetime.date) -> TallySnapshot:
    """Store the day's tally as it stands. The first one taken stays: it is the figure reported
    upwards that night, and a retried task, or a visit of the day registered later, must not
    change it (the tally page shows both when they differ)."""
    from dataclasses import asdict

    from .selectors import daily_tally

    if (taken := TallySnapshot.objects.filter(date=day).first()) is not None:
        return taken
    tally = asdict(daily_tally(day=day))
    tally["date"] = day.isoformat()
    snapshot, _ = TallySnapshot.objects.get_or_create(date=day, defaults={"figures": tally})
    return snapshot
