"""Queries of the window desk. Every look-up that runs while the receptionist types is an exact
match on an indexed column: no keystroke scans the petitioners."""

import datetime
import functools
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import DEFERRED, Count, Exists, Model, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cases.matching import organisation_key
from cases.models import Case, Place
from cases.selectors import MATTER_CASES_SHOWN
from petition_desk.db import planned_afresh

from .models import PHONE_KINDS, Attendance, ContactPoint, IdType, Petitioner, TallySnapshot, Visit
from .services import id_number_hashes
from .validators import normalise_other_document, parse_resident_id, phone_lookup_key

CANDIDATE_LIMIT = 10
RECENT_VISITS_SHOWN = 5

ModelT = TypeVar("ModelT", bound=Model)


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The bureau's local day as an aware half-open interval."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def open_cases() -> QuerySet[Case]:
    return Case.objects.filter(is_open=True)


def repeat_candidates(
    *, id_number: str = "", phone: str = "", name: str = "", place_id: int | None = None
) -> list[Petitioner]:
    """Petitioners who may have come before: same ID number, same phone, or the same name at the
    same place; each with `shown_contacts`, `open_cases` and `recent_visits`.

    It runs on every keystroke at the window, so it is two plain SQL statements (the petitioners,
    then their contacts, open cases and visits) rather than ORM querysets: compiling those took
    three times as long as PostgreSQL took to answer them. Each look-up selects petitioner
    ids through an index; they are combined with UNION, as an OR of them would make PostgreSQL
    walk every petitioner and filter."""
    matches, params = [], []
    if id_number.strip() and (hashes := _id_number_hashes(id_number)):
        # The unique index on the hash leaves out the empty ones; repeating its condition lets a
        # prepared statement's plan, made without knowing the hashes, use it too.
        matches.append(
            "SELECT id FROM intake_petitioner"
            f" WHERE id_number_hash IN ({_marks(hashes)}) AND id_number_hash <> ''"
        )
        params += hashes
    key = phone_lookup_key(phone) if phone.strip() else None
    if key:
        matches.append("SELECT petitioner_id FROM intake_contactpoint WHERE lookup_key = %s")
        params.append(key)
    if name.strip() and place_id:
        matches.append(
            "SELECT link.petitioner_id FROM cases_case_petitioners link"
            " JOIN intake_petitioner person ON person.id = link.petitioner_id"
            " JOIN cases_case ON cases_case.id = link.case_id"
            " WHERE person.name = %s AND cases_case.place_id = %s"
        )
        params += [name.strip(), place_id]
    if not matches:
        return []
    rows = _rows(
        "SELECT id, name, id_number_masked FROM intake_petitioner"
        f" WHERE id IN ({' UNION '.join(matches)}) ORDER BY name, id LIMIT %s",
        [*params, CANDIDATE_LIMIT],
    )
    candidates = {
        pk: _shown(Petitioner, id=pk, name=name_, id_number_masked=masked) for pk, name_, masked in rows
    }
    if not candidates:
        return []
    for candidate in candidates.values():
        candidate.shown_contacts, candidate.open_cases, candidate.recent_visits = [], [], []
    ids = list(candidates)
    # Their contacts (1), open cases (2) and visits (3), in one statement: one round trip.
    for source, petitioner_id, _flag, at, row_id, text_a, text_b, text_c, text_d, place_pk in _rows(
        "SELECT 1, petitioner_id, CASE WHEN is_primary THEN 1 ELSE 0 END, created_at, id,"
        " kind, value, relation, NULL, NULL FROM intake_contactpoint"
        f" WHERE petitioner_id IN ({_marks(ids)})"
        " UNION ALL SELECT 2, link.petitioner_id, 0, registered_at, cases_case.id,"
        " number, status, request, cases_place.name, place_id"
        " FROM cases_case_petitioners link JOIN cases_case ON cases_case.id = link.case_id"
        " JOIN cases_place ON cases_place.id = cases_case.place_id"
        f" WHERE link.petitioner_id IN ({_marks(ids)}) AND is_open"
        " UNION ALL SELECT 3, attendance.petitioner_id, 0, visited_at, intake_visit.id,"
        " cases_case.number, NULL, NULL, NULL, NULL FROM intake_attendance attendance"
        " JOIN intake_visit ON intake_visit.id = attendance.visit_id"
        " JOIN cases_case ON cases_case.id = intake_visit.case_id"
        f" WHERE attendance.petitioner_id IN ({_marks(ids)})"
        # Primary contact first, then newest first.
        " ORDER BY 1, 3 DESC, 4 DESC, 5 DESC",
        [*ids, *ids, *ids],
    ):
        candidate = candidates[petitioner_id]
        if source == 1:
            candidate.shown_contacts.append(_shown(ContactPoint, kind=text_a, value=text_b, relation=text_c))
        elif source == 2:
            case = _shown(Case, id=row_id, number=text_a, status=text_b, request=text_c)
            case.place = _shown(Place, id=place_pk, name=text_d)
            candidate.open_cases.append(case)
        elif len(candidate.recent_visits) < RECENT_VISITS_SHOWN:
            visit = _shown(Visit, visited_at=_aware(at))
            # Its id given as unknown, not left deferred: assigning the case reads it.
            visit.case = _shown(Case, id=None, number=text_a)
            candidate.recent_visits.append(visit)
    return list(candidates.values())


def matter_candidates(organisation: str, *, exclude: list[int]) -> list[Case]:
    """The newest open cases about the organisation typed at the window, less the `exclude`d
    (those the people's cards already offer): cases.selectors.open_cases_about, the same cases,
    in one plain statement. It runs on every keystroke of the organisation, and the ORM's
    compiling of that queryset took four times as long as this (1.4 ms against 0.3)."""
    key = organisation_key(organisation)
    if not key:
        return []
    leave_out = f" AND cases_case.id NOT IN ({_marks(exclude)})" if exclude else ""
    # Planned for the key, as open_cases_about is: a generic plan may walk every open case.
    with planned_afresh():
        rows = _rows(
            "SELECT cases_case.id, number, status, request, organisation, is_group, registered_at,"
            " place_id, cases_place.name FROM cases_case"
            " JOIN cases_place ON cases_place.id = cases_case.place_id"
            f" WHERE is_open AND organisation_key = %s{leave_out}"
            " ORDER BY registered_at DESC, cases_case.id DESC LIMIT %s",
            [key, *exclude, MATTER_CASES_SHOWN],
        )
    cases = []
    for pk, number, status, request, written, is_group, registered_at, place_id, place_name in rows:
        case = _shown(
            Case,
            id=pk,
            number=number,
            status=status,
            request=request,
            organisation=written,
            is_group=bool(is_group),
            registered_at=_moment(registered_at),
        )
        case.place = _shown(Place, id=place_id, name=place_name)
        cases.append(case)
    return cases


def _shown(model: type[ModelT], **values) -> ModelT:
    """An instance of `model` holding only the named fields, for a panel that shows them: built
    as the ORM builds a row it reads (`from_db`, the other fields deferred). `model(**values)`
    works out the default of every field not named, which for a case took three times as long;
    the look-up builds half a dozen instances on every keystroke."""
    names = _attnames(model)
    return model.from_db(None, names, [values.get(name, DEFERRED) for name in names])


@functools.cache
def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _limit(count: int) -> str:
    """A LIMIT written into the statement rather than passed as a value. Passed as a value, it left
    PostgreSQL unable to cost the prepared statement's generic plan, so it planned the statement
    anew on every call: 3–4 ms of planning for 0.3–0.8 ms of work, twice on every desk page
    (bench/README.md, session 17). A statement per distinct limit; the callers use one or two."""
    return str(int(count))


def _aware(moment: datetime.datetime) -> datetime.datetime:
    # SQLite hands plain SQL its stored UTC time without a zone; PostgreSQL's is aware.
    return timezone.make_aware(moment, datetime.UTC) if timezone.is_naive(moment) else moment


def _moment(value: datetime.datetime | str) -> datetime.datetime:
    # SQLite hands a column read through a WITH as the text it stores.
    return _aware(parse_datetime(value) if isinstance(value, str) else value)


def _people_shown_in_lists() -> QuerySet[Petitioner]:
    # Lists show names only: leave the encrypted ID number undecrypted.
    return Petitioner.objects.defer("id_number")


def _visits_of(day: datetime.date, window_id: int | None) -> QuerySet[Visit]:
    """The day's visits, at one window if given, newest first; the callers choose the columns."""
    start, end = day_bounds(day)
    visits = Visit.objects.filter(visited_at__gte=start, visited_at__lt=end)
    if window_id is not None:
        visits = visits.filter(window_id=window_id)
    return visits.order_by("-visited_at", "-id")


def visits_on(*, day: datetime.date, window_id: int | None = None) -> QuerySet[Visit]:
    return (
        _visits_of(day, window_id)
        .select_related("window", "receptionist", "case")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("petitioner").defer("petitioner__id_number"),
            )
        )
    )


@dataclass(frozen=True)
class DeskVisit:
    """A line of the desk's list of today's visits."""

    visited_at: datetime.datetime
    case_id: int
    case_number: str
    persons: int
    is_group: bool
    is_repeat: bool
    names: list[str]  # the people named, in the order given; none for an anonymous visit


def desk_visits(*, day: datetime.date, window_id: int | None, limit: int) -> list[DeskVisit]:
    """The latest visits at the desk's window, newest first, with only what its list shows.

    One plain statement, as for repeat_candidates: on every desk page, the ORM took seven times as
    long to build the two querysets and their objects as PostgreSQL took to answer them (3.8 ms
    against 0.5 ms, bench/README.md)."""
    start, end = day_bounds(day)
    where = "visited_at >= %s AND visited_at < %s"
    params: list = [connection.ops.adapt_datetimefield_value(moment) for moment in (start, end)]
    if window_id is not None:
        where += " AND window_id = %s"
        params.append(window_id)
    visits: dict[int, DeskVisit] = {}
    for visit_id, at, case_id, number, persons, is_group, is_repeat, name in _rows(
        "WITH shown AS (SELECT id, visited_at, case_id, persons, is_group, is_repeat FROM intake_visit"
        f" WHERE {where} ORDER BY visited_at DESC, id DESC LIMIT {_limit(limit)})"
        " SELECT shown.id, shown.visited_at, shown.case_id, cases_case.number, shown.persons,"
        " shown.is_group, shown.is_repeat, person.name"
        " FROM shown JOIN cases_case ON cases_case.id = shown.case_id"
        " LEFT JOIN intake_attendance attendance ON attendance.visit_id = shown.id"
        " LEFT JOIN intake_petitioner person ON person.id = attendance.petitioner_id"
        " ORDER BY shown.visited_at DESC, shown.id DESC, attendance.id",
        params,
    ):
        visit = visits.get(visit_id)
        if visit is None:
            visit = visits[visit_id] = DeskVisit(
                _moment(at), case_id, number, persons, bool(is_group), bool(is_repeat), names=[]
            )
        if name is not None:
            visit.names.append(name)
    return list(visits.values())


def _without_contact() -> QuerySet[Case]:
    """Open cases none of whose petitioners can be phoned, oldest first; anonymous cases are not
    chased.

    NOT EXISTS per open case, not NOT IN over every reachable case: the latter is a hashed subplan
    of a million rows that PostgreSQL rescans per case once it outgrows work_mem."""
    reachable = Case.petitioners.through.objects.filter(
        case_id=OuterRef("pk"), petitioner__contacts__kind__in=PHONE_KINDS
    )
    # The id breaks ties of a minute: pages of the list and the desk's short list agree.
    return open_cases().filter(anonymous=False).filter(~Exists(reachable)).order_by("registered_at", "id")


def cases_missing_contact() -> QuerySet[Case]:
    return (
        _without_contact()
        .select_related("place")
        .prefetch_related(Prefetch("petitioners", queryset=_people_shown_in_lists()))
    )


@dataclass(frozen=True)
class DeskCase:
    """A line of the desk's list of cases without a phone to call."""

    id: int
    number: str
    petitioners: list[tuple[int, str]]  # (id, name), by name


def desk_cases_missing_contact(*, limit: int) -> list[DeskCase]:
    """The oldest cases missing a contact, with only what the desk shows: number and names.

    The rule of _without_contact in one plain statement, for the reason desk_visits gives (3.3 ms
    through the ORM against 0.9 ms); a test holds the two to the same cases."""
    cases: dict[int, DeskCase] = {}
    for case_id, number, petitioner_id, name in _rows(
        "WITH shown AS (SELECT id, number, registered_at FROM cases_case"
        " WHERE is_open AND NOT anonymous AND NOT EXISTS (SELECT 1 FROM cases_case_petitioners link"
        " JOIN intake_contactpoint contact ON contact.petitioner_id = link.petitioner_id"
        f" WHERE link.case_id = cases_case.id AND contact.kind IN ({_marks(PHONE_KINDS)}))"
        f" ORDER BY registered_at, id LIMIT {_limit(limit)})"
        " SELECT shown.id, shown.number, person.id, person.name FROM shown"
        " LEFT JOIN cases_case_petitioners link ON link.case_id = shown.id"
        " LEFT JOIN intake_petitioner person ON person.id = link.petitioner_id"
        # People by name, as Petitioner orders them everywhere else.
        " ORDER BY shown.registered_at, shown.id, person.name, person.id",
        list(PHONE_KINDS),
    ):
        case = cases.get(case_id)
        if case is None:
            case = cases[case_id] = DeskCase(case_id, number, petitioners=[])
        if petitioner_id is not None:
            case.petitioners.append((petitioner_id, name))
    return list(cases.values())


def petitioner_cases(petitioner: Petitioner) -> QuerySet[Case]:
    """The cases on a petitioner's page, newest first."""
    return petitioner.cases.select_related("place", "category").order_by("-registered_at", "-id")


@dataclass
class TallyRow:
    label: str
    ordinary_batches: int = 0
    ordinary_persons: int = 0
    group_batches: int = 0
    group_persons: int = 0
    new_cases: int = 0
    repeats: int = 0

    @property
    def batches(self) -> int:
        return self.ordinary_batches + self.group_batches

    @property
    def persons(self) -> int:
        return self.ordinary_persons + self.group_persons


@dataclass
class DailyTally:
    date: datetime.date
    total: TallyRow
    by_window: list[TallyRow] = field(default_factory=list)
    by_receptionist: list[TallyRow] = field(default_factory=list)


_TALLY_FIGURES = {
    "ordinary_batches": Count("id", filter=Q(is_group=False)),
    "ordinary_persons": Sum("persons", filter=Q(is_group=False), default=0),
    "group_batches": Count("id", filter=Q(is_group=True)),
    "group_persons": Sum("persons", filter=Q(is_group=True), default=0),
    "new_cases": Count("id", filter=Q(is_repeat=False)),
    "repeats": Count("id", filter=Q(is_repeat=True)),
}


WINDOW_KEY = ("window__sort_order", "window__name")
RECEPTIONIST_KEY = ("receptionist__username", "receptionist__first_name", "receptionist__last_name")


def _receptionist_label(first_name: str, last_name: str, username: str) -> str:
    return f"{last_name}{first_name}" or username


def daily_tally(*, day: datetime.date) -> DailyTally:
    """The window's day in figures: ordinary and group batches and persons, new cases, repeats;
    in all, per window and per receptionist. One query, grouped by window and receptionist (a
    few dozen rows at most), summed here: the desk page shows it on every load."""
    start, end = day_bounds(day)
    groups = (
        Visit.objects.filter(visited_at__gte=start, visited_at__lt=end)
        .values(*WINDOW_KEY, *RECEPTIONIST_KEY)
        .annotate(**_TALLY_FIGURES)
        .order_by()
    )
    total = TallyRow(label="")
    by_window: dict[tuple, TallyRow] = {}
    by_receptionist: dict[tuple, TallyRow] = {}
    for group in groups:
        window = tuple(group[key] for key in WINDOW_KEY)
        username, first_name, last_name = (group[key] for key in RECEPTIONIST_KEY)
        rows = (
            total,
            by_window.setdefault(window, TallyRow(label=group["window__name"])),
            by_receptionist.setdefault(
                (username, first_name, last_name),
                TallyRow(label=_receptionist_label(first_name, last_name, username)),
            ),
        )
        for row in rows:
            for name in _TALLY_FIGURES:
                setattr(row, name, getattr(row, name) + group[name])
    return DailyTally(
        date=day,
        total=total,
        by_window=[by_window[key] for key in sorted(by_window)],
        by_receptionist=[by_receptionist[key] for key in sorted(by_receptionist)],
    )


@dataclass(frozen=True)
class NightTally:
    """The day's figures as the nightly snapshot took them (intake.tasks): what was reported."""

    taken_at: datetime.datetime
    total: TallyRow
    changed: bool  # visits of the day registered since, so today's reading differs


def night_tally(tally: DailyTally) -> NightTally | None:
    """The snapshot of `tally`'s day beside it, or None before it is taken (until the night)."""
    snapshot = TallySnapshot.objects.filter(date=tally.date).first()
    if snapshot is None:
        return None
    figures = snapshot.figures["total"]
    total = TallyRow(label="", **{name: figures.get(name, 0) for name in _TALLY_FIGURES})
    return NightTally(taken_at=snapshot.taken_at, total=total, changed=total != tally.total)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    kind: str  # "visit" or "contact"
    visit: Visit | None = None
    contact: ContactPoint | None = None


def petitioner_history(petitioner: Petitioner) -> list[HistoryEntry]:
    """Visits and contacts added, newest first: the record shows when her son's number came in."""
    visits = petitioner.visits.select_related("case", "window", "receptionist")
    contacts = petitioner.contacts.select_related("created_by")
    entries = [HistoryEntry(at=visit.visited_at, kind="visit", visit=visit) for visit in visits]
    entries += [HistoryEntry(at=contact.created_at, kind="contact", contact=contact) for contact in contacts]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _id_number_hashes(number: str) -> list[str]:
    """The lookup hashes a typed ID number may be stored under: as a resident ID if it is a valid
    one, and as another document's number, normalised the way clean_identity stores it; each
    under the current hash key and under any being retired (README: Rotating the keys)."""
    readings = (
        (IdType.RESIDENT_ID, lambda value: parse_resident_id(value).number),
        (IdType.OTHER, normalise_other_document),
    )
    hashes = []
    for id_type, normalise in readings:
        try:
            hashes += id_number_hashes(id_type, normalise(number))
        except ValidationError:
            continue
    return hashes


def petitioner_search(*, q: str = "", id_number: str = "", phone: str = "") -> QuerySet[Petitioner]:
    """Petitioners matching any of the given look-ups, each exact (see the module docstring):
    `q` is a phone or an ID number when it has digits (names have none), else a name.
    Without a usable look-up the result is empty, never the whole register."""
    q = q.strip()
    name, typed_number = ("", q) if any(char.isdigit() for char in q) else (q, "")
    numbers = [value for value in (id_number.strip(), typed_number) if value]
    phones = [value for value in (phone.strip(), typed_number) if value]
    # As in repeat_candidates: a UNION of indexed look-ups, not an OR that scans every petitioner.
    matches = []
    if hashes := [hash_ for number in numbers for hash_ in _id_number_hashes(number)]:
        matches.append(Petitioner.objects.filter(id_number_hash__in=hashes).values("pk").order_by())
    if keys := [key for value in phones if (key := phone_lookup_key(value))]:
        matches.append(ContactPoint.objects.filter(lookup_key__in=keys).values("petitioner_id").order_by())
    if name:
        matches.append(Petitioner.objects.filter(name=name).values("pk").order_by())
    if not matches:
        return Petitioner.objects.none()
    return Petitioner.objects.filter(pk__in=matches[0].union(*matches[1:])).prefetch_related(
        Prefetch("contacts", queryset=ContactPoint.objects.select_related("created_by"))
    )
