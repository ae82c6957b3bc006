"""The leaders' figures for a period (issue 4 §3): one selector per group of figures, each a
single aggregate query, so a year of a million cases is counted by PostgreSQL, not by Python."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from intake.models import Visit

from .clocks import REMINDED
from .models import Case, CaseEvent, Clock, ClockKind, Satisfaction, SupervisionNotice
from .workflow import Action

# The department's own limits whose keeping the dashboard reports per department.
DEPARTMENT_TIMED = (ClockKind.NOTIFY_RECEIPT, ClockKind.HANDLING)


@dataclass(frozen=True)
class Period:
    """Local days `start` to `end`, both included."""

    start: datetime.date
    end: datetime.date

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as an aware half-open interval of the bureau's local time."""
        first = timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))
        after = timezone.make_aware(datetime.datetime.combine(self.end, datetime.time.min))
        return first, after + datetime.timedelta(days=1)


def ratio(part: int, whole: int) -> float:
    """A rate to three decimals; 0 when there is nothing to count."""
    return round(part / whole, 3) if whole else 0.0


def _within(period: Period, field: str) -> Q:
    start, end = period.bounds
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


@dataclass(frozen=True)
class VisitFigures:
    ordinary_batches: int
    ordinary_persons: int
    group_batches: int
    group_persons: int
    repeat_visits: int

    @property
    def visits(self) -> int:
        return self.ordinary_batches + self.group_batches

    @property
    def repeat_rate(self) -> float:
        return ratio(self.repeat_visits, self.visits)


def visit_figures(period: Period) -> VisitFigures:
    """Batches and persons of ordinary and group visits, and how many visits were repeats."""
    return VisitFigures(
        **Visit.objects.filter(_within(period, "visited_at")).aggregate(
            ordinary_batches=Count("id", filter=Q(is_group=False)),
            ordinary_persons=Sum("persons", filter=Q(is_group=False), default=0),
            group_batches=Count("id", filter=Q(is_group=True)),
            group_persons=Sum("persons", filter=Q(is_group=True), default=0),
            repeat_visits=Count("id", filter=Q(is_repeat=True)),
        )
    )


def cases_registered(period: Period) -> QuerySet[Case]:
    return Case.objects.filter(_within(period, "registered_at"))


@dataclass(frozen=True)
class CountRow:
    id: int
    name: str
    cases: int


def cases_by(period: Period, field: str) -> list[CountRow]:
    """New cases per category, subject area, place or receiving department (a foreign key of
    Case), most first; cases without one are left out."""
    rows = (
        cases_registered(period)
        .filter(**{f"{field}__isnull": False})
        .values(f"{field}_id", f"{field}__name")
        .annotate(cases=Count("id"))
        .order_by("-cases", f"{field}__name")
    )
    return [CountRow(id=row[f"{field}_id"], name=row[f"{field}__name"], cases=row["cases"]) for row in rows]


@dataclass(frozen=True)
class OnTimeRow:
    department_id: int | None
    department_name: str
    clocks: int
    on_time: int

    @property
    def rate(self) -> float:
        return ratio(self.on_time, self.clocks)


def _stopped_clocks(period: Period) -> QuerySet[Clock]:
    # A clock stopped on its due day is on time, whatever the hour: compare local dates.
    return Clock.objects.filter(_within(period, "stopped_at")).annotate(stopped_on=TruncDate("stopped_at"))


_ON_TIME_FIGURES = {"clocks": Count("id"), "on_time": Count("id", filter=Q(stopped_on__lte=F("due_on")))}


def on_time_by_department(period: Period) -> list[OnTimeRow]:
    """Receipt-notice and handling clocks stopped in the period, per department, and how many of
    them before they were due."""
    rows = (
        _stopped_clocks(period)
        .filter(kind__in=DEPARTMENT_TIMED, department__isnull=False)
        .values("department_id", "department__name")
        .annotate(**_ON_TIME_FIGURES)
        .order_by("department__name")
    )
    return [
        OnTimeRow(
            department_id=row["department_id"],
            department_name=row["department__name"],
            clocks=row["clocks"],
            on_time=row["on_time"],
        )
        for row in rows
    ]


def on_time_forwarding(period: Period) -> OnTimeRow:
    """The bureau's own forwarding clocks (Art. 22) stopped in the period."""
    figures = (
        _stopped_clocks(period)
        .filter(kind=ClockKind.FORWARD, department__isnull=True)
        .aggregate(**_ON_TIME_FIGURES)
    )
    return OnTimeRow(department_id=None, department_name="", **figures)


@dataclass(frozen=True)
class SatisfactionRow:
    department_id: int
    department_name: str
    satisfied: int
    basically_satisfied: int
    dissatisfied: int

    @property
    def total(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def rate(self) -> float:
        return ratio(self.satisfied + self.basically_satisfied, self.total)


def satisfaction_by_department(period: Period) -> list[SatisfactionRow]:
    """The petitioners' rating of the receiving department, over cases followed up in the
    period; a case called twice counts once, with its latest rating."""
    followed_up = CaseEvent.objects.filter(
        _within(period, "created_at"), case_id=OuterRef("pk"), action=Action.FOLLOW_UP
    )
    rows = (
        Case.objects.filter(Exists(followed_up), department__isnull=False)
        .exclude(satisfaction_department="")
        .values("department_id", "department__name")
        .annotate(
            **{
                rating: Count("id", filter=Q(satisfaction_department=rating))
                for rating in Satisfaction.values
            }
        )
        .order_by("department__name")
    )
    return [
        SatisfactionRow(
            department_id=row["department_id"],
            department_name=row["department__name"],
            **{rating: row[rating] for rating in Satisfaction.values},
        )
        for row in rows
    ]


def overdue_clocks(today: datetime.date) -> int:
    """Clocks somebody is chased about that are still running past their due date."""
    return Clock.objects.filter(stopped_at__isnull=True, kind__in=REMINDED, due_on__lt=today).count()


def supervision_notices_sent(period: Period) -> int:
    return SupervisionNotice.objects.filter(_within(period, "sent_at")).count()


@dataclass(frozen=True)
class Summary:
    period: Period
    visits: VisitFigures
    new_cases: int
    by_category: list[CountRow]
    by_subject_area: list[CountRow]
    by_place: list[CountRow]
    by_department: list[CountRow]
    on_time: list[OnTimeRow]
    forward: OnTimeRow
    satisfaction: list[SatisfactionRow]
    overdue: int
    supervision_notices: int


def summary(period: Period, *, today: datetime.date | None = None) -> Summary:
    """Every figure of the leaders' dashboard; `overdue` is as of `today`, not of the period."""
    return Summary(
        period=period,
        visits=visit_figures(period),
        new_cases=cases_registered(period).count(),
        by_category=cases_by(period, "category"),
        by_subject_area=cases_by(period, "subject_area"),
        by_place=cases_by(period, "place"),
        by_department=cases_by(period, "department"),
        on_time=on_time_by_department(period),
        forward=on_time_forwarding(period),
        satisfaction=satisfaction_by_department(period),
        overdue=overdue_clocks(today or timezone.localdate()),
        supervision_notices=supervision_notices_sent(period),
    )
