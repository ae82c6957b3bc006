import datetime

import chinese_calendar
from chinese_calendar import constants
from django.db import transaction

from .models import CalendarYear, SpecialDay

PACKAGE_SOURCE = "chinese-calendar"


def package_years() -> list[int]:
    return sorted({day.year for day in constants.holidays})


def calendar_year_load(*, year: int) -> int:
    """Replace the year's holidays and make-up days with what the chinese-calendar package
    publishes; returns how many special days were loaded. A year the package does not know is
    refused (NotImplementedError from the package) rather than loaded empty."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    chinese_calendar.is_workday(first)  # raises NotImplementedError for an unknown year
    days = [
        SpecialDay(date=day, is_working_day=False, name=name)
        for day, name in constants.holidays.items()
        if day.year == year and day.weekday() < 5
    ] + [
        SpecialDay(date=day, is_working_day=True, name=name)
        for day, name in constants.workdays.items()
        if day.year == year
    ]
    with transaction.atomic():
        SpecialDay.objects.filter(date__range=(first, last)).delete()
        SpecialDay.objects.bulk_create(days)
        CalendarYear.objects.update_or_create(year=year, defaults={"source": PACKAGE_SOURCE})
    return len(days)
