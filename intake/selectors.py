"""Queries of the window desk. Every look-up that runs while the receptionist types is an exact
match on an indexed column: no keystroke scans the petitioners."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from cases.models import FINISHED_STATUSES, Case

from .models import PHONE_KINDS, ContactPoint, IdType, Petitioner, Visit
from .services import id_number_hash
from .validators import parse_resident_id, phone_lookup_key

CANDIDATE_LIMIT = 10
RECENT_VISITS_SHOWN = 5


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The bureau's local day as an aware half-open interval."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def open_cases() -> QuerySet[Case]:
    return Case.objects.exclude(status__in=FINISHED_STATUSES)


def repeat_candidates(
    *, id_number: str = "", phone: str = "", name: str = "", place_id: int | None = None
) -> list[Petitioner]:
    """Petitioners who may have come before: same ID number, same phone, or the same name at the
    same place; each with their latest visits and their open cases."""
    conditions = Q()
    number = id_number.strip()
    if number:
        try:
            conditions |= Q(
                id_number_hash=id_number_hash(IdType.RESIDENT_ID, parse_resident_id(number).number)
            )
        except ValidationError:
            # Not a valid resident ID (yet, while typing): it may be another document's number.
            conditions |= Q(id_number_hash=id_number_hash(IdType.OTHER, number.upper()))
    key = phone_lookup_key(phone) if phone.strip() else None
    if key:
        conditions |= Q(pk__in=ContactPoint.objects.filter(lookup_key=key).values("petitioner_id"))
    if name.strip() and place_id:
        conditions |= Q(
            pk__in=Case.petitioners.through.objects.filter(
                petitioner__name=name.strip(), case__place_id=place_id
            ).values("petitioner_id")
        )
    if not conditions:
        return []
    return list(
        Petitioner.objects.filter(conditions).prefetch_related(
            Prefetch("contacts", queryset=ContactPoint.objects.order_by("-is_primary", "-created_at")),
            Prefetch(
                "cases",
                queryset=open_cases().select_related("place").order_by("-registered_at"),
                to_attr="open_cases",
            ),
        )[:CANDIDATE_LIMIT]
    )


def recent_visits_of(petitioner: Petitioner, limit: int = RECENT_VISITS_SHOWN) -> QuerySet[Visit]:
    return petitioner.visits.select_related("case", "window").order_by("-visited_at")[:limit]


def visits_on(*, day: datetime.date, window_id: int | None = None) -> QuerySet[Visit]:
    start, end = day_bounds(day)
    visits = Visit.objects.filter(visited_at__gte=start, visited_at__lt=end)
    if window_id is not None:
        visits = visits.filter(window_id=window_id)
    return (
        visits.select_related("window", "receptionist", "case")
        .prefetch_related("attendances__petitioner")
        .order_by("-visited_at", "-id")
    )


def cases_missing_contact() -> QuerySet[Case]:
    """Open cases none of whose petitioners can be phoned; anonymous cases are not chased."""
    reachable = Case.petitioners.through.objects.filter(petitioner__contacts__kind__in=PHONE_KINDS).values(
        "case_id"
    )
    return (
        open_cases()
        .filter(anonymous=False)
        .exclude(pk__in=reachable)
        .select_related("place")
        .prefetch_related("petitioners")
        .order_by("registered_at")
    )


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


def _rows(visits: QuerySet[Visit], group_by: str, label_of) -> list[TallyRow]:
    rows = visits.values(*group_by).annotate(**_TALLY_FIGURES).order_by(*group_by)
    return [TallyRow(label=label_of(row), **{name: row[name] for name in _TALLY_FIGURES}) for row in rows]


def daily_tally(*, day: datetime.date) -> DailyTally:
    """The window's day in figures: ordinary and group batches and persons, new cases, repeats;
    in all, per window and per receptionist."""
    start, end = day_bounds(day)
    visits = Visit.objects.filter(visited_at__gte=start, visited_at__lt=end)
    total = TallyRow(label="", **visits.aggregate(**_TALLY_FIGURES))
    return DailyTally(
        date=day,
        total=total,
        by_window=_rows(visits, ("window__sort_order", "window__name"), lambda row: row["window__name"]),
        by_receptionist=_rows(
            visits,
            ("receptionist__username", "receptionist__first_name", "receptionist__last_name"),
            lambda row: (
                f"{row['receptionist__last_name']}{row['receptionist__first_name']}"
                or row["receptionist__username"]
            ),
        ),
    )
