"""Working-day arithmetic over the bureau's holiday table (DESIGN §4: "working days" skip
weekends and public holidays and count the make-up working days)."""

import datetime
from dataclasses import dataclass

from .models import CalendarYear, SpecialDay

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    """The holiday table for a span of dates, read in two queries."""

    special: dict[datetime.date, bool]
    known_years: frozenset[int]

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.special:
            return self.special[day]
        return day.weekday() < 5

    def is_known(self, day: datetime.date) -> bool:
        return day.year in self.known_years


def calendar_between(start: datetime.date, end: datetime.date) -> Calendar:
    special = dict(SpecialDay.objects.filter(date__range=(start, end)).values_list("date", "is_working_day"))
    known = CalendarYear.objects.filter(year__range=(start.year, end.year)).values_list("year", flat=True)
    return Calendar(special=special, known_years=frozenset(known))


@dataclass(frozen=True)
class DueDate:
    date: datetime.date
    # True when a year on the way has no published holiday data yet: weekends only were skipped.
    provisional: bool


def add_working_days(start: datetime.date, days: int) -> DueDate:
    """The date `days` working days after `start` (the start day itself not counted)."""
    # Even the longest Golden Week does not need more than three calendar days per working day.
    calendar = calendar_between(start, start + datetime.timedelta(days=days * 3 + 14))
    day, counted, provisional = start, 0, False
    while counted < days:
        day += ONE_DAY
        provisional = provisional or not calendar.is_known(day)
        if calendar.is_working_day(day):
            counted += 1
    return DueDate(day, provisional)


def add_days(start: datetime.date, days: int) -> DueDate:
    """Calendar days: the deadline itself is never provisional."""
    return DueDate(start + datetime.timedelta(days=days), False)


def is_working_day(day: datetime.date) -> bool:
    return calendar_between(day, day).is_working_day(day)
