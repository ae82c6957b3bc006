import datetime

import chinese_calendar
from chinese_calendar import constants
from django.db import transaction
from django.db.models import Max

from .models import CalendarYear, SpecialDay

PACKAGE_SOURCE = "chinese-calendar"


def holiday_name(package_name: str) -> str:
    """The package names its days in English ("Spring Festival"); the bureau's calendar reads 春节."""
    try:
        return chinese_calendar.Holiday(package_name).chinese
    except ValueError:
        return package_name


def package_years() -> list[int]:
    return sorted({day.year for day in constants.holidays})


def new_package_years() -> list[int]:
    """The years the package knows beyond the newest one in the table: what an upgrade of the
    package brings. Years already loaded may carry the administrator's corrections."""
    newest = CalendarYear.objects.aggregate(newest=Max("year"))["newest"] or 0
    return [year for year in package_years() if year > newest]


def calendar_year_load(*, year: int) -> int:
    """Replace the year's holidays and make-up days with what the chinese-calendar package
    publishes; returns how many special days were loaded. A year the package does not know is
    refused (NotImplementedError from the package) rather than loaded empty."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    chinese_calendar.is_workday(first)  # raises NotImplementedError for an unknown year
    days = [
        SpecialDay(date=day, is_working_day=False, name=holiday_name(name))
        for day, name in constants.holidays.items()
        if day.year == year and day.weekday() < 5
    ] + [
        SpecialDay(date=day, is_working_day=True, name=holiday_name(name))
        for day, name in constants.workdays.items()
        if day.year == year
    ]
    with transaction.atomic():
        SpecialDay.objects.filter(date__range=(first, last)).delete()
        SpecialDay.objects.bulk_create(days)
        CalendarYear.objects.update_or_create(year=year, defaults={"source": PACKAGE_SOURCE})
    return len(days)
