"""The leaders' figures for a period (issue 4 §3): one selector per group of figures, each a
single aggregate query, so a year of a million cases is counted by PostgreSQL, not by Python."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intake.models import Visit

from .clocks import REMINDED
from .models import Case, CaseEvent, Clock, ClockKind, Forwarding, Satisfaction, SupervisionNotice
from .workflow import Action

# A year, a leap year included: one request never aggregates more than that.
LONGEST_PERIOD_DAYS = 366


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


def period_error(start: datetime.date, end: datetime.date) -> str | None:
    """Why the days `start` to `end` are not a period the figures are counted for, if they are not."""
    if end < start:
        return gettext("The last day cannot be before the first.")
    if (end - start).days + 1 > LONGEST_PERIOD_DAYS:
        return gettext("A period is at most %(days)d days long.") % {"days": LONGEST_PERIOD_DAYS}
    return None


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
    def persons(self) -> int:
        return self.ordinary_persons + self.group_persons

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
    cases = cases_registered(period).filter(**{f"{field}__isnull": False})
    if field == "department":
        # A department that gave a case back does not handle it (Case.department_gave_back).
        cases = cases.exclude(department_gave_back=True)
    rows = (
        cases.values(f"{field}_id", f"{field}__name")
        .annotate(cases=Count("id"))
        .order_by("-cases", f"{field}__name")
    )
    return [CountRow(id=row[f"{field}_id"], name=row[f"{field}__name"], cases=row["cases"]) for row in rows]


class Measure(models.TextChoices):
    """The time limits whose keeping the dashboard reports, each read from one kind of clock."""

    FORWARDING = "forwarding", _("Forwarding (15 days)")
    RECEIPT_NOTICE = "receipt_notice", _("Receipt notice (15 days)")
    ACCEPTANCE = "acceptance", _("Acceptance or return (5 working days)")
    CONCLUSION = "conclusion", _("Conclusion (60 days)")


# Forwarding: the bureau registers and forwards (Art. 22), stopped when the case reaches its
# department or is answered at the window. Receipt notice: the department tells the petitioner
# (Art. 23), stopped on accept, decline or return. Acceptance: the department's five working days
# to object (Art. 23), stopped the same way. Conclusion: handling (Art. 34, extensions included),
# stopped by the reply. Closing a case stops the clocks of these measures.
MEASURE_CLOCKS = {
    Measure.FORWARDING: ClockKind.FORWARD,
    Measure.RECEIPT_NOTICE: ClockKind.NOTIFY_RECEIPT,
    Measure.ACCEPTANCE: ClockKind.RETURN,
    Measure.CONCLUSION: ClockKind.HANDLING,
}
# The figure `clocks`/`on_time` of a department row reported before the split per measure.
DEPARTMENT_TIMED = (Measure.RECEIPT_NOTICE, Measure.CONCLUSION)


@dataclass(frozen=True)
class OnTime:
    """Clocks stopped in the period and how many of them on or before their due day."""

    clocks: int = 0
    on_time: int = 0

    @property
    def rate(self) -> float:
        return ratio(self.on_time, self.clocks)

    def __add__(self, other: "OnTime") -> "OnTime":
        return OnTime(clocks=self.clocks + other.clocks, on_time=self.on_time + other.on_time)


@dataclass(frozen=True)
class OnTimeRow:
    """One department's figures, every measure present."""

    department_id: int
    department_name: str
    measures: dict[str, OnTime]

    @property
    def department_limits(self) -> OnTime:
        return sum((self.measures[measure] for measure in DEPARTMENT_TIMED), OnTime())

    @property
    def clocks(self) -> int:
        return self.department_limits.clocks

    @property
    def on_time(self) -> int:
        return self.department_limits.on_time

    @property
    def rate(self) -> float:
        return self.department_limits.rate


def _stopped_clocks(period: Period) -> QuerySet[Clock]:
    # A clock stopped on its due day is on time, whatever the hour: compare local dates.
    return Clock.objects.filter(_within(period, "stopped_at")).annotate(stopped_on=TruncDate("stopped_at"))


def _on_time_figures(prefix: str = "", **where) -> dict:
    counted = Q(**where)
    return {
        f"{prefix}clocks": Count("id", filter=counted),
        f"{prefix}on_time": Count("id", filter=counted & Q(stopped_on__lte=F("due_on"))),
    }


def on_time_by_department(period: Period) -> list[OnTimeRow]:
    """Per department, the clocks of each measure stopped in the period and how many of them
    before they were due. The bureau's forwarding clock belongs to no department: it counts for
    the department whose delivery stopped it; one stopped otherwise (answered at the window,
    closed) counts for the whole bureau only (`on_time_forwarding`)."""
    delivered_to = Forwarding.objects.filter(
        case_id=OuterRef("case_id"), created_at__lte=OuterRef("stopped_at")
    ).order_by("-created_at", "-pk")
    figures = {}
    for measure, kind in MEASURE_CLOCKS.items():
        figures |= _on_time_figures(f"{measure}_", kind=kind)
    rows = (
        _stopped_clocks(period)
        .filter(kind__in=MEASURE_CLOCKS.values())
        # COALESCE evaluates the look-ups only for the clocks without a department of their own.
        .annotate(
            whose_id=Coalesce(
                "department_id",
                Subquery(delivered_to.values("department_id")[:1]),
                output_field=models.BigIntegerField(),
            ),
            whose_name=Coalesce("department__name", Subquery(delivered_to.values("department__name")[:1])),
        )
        .filter(whose_id__isnull=False)
        .values("whose_id", "whose_name")
        .annotate(**figures)
        .order_by("whose_name", "whose_id")
    )
    return [
        OnTimeRow(
            department_id=row["whose_id"],
            department_name=row["whose_name"],
            measures={
                measure: OnTime(clocks=row[f"{measure}_clocks"], on_time=row[f"{measure}_on_time"])
                for measure in Measure.values
            },
        )
        for row in rows
    ]


def on_time_forwarding(period: Period) -> OnTime:
    """The bureau's own forwarding clocks (Art. 22) stopped in the period, however they stopped."""
    return OnTime(**_stopped_clocks(period).aggregate(**_on_time_figures(kind=ClockKind.FORWARD)))


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
        .exclude(department_gave_back=True)
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
    forward: OnTime
    satisfaction: list[SatisfactionRow]
    overdue: int
    supervision_notices: int

    @property
    def on_time_whole_bureau(self) -> dict[str, OnTime]:
        """Each measure over the whole bureau: the departments' sums, and for forwarding every
        forwarding clock, those of cases answered at the window included."""
        whole = {
            measure: sum((row.measures[measure] for row in self.on_time), OnTime())
            for measure in Measure.values
        }
        return {**whole, Measure.FORWARDING: self.forward}


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
