"""Working-day arithmetic over the bureau's holiday table (DESIGN §4: "working days" skip
weekends and public holidays and count the make-up working days)."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache

from petition_desk.table_cache import CACHE_SECONDS, forget_when_changed

from .models import CalendarYear, SpecialDay

ONE_DAY = datetime.timedelta(days=1)
CALENDAR_CACHE_KEY = "workdays:calendar"


@dataclass(frozen=True)
class Calendar:
    """The bureau's holiday table: a few dozen rows a year, read on every clock started."""

    special: dict[datetime.date, bool]
    known_years: frozenset[int]

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.special:
            return self.special[day]
        return day.weekday() < 5

    def is_known(self, day: datetime.date) -> bool:
        return day.year in self.known_years


def bureau_calendar() -> Calendar:
    """The whole table, from the shared cache until a row of it changes."""
    return cache.get_or_set(
        CALENDAR_CACHE_KEY,
        lambda: Calendar(
            special=dict(SpecialDay.objects.values_list("date", "is_working_day")),
            known_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
        ),
        CACHE_SECONDS,
    )


def keep_calendar_cached() -> None:
    forget_when_changed([CALENDAR_CACHE_KEY], SpecialDay, CalendarYear)


@dataclass(frozen=True)
class DueDate:
    date: datetime.date
    # True when a year on the way has no published holiday data yet: weekends only were skipped.
    provisional: bool


def add_working_days(start: datetime.date, days: int) -> DueDate:
    """The date `days` working days after `start` (the start day itself not counted)."""
    calendar = bureau_calendar()
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
    return bureau_calendar().is_working_day(day)
